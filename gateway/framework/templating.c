/*
 * templating.c: the framework side of templates, Flask's render_template:
 * the search path (ROOT_PATH/templates, then each blueprint's folder), the
 * url_for() and get_flashed_messages() functions, and the context every
 * template sees (request, session, g, config).
 */

#include "fw.h"
#include "urlmap_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>


static void
gw_json_decref_cb(void *p)
{
    json_decref(p);
}


gw_tmpl_env_t *
gw_app_templates(gw_app_t *app)
{
    return app->tmpl;
}


/*
 * Flask's url_for() keywords that are not rule values: _anchor (after
 * "#"), _external (scheme://host before the path), _scheme (with
 * _external), _method (which rule: taken out, all rules are tried).
 */
typedef struct {
    gw_str_t  anchor;               /* data NULL: none */
    gw_str_t  scheme;               /* data NULL: the request's */
    int       external;
} gw_url_extras_t;


static int
gw_url_extra(const char *name)
{
    return name[0] == '_'
           && (strcmp(name, "_anchor") == 0 || strcmp(name, "_external") == 0
               || strcmp(name, "_scheme") == 0 || strcmp(name, "_method") == 0);
}


/* One extra keyword's value into x, given as templates give arguments:
 * strings as they are, numbers in Python's spelling; _external by truth,
 * as Python's bool(). */
static int
gw_url_extra_set(gw_request_t *req, gw_url_extras_t *x,
    const gw_tmpl_arg_t *a)
{
    gw_str_t  *s;
    char      *text;

    if (strcmp(a->name, "_external") == 0) {
        x->external = a->type == JSON_TRUE
                      || (a->type == JSON_INTEGER && a->i != 0)
                      || (a->type == JSON_REAL && a->f != 0)
                      || (a->type == JSON_STRING && a->len != 0)
                      || (a->type == JSON_ARRAY && json_array_size(a->json))
                      || (a->type == JSON_OBJECT
                          && json_object_size(a->json));
        return GW_OK;
    }
    if (strcmp(a->name, "_method") == 0) {
        return GW_OK;
    }

    s = strcmp(a->name, "_anchor") == 0 ? &x->anchor : &x->scheme;
    switch (a->type) {
    case JSON_STRING:
        s->data = a->s;
        s->len = a->len;
        return GW_OK;
    case JSON_INTEGER:
        text = gw_arena_printf(req->arena, "%" JSON_INTEGER_FORMAT, a->i);
        break;
    default:
        text = gw_arena_strdup(req->arena, a->type == JSON_TRUE ? "True"
                               : a->type == JSON_FALSE ? "False" : "None");
        break;
    }
    if (text == NULL) {
        return GW_ERROR;
    }
    s->data = text;
    s->len = strlen(text);
    return GW_OK;
}


/* What comes before the rule's path: scheme://host when external, then
 * SCRIPT_NAME. */
static int
gw_url_prefix(gw_request_t *req, const gw_url_extras_t *x, gw_buf_t *out,
    char *error, size_t n)
{
    const gw_str_t  *v;
    gw_str_t         scheme, host;

    if (x->scheme.data != NULL && !x->external) {
        snprintf(error, n, "When specifying '_scheme', '_external' must be "
                 "True.");
        return GW_ERROR;
    }

    if (x->external) {
        scheme = x->scheme;
        if (scheme.data == NULL) {
            v = gw_environ_get(req->env, "gateway.url_scheme");
            scheme = v ? *v : scheme;
        }
        if (scheme.len == 0) {
            scheme.data = "http";
            scheme.len = 4;
        }
        host = gw_request_host(req);
        if (host.len == 0) {
            snprintf(error, n, "url_for(_external=True): the request's Host "
                     "header is not a host name");
            return GW_ERROR;
        }
        if (gw_buf_append(out, scheme.data, scheme.len) != GW_OK
            || gw_buf_append(out, "://", 3) != GW_OK
            || gw_buf_append(out, host.data, host.len) != GW_OK)
        {
            goto nomem;
        }
    }

    if (req->script_root.len
        && gw_buf_append(out, req->script_root.data, req->script_root.len)
           != GW_OK)
    {
        goto nomem;
    }
    return GW_OK;

nomem:
    snprintf(error, n, "url_for: out of memory");
    return GW_ERROR;
}


/* "#" and the anchor, quoted as Flask 2.2 quotes it (url_quote: all but
 * "/" and ":"). */
