/*
 * app.c: the framework app object (Flask's Flask()): built once by load(),
 * which runs the application's setup() and compiles every route into the
 * URL map, then shared read-only by all threads until unload().
 */

#include "fw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


int
gw_scope_add_errh(gw_app_t *app, gw_scope_t *s, int status,
    gw_error_handler_t fn)
{
    gw_errh_t  *e;

    if (fn == NULL || gw_http_error_name(status) == NULL) {
        gw_app_fail(app, "errorhandler(%d): %s", status,
                    fn ? "not an HTTP error status" : "NULL function");
        return GW_ERROR;
    }

    e = gw_scope_find_errh(s, status);
    if (e != NULL) {
        /* registering again replaces, as in Flask */
        e->fn = fn;
        return GW_OK;
    }

    e = gw_arena_calloc(app->arena, sizeof(gw_errh_t));
    if (e == NULL) {
        gw_app_fail(app, "errorhandler(%d): out of memory", status);
        return GW_ERROR;
    }
    e->status = status;
    e->fn = fn;
    e->next = s->errh;
    s->errh = e;
    return GW_OK;
}


gw_errh_t *
gw_scope_find_errh(const gw_scope_t *s, int status)
{
    gw_errh_t  *e;

    for (e = s->errh; e != NULL; e = e->next) {
        if (e->status == status) {
            return e;
        }
    }
    return NULL;
}


int
gw_app_add_route(gw_app_t *app, gw_blueprint_t *bp, const char *rule,
    unsigned methods, gw_handler_t handler, const char *endpoint)
{
    gw_route_t  *r;

    if (rule == NULL || handler == NULL || endpoint == NULL
        || endpoint[0] == '\0' || strchr(endpoint, '.') != NULL)
    {
        gw_app_fail(app, "route '%s': needs a handler and an endpoint "
                    "name without '.'", rule ? rule : "");
        return GW_ERROR;
    }

    r = gw_arena_calloc(app->arena, sizeof(gw_route_t));
    if (r == NULL) {
        goto nomem;
    }

    if (bp != NULL) {
        /* Flask: "/".join((prefix.rstrip("/"), rule.lstrip("/"))) when
         * there is a rule, else the prefix as given */
        if (rule[0] == '\0' && bp->prefix_raw[0] != '\0') {
            r->rule = gw_arena_strdup(app->arena, bp->prefix_raw);
        } else {
            while (*rule == '/') {
                rule++;
            }
            r->rule = gw_arena_printf(app->arena, "%s/%s", bp->prefix, rule);
        }
        r->endpoint = gw_arena_printf(app->arena, "%s.%s", bp->name,
                                      endpoint);
    } else {
        r->rule = gw_arena_strdup(app->arena, rule);
        r->endpoint = gw_arena_strdup(app->arena, endpoint);
    }
    if (r->rule == NULL || r->endpoint == NULL) {
        goto nomem;
    }

    r->methods = methods ? methods : GW_METHOD_GET;
    r->handler = handler;
    r->bp = bp;
    *app->routes_tail = r;
    app->routes_tail = &r->next;
    return GW_OK;

nomem:
    gw_app_fail(app, "route '%s': out of memory", rule);
    return GW_ERROR;
}


int
gw_app_route(gw_app_t *app, const char *rule, unsigned methods,
    gw_handler_t handler, const char *endpoint)
{
    return gw_app_add_route(app, NULL, rule, methods, handler, endpoint);
}


int
gw_app_before_request(gw_app_t *app, gw_hook_t hook)
{
    return gw_scope_add_hook(app, &app->scope.before, hook);
}


int
gw_app_after_request(gw_app_t *app, gw_hook_t hook)
{
    return gw_scope_add_hook(app, &app->scope.after, hook);
}


int
gw_app_errorhandler(gw_app_t *app, int status, gw_error_handler_t h)
{
    return gw_scope_add_errh(app, &app->scope, status, h);
}


int
gw_app_worker_init(gw_app_t *app, gw_worker_init_t fn)
{
    app->worker_init = fn;
    return GW_OK;
}


const char *
gw_app_name(const gw_app_t *app)
{
    return app->name;
}


gw_arena_t *
gw_app_arena(gw_app_t *app)
{
    return app->arena;
}


