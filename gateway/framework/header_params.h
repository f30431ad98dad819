/*
 * header_params.h: the type and the parameters of a header value such as
 * Content-Type or Content-Disposition ("type; a=1; b=\"two\"").
 */

#ifndef GW_HEADER_PARAMS_H
#define GW_HEADER_PARAMS_H

#include "gw_core.h"

/* The media type before any ';', trimmed: "multipart/form-data". */
gw_str_t gw_header_mimetype(gw_str_t header);

/*
 * The value of parameter name (case-insensitive) in a header value of the
 * form "type; a=1; b=\"two\"": quoted values are unquoted into the arena.
 * Returns 1 and sets *out when present, 0 when absent, GW_ERROR when out
 * of memory.
 */
int gw_header_param(gw_arena_t *a, gw_str_t header, const char *name,
    gw_str_t *out);

#endif /* GW_HEADER_PARAMS_H */
