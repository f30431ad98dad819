
/*
 * ngx_http_gateway_module.c: directives, configuration and the content
 * handler that hands a request to a gateway application, inline or on an
 * nginx thread pool, and sends back what it answered.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_gateway.h"


static char *ngx_http_gateway_app(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_gateway(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_gateway_param(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_gateway_config(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
#if (NGX_THREADS)
static char *ngx_http_gateway_thread_pool(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
#endif
static void *ngx_http_gateway_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_gateway_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_gateway_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_gateway_init_process(ngx_cycle_t *cycle);
static ngx_int_t ngx_http_gateway_handler(ngx_http_request_t *r);


static ngx_command_t  ngx_http_gateway_commands[] = {

    { ngx_string("gateway_app"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_gateway_app,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("gateway"),
      NGX_HTTP_LOC_CONF|NGX_HTTP_LIF_CONF|NGX_CONF_NOARGS,
      ngx_http_gateway,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("gateway_param"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE23,
      ngx_http_gateway_param,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("gateway_config"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_gateway_config,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

#if (NGX_THREADS)
    { ngx_string("gateway_thread_pool"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_gateway_thread_pool,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },
#endif

      ngx_null_command
};


static ngx_http_module_t  ngx_http_gateway_module_ctx = {
    NULL,                                  /* preconfiguration */
    NULL,                                  /* postconfiguration */

    ngx_http_gateway_create_main_conf,     /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_gateway_create_loc_conf,      /* create location configuration */
    ngx_http_gateway_merge_loc_conf        /* merge location configuration */
};


ngx_module_t  ngx_http_gateway_module = {
    NGX_MODULE_V1,
    &ngx_http_gateway_module_ctx,          /* module context */
    ngx_http_gateway_commands,             /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_gateway_init_process,         /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


/* ---- configuration --------------------------------------------------- */

static void *
ngx_http_gateway_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_gateway_main_conf_t  *gmcf;

    gmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_gateway_main_conf_t));
    if (gmcf == NULL) {
        return NULL;
    }

    if (ngx_array_init(&gmcf->apps, cf->pool, 4,
                       sizeof(ngx_http_gateway_app_t *))
        != NGX_OK)
    {
        return NULL;
    }

    return gmcf;
}


static void *
ngx_http_gateway_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_gateway_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_gateway_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->app = NULL;
     *     conf->config = NULL;
     *     conf->params = NULL;
     *     conf->script_name = { 0, NULL };
     */

    conf->enabled = NGX_CONF_UNSET;
#if (NGX_THREADS)
    conf->thread_pool = NGX_CONF_UNSET_PTR;
#endif

    return conf;
}


static void
ngx_http_gateway_unload(void *data)
{
    ngx_http_gateway_app_t  *app = data;

    gw_loader_close(&app->loaded);
}


/*
 * Applications are loaded while the configuration is merged, once the
 * gateway_config lines of their block are all known, so that an application
 * that cannot start fails `nginx -t`.  Workers inherit them over fork().
 */
static ngx_int_t
ngx_http_gateway_load(ngx_conf_t *cf, ngx_http_gateway_loc_conf_t *conf)
{
    char                           error[1024];
    size_t                         nconfig;
    ngx_pool_cleanup_t            *cln;
    gw_config_item_t              *config;
    ngx_http_gateway_app_t        *app, **slot;
    ngx_http_gateway_main_conf_t  *gmcf;

    app = conf->app;
    if (app == NULL || app->loaded.handle != NULL) {
        return NGX_OK;
    }

    config = conf->config ? conf->config->elts : NULL;
    nconfig = conf->config ? conf->config->nelts : 0;

    if (gw_loader_open(&app->loaded, (char *) app->path.data, config,
                       nconfig, "nginx", error, sizeof(error))
        != GW_OK)
    {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "%s in %s:%ui",
                      error, app->file, app->line);
        return NGX_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        gw_loader_close(&app->loaded);
        return NGX_ERROR;
    }
    cln->handler = ngx_http_gateway_unload;
    cln->data = app;

    gmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_gateway_module);

    slot = ngx_array_push(&gmcf->apps);
    if (slot == NULL) {
        return NGX_ERROR;
    }
    *slot = app;

    return NGX_OK;
}


