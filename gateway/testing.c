/*
 * testing.c: the test client (gw_testing.h): builds the environ a server
 * would, runs the app through gw_loader_call() and keeps a cookie jar.
 */

#include "gw_testing.h"
#include "gw_framework.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct gw_test_cookie_s  gw_test_cookie_t;

struct gw_test_cookie_s {
    char              *name;
    char              *value;
    gw_test_cookie_t  *next;
};

struct gw_test_client_s {
    gw_loaded_app_t    h;
    gw_app_entry_t     entry;       /* for gw_test_client_create's app */
    int                opened;      /* h came from gw_loader_open */
    gw_test_cookie_t  *cookies;
};


gw_test_client_t *
gw_test_client_open(const char *path, const gw_config_item_t *config,
    size_t nconfig, char *error, size_t error_size)
{
    gw_test_client_t  *c;

    c = calloc(1, sizeof(gw_test_client_t));
    if (c == NULL) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    if (gw_loader_open(&c->h, path, config, nconfig, "test", error,
                       error_size)
        != GW_OK)
    {
        free(c);
        return NULL;
    }
    c->opened = 1;
    if (gw_loader_worker_init(&c->h, error, error_size) != GW_OK) {
        gw_test_client_destroy(c);
        return NULL;
    }
    return c;
}


gw_test_client_t *
gw_test_client_create(int (*call)(void *app, gw_environ_t *env,
    gw_response_t *resp), void *app)
{
    gw_test_client_t  *c;

    c = calloc(1, sizeof(gw_test_client_t));
    if (c == NULL) {
        return NULL;
    }
    c->entry.abi = GW_ABI_VERSION;
    c->entry.name = "test";
    c->entry.call = call;
    c->h.entry = &c->entry;
    c->h.app = app;
    c->h.path = "(test client)";
    c->h.memfd = -1;
    return c;
}


void
gw_test_client_destroy(gw_test_client_t *c)
{
    gw_test_cookie_t  *k, *next;

    if (c == NULL) {
        return;
    }
    if (c->opened) {
        gw_loader_close(&c->h);
    }
    for (k = c->cookies; k != NULL; k = next) {
        next = k->next;
        free(k->name);
        free(k->value);
        free(k);
    }
    free(c);
}


const char *
gw_test_client_cookie(const gw_test_client_t *c, const char *name)
{
    const gw_test_cookie_t  *k;

    for (k = c->cookies; k != NULL; k = k->next) {
        if (strcmp(k->name, name) == 0) {
            return k->value;
        }
    }
    return NULL;
}


static int
gw_test_jar_set(gw_test_client_t *c, const char *name, size_t nlen,
    const char *value, size_t vlen)
{
    gw_test_cookie_t  **p, *k;
    char               *v;

    for (p = &c->cookies; *p != NULL; p = &(*p)->next) {
        if (strlen((*p)->name) == nlen && memcmp((*p)->name, name, nlen) == 0)
        {
            break;
        }
    }
    k = *p;

    if (value == NULL) {
        if (k != NULL) {
            *p = k->next;
            free(k->name);
            free(k->value);
            free(k);
        }
        return GW_OK;
    }

    v = strndup(value, vlen);
    if (v == NULL) {
        return GW_ERROR;
    }
    if (k == NULL) {
        k = calloc(1, sizeof(gw_test_cookie_t));
        if (k == NULL || (k->name = strndup(name, nlen)) == NULL) {
            free(k);
            free(v);
            return GW_ERROR;
        }
        *p = k;         /* kept in the order they were first set */
    }
    free(k->value);
    k->value = v;
    return GW_OK;
}


int
gw_test_client_set_cookie(gw_test_client_t *c, const char *name,
    const char *value)
{
    return gw_test_jar_set(c, name, strlen(name), value,
                           value ? strlen(value) : 0);
}


/* "name=value; Path=/; Max-Age=0": the pair, and whether its attributes
 * say a browser drops it (Werkzeug's delete_cookie sends a Max-Age of 0
 * and an Expires in 1970). */
static int
gw_test_jar_take(gw_test_client_t *c, gw_str_t line)
{
    const char  *p, *end, *eq, *semi, *attr, *next;
    int          drop;
    size_t       n;

    p = line.data;
    end = p + line.len;
    semi = memchr(p, ';', line.len);
    if (semi == NULL) {
        semi = end;
    }
    eq = memchr(p, '=', (size_t) (semi - p));
    if (eq == NULL || eq == p) {
        return GW_OK;               /* not a cookie a browser keeps */
    }

    drop = 0;
    for (attr = semi; attr < end; attr = next) {
        for (attr++; attr < end && *attr == ' '; attr++) {
            /* the space after ';' */
        }
        next = memchr(attr, ';', (size_t) (end - attr));
        if (next == NULL) {
            next = end;
        }
        n = (size_t) (next - attr);
        if (n > 8 && strncasecmp(attr, "Max-Age=", 8) == 0
            && (attr[8] == '-' || (n == 9 && attr[8] == '0')))
        {
            drop = 1;
        } else if (n > 8 && strncasecmp(attr, "Expires=", 8) == 0
                   && memmem(attr, n, "1970", 4) != NULL)
        {
            drop = 1;
        }
    }
    return gw_test_jar_set(c, p, (size_t) (eq - p),
                           drop ? NULL : eq + 1, (size_t) (semi - eq - 1));
}


