/*
 * form.c: request bodies into form fields and files, by content type.
 */

#include "form_internal.h"
#include "header_params.h"

#include <string.h>
#include <strings.h>


int
gw_parse_form(gw_arena_t *a, gw_str_t content_type, gw_str_t body,
    gw_multidict_t *form, gw_files_t *files, const char **error)
{
    gw_str_t  type, boundary;
    int       rc;

    *error = NULL;
    type = gw_header_mimetype(content_type);

    if (type.len == 33
        && strncasecmp(type.data, "application/x-www-form-urlencoded", 33)
           == 0)
    {
        if (gw_parse_query(a, body, form) != GW_OK) {
            *error = "malformed percent-encoding in form body";
            return GW_ERROR;
        }
        return GW_OK;
    }

    if (type.len == 19
        && strncasecmp(type.data, "multipart/form-data", 19) == 0)
    {
        rc = gw_header_param(a, content_type, "boundary", &boundary);
        if (rc == GW_ERROR) {
            *error = "out of memory";
            return GW_ERROR;
        }
        if (rc == 0 || boundary.len == 0 || boundary.len > 200) {
            *error = "multipart/form-data without a valid boundary";
            return GW_ERROR;
        }
        return gw_parse_multipart(a, boundary, body, form, files, error);
    }

    return GW_OK;
}