static char *
ngx_http_gateway_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_gateway_loc_conf_t  *prev = parent;
    ngx_http_gateway_loc_conf_t  *conf = child;

    if (conf->app == NULL) {
        if (conf->config != NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"gateway_config\" needs \"gateway_app\" "
                               "in the same block");
            return NGX_CONF_ERROR;
        }

        /* load the parent's app first: the http{} level is never merged
         * as a child itself */
        if (ngx_http_gateway_load(cf, prev) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        conf->app = prev->app;
        conf->config = prev->config;

    } else {
        if (conf->config == NULL) {
            conf->config = prev->config;
        }

        if (ngx_http_gateway_load(cf, conf) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    ngx_conf_merge_value(conf->enabled, prev->enabled, 0);

    if (conf->params == NULL) {
        conf->params = prev->params;
    }

#if (NGX_THREADS)
    ngx_conf_merge_ptr_value(conf->thread_pool, prev->thread_pool, NULL);
#endif

    if (conf->enabled && conf->app == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"gateway\" is used, but no \"gateway_app\" is "
                           "set for this location");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_gateway_app(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_gateway_loc_conf_t  *glcf = conf;

    ngx_str_t               *value;
    ngx_http_gateway_app_t  *app;

    if (glcf->app != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    app = ngx_pcalloc(cf->pool, sizeof(ngx_http_gateway_app_t));
    if (app == NULL) {
        return NGX_CONF_ERROR;
    }

    app->path = value[1];

    /* relative paths are relative to the prefix, as for load_module */
    if (ngx_conf_full_name(cf->cycle, &app->path, 0) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    app->file = cf->conf_file->file.name.data;
    app->line = cf->conf_file->line;

    glcf->app = app;

    return NGX_CONF_OK;
}


static char *
ngx_http_gateway(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_gateway_loc_conf_t  *glcf = conf;

    size_t                     len;
    ngx_http_core_loc_conf_t  *clcf;

    if (glcf->enabled != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    glcf->enabled = 1;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_gateway_handler;

    /*
     * SCRIPT_NAME is the prefix a location mounts the app at, without its
     * trailing slash, so "location /app/" serves "/app/x" as SCRIPT_NAME
     * "/app" and PATH_INFO "/x".  Regex and exact locations mount at "".
     */
    if (!clcf->exact_match
#if (NGX_PCRE)
        && clcf->regex == NULL
#endif
        && !clcf->named)
    {
        len = clcf->name.len;
        while (len > 0 && clcf->name.data[len - 1] == '/') {
            len--;
        }
        glcf->script_name.data = clcf->name.data;
        glcf->script_name.len = len;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_gateway_param(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_gateway_loc_conf_t  *glcf = conf;

    ngx_str_t                         *value;
    ngx_http_gateway_param_t          *p;
    ngx_http_compile_complex_value_t   ccv;

    value = cf->args->elts;

    if (glcf->params == NULL) {
        glcf->params = ngx_array_create(cf->pool, 4,
                                        sizeof(ngx_http_gateway_param_t));
        if (glcf->params == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    p = ngx_array_push(glcf->params);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(p, sizeof(ngx_http_gateway_param_t));
    p->key = value[1];

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));
    ccv.cf = cf;
    ccv.value = &value[2];
    ccv.complex_value = &p->value;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (cf->args->nelts == 4) {
        if (ngx_strcmp(value[3].data, "if_not_empty") != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\"", &value[3]);
            return NGX_CONF_ERROR;
        }
        p->skip_empty = 1;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_gateway_config(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_gateway_loc_conf_t  *glcf = conf;

    ngx_str_t         *value;
    gw_config_item_t  *item;

    value = cf->args->elts;

    if (glcf->config == NULL) {
        glcf->config = ngx_array_create(cf->pool, 4,
                                        sizeof(gw_config_item_t));
        if (glcf->config == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    item = ngx_array_push(glcf->config);
    if (item == NULL) {
        return NGX_CONF_ERROR;
    }

    /* configuration strings are NUL-terminated by the parser */
    item->key = (char *) value[1].data;
    item->value = (char *) value[2].data;

    return NGX_CONF_OK;
}


#if (NGX_THREADS)

static char *
ngx_http_gateway_thread_pool(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_gateway_loc_conf_t  *glcf = conf;

    ngx_str_t  *value;

    if (glcf->thread_pool != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        glcf->thread_pool = NULL;
        return NGX_CONF_OK;
    }

    glcf->thread_pool = ngx_thread_pool_add(cf, &value[1]);
    if (glcf->thread_pool == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}

#endif


static ngx_int_t
ngx_http_gateway_init_process(ngx_cycle_t *cycle)
{
    char                           error[1024];
    ngx_uint_t                     i;
    ngx_http_gateway_app_t       **apps;
    ngx_http_gateway_main_conf_t  *gmcf;

    gmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_gateway_module);
    if (gmcf == NULL) {
        return NGX_OK;
    }

    apps = gmcf->apps.elts;

    /*
     * A worker that returned an error here would exit for good ("fatal
     * code 2 and cannot be respawned"), leaving the master with no one to
     * answer and every request hanging.  The worker stays, and the app's
     * requests get a 503 that points at this line.
     */
    for (i = 0; i < gmcf->apps.nelts; i++) {
        if (gw_loader_worker_init(&apps[i]->loaded, error, sizeof(error))
            != GW_OK)
        {
            ngx_log_error(NGX_LOG_EMERG, cycle->log, 0, "%s", error);
            apps[i]->failed = 1;
        }
    }

    return NGX_OK;
}


/* ---- request ---------------------------------------------------------- */

static void
ngx_http_gateway_log(void *data, gw_log_level_t level, const char *msg,
    size_t len)
{
    ngx_http_gateway_ctx_t  *ctx = data;

    static const ngx_uint_t  levels[] = {
        NGX_LOG_ERR, NGX_LOG_WARN, NGX_LOG_INFO, NGX_LOG_DEBUG
    };

    if (ctx->threaded) {
        /* nginx's log is not ours to touch from a pool thread: keep the
         * line until the event loop has the request back */
        if (gw_buf_putc(&ctx->deferred_log, (char) level) == GW_OK
            && gw_buf_append(&ctx->deferred_log, &len, sizeof(size_t))
               == GW_OK)
        {
            (void) gw_buf_append(&ctx->deferred_log, msg, len);
        }
        return;
    }

    ngx_log_error(levels[level], ctx->request->connection->log, 0,
                  "%*s", len, msg);
}


static void
ngx_http_gateway_flush_log(ngx_http_gateway_ctx_t *ctx)
{
    gw_buf_t  *b;
    size_t     pos, len;
    int        level;

    b = &ctx->deferred_log;
    ctx->threaded = 0;

    for (pos = 0; pos + 1 + sizeof(size_t) <= b->len; pos += len) {
        level = b->data[pos];
        ngx_memcpy(&len, b->data + pos + 1, sizeof(size_t));
        pos += 1 + sizeof(size_t);
        ngx_http_gateway_log(ctx, (gw_log_level_t) level, b->data + pos,
                             len);
    }

    b->len = 0;
}


static void
ngx_http_gateway_cleanup(void *data)
{
    ngx_http_gateway_ctx_t  *ctx = data;

    gw_arena_reset(&ctx->arena);
}


static ngx_http_gateway_ctx_t *
ngx_http_gateway_create_ctx(ngx_http_request_t *r)
{
    u_char                  *seed;
    ngx_pool_cleanup_t      *cln;
    ngx_http_gateway_ctx_t  *ctx;

    ctx = ngx_palloc(r->pool, sizeof(ngx_http_gateway_ctx_t)
                              + NGX_HTTP_GATEWAY_SEED_SIZE);
    if (ctx == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    /* the arena starts in the request pool and only mallocs past it */
    seed = (u_char *) ctx + sizeof(ngx_http_gateway_ctx_t);
    gw_arena_init(&ctx->arena, seed, NGX_HTTP_GATEWAY_SEED_SIZE, 16384);

    cln->handler = ngx_http_gateway_cleanup;
    cln->data = ctx;

    ctx->request = r;
    ctx->conf = ngx_http_get_module_loc_conf(r, ngx_http_gateway_module);
    ctx->threaded = 0;
    gw_buf_init(&ctx->deferred_log, &ctx->arena, 0);

    gw_environ_init(&ctx->env, &ctx->arena, 40);
    ctx->env.log = ngx_http_gateway_log;
    ctx->env.log_ctx = ctx;

    gw_response_init(&ctx->resp, &ctx->arena);

    ngx_http_set_ctx(r, ctx, ngx_http_gateway_module);

    return ctx;
}


#if (NGX_THREADS)

/*
 * A worker told to quit (reload, graceful stop) exits as soon as no timer
 * is left that may not be cancelled; a request on a pool thread has none
 * of its own, so without this one the worker would exit under it and drop
 * the client ("open socket left in connection").  It is re-armed until the
 * task is done.
 */
static void
ngx_http_gateway_thread_wait(ngx_event_t *ev)
{
    ngx_add_timer(ev, 60000);
}


static void
ngx_http_gateway_thread_handler(void *data, ngx_log_t *log)
{
    ngx_http_gateway_ctx_t  *ctx = data;

    gw_loader_call(&ctx->conf->app->loaded, &ctx->env, &ctx->resp);
}


static void
ngx_http_gateway_thread_done(ngx_event_t *ev)
{
    ngx_int_t                rc;
    ngx_connection_t        *c;
    ngx_http_request_t      *r;
    ngx_thread_task_t       *task;
    ngx_http_gateway_ctx_t  *ctx;

    task = ev->data;
    ctx = task->ctx;
    r = ctx->request;
    c = r->connection;

    ngx_http_set_log_request(c->log, r);

    r->main->blocked--;
    r->aio = 0;

    if (ctx->thread_wait.timer_set) {
        ngx_del_timer(&ctx->thread_wait);
    }

    ngx_http_gateway_flush_log(ctx);

    rc = ngx_http_gateway_send_response(r, ctx);

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


static ngx_int_t
ngx_http_gateway_post(ngx_http_request_t *r, ngx_http_gateway_ctx_t *ctx)
{
    ngx_thread_task_t  *task;

    task = ngx_thread_task_alloc(r->pool, 0);
    if (task == NULL) {
        return NGX_ERROR;
    }

    task->ctx = ctx;
    task->handler = ngx_http_gateway_thread_handler;
    task->event.data = task;
    task->event.handler = ngx_http_gateway_thread_done;

    ctx->threaded = 1;

    if (ngx_thread_task_post(ctx->conf->thread_pool, task) != NGX_OK) {
        ctx->threaded = 0;
        return NGX_ERROR;
    }

    /* the request lives on until the task's event has run */
    r->main->blocked++;
    r->main->count++;
    r->aio = 1;

    ngx_memzero(&ctx->thread_wait, sizeof(ngx_event_t));
    ctx->thread_wait.handler = ngx_http_gateway_thread_wait;
    ctx->thread_wait.data = ctx;
    ctx->thread_wait.log = r->connection->log;
    ngx_add_timer(&ctx->thread_wait, 60000);

    return NGX_DONE;
}

#endif


/* Build the environ, run the app inline or on a pool thread, answer. */
static ngx_int_t
ngx_http_gateway_run(ngx_http_request_t *r)
{
    ngx_http_gateway_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_gateway_module);
    if (ctx == NULL) {
        ctx = ngx_http_gateway_create_ctx(r);
        if (ctx == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (ngx_http_gateway_build_environ(r, ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

#if (NGX_THREADS)
    if (ctx->conf->thread_pool != NULL) {
        return ngx_http_gateway_post(r, ctx);
    }
#endif

    gw_loader_call(&ctx->conf->app->loaded, &ctx->env, &ctx->resp);

    return ngx_http_gateway_send_response(r, ctx);
}


static void
ngx_http_gateway_body_read(ngx_http_request_t *r)
{
    ngx_http_finalize_request(r, ngx_http_gateway_run(r));
}


static ngx_int_t
ngx_http_gateway_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_http_gateway_loc_conf_t  *glcf;

    glcf = ngx_http_get_module_loc_conf(r, ngx_http_gateway_module);

    if (glcf->app->failed) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "application \"%V\" did not start in this worker",
                      &glcf->app->path);
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    if (r->headers_in.content_length_n <= 0 && !r->headers_in.chunked) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }
        return ngx_http_gateway_run(r);
    }

    /* nginx reads the body: client_max_body_size and its 413 apply, and a
     * large body may arrive spooled to a temporary file */
    rc = ngx_http_read_client_request_body(r, ngx_http_gateway_body_read);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}