static int
gw_url_anchor(gw_request_t *req, const gw_url_extras_t *x, gw_buf_t *out,
    char *error, size_t n)
{
    gw_str_t  enc;

    if (x->anchor.data == NULL) {
        return GW_OK;
    }
    if (gw_url_encode(req->arena, x->anchor, "/:", &enc) != GW_OK
        || gw_buf_putc(out, '#') != GW_OK
        || gw_buf_append(out, enc.data, enc.len) != GW_OK)
    {
        snprintf(error, n, "url_for: out of memory");
        return GW_ERROR;
    }
    return GW_OK;
}


int
gw_url_for(gw_request_t *req, const char *endpoint, json_t *values,
    gw_str_t *out)
{
    const char       *bp, *key;
    json_t           *v, *rest;
    gw_str_t          path;
    gw_buf_t          url;
    gw_url_extras_t   x;
    gw_tmpl_arg_t     a;
    char              err[256];
    int               rc;

    /* ".name" is relative to the blueprint handling the request */
    if (endpoint[0] == '.') {
        bp = gw_request_blueprint(req);
        endpoint = bp ? gw_arena_printf(req->arena, "%s%s", bp, endpoint)
                      : endpoint + 1;
        if (endpoint == NULL) {
            return gw_fail(req, "url_for: out of memory");
        }
    }

    /* the extras are taken out of a copy: the caller's values stay */
    memset(&x, 0, sizeof(x));
    rest = values;
    json_object_foreach(values, key, v) {
        if (!gw_url_extra(key)) {
            continue;
        }
        if (rest == values) {
            rest = json_copy(values);
            if (rest == NULL
                || gw_json_arena_own(req->arena, rest) != GW_OK)
            {
                return gw_fail(req, "url_for: out of memory");
            }
        }
        memset(&a, 0, sizeof(a));
        a.name = key;
        a.type = json_typeof(v);
        a.s = json_string_value(v);
        a.len = json_string_length(v);
        a.i = json_integer_value(v);
        a.f = json_real_value(v);
        a.json = v;
        if (gw_url_extra_set(req, &x, &a) != GW_OK) {
            return gw_fail(req, "url_for: out of memory");
        }
        json_object_del(rest, key);
    }

    err[0] = '\0';
    gw_buf_init(&url, req->arena, 64);
    rc = gw_url_prefix(req, &x, &url, err, sizeof(err));
    if (rc == GW_OK) {
        rc = gw_urlmap_build(req->app->map, req->arena, endpoint, rest,
                             &path, err, sizeof(err));
    }
    if (rc == GW_OK) {
        rc = gw_buf_append(&url, path.data, path.len);
    }
    if (rc == GW_OK) {
        rc = gw_url_anchor(req, &x, &url, err, sizeof(err));
    }
    if (rc == GW_OK) {
        rc = gw_buf_putc(&url, '\0');
    }
    if (rc != GW_OK) {
        return gw_fail(req, "url_for('%s'): %s", endpoint,
                       err[0] ? err : "cannot build the URL");
    }

    out->data = url.data;
    out->len = url.len - 1;
    return GW_OK;
}


/* The template form of url_for: borrowed arguments, the URL built
 * straight into the render's buffer. */