static int
gw_test_name_is(gw_str_t name, const char *s)
{
    return name.len == strlen(s) && strncasecmp(name.data, s, name.len) == 0;
}


static void
gw_test_log(void *ctx, gw_log_level_t level, const char *msg, size_t len)
{
    gw_test_response_t  *r = ctx;

    /* a message lost to memory is only a shorter log */
    (void) (gw_buf_append(&r->logbuf, msg, len) == GW_OK
            && gw_buf_putc(&r->logbuf, '\n') == GW_OK);
}


static int
gw_test_add(gw_environ_t *env, const char *key, const char *value,
    size_t len)
{
    gw_str_t  k = { key, strlen(key) };
    gw_str_t  v = { value, len };

    return gw_environ_add(env, k, v);
}


#define gw_test_adds(env, key, value)                                        \
    gw_test_add(env, key, value, strlen(value))


/* The request's headers, then Host and the jar's cookies where missing. */
static int
gw_test_headers(gw_test_client_t *c, gw_test_response_t *r,
    const gw_test_request_t *req)
{
    gw_environ_t            *env = &r->env;
    const char *const       *h;
    const gw_test_cookie_t  *k;
    const char              *key;
    size_t                   from, klen;
    gw_str_t                 name, value;

    from = env->nentries;
    for (h = req ? req->headers : NULL; h != NULL && h[0] != NULL; h += 2) {
        if (h[1] == NULL) {
            return GW_ERROR;
        }
        key = gw_environ_header_key(r->arena, h[0], strlen(h[0]), &klen);
        if (key == NULL) {
            return GW_ERROR;
        }
        name.data = key;
        name.len = klen;
        value.data = h[1];
        value.len = strlen(h[1]);
        if (gw_environ_add_header(env, from, name, value) != GW_OK) {
            return GW_ERROR;
        }
    }

    if (gw_environ_get(env, "HTTP_HOST") == NULL
        && gw_test_adds(env, "HTTP_HOST", "localhost") != GW_OK)
    {
        return GW_ERROR;
    }
    for (k = c->cookies; k != NULL; k = k->next) {
        key = gw_arena_printf(r->arena, "%s=%s", k->name, k->value);
        if (key == NULL) {
            return GW_ERROR;
        }
        name.data = "HTTP_COOKIE";
        name.len = sizeof("HTTP_COOKIE") - 1;
        value.data = key;
        value.len = strlen(key);
        if (gw_environ_add_header(env, from, name, value) != GW_OK) {
            return GW_ERROR;
        }
    }
    return GW_OK;
}


static int
gw_test_body(gw_test_response_t *r, const gw_test_request_t *req)
{
    const char  *type, *data;
    char        *dump, n[32];
    size_t       len;
    int          rc;

    if (req == NULL) {
        return GW_OK;
    }
    dump = NULL;
    if (req->json != NULL) {
        dump = json_dumps(req->json, JSON_COMPACT | JSON_ENCODE_ANY);
        if (dump == NULL) {
            return GW_ERROR;
        }
        type = "application/json";
        data = dump;
        len = strlen(dump);
    } else if (req->form != NULL) {
        type = "application/x-www-form-urlencoded";
        data = req->form;
        len = strlen(data);
    } else if (req->data != NULL) {
        type = req->content_type;
        data = req->data;
        len = req->data_len ? req->data_len : strlen(data);
    } else {
        return GW_OK;
    }

    snprintf(n, sizeof(n), "%zu", len);
    data = gw_arena_strndup(r->arena, data, len);
    free(dump);
    rc = data != NULL
         && (type == NULL || gw_test_adds(&r->env, "CONTENT_TYPE", type)
                             == GW_OK)
         && gw_test_adds(&r->env, "CONTENT_LENGTH", n) == GW_OK
         && gw_test_add(&r->env, "gateway.input", data, len) == GW_OK;
    return rc ? GW_OK : GW_ERROR;
}