void
gw_app_set_data(gw_app_t *app, void *data, void (*free_fn)(void *))
{
    app->data = data;
    app->data_free = free_fn;
}


void *
gw_app_data(const gw_app_t *app)
{
    return app->data;
}


/* The directory of the .so, Flask's root_path. */
static int
gw_app_default_root(gw_app_t *app, const char *so)
{
    const char  *slash;
    char        *dir;

    slash = so ? strrchr(so, '/') : NULL;
    if (slash == NULL) {
        return gw_config_put(app, "ROOT_PATH", ".", GW_CONFIG_DEFAULT, 1);
    }

    dir = gw_arena_strndup(app->arena, so, slash == so ? 1 : slash - so);
    if (dir == NULL) {
        return GW_ERROR;
    }
    return gw_config_put(app, "ROOT_PATH", dir, GW_CONFIG_DEFAULT, 1);
}


static int
gw_config_bool(const char *v)
{
    return v != NULL && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0
                         || strcasecmp(v, "on") == 0
                         || strcasecmp(v, "yes") == 0);
}


/* Flask's SESSION_COOKIE_{DOMAIN,PATH,HTTPONLY,SECURE,SAMESITE}. */
static int
gw_app_session_options(gw_app_t *app, char *error, size_t n)
{
    gw_cookie_t  *o = &app->session_opt;
    const char   *v;

    memset(o, 0, sizeof(*o));
    o->domain = gw_app_config_get(app, "SESSION_COOKIE_DOMAIN");
    o->path = gw_app_config_get(app, "SESSION_COOKIE_PATH");
    v = gw_app_config_get(app, "SESSION_COOKIE_HTTPONLY");
    o->httponly = v == NULL || gw_config_bool(v);
    o->secure = gw_config_bool(gw_app_config_get(app,
                                                 "SESSION_COOKIE_SECURE"));

    v = gw_app_config_get(app, "SESSION_COOKIE_SAMESITE");
    if (v != NULL && strcasecmp(v, "Strict") != 0
        && strcasecmp(v, "Lax") != 0 && strcasecmp(v, "None") != 0)
    {
        snprintf(error, n, "app '%s': SESSION_COOKIE_SAMESITE '%s' is not "
                 "Strict, Lax or None", app->name, v);
        return GW_ERROR;
    }
    o->samesite = v;

    if (o->domain != NULL && strchr(o->domain, '.') == NULL) {
        snprintf(error, n, "app '%s': SESSION_COOKIE_DOMAIN '%s' needs a "
                 "dot (browsers refuse cookies for a bare host)", app->name,
                 o->domain);
        return GW_ERROR;
    }
    return GW_OK;
}


/* TRUSTED_HOSTS: names separated by commas or spaces, as Flask's list;
 * ".example.com" stands for the name and its subdomains. */
static int
gw_app_trusted_hosts(gw_app_t *app, char *error, size_t n)
{
    const char  *v, *p, *e, *colon;
    gw_str_t     h;
    size_t       max;

    v = gw_app_config_get(app, "TRUSTED_HOSTS");
    if (v == NULL) {
        return GW_OK;
    }

    max = strlen(v) / 2 + 1;
    app->trusted_hosts = gw_arena_alloc(app->arena, max * sizeof(gw_str_t));
    if (app->trusted_hosts == NULL) {
        snprintf(error, n, "app '%s': out of memory", app->name);
        return GW_ERROR;
    }

    for (p = v; *p; p = e) {
        p += strspn(p, ", \t");
        e = p + strcspn(p, ", \t");
        if (e == p) {
            break;
        }
        h.data = p;
        h.len = e - p;
        if (!gw_host_valid(h.data[0] == '.' ? (gw_str_t) { p + 1, h.len - 1 }
                                            : h))
        {
            snprintf(error, n, "app '%s': TRUSTED_HOSTS: '%.*s' is not a "
                     "host name", app->name, (int) h.len, h.data);
            return GW_ERROR;
        }
        colon = memrchr(h.data, ':', h.len);
        if (colon != NULL && h.data[h.len - 1] != ']') {
            h.len = colon - h.data;
        }
        app->trusted_hosts[app->ntrusted_hosts++] = h;
    }
    return GW_OK;
}


