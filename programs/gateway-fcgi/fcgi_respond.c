/*
 * fcgi_respond.c: the body in, the response out.  libfcgi's stream calls
 * take int lengths: everything goes through them in chunks, so no length
 * is ever cast down.
 */

#include "fcgi_respond.h"

#include <stdio.h>
#include <string.h>

#define GW_FCGI_CHUNK  (1 << 20)


int
gw_fcgi_read_body(FCGX_Request *req, char *body, size_t len)
{
    size_t  got, want;
    int     n;

    for (got = 0; got < len; got += (size_t) n) {
        want = len - got < GW_FCGI_CHUNK ? len - got : GW_FCGI_CHUNK;
        n = FCGX_GetStr(body + got, (int) want, req->in);
        if (n <= 0) {
            return GW_ERROR;
        }
    }

    return GW_OK;
}


static int
gw_fcgi_put(FCGX_Request *req, const char *p, size_t len)
{
    size_t  n;

    while (len > 0) {
        n = len < GW_FCGI_CHUNK ? len : GW_FCGI_CHUNK;
        if (FCGX_PutStr(p, (int) n, req->out) != (int) n) {
            return GW_ERROR;
        }
        p += n;
        len -= n;
    }

    return GW_OK;
}


/* The header block is built in one buffer and written with one call:
 * libfcgi's printf is far slower than the few bytes it formats.  The
 * loader already dropped the headers that belong to the connection. */
int
gw_fcgi_respond(FCGX_Request *req, gw_response_t *resp)
{
    size_t        i;
    gw_buf_t      b;
    gw_header_t  *h;

    gw_buf_init(&b, resp->arena, 256);

    if (gw_buf_printf(&b, "Status: %d %s\r\n", resp->status,
                      gw_status_reason(resp->status))
        != GW_OK)
    {
        return GW_ERROR;
    }

    for (i = 0; i < resp->nheaders; i++) {
        h = &resp->headers[i];

        if (gw_buf_append(&b, h->name.data, h->name.len) != GW_OK
            || gw_buf_append(&b, ": ", 2) != GW_OK
            || gw_buf_append(&b, h->value.data, h->value.len) != GW_OK
            || gw_buf_append(&b, "\r\n", 2) != GW_OK)
        {
            return GW_ERROR;
        }
    }

    if (gw_buf_printf(&b, "Content-Length: %zu\r\n\r\n", resp->body_len)
        != GW_OK)
    {
        return GW_ERROR;
    }

    if (gw_fcgi_put(req, b.data, b.len) != GW_OK) {
        return GW_ERROR;
    }

    for (i = 0; i < resp->nbody; i++) {
        if (gw_fcgi_put(req, resp->body[i].data, resp->body[i].len)
            != GW_OK)
        {
            return GW_ERROR;
        }
    }

    return GW_OK;
}


void
gw_fcgi_respond_error(FCGX_Request *req, int status, const char *msg)
{
    char  buf[512];
    int   n;

    n = snprintf(buf, sizeof(buf), "Status: %d %s\r\n"
                 "Content-Type: text/plain; charset=utf-8\r\n"
                 "Content-Length: %zu\r\n\r\n%s\n", status,
                 gw_status_reason(status), strlen(msg) + 1, msg);

    if (n > 0 && (size_t) n < sizeof(buf)) {
        FCGX_PutStr(buf, n, req->out);
    }
}
