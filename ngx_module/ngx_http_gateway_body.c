
/*
 * ngx_http_gateway_body.c: the request body nginx read, as one byte string
 * for gateway.input.  A body in a single memory buffer is passed as it is;
 * one split over buffers or spooled to a temporary file is gathered once.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_gateway.h"


ngx_int_t
ngx_http_gateway_body(ngx_http_request_t *r, gw_str_t *body)
{
    off_t         size;
    u_char       *p;
    ssize_t       n;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    cl = r->request_body->bufs;

    if (cl == NULL) {
        return NGX_OK;
    }

    b = cl->buf;
    if (cl->next == NULL && ngx_buf_in_memory(b) && !b->in_file) {
        body->data = (const char *) b->pos;
        body->len = b->last - b->pos;
        return NGX_OK;
    }

    size = 0;
    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        size += ngx_buf_size(cl->buf);
    }

    if (size == 0) {
        return NGX_OK;
    }

    p = ngx_palloc(r->pool, (size_t) size);
    if (p == NULL) {
        return NGX_ERROR;
    }

    body->data = (const char *) p;
    body->len = (size_t) size;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (b->in_file) {
            n = ngx_read_file(b->file, p, (size_t) (b->file_last
                                                    - b->file_pos),
                              b->file_pos);
            if (n != b->file_last - b->file_pos) {
                ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                              "gateway: short read of request body from "
                              "\"%V\"", &b->file->name);
                return NGX_ERROR;
            }
            p += n;
            continue;
        }

        /* a chunked body ends with an empty buffer whose pos may be NULL,
         * and memcpy from NULL is undefined even for no bytes */
        if (b->last != b->pos) {
            p = ngx_cpymem(p, b->pos, b->last - b->pos);
        }
    }

    return NGX_OK;
}