/*
 * After setup(): Flask's automatic "static" route, so that
 * url_for('static', filename=...) builds, unless the app made one (the
 * demo keeps its own, which only builds URLs) or set STATIC_FOLDER to "".
 * STATIC_FOLDER is relative to ROOT_PATH (default "static"), and
 * STATIC_URL_PATH defaults to "/" and the folder's last name, as Flask's.
 */
static int
gw_app_add_static(gw_app_t *app, char *error, size_t n)
{
    const gw_route_t  *r;
    const char        *folder, *rule;

    for (r = app->routes; r != NULL; r = r->next) {
        if (strcmp(r->endpoint, "static") == 0) {
            return GW_OK;
        }
    }

    folder = gw_app_config_get(app, "STATIC_FOLDER");
    if (folder == NULL) {
        folder = "static";
    }
    if (folder[0] == '\0') {
        return GW_OK;
    }
    rule = gw_static_rule(app->arena, folder,
                          gw_app_config_get(app, "STATIC_URL_PATH"));
    folder = gw_app_path(app, folder);
    if (rule == NULL || folder == NULL
        || gw_app_config_set(app, "STATIC_FOLDER", folder) != GW_OK
        || gw_app_route(app, rule, GW_METHOD_GET, gw_static_view, "static")
           != GW_OK)
    {
        snprintf(error, n, "app '%s': the static route: %s", app->name,
                 app->failed ? app->error : "out of memory");
        return GW_ERROR;
    }
    return GW_OK;
}


/* Read what the request path needs from the config once, after setup(). */
static int
gw_app_freeze_config(gw_app_t *app, char *error, size_t n)
{
    const char  *v;
    char        *end;
    long long    sec;

    app->secret_key = gw_app_config_get(app, "SECRET_KEY");
    if (app->secret_key != NULL && app->secret_key[0] == '\0') {
        app->secret_key = NULL;
    }
    v = gw_app_config_get(app, "DEBUG");
    app->debug = v != NULL && (strcasecmp(v, "true") == 0
                               || strcasecmp(v, "1") == 0
                               || strcasecmp(v, "yes") == 0
                               || strcasecmp(v, "on") == 0);

    app->session_cookie = gw_app_config_get(app, "SESSION_COOKIE_NAME");
    v = gw_app_config_get(app, "SESSION_DIGEST");
    app->session_digest = v && strcasecmp(v, "sha1") == 0 ? GW_SESSION_SHA1
                                                          : GW_SESSION_SHA256;
    if (v != NULL && strcasecmp(v, "sha1") != 0
        && strcasecmp(v, "sha256") != 0)
    {
        snprintf(error, n, "app '%s': SESSION_DIGEST '%s' is not sha256 or "
                 "sha1 (Flask's)", app->name, v);
        return GW_ERROR;
    }
    if (gw_app_instance_path(app) == NULL) {
        snprintf(error, n, "app '%s': out of memory", app->name);
        return GW_ERROR;
    }
    if (gw_app_session_options(app, error, n) != GW_OK
        || gw_app_trusted_hosts(app, error, n) != GW_OK
        || gw_app_config_size(app, "MAX_CONTENT_LENGTH",
                              &app->max_content_length, error, n)
           != GW_OK)
    {
        return GW_ERROR;
    }

    v = gw_app_config_get(app, "PERMANENT_SESSION_LIFETIME");
    errno = 0;
    sec = strtoll(v, &end, 10);
    if (errno || end == v || *end != '\0' || sec < 0) {
        snprintf(error, n, "app '%s': PERMANENT_SESSION_LIFETIME '%s' is "
                 "not a number of seconds", app->name, v);
        return GW_ERROR;
    }
    app->session_lifetime = sec;
    return GW_OK;
}


