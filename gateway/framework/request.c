/*
 * request.c: Flask's request object as a lazy view over the environ.  The
 * cheap fields are read when dispatch starts; args, form, cookies and the
 * JSON body are parsed on first use and cached, in the request's arena.
 */

#include "fw.h"
#include "header_params.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


static gw_str_t
gw_env_str(const gw_environ_t *env, const char *key)
{
    const gw_str_t  *v;
    gw_str_t         none = gw_null_string;

    v = gw_environ_get(env, key);
    return v ? *v : none;
}


void
gw_request_init(gw_request_t *req, gw_app_t *app, gw_environ_t *env)
{
    memset(req, 0, sizeof(*req));
    req->app = app;
    req->env = env;
    req->arena = env->arena;

    req->method = gw_env_str(env, "REQUEST_METHOD");
    if (req->method.len == 0) {
        req->method.data = "GET";
        req->method.len = 3;
    }

    req->path = gw_env_str(env, "PATH_INFO");
    if (req->path.len == 0) {
        req->path.data = "/";
        req->path.len = 1;
    }

    /* Werkzeug's script_root: SCRIPT_NAME without its trailing '/' */
    req->script_root = gw_env_str(env, "SCRIPT_NAME");
    while (req->script_root.len
           && req->script_root.data[req->script_root.len - 1] == '/')
    {
        req->script_root.len--;
    }

    req->query = gw_env_str(env, "QUERY_STRING");
}


gw_app_t *
gw_request_app(const gw_request_t *req)
{
    return req->app;
}


gw_environ_t *
gw_request_environ(const gw_request_t *req)
{
    return req->env;
}


gw_arena_t *
gw_request_arena(const gw_request_t *req)
{
    return req->arena;
}


gw_str_t
gw_request_method(const gw_request_t *req)
{
    return req->method;
}


gw_str_t
gw_request_path(const gw_request_t *req)
{
    return req->path;
}


gw_str_t
gw_request_script_root(const gw_request_t *req)
{
    return req->script_root;
}


gw_str_t
gw_request_query_string(const gw_request_t *req)
{
    return req->query;
}


gw_str_t
gw_request_remote_addr(const gw_request_t *req)
{
    return gw_env_str(req->env, "REMOTE_ADDR");
}


/* Flask's MAX_CONTENT_LENGTH: a body past it is a 413 when it is read
 * (data, form, files or JSON), through the app's error handlers. */
gw_str_t
gw_request_data(gw_request_t *req)
{
    gw_str_t  body, none = gw_null_string;

    body = gw_env_str(req->env, "gateway.input");
    if (req->app->max_content_length != 0
        && body.len > req->app->max_content_length)
    {
        gw_http_error_set(req, 413, NULL);
        return none;
    }
    return body;
}


const char *
gw_request_endpoint(const gw_request_t *req)
{
    return req->route ? req->route->endpoint : NULL;
}


const char *
gw_request_blueprint(const gw_request_t *req)
{
    return req->route && req->route->bp ? req->route->bp->name : NULL;
}


json_t *
gw_request_view_args(const gw_request_t *creq)
{
    gw_request_t  *req = (gw_request_t *) creq;
    json_t        *v;

    /* routes without arguments cost nothing until someone asks */
    if (req->view_args == NULL) {
        v = json_object();
        if (gw_json_arena_own(req->arena, v) != GW_OK) {
            return NULL;
        }
        req->view_args = v;
    }
    return req->view_args;
}


const gw_str_t *
gw_request_header(const gw_request_t *req, const char *name)
{
    char    key[256];
    size_t  len, i, off;

    len = strlen(name);
    if (strcasecmp(name, "Content-Type") == 0
        || strcasecmp(name, "Content-Length") == 0)
    {
        off = 0;
    } else {
        memcpy(key, "HTTP_", 5);
        off = 5;
    }
    if (len + off >= sizeof(key)) {
        return NULL;
    }

    for (i = 0; i < len; i++) {
        key[off + i] = name[i] == '-' ? '_'
                       : (name[i] >= 'a' && name[i] <= 'z')
                       ? name[i] - 'a' + 'A' : name[i];
    }
    return gw_environ_getn(req->env, key, off + len);
}


/*
 * A Host is a name or an IPv4 address of letters, digits, '-', '.' and '_',
 * or an IPv6 literal in brackets, and an optional port: what Werkzeug 3.1
 * accepts (it answers "" for the rest).  Anything else ('@', '/', '\\',
 * spaces, controls) would change what an absolute URL built on it means.
 */
