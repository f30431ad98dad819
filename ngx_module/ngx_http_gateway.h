
/*
 * ngx_http_gateway.h: what the gateway module's files share: the location
 * configuration and the per-request context.
 */

#ifndef _NGX_HTTP_GATEWAY_H_INCLUDED_
#define _NGX_HTTP_GATEWAY_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <gw_core.h>


#define NGX_HTTP_GATEWAY_SEED_SIZE  4096


typedef struct {
    ngx_str_t                   key;
    ngx_http_complex_value_t    value;
    ngx_uint_t                  skip_empty;     /* if_not_empty */
} ngx_http_gateway_param_t;


typedef struct {
    gw_loaded_app_t             loaded;
    ngx_str_t                   path;
    u_char                     *file;           /* where gateway_app was */
    ngx_uint_t                  line;
    /* worker_init failed in this worker: its requests get a 503 */
    ngx_uint_t                  failed;         /* unsigned  failed:1 */
} ngx_http_gateway_app_t;


typedef struct {
    ngx_array_t                 apps;           /* ngx_http_gateway_app_t * */
} ngx_http_gateway_main_conf_t;


typedef struct {
    ngx_http_gateway_app_t     *app;
    ngx_array_t                *config;         /* gw_config_item_t */
    ngx_array_t                *params;         /* ngx_http_gateway_param_t */
    ngx_flag_t                  enabled;        /* gateway; */
    ngx_str_t                   script_name;    /* location prefix */
#if (NGX_THREADS)
    ngx_thread_pool_t          *thread_pool;
    ngx_str_t                   thread_pool_name;
#endif
} ngx_http_gateway_loc_conf_t;


typedef struct {
    gw_arena_t                  arena;
    gw_environ_t                env;
    gw_response_t               resp;
    ngx_http_gateway_loc_conf_t *conf;
    ngx_http_request_t         *request;
    /* log lines written from a pool thread, flushed on the event loop */
    gw_buf_t                    deferred_log;
    ngx_uint_t                  threaded;       /* unsigned  threaded:1 */
#if (NGX_THREADS)
    /* armed while the app runs on a pool thread: see thread_wait() */
    ngx_event_t                 thread_wait;
#endif
} ngx_http_gateway_ctx_t;


extern ngx_module_t  ngx_http_gateway_module;


ngx_int_t ngx_http_gateway_build_environ(ngx_http_request_t *r,
    ngx_http_gateway_ctx_t *ctx);
ngx_int_t ngx_http_gateway_body(ngx_http_request_t *r, gw_str_t *body);
ngx_int_t ngx_http_gateway_send_response(ngx_http_request_t *r,
    ngx_http_gateway_ctx_t *ctx);


#endif /* _NGX_HTTP_GATEWAY_H_INCLUDED_ */
