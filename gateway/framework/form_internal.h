/*
 * form_internal.h: what form.c and multipart.c share: reading the
 * parameters of a header value ("form-data; name=\"a\"; filename=b").
 */

#ifndef GW_FORM_INTERNAL_H
#define GW_FORM_INTERNAL_H

#include "gateway.h"

/*
 * The value of parameter name (case-insensitive) in a header value of the
 * form "type; a=1; b=\"two\"": quoted values are unquoted into the arena.
 * Returns 1 and sets *out when present, 0 when absent, GW_ERROR when out
 * of memory.
 */
int gw_header_param(gw_arena_t *a, gw_str_t header, const char *name,
    gw_str_t *out);

/* The media type before any ';', trimmed: "multipart/form-data". */
gw_str_t gw_header_mimetype(gw_str_t header);

int gw_parse_multipart(gw_arena_t *a, gw_str_t boundary, gw_str_t body,
    gw_multidict_t *form, gw_files_t *files, const char **error);

#endif /* GW_FORM_INTERNAL_H */
