/*
 * form_internal.h: the multipart parser form.c hands multipart bodies to.
 */

#ifndef GW_FORM_INTERNAL_H
#define GW_FORM_INTERNAL_H

#include "gateway.h"

int gw_parse_multipart(gw_arena_t *a, gw_str_t boundary, gw_str_t body,
    gw_multidict_t *form, gw_files_t *files, const char **error);

#endif /* GW_FORM_INTERNAL_H */