int
gw_app_each_route(const gw_app_t *app, gw_route_visit_pt fn, void *ctx)
{
    const gw_route_t  *r;
    int                rc;

    for (r = app->routes; r != NULL; r = r->next) {
        if (r->bp != NULL && !r->bp->registered) {
            continue;
        }
        rc = fn(ctx, r->endpoint, r->methods, r->rule);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}


static int
gw_app_compile(gw_app_t *app, char *error, size_t n)
{
    gw_route_t  *r;
    char         msg[GW_FW_ERROR_SIZE];

    app->map = gw_urlmap_create();
    if (app->map == NULL) {
        snprintf(error, n, "app '%s': out of memory", app->name);
        return GW_ERROR;
    }

    for (r = app->routes; r != NULL; r = r->next) {
        if (r->bp != NULL && !r->bp->registered) {
            /* Flask ignores a blueprint that is never registered */
            continue;
        }

        msg[0] = '\0';
        if (gw_urlmap_add(app->map, r->rule, r->endpoint, r->methods, r,
                          msg, sizeof(msg))
            != GW_OK)
        {
            snprintf(error, n, "app '%s': endpoint '%s': %s", app->name,
                     r->endpoint, msg[0] ? msg : "cannot add the rule");
            return GW_ERROR;
        }
    }
    return GW_OK;
}


static void
gw_app_free(gw_app_t *app)
{
    if (app->data_free != NULL) {
        app->data_free(app->data);
    }
    if (app->map != NULL) {
        gw_urlmap_destroy(app->map);
    }
    if (app->tmpl != NULL) {
        gw_tmpl_env_destroy(app->tmpl);
    }
    if (app->g_empty != NULL) {
        gw_json_thaw_decref(app->g_empty);
    }
    gw_arena_destroy(app->arena);
}


int
gw_framework_load(gw_load_ctx_t *ctx, const char *name, gw_setup_t setup,
    void **out)
{
    gw_arena_t  *arena;
    gw_app_t    *app;
    size_t       i;
    char         dummy[1];
    char        *error;
    size_t       n;

    error = ctx->error && ctx->error_size ? ctx->error : dummy;
    n = ctx->error && ctx->error_size ? ctx->error_size : sizeof(dummy);
    error[0] = '\0';

    arena = gw_arena_create(8192);
    app = arena ? gw_arena_calloc(arena, sizeof(gw_app_t)) : NULL;
    if (app == NULL) {
        gw_arena_destroy(arena);
        snprintf(error, n, "app '%s': out of memory", name);
        return GW_ERROR;
    }

    app->arena = arena;
    app->name = name;
    app->routes_tail = &app->routes;
    app->guards_tail = &app->guards;

    app->tmpl = gw_tmpl_env_create();
    app->g_empty = json_object();
    if (app->tmpl == NULL || app->g_empty == NULL) {
        snprintf(error, n, "app '%s': out of memory", name);
        goto failed;
    }
    /* templates' g when a view set none, read by every thread: frozen, so
     * that no reference count is written */
    gw_json_freeze(app->g_empty);

    gw_app_default_root(app, ctx->path);
    gw_config_put(app, "PERMANENT_SESSION_LIFETIME", "2678400",
                  GW_CONFIG_DEFAULT, 1);
    gw_config_put(app, "SESSION_COOKIE_NAME", "session", GW_CONFIG_DEFAULT,
                  1);
    for (i = 0; i < ctx->nconfig; i++) {
        gw_config_put(app, ctx->config[i].key, ctx->config[i].value,
                      GW_CONFIG_SERVER, 1);
    }
    if (!app->failed) {
        gw_config_load_operator(app);
    }

    if (!app->failed && setup != NULL && setup(app, error, n) != GW_OK) {
        if (error[0] == '\0') {
            snprintf(error, n, "app '%s': %s", name,
                     app->failed ? app->error : "setup failed");
        }
        goto failed;
    }

    if (app->failed) {
        snprintf(error, n, "app '%s': %s", name, app->error);
        goto failed;
    }

    if (gw_app_add_static(app, error, n) != GW_OK
        || gw_app_freeze_config(app, error, n) != GW_OK
        || gw_app_compile(app, error, n) != GW_OK
        || gw_app_resolve_guards(app, error, n) != GW_OK
        || gw_app_templates_load(app, error, n) != GW_OK)
    {
        goto failed;
    }

    gw_config_warn_unknown(app, ctx);
    app->frozen = 1;
    *out = app;
    return GW_OK;

failed:
    gw_app_free(app);
    return GW_ERROR;
}


int
gw_framework_worker_init(void *p, char *error, size_t error_size)
{
    gw_app_t  *app = p;

    if (app->worker_init == NULL) {
        return GW_OK;
    }
    return app->worker_init(app, error, error_size);
}


void
gw_framework_unload(void *p)
{
    if (p != NULL) {
        gw_app_free(p);
    }
}
