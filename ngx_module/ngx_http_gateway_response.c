
/*
 * ngx_http_gateway_response.c: sends what the application answered: its
 * status, every header in order (repeated ones stay repeated), a computed
 * Content-Length, and the body segments as nginx buffers, without copying.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_gateway.h"


static ngx_int_t
ngx_http_gateway_header_is(gw_header_t *h, const char *name, size_t len)
{
    return h->name.len == len
           && ngx_strncasecmp((u_char *) h->name.data, (u_char *) name, len)
              == 0;
}


ngx_int_t
ngx_http_gateway_send_response(ngx_http_request_t *r,
    ngx_http_gateway_ctx_t *ctx)
{
    size_t            i;
    ngx_int_t         rc;
    ngx_buf_t        *b;
    gw_header_t      *h;
    ngx_chain_t      *out, **ll, *cl;
    gw_response_t    *resp;
    ngx_table_elt_t  *t;
    u_char           *line;
    const char       *reason;

    resp = &ctx->resp;

    r->headers_out.status = resp->status;

    /*
     * The reason phrase the app's status has through fastcgi_pass (and in
     * Flask), not nginx's own ("405 Not Allowed", "302 Moved
     * Temporarily").  200, 204 and 304 read the same in both, and nginx's
     * header filter makes 204 and 304 bodiless only when it writes their
     * line itself.
     */
    reason = gw_status_reason(resp->status);

    if (resp->status != 200 && resp->status != 204 && resp->status != 304
        && reason[0] != '\0')
    {
        line = ngx_pnalloc(r->pool, NGX_INT_T_LEN + 1 + ngx_strlen(reason));
        if (line == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        r->headers_out.status_line.data = line;
        r->headers_out.status_line.len = ngx_sprintf(line, "%i %s",
                                                     resp->status, reason)
                                         - line;
    }
    r->headers_out.content_length_n = resp->body_len;

    for (i = 0; i < resp->nheaders; i++) {
        h = &resp->headers[i];

        if (ngx_http_gateway_header_is(h, "Content-Type", 12)) {
            r->headers_out.content_type.data = (u_char *) h->value.data;
            r->headers_out.content_type.len = h->value.len;
            r->headers_out.content_type_len = h->value.len;
            r->headers_out.content_type_lowcase = NULL;
            continue;
        }

        t = ngx_list_push(&r->headers_out.headers);
        if (t == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        t->hash = 1;
        t->key.data = (u_char *) h->name.data;
        t->key.len = h->name.len;
        t->value.data = (u_char *) h->value.data;
        t->value.len = h->value.len;
        t->lowcase_key = NULL;

        /*
         * The app's Date and Server replace nginx's own, and a repeat is
         * dropped, as nginx treats them when they come through fastcgi_pass
         */
        if (ngx_http_gateway_header_is(h, "Date", 4)) {
            if (r->headers_out.date != NULL) {
                t->hash = 0;
            } else {
                r->headers_out.date = t;
            }

        } else if (ngx_http_gateway_header_is(h, "Server", 6)) {
            if (r->headers_out.server != NULL) {
                t->hash = 0;
            } else {
                r->headers_out.server = t;
            }
        }

        /*
         * Location stays an ordinary header: set as headers_out.location,
         * nginx would rewrite a relative one into an absolute URL.
         */
    }

    if (resp->body_len == 0) {
        r->header_only = 1;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out = NULL;
    ll = &out;

    for (i = 0; i < resp->nbody; i++) {
        b = ngx_calloc_buf(r->pool);
        if (b == NULL) {
            return NGX_ERROR;
        }

        b->pos = (u_char *) resp->body[i].data;
        b->last = b->pos + resp->body[i].len;
        b->memory = 1;

        cl = ngx_alloc_chain_link(r->pool);
        if (cl == NULL) {
            return NGX_ERROR;
        }

        cl->buf = b;
        cl->next = NULL;
        *ll = cl;
        ll = &cl->next;
    }

    if (out == NULL) {
        return NGX_OK;
    }

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    return ngx_http_output_filter(r, out);
}