static int
gw_tmpl_url_for_args(void *fn_data, void *render_data,
    const gw_tmpl_arg_t *args, size_t nargs, gw_buf_t *out, char *error,
    size_t n)
{
    gw_request_t   *req = render_data;
    const char      *endpoint, *bp;
    size_t                len, npos, i, nkw;
    const gw_tmpl_arg_t  *kw;
    gw_tmpl_arg_t        *rest;
    gw_url_extras_t  x;

    for (npos = 0; npos < nargs && args[npos].name == NULL; npos++) {
        /* positional ones come first */
    }
    if (npos != 1 || args[0].type != JSON_STRING) {
        snprintf(error, n, "url_for() takes the endpoint name, then "
                 "keyword arguments");
        return GW_ERROR;
    }
    endpoint = args[0].s;
    len = args[0].len;

    if (len && endpoint[0] == '.') {
        bp = gw_request_blueprint(req);
        if (bp != NULL) {
            endpoint = gw_arena_printf(req->arena, "%s%.*s", bp, (int) len,
                                       endpoint);
            if (endpoint == NULL) {
                snprintf(error, n, "out of memory");
                return GW_ERROR;
            }
            len = strlen(endpoint);
        } else {
            endpoint++;
            len--;
        }
    }

    /* the extras are rare: only then are the keywords copied without them */
    memset(&x, 0, sizeof(x));
    kw = args + 1;
    nkw = nargs - 1;
    for (i = 1; i < nargs && !gw_url_extra(args[i].name); i++) {
        /* look for one */
    }
    if (i < nargs) {
        rest = gw_arena_alloc(req->arena, nargs * sizeof(gw_tmpl_arg_t));
        if (rest == NULL) {
            snprintf(error, n, "url_for: out of memory");
            return GW_ERROR;
        }
        for (i = 1, nkw = 0; i < nargs; i++) {
            if (!gw_url_extra(args[i].name)) {
                rest[nkw++] = args[i];
                continue;
            }
            if (gw_url_extra_set(req, &x, &args[i]) != GW_OK) {
                snprintf(error, n, "url_for: out of memory");
                return GW_ERROR;
            }
        }
        kw = rest;
    }

    if (gw_url_prefix(req, &x, out, error, n) != GW_OK) {
        return GW_ERROR;
    }
    error[0] = '\0';
    if (gw_urlmap_build_args(req->app->map, endpoint, len, kw, nkw, out,
                             error, n) != GW_OK)
    {
        if (error[0] == '\0') {
            snprintf(error, n, "url_for('%.*s'): cannot build the URL",
                     (int) len, endpoint);
        }
        return GW_ERROR;
    }
    return gw_url_anchor(req, &x, out, error, n);
}


static int
gw_tmpl_flashed(void *fn_data, void *render_data, json_t *args,
    json_t *kwargs, json_t **result, char *error, size_t n)
{
    gw_request_t  *req = render_data;
    json_t        *wc, *v;

    wc = json_object_get(kwargs, "with_categories");
    if (wc == NULL) {
        wc = json_array_get(args, 0);
    }

    v = gw_get_flashed_messages(req, json_is_true(wc));
    if (v == NULL) {
        snprintf(error, n, "get_flashed_messages: out of memory");
        return GW_ERROR;
    }
    *result = json_incref(v);
    return GW_OK;
}


static int
gw_is_dir(const char *path)
{
    struct stat  st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}


static int
gw_add_dirs(gw_app_t *app, gw_blueprint_t *bp)
{
    /* the list is newest first: recurse to add in registration order */
    if (bp == NULL) {
        return GW_OK;
    }
    if (gw_add_dirs(app, bp->next) != GW_OK) {
        return GW_ERROR;
    }
    if (bp->template_folder != NULL && gw_is_dir(bp->template_folder)) {
        return gw_tmpl_env_add_path(app->tmpl, bp->template_folder);
    }
    return GW_OK;
}


int
gw_app_templates_load(gw_app_t *app, char *error, size_t n)
{
    const char   *dir, *v;
    gw_config_t  *c;
    json_t       *config;
    uint64_t      out, mem, steps;
    char          msg[GW_FW_ERROR_SIZE];

    if (gw_app_config_size(app, "TEMPLATE_MAX_OUTPUT", &out, error, n) != GW_OK
        || gw_app_config_size(app, "TEMPLATE_MAX_MEMORY", &mem, error, n) != GW_OK
        || gw_app_config_size(app, "TEMPLATE_MAX_STEPS", &steps, error, n)
           != GW_OK)
    {
        return GW_ERROR;
    }
    gw_tmpl_env_set_limits(app->tmpl, out, mem, steps);

    /* Flask's TEMPLATES_AUTO_RELOAD; absent leaves what setup() chose */
    v = gw_app_config_get(app, "TEMPLATES_AUTO_RELOAD");
    if (v != NULL) {
        gw_tmpl_env_set_auto_reload(app->tmpl,
                                    strcasecmp(v, "true") == 0
                                    || strcmp(v, "1") == 0
                                    || strcasecmp(v, "yes") == 0
                                    || strcasecmp(v, "on") == 0,
                                    GW_TMPL_RELOAD_INTERVAL);
    }

    config = json_object();
    if (config == NULL) {
        goto nomem;
    }
    for (c = app->config; c != NULL; c = c->next) {
        if (c->value != NULL
            && json_object_set_new(config, c->key, json_string(c->value)))
        {
            json_decref(config);
            goto nomem;
        }
    }

    dir = gw_app_path(app, "templates");
    if (dir == NULL
        || (gw_is_dir(dir) && gw_tmpl_env_add_path(app->tmpl, dir) != GW_OK)
        || gw_add_dirs(app, app->blueprints) != GW_OK
        || gw_tmpl_env_add_global_new(app->tmpl, "config", config) != GW_OK
        || gw_tmpl_env_add_function_args(app->tmpl, "url_for",
                                         gw_tmpl_url_for_args, app)
           != GW_OK
        || gw_tmpl_env_add_function(app->tmpl, "get_flashed_messages",
                                    gw_tmpl_flashed, app) != GW_OK)
    {
        goto nomem;
    }

    msg[0] = '\0';
    if (gw_tmpl_env_load_all(app->tmpl, msg, sizeof(msg)) != GW_OK) {
        snprintf(error, n, "app '%s': template %s", app->name,
                 msg[0] ? msg : "loading failed");
        return GW_ERROR;
    }
    return GW_OK;

nomem:
    snprintf(error, n, "app '%s': templates: out of memory", app->name);
    return GW_ERROR;
}