static int
gw_host_char(char c, int literal)
{
    if ((c >= '0' && c <= '9') || c == '.' || (c >= 'a' && c <= 'f')
        || (c >= 'A' && c <= 'F'))
    {
        return 1;
    }
    if (literal) {
        return c == ':';
    }
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'
           || c == '_';
}


int
gw_host_valid(gw_str_t host)
{
    const char  *p, *end;
    size_t       n;

    p = host.data;
    end = p + host.len;

    if (p < end && *p == '[') {
        for (p++, n = 0; p < end && gw_host_char(*p, 1); p++, n++) {
            /* void */
        }
        if (n == 0 || p == end || *p++ != ']') {
            return 0;
        }

    } else {
        for (n = 0; p < end && gw_host_char(*p, 0); p++, n++) {
            /* void */
        }
        if (n == 0) {
            return 0;
        }
    }

    if (p < end && *p++ == ':') {
        for (n = 0; p < end && *p >= '0' && *p <= '9'; p++, n++) {
            /* void */
        }
        if (n == 0 || n > 5) {
            return 0;
        }
    }
    return p == end;
}


/* The Host header, else SERVER_NAME with the port unless it is the
 * scheme's; "" when the header is not a valid host. */
gw_str_t
gw_request_host(const gw_request_t *req)
{
    const gw_str_t  *host;
    gw_str_t         name, port, scheme, out;
    char            *p;

    host = gw_environ_get(req->env, "HTTP_HOST");
    if (host != NULL && host->len) {
        if (!gw_host_valid(*host)) {
            return (gw_str_t) gw_string("");
        }
        return *host;
    }

    name = gw_env_str(req->env, "SERVER_NAME");
    port = gw_env_str(req->env, "SERVER_PORT");
    scheme = gw_env_str(req->env, "gateway.url_scheme");

    out = name;
    if (port.len == 0
        || (gw_str_eq(port, "80") && !gw_str_eq(scheme, "https"))
        || (gw_str_eq(port, "443") && gw_str_eq(scheme, "https")))
    {
        return out;
    }

    p = gw_arena_printf(req->arena, "%.*s:%.*s", (int) name.len, name.data,
                        (int) port.len, port.data);
    if (p != NULL) {
        out.data = p;
        out.len = strlen(p);
    }
    return out;
}


/*
 * Werkzeug's host_is_trusted: the host without its port equals an entry of
 * TRUSTED_HOSTS, or ends in ".entry" when the entry starts with a dot;
 * letters compare without case.  An invalid host is never trusted.
 */
int
gw_request_host_trusted(const gw_request_t *req)
{
    const gw_app_t  *app = req->app;
    gw_str_t         host, t;
    const char      *colon;
    size_t           i;

    host = gw_request_host(req);
    if (host.len == 0) {
        return 0;
    }
    colon = memrchr(host.data, ':', host.len);
    if (colon != NULL && host.data[host.len - 1] != ']') {
        host.len = colon - host.data;
    }

    for (i = 0; i < app->ntrusted_hosts; i++) {
        t = app->trusted_hosts[i];
        if (t.len && t.data[0] == '.') {
            t.data++;
            t.len--;
            if (host.len > t.len
                && host.data[host.len - t.len - 1] == '.'
                && strncasecmp(host.data + host.len - t.len, t.data, t.len)
                   == 0)
            {
                return 1;
            }
        }
        if (host.len == t.len && strncasecmp(host.data, t.data, t.len) == 0)
        {
            return 1;
        }
    }
    return 0;
}


const char *
gw_request_full_path(gw_request_t *req)
{
    if (req->full_path == NULL) {
        req->full_path = gw_arena_printf(req->arena, "%.*s?%.*s",
                                         (int) req->path.len, req->path.data,
                                         (int) req->query.len,
                                         req->query.data);
    }
    return req->full_path;
}


