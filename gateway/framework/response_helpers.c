/*
 * response_helpers.c: Flask's redirect() and header helpers that log why a
 * header was refused (CR/LF in a value) before the request turns into 500.
 */

#include "fw.h"

#include <string.h>


int
gw_redirect(gw_request_t *req, gw_response_t *resp, const char *location,
    int status)
{
    gw_buf_t  b;
    size_t    len;

    if (status == 0) {
        status = 302;
    }
    if (status < 300 || status > 399) {
        return gw_fail(req, "redirect: status %d is not 3xx", status);
    }

    if (gw_response_set_header(resp, "Location", location) != GW_OK) {
        return gw_fail(req, "redirect: refused Location header (CR, LF or "
                       "NUL in the value)");
    }

    len = strlen(location);
    gw_buf_init(&b, req->arena, 256 + 2 * len);
    if (gw_buf_appends(&b, "<!doctype html>\n<html lang=en>\n"
                       "<title>Redirecting...</title>\n"
                       "<h1>Redirecting...</h1>\n"
                       "<p>You should be redirected automatically to the "
                       "target URL: <a href=\"")
        || gw_html_escape(&b, location, len)
        || gw_buf_appends(&b, "\">")
        || gw_html_escape(&b, location, len)
        || gw_buf_appends(&b, "</a>. If not, click the link.\n")
        || gw_response_set_header(resp, "Content-Type",
                                  "text/html; charset=utf-8"))
    {
        return gw_fail(req, "redirect: out of memory");
    }

    gw_response_set_status(resp, status);
    gw_response_clear_body(resp);
    return gw_response_write_ref(resp, b.data, b.len);
}


int
gw_header_set(gw_request_t *req, gw_response_t *resp, const char *name,
    const char *value)
{
    if (gw_response_set_header(resp, name, value) != GW_OK) {
        return gw_fail(req, "refused header '%s' (bad name, or CR, LF or "
                       "NUL in the value)", name);
    }
    return GW_OK;
}


int
gw_header_add(gw_request_t *req, gw_response_t *resp, const char *name,
    const char *value)
{
    if (gw_response_add_header(resp, name, value) != GW_OK) {
        return gw_fail(req, "refused header '%s' (bad name, or CR, LF or "
                       "NUL in the value)", name);
    }
    return GW_OK;
}