static json_t *
gw_str_json(gw_str_t s)
{
    return json_stringn(s.data ? s.data : "", s.len);
}


/* MultiDict.get() as templates read it: the first value of each key;
 * a key or value that is not UTF-8 is left out.  NULL: a parse error
 * (recorded: the request answers 400) or out of memory. */
static json_t *
gw_multidict_json(gw_request_t *req, const gw_multidict_t *d)
{
    json_t  *o, *v;
    size_t   i;
    char    *k;

    o = d ? json_object() : NULL;
    for (i = 0; o != NULL && i < d->n; i++) {
        k = gw_arena_strndup(req->arena, d->items[i].key.data,
                             d->items[i].key.len);
        if (k == NULL) {
            json_decref(o);
            return NULL;
        }
        if (json_object_get(o, k) == NULL) {
            v = gw_str_json(d->items[i].value);
            if (v != NULL) {
                json_object_set_new(o, k, v);
            }
        }
    }
    return o;
}


/* Werkzeug's EnvironHeaders: HTTP_X_TOKEN as "X-Token", CONTENT_TYPE and
 * CONTENT_LENGTH as headers too. */
static json_t *
gw_headers_json(gw_request_t *req)
{
    const gw_env_entry_t  *e;
    json_t                *o, *v;
    size_t                 i, j, off;
    char                  *k;

    o = json_object();
    for (i = 0; o != NULL && i < req->env->nentries; i++) {
        e = &req->env->entries[i];
        if (e->key.len > 5 && memcmp(e->key.data, "HTTP_", 5) == 0) {
            off = 5;
        } else if (gw_str_eq(e->key, "CONTENT_TYPE")
                   || gw_str_eq(e->key, "CONTENT_LENGTH"))
        {
            off = 0;
        } else {
            continue;
        }
        k = gw_arena_strndup(req->arena, e->key.data + off,
                             e->key.len - off);
        if (k == NULL) {
            json_decref(o);
            return NULL;
        }
        for (j = 0; k[j]; j++) {
            k[j] = k[j] == '_' ? '-'
                   : j == 0 || k[j - 1] == '-' ? toupper((unsigned char) k[j])
                   : tolower((unsigned char) k[j]);
        }
        v = gw_str_json(e->value);
        if (v != NULL) {
            json_object_set_new(o, k, v);
        }
    }
    return o;
}


static json_t *
gw_cstr_json(const char *s)
{
    return s ? json_string(s) : json_null();
}


/* One member of the request view, built alone: a page that reads
 * request.path pays nothing for the form.  NULL for a name that is not a
 * member, or when out of memory (or not UTF-8: the member is then left
 * out). */