char *
gw_request_url_to(gw_request_t *req, gw_str_t path)
{
    gw_str_t  scheme, host, enc;

    scheme = gw_env_str(req->env, "gateway.url_scheme");
    if (scheme.len == 0) {
        scheme.data = "http";
        scheme.len = 4;
    }
    host = gw_request_host(req);
    if (host.len == 0) {
        /* no absolute URL on a Host we cannot trust to mean one site */
        gw_http_error_set(req, 400, NULL);
        return NULL;
    }

    if (gw_url_encode(req->arena, path, "/!$&'()*+,;=:@", &enc) != GW_OK) {
        return NULL;
    }

    return gw_arena_printf(req->arena, "%.*s://%.*s%.*s%.*s%s%.*s",
                           (int) scheme.len, scheme.data,
                           (int) host.len, host.data,
                           (int) req->script_root.len, req->script_root.data,
                           (int) enc.len, enc.data,
                           req->query.len ? "?" : "",
                           (int) req->query.len, req->query.data);
}


const char *
gw_request_url(gw_request_t *req)
{
    if (req->url == NULL) {
        req->url = gw_request_url_to(req, req->path);
    }
    return req->url;
}


const gw_multidict_t *
gw_request_args(gw_request_t *req)
{
    if (!req->args_done) {
        req->args_done = 1;
        if (gw_parse_query(req->arena, req->query, &req->args) != GW_OK) {
            req->args_bad = 1;
            gw_http_error_set(req, 400, "The query string holds malformed "
                              "percent-encoding.");
        }
    }
    return req->args_bad ? NULL : &req->args;
}


const gw_str_t *
gw_request_arg(gw_request_t *req, const char *key)
{
    const gw_multidict_t  *args;

    args = gw_request_args(req);
    return args ? gw_multidict_get(args, key) : NULL;
}


/* The text of s as strto* should see it, NUL-terminated in the arena:
 * without Python's surrounding whitespace and the underscores it allows
 * between digits ("1_000"); NULL when nothing is left or an underscore
 * stands elsewhere. */
static char *
gw_request_number_text(gw_request_t *req, const gw_str_t *s)
{
    size_t  b, e, i, k;
    char   *t;

    for (b = 0; b < s->len && isspace((unsigned char) s->data[b]); b++) {
        /* leading */
    }
    for (e = s->len; e > b && isspace((unsigned char) s->data[e - 1]); e--) {
        /* trailing */
    }
    if (b == e || memchr(s->data + b, '\0', e - b) != NULL) {
        return NULL;
    }
    t = gw_arena_alloc(req->arena, e - b + 1);
    if (t == NULL) {
        return NULL;
    }
    for (i = b, k = 0; i < e; i++) {
        if (s->data[i] == '_') {
            if (i == b || i + 1 == e
                || !isdigit((unsigned char) s->data[i - 1])
                || !isdigit((unsigned char) s->data[i + 1]))
            {
                return NULL;
            }
            continue;
        }
        t[k++] = s->data[i];
    }
    t[k] = '\0';
    return t;
}


long long
gw_request_arg_int(gw_request_t *req, const char *key, long long def)
{
    const gw_str_t  *v;
    const char      *t;
    char            *end;
    long long        n;

    v = gw_request_arg(req, key);
    t = v ? gw_request_number_text(req, v) : NULL;
    /* int(): a sign and decimal digits, nothing strtoll takes beyond */
    if (t == NULL || !(isdigit((unsigned char) t[0])
                       || ((t[0] == '+' || t[0] == '-')
                           && isdigit((unsigned char) t[1]))))
    {
        return def;
    }
    errno = 0;
    n = strtoll(t, &end, 10);
    return (errno || *end != '\0') ? def : n;
}


double
gw_request_arg_float(gw_request_t *req, const char *key, double def)
{
    const gw_str_t  *v;
    const char      *t;
    char            *end;
    double           d;

    v = gw_request_arg(req, key);
    t = v ? gw_request_number_text(req, v) : NULL;
    /* float(): no hexadecimal, which strtod would take */
    if (t == NULL || strpbrk(t, "xX") != NULL) {
        return def;
    }
    d = strtod(t, &end);
    return *end != '\0' ? def : d;
}


long long
gw_request_view_arg_int(const gw_request_t *req, const char *key,
    long long def)
{
    json_t  *v;

    v = req->view_args ? json_object_get(req->view_args, key) : NULL;
    return json_is_integer(v) ? json_integer_value(v) : def;
}


static void
gw_request_parse_form(gw_request_t *req)
{
    const char  *error;
    char        *msg;
    gw_str_t     ct;

    if (req->form_done) {
        return;
    }
    req->form_done = 1;

    ct = gw_env_str(req->env, "CONTENT_TYPE");
    error = NULL;
    if (gw_parse_form(req->arena, ct, gw_request_data(req), &req->form,
                      &req->files, &error)
        != GW_OK)
    {
        req->form_bad = 1;
        msg = gw_arena_printf(req->arena, "The form body is malformed: %s",
                              error ? error : "cannot parse it");
        gw_http_error_set(req, 400, msg);
    }
}


