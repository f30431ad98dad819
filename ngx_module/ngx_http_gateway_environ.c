
/*
 * ngx_http_gateway_environ.c: the environ built straight from
 * ngx_http_request_t.  Values point into nginx's own buffers where they can;
 * only header keys and joined repeated headers are written into the arena.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_gateway.h"


#define ngx_http_gateway_str(s)  ((gw_str_t) { (const char *) (s).data,      \
                                               (s).len })


static ngx_int_t ngx_http_gateway_add(gw_environ_t *env, const char *key,
    size_t keylen, const u_char *value, size_t len);
static ngx_int_t ngx_http_gateway_add_headers(ngx_http_request_t *r,
    gw_environ_t *env);
static ngx_int_t ngx_http_gateway_add_params(ngx_http_request_t *r,
    ngx_http_gateway_ctx_t *ctx);
static ngx_int_t ngx_http_gateway_port(gw_arena_t *a, in_port_t port,
    ngx_str_t *out);


#define ngx_http_gateway_add_const(env, key, v, n)                           \
    ngx_http_gateway_add(env, key, sizeof(key) - 1, (u_char *) (v), n)


ngx_int_t
ngx_http_gateway_build_environ(ngx_http_request_t *r,
    ngx_http_gateway_ctx_t *ctx)
{
    u_char                    *p;
    ngx_str_t                  port, *sn;
    ngx_uint_t                 n;
    gw_environ_t              *env;
    gw_environ_gateway_t       g;
    ngx_http_core_srv_conf_t  *cscf;

    env = &ctx->env;
    sn = &ctx->conf->script_name;

    if (ngx_http_gateway_add_const(env, "REQUEST_METHOD",
                                   r->method_name.data, r->method_name.len)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* PATH_INFO is the decoded path below the location's prefix */
    n = 0;
    if (sn->len && r->uri.len >= sn->len
        && ngx_strncmp(r->uri.data, sn->data, sn->len) == 0)
    {
        n = sn->len;
    }

    if (ngx_http_gateway_add_const(env, "SCRIPT_NAME", r->uri.data, n)
        != NGX_OK
        || ngx_http_gateway_add_const(env, "PATH_INFO", r->uri.data + n,
                                      r->uri.len - n)
           != NGX_OK
        || ngx_http_gateway_add_const(env, "QUERY_STRING", r->args.data,
                                      r->args.len)
           != NGX_OK
        || ngx_http_gateway_add_const(env, "REQUEST_URI",
                                      r->unparsed_uri.data,
                                      r->unparsed_uri.len)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);

    if (ngx_http_gateway_add_const(env, "SERVER_NAME",
                                   cscf->server_name.data,
                                   cscf->server_name.len)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* the local port, as $server_port gives it */
    if (ngx_connection_local_sockaddr(r->connection, NULL, 0) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_gateway_port(&ctx->arena,
                              ngx_inet_get_port(r->connection->local_sockaddr),
                              &port)
        != NGX_OK
        || ngx_http_gateway_add_const(env, "SERVER_PORT", port.data,
                                      port.len)
           != NGX_OK
        || ngx_http_gateway_add_const(env, "SERVER_PROTOCOL",
                                      r->http_protocol.data,
                                      r->http_protocol.len)
           != NGX_OK
        || ngx_http_gateway_add_const(env, "REMOTE_ADDR",
                                      r->connection->addr_text.data,
                                      r->connection->addr_text.len)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* a unix-socket client has no port: "", as $remote_port has it */
    if (ngx_http_gateway_port(&ctx->arena,
                              ngx_inet_get_port(r->connection->sockaddr),
                              &port)
        != NGX_OK
        || ngx_http_gateway_add_const(env, "REMOTE_PORT", port.data,
                                      port.len)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_gateway_add_headers(r, env) != NGX_OK) {
        return NGX_ERROR;
    }

    g.input.data = NULL;
    g.input.len = 0;

    if (r->request_body != NULL
        && ngx_http_gateway_body(r, &g.input) != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* a chunked body's length is known once read: CONTENT_LENGTH, as
     * nginx's $content_length gives fastcgi */
    if (r->headers_in.chunked && r->headers_in.content_length == NULL
        && r->request_body != NULL)
    {
        p = (u_char *) gw_arena_printf(&ctx->arena, "%zu", g.input.len);
        if (p == NULL
            || ngx_http_gateway_add_const(env, "CONTENT_LENGTH", p,
                                          ngx_strlen(p))
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

#if (NGX_HTTP_SSL)
    g.https = r->connection->ssl != NULL;
#else
    g.https = 0;
#endif
#if (NGX_THREADS)
    g.multithread = ctx->conf->thread_pool != NULL;
#else
    g.multithread = 0;
#endif
    /* nginx runs several worker processes, each with its own app */
    g.multiprocess = 1;
    g.errors = "error_log";

    if (gw_environ_set_gateway(env, &g) != GW_OK) {
        return NGX_ERROR;
    }

    return ngx_http_gateway_add_params(r, ctx);
}


static ngx_int_t
ngx_http_gateway_add(gw_environ_t *env, const char *key, size_t keylen,
    const u_char *value, size_t len)
{
    gw_str_t  k = { key, keylen };
    gw_str_t  v = { (const char *) value, len };

    if (v.data == NULL) {
        v.data = "";
    }

    return gw_environ_add(env, k, v) == GW_OK ? NGX_OK : NGX_ERROR;
}


/* Two ports a request: cheaper by hand than through ngx_sprintf(). */
static ngx_int_t
ngx_http_gateway_port(gw_arena_t *a, in_port_t port, ngx_str_t *out)
{
    u_char  *p, *end;

    p = gw_arena_alloc(a, sizeof("65535"));
    if (p == NULL) {
        return NGX_ERROR;
    }

    end = p + sizeof("65535") - 1;
    out->data = end;
    while (port) {
        *--out->data = (u_char) ('0' + port % 10);
        port /= 10;
    }

    out->len = end - out->data;
    return NGX_OK;
}


static ngx_int_t
ngx_http_gateway_add_headers(ngx_http_request_t *r, gw_environ_t *env)
{
    char             *key;
    size_t            keylen, first;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;
    first = env->nentries;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }
            part = part->next;
            h = part->elts;
            i = 0;
        }

        key = gw_environ_header_key(env->arena, (char *) h[i].key.data,
                                    h[i].key.len, &keylen);
        if (key == NULL) {
            /* names CGI cannot carry are not passed, as in fastcgi */
            continue;
        }

        if (gw_environ_add_header(env, first,
                                  (gw_str_t) { key, keylen },
                                  ngx_http_gateway_str(h[i].value))
            != GW_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_gateway_add_params(ngx_http_request_t *r,
    ngx_http_gateway_ctx_t *ctx)
{
    ngx_str_t                  value;
    ngx_uint_t                 i;
    ngx_http_gateway_param_t  *param;

    if (ctx->conf->params == NULL) {
        return NGX_OK;
    }

    param = ctx->conf->params->elts;

    for (i = 0; i < ctx->conf->params->nelts; i++) {

        if (ngx_http_complex_value(r, &param[i].value, &value) != NGX_OK) {
            return NGX_ERROR;
        }

        if (value.len == 0 && param[i].skip_empty) {
            continue;
        }

        /* a param overrides what the module computed, as in fastcgi */
        if (gw_environ_set(&ctx->env, ngx_http_gateway_str(param[i].key),
                           ngx_http_gateway_str(value))
            != GW_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}