static json_t *
gw_request_json_member(gw_request_t *req, const char *key)
{
    json_t  *va;

    switch (key[0]) {
    case 'a':
        if (strcmp(key, "args") == 0) {
            return gw_multidict_json(req, gw_request_args(req));
        }
        break;
    case 'b':
        if (strcmp(key, "blueprint") == 0) {
            return gw_cstr_json(gw_request_blueprint(req));
        }
        break;
    case 'c':
        if (strcmp(key, "cookies") == 0) {
            return gw_multidict_json(req, gw_request_cookies(req));
        }
        break;
    case 'e':
        if (strcmp(key, "endpoint") == 0) {
            return gw_cstr_json(gw_request_endpoint(req));
        }
        break;
    case 'f':
        if (strcmp(key, "full_path") == 0) {
            return gw_cstr_json(gw_request_full_path(req));
        }
        if (strcmp(key, "form") == 0) {
            return gw_multidict_json(req, gw_request_form(req));
        }
        break;
    case 'h':
        if (strcmp(key, "headers") == 0) {
            return gw_headers_json(req);
        }
        if (strcmp(key, "host") == 0) {
            return gw_str_json(gw_request_host(req));
        }
        break;
    case 'm':
        if (strcmp(key, "method") == 0) {
            return gw_str_json(req->method);
        }
        break;
    case 'p':
        if (strcmp(key, "path") == 0) {
            return gw_str_json(req->path);
        }
        break;
    case 'r':
        if (strcmp(key, "remote_addr") == 0) {
            return gw_str_json(gw_request_remote_addr(req));
        }
        break;
    case 's':
        if (strcmp(key, "script_root") == 0) {
            return gw_str_json(req->script_root);
        }
        break;
    case 'u':
        if (strcmp(key, "url") == 0) {
            return gw_cstr_json(gw_request_url(req));
        }
        break;
    case 'v':
        if (strcmp(key, "view_args") == 0) {
            va = gw_request_view_args(req);
            return va ? json_incref(va) : json_null();
        }
        break;
    }
    return NULL;
}


/* Flask's request, as far as templates use it. */
static json_t *
gw_request_json_view(gw_request_t *req)
{
    static const char  *members[] = {
        "args", "blueprint", "cookies", "endpoint", "form", "full_path",
        "headers", "host", "method", "path", "remote_addr", "script_root",
        "url", "view_args", NULL
    };
    json_t             *r;
    size_t              i;

    r = json_object();
    for (i = 0; r != NULL && members[i] != NULL; i++) {
        json_object_set_new(r, members[i],
                            gw_request_json_member(req, members[i]));
    }
    return r;
}


/* Built only when a template reads request, and "request.endpoint" only
 * builds that member. */
static json_t *
gw_request_json_lazy(void *render_data, const char *attr)
{
    gw_request_t  *req = render_data;
    json_t        *v;

    v = attr ? gw_request_json_member(req, attr) : gw_request_json_view(req);
    if (v == NULL
        || gw_arena_cleanup_add(req->arena, gw_json_decref_cb, v) != GW_OK)
    {
        json_decref(v);
        return NULL;
    }
    return v;
}


int
gw_render(gw_request_t *req, gw_response_t *resp, const char *name,
    json_t *context)
{
    json_t    *ctx, *session;
    gw_buf_t   b;
    char       err[GW_FW_ERROR_SIZE];

    ctx = json_object();
    if (ctx == NULL
        || gw_arena_cleanup_add(req->arena, gw_json_decref_cb, ctx) != GW_OK)
    {
        json_decref(ctx);
        return gw_fail(req, "render %s: out of memory", name);
    }

    /* only a request that sent a session cookie pays for decoding it (and
     * gets Vary: Cookie); otherwise the session is known to be empty */
    if (req->session_loaded
        || gw_request_cookie(req, req->app->session_cookie) != NULL)
    {
        session = json_incref(gw_session(req));
    } else {
        session = json_object();
    }
    if (session == NULL || json_object_set_new(ctx, "session", session)) {
        return gw_fail(req, "render %s: out of memory", name);
    }

    /* Flask's g: what the view set with gw_g_set_json, else an empty
     * object shared by every request (g.user is then undefined) */
    if (json_object_set(ctx, "g", req->g_json ? req->g_json
                                              : req->app->g_empty) != 0)
    {
        return gw_fail(req, "render %s: out of memory", name);
    }

    if (context != NULL && json_object_update(ctx, context) != 0) {
        return gw_fail(req, "render %s: the context must be an object",
                       name);
    }

    gw_buf_init(&b, req->arena, 4096);
    err[0] = '\0';
    if (gw_tmpl_render_lazy(req->app->tmpl, name, ctx, "request",
                            gw_request_json_lazy, req, req->arena, &b, err,
                            sizeof(err)) != GW_OK)
    {
        return gw_fail(req, "render: %s", err[0] ? err : name);
    }

    if (gw_response_set_header(resp, "Content-Type",
                               "text/html; charset=utf-8") != GW_OK)
    {
        return gw_fail(req, "render %s: out of memory", name);
    }
    gw_response_clear_body(resp);
    return gw_response_write_ref(resp, b.data, b.len);
}