const gw_multidict_t *
gw_request_form(gw_request_t *req)
{
    gw_request_parse_form(req);
    return req->form_bad ? NULL : &req->form;
}


/* Werkzeug's BadRequestKeyError: a 400 with the generic description, and
 * in DEBUG the KeyError too, as Flask shows it then. */
static const gw_str_t *
gw_required(gw_request_t *req, const gw_multidict_t *d, const char *key)
{
    const gw_str_t  *v;
    const char      *q;

    if (d == NULL) {
        return NULL;                    /* malformed: its 400 is recorded */
    }
    v = gw_multidict_get(d, key);
    if (v != NULL) {
        return v;
    }

    if (!req->app->debug) {
        gw_http_error_set(req, 400, NULL);
        return NULL;
    }
    q = strchr(key, '\'') ? "\"" : "'";
    gw_http_error_set(req, 400, gw_arena_printf(req->arena, "%s\nKeyError: "
                                                "%s%s%s",
                                                gw_http_error_description(400),
                                                q, key, q));
    return NULL;
}


const gw_str_t *
gw_request_form_required(gw_request_t *req, const char *key)
{
    return gw_required(req, gw_request_form(req), key);
}


const gw_str_t *
gw_request_arg_required(gw_request_t *req, const char *key)
{
    return gw_required(req, gw_request_args(req), key);
}


const gw_files_t *
gw_request_files(gw_request_t *req)
{
    gw_request_parse_form(req);
    return req->form_bad ? NULL : &req->files;
}


const gw_multidict_t *
gw_request_cookies(gw_request_t *req)
{
    const gw_str_t  *h;

    if (!req->cookies_done) {
        req->cookies_done = 1;
        h = gw_environ_get(req->env, "HTTP_COOKIE");
        /* lenient like browsers: malformed pairs are skipped */
        if (h != NULL) {
            (void) gw_parse_cookies(req->arena, *h, &req->cookies);
        }
    }
    return &req->cookies;
}


const gw_str_t *
gw_request_cookie(gw_request_t *req, const char *name)
{
    return gw_multidict_get(gw_request_cookies(req), name);
}


int
gw_request_is_json(const gw_request_t *req)
{
    const gw_str_t  *ct;
    gw_str_t         type;
    const char      *s;
    size_t           len;

    ct = gw_environ_get(req->env, "CONTENT_TYPE");
    if (ct == NULL) {
        return 0;
    }

    /* case-insensitive, as form.c's types */
    type = gw_header_mimetype(*ct);
    s = type.data;
    len = type.len;

    if (len == 16 && strncasecmp(s, "application/json", 16) == 0) {
        return 1;
    }
    return len > 17 && strncasecmp(s, "application/", 12) == 0
           && strncasecmp(s + len - 5, "+json", 5) == 0;
}


json_t *
gw_request_json(gw_request_t *req)
{
    json_error_t  jerr;
    gw_str_t      body;
    json_t       *v;
    char         *msg;

    if (req->json_done) {
        return req->json;
    }
    req->json_done = 1;

    /* whoever sent JSON reads errors as JSON: the default answer to a
     * body we cannot use is {"error": ...}, not an HTML page */
    req->error_json = 1;

    if (!gw_request_is_json(req)) {
        gw_http_error_set(req, 400, "Did not attempt to load JSON data "
                          "because the request Content-Type was not "
                          "'application/json'.");
        return NULL;
    }

    body = gw_request_data(req);
    if (req->has_error) {
        /* past MAX_CONTENT_LENGTH: Flask's 413 is its HTML page */
        req->error_json = 0;
        return NULL;
    }
    v = gw_json_loadb(body.data, body.len, &jerr);
    if (v == NULL) {
        msg = gw_arena_printf(req->arena, "Failed to decode JSON object: %s "
                              "(line %d, column %d)", jerr.text, jerr.line,
                              jerr.column);
        gw_http_error_set(req, 400, msg);
        return NULL;
    }

    if (gw_json_arena_own(req->arena, v) != GW_OK) {
        gw_http_error_set(req, 500, NULL);
        return NULL;
    }

    req->error_json = 0;
    req->json = v;
    return v;
}