static int
gw_test_environ(gw_test_client_t *c, gw_test_response_t *r,
    const char *method, const char *url, const gw_test_request_t *req)
{
    gw_environ_t  *env = &r->env;
    const char    *q;
    gw_str_t       raw, path, key, value;
    size_t         i;

    q = strchr(url, '?');
    raw.data = url;
    raw.len = q ? (size_t) (q - url) : strlen(url);
    if (gw_url_decode(r->arena, raw, 0, &path) != GW_OK) {
        path = raw;                 /* as given: the app answers 400 */
    }

    if (gw_test_adds(env, "REQUEST_METHOD", method) != GW_OK
        || gw_test_adds(env, "SCRIPT_NAME", "") != GW_OK
        || gw_test_add(env, "PATH_INFO", path.data, path.len) != GW_OK
        || gw_test_adds(env, "QUERY_STRING", q ? q + 1 : "") != GW_OK
        || gw_test_adds(env, "REQUEST_URI", url) != GW_OK
        || gw_test_adds(env, "SERVER_NAME", "localhost") != GW_OK
        || gw_test_adds(env, "SERVER_PORT", "80") != GW_OK
        || gw_test_adds(env, "SERVER_PROTOCOL", "HTTP/1.1") != GW_OK
        || gw_test_adds(env, "REMOTE_ADDR", "127.0.0.1") != GW_OK
        || gw_test_adds(env, "gateway.url_scheme", "http") != GW_OK
        || gw_test_adds(env, "gateway.multithread", "false") != GW_OK
        || gw_test_adds(env, "gateway.multiprocess", "false") != GW_OK
        || gw_test_adds(env, "gateway.errors", "test") != GW_OK
        || gw_test_body(r, req) != GW_OK
        || gw_test_headers(c, r, req) != GW_OK)
    {
        return GW_ERROR;
    }

    for (i = 0; req != NULL && i < req->nenviron; i++) {
        key.data = req->environ[i].key;
        key.len = strlen(key.data);
        value.data = req->environ[i].value;
        value.len = strlen(value.data);
        if (gw_environ_set(env, key, value) != GW_OK) {
            return GW_ERROR;
        }
    }
    return GW_OK;
}


gw_test_response_t *
gw_test_client_request(gw_test_client_t *c, const char *method,
    const char *url, const gw_test_request_t *req)
{
    gw_test_response_t  *r;
    gw_arena_t          *a;
    char                *body;
    size_t               i, off;

    if (url[0] != '/') {
        return NULL;
    }
    a = gw_arena_create(8192);
    if (a == NULL) {
        return NULL;
    }
    r = gw_arena_calloc(a, sizeof(gw_test_response_t));
    if (r == NULL) {
        goto fail;
    }
    r->arena = a;
    gw_buf_init(&r->logbuf, a, 256);
    gw_environ_init(&r->env, a, 32);
    r->env.log = gw_test_log;
    r->env.log_ctx = r;
    gw_response_init(&r->resp, a);

    if (gw_test_environ(c, r, method, url, req) != GW_OK) {
        goto fail;
    }

    gw_loader_call(&c->h, &r->env, &r->resp);

    body = gw_arena_alloc(a, r->resp.body_len + 1);
    if (body == NULL || gw_buf_putc(&r->logbuf, '\0') != GW_OK) {
        goto fail;
    }
    for (i = 0, off = 0; i < r->resp.nbody; i++) {
        memcpy(body + off, r->resp.body[i].data, r->resp.body[i].len);
        off += r->resp.body[i].len;
    }
    body[off] = '\0';
    r->body = body;
    r->body_len = off;
    r->log = r->logbuf.data;
    r->status = r->resp.status;

    for (i = 0; i < r->resp.nheaders; i++) {
        if (gw_test_name_is(r->resp.headers[i].name, "Set-Cookie")
            && gw_test_jar_take(c, r->resp.headers[i].value) != GW_OK)
        {
            goto fail;
        }
    }
    return r;

fail:
    gw_arena_destroy(a);
    return NULL;
}


gw_test_response_t *
gw_test_client_get(gw_test_client_t *c, const char *url)
{
    return gw_test_client_request(c, "GET", url, NULL);
}


gw_test_response_t *
gw_test_client_post_form(gw_test_client_t *c, const char *url,
    const char *form)
{
    gw_test_request_t  req;

    memset(&req, 0, sizeof(req));
    req.form = form;
    return gw_test_client_request(c, "POST", url, &req);
}


const char *
gw_test_response_header(gw_test_response_t *r, const char *name, size_t nth)
{
    size_t  i;

    for (i = 0; i < r->resp.nheaders; i++) {
        if (gw_test_name_is(r->resp.headers[i].name, name) && nth-- == 0) {
            return gw_arena_strndup(r->arena, r->resp.headers[i].value.data,
                                    r->resp.headers[i].value.len);
        }
    }
    return NULL;
}


json_t *
gw_test_response_json(const gw_test_response_t *r)
{
    return json_loadb(r->body, r->body_len, JSON_DECODE_ANY, NULL);
}


void
gw_test_response_free(gw_test_response_t *r)
{
    if (r != NULL) {
        gw_arena_destroy(r->arena);
    }
}
