/*
 * fw_test.h: helpers shared by the framework's unit tests: build an environ
 * by hand, run a framework app's call() in-process, read the response.
 * Tests of what an app answers a request may use the public test client
 * (gw_testing.h) instead; these set each environ key themselves.
 */

#ifndef FW_TEST_H
#define FW_TEST_H

#include "unit.h"

typedef struct {
    gw_arena_t      *arena;
    gw_environ_t     env;
    gw_response_t    resp;
    char             log[4096];     /* what went to gateway.errors */
    size_t           loglen;
    char            *body;          /* NUL-terminated copy */
    int              rc;
} fw_call_t;


static inline void
fw_log(void *ctx, gw_log_level_t level, const char *msg, size_t len)
{
    fw_call_t  *c = ctx;

    if (c->loglen + len + 2 < sizeof(c->log)) {
        memcpy(c->log + c->loglen, msg, len);
        c->loglen += len;
        c->log[c->loglen++] = '\n';
        c->log[c->loglen] = '\0';
    }
}


static inline void
fw_add(fw_call_t *c, const char *k, const char *v)
{
    gw_str_t  key = { k, strlen(k) };
    gw_str_t  val = { v, strlen(v) };

    assert_int_equal(gw_environ_add(&c->env, key, val), GW_OK);
}


/* Start a request: method, path, query; more keys with fw_add(). */
static inline fw_call_t *
fw_new(const char *method, const char *path, const char *query)
{
    fw_call_t  *c;

    c = calloc(1, sizeof(fw_call_t));
    assert_non_null(c);
    c->arena = gw_arena_create(4096);
    assert_non_null(c->arena);
    gw_environ_init(&c->env, c->arena, 32);
    c->env.log = fw_log;
    c->env.log_ctx = c;
    gw_response_init(&c->resp, c->arena);

    fw_add(c, "REQUEST_METHOD", method);
    fw_add(c, "SCRIPT_NAME", "");
    fw_add(c, "PATH_INFO", path);
    fw_add(c, "QUERY_STRING", query ? query : "");
    fw_add(c, "SERVER_NAME", "localhost");
    fw_add(c, "SERVER_PORT", "80");
    fw_add(c, "SERVER_PROTOCOL", "HTTP/1.1");
    fw_add(c, "REMOTE_ADDR", "127.0.0.1");
    fw_add(c, "gateway.url_scheme", "http");
    return c;
}


static inline void
fw_body(fw_call_t *c, const char *content_type, const char *body,
    size_t len)
{
    gw_str_t  key = gw_string("gateway.input");
    gw_str_t  val = { body, len };
    char      n[32];

    if (content_type != NULL) {
        fw_add(c, "CONTENT_TYPE", content_type);
    }
    snprintf(n, sizeof(n), "%zu", len);
    fw_add(c, "CONTENT_LENGTH", n);
    assert_int_equal(gw_environ_add(&c->env, key, val), GW_OK);
}


/* Run the request; the body is gathered into c->body. */
static inline void
fw_run(void *app, fw_call_t *c)
{
    size_t  i, off;

    c->rc = gw_framework_call(app, &c->env, &c->resp);
    c->body = gw_arena_alloc(c->arena, c->resp.body_len + 1);
    assert_non_null(c->body);
    off = 0;
    for (i = 0; i < c->resp.nbody; i++) {
        memcpy(c->body + off, c->resp.body[i].data, c->resp.body[i].len);
        off += c->resp.body[i].len;
    }
    c->body[off] = '\0';
    assert_int_equal(off, c->resp.body_len);
}


static inline fw_call_t *
fw_get(void *app, const char *method, const char *path, const char *query)
{
    fw_call_t  *c = fw_new(method, path, query);

    fw_run(app, c);
    return c;
}


/* A request with a body of content_type (none if NULL), run. */
static inline fw_call_t *
fw_send(void *app, const char *method, const char *path,
    const char *content_type, const char *body, size_t len)
{
    fw_call_t  *c = fw_new(method, path, NULL);

    fw_body(c, content_type, body, len);
    fw_run(app, c);
    return c;
}


/* A GET that sends a Cookie header, run. */
static inline fw_call_t *
fw_get_cookie(void *app, const char *path, const char *cookie)
{
    fw_call_t  *c = fw_new("GET", path, NULL);

    fw_add(c, "HTTP_COOKIE", cookie);
    fw_run(app, c);
    return c;
}


/* The value of header name (the n-th of that name), NUL-terminated. */
static inline const char *
fw_header_n(fw_call_t *c, const char *name, int nth)
{
    size_t  i;

    for (i = 0; i < c->resp.nheaders; i++) {
        if (gw_str_eq(c->resp.headers[i].name, name) && nth-- == 0) {
            return gw_arena_strndup(c->arena, c->resp.headers[i].value.data,
                                    c->resp.headers[i].value.len);
        }
    }
    return NULL;
}


static inline const char *
fw_header(fw_call_t *c, const char *name)
{
    return fw_header_n(c, name, 0);
}


static inline void
fw_free(fw_call_t *c)
{
    gw_arena_destroy(c->arena);
    free(c);
}


/* Load a framework app from a setup function, as a server would. */
static inline void *
fw_load(gw_setup_t setup, const gw_config_item_t *cfg, size_t ncfg)
{
    gw_load_ctx_t  ctx;
    char           err[512];
    void          *app;

    memset(&ctx, 0, sizeof(ctx));
    ctx.path = "/srv/site/app.so";
    ctx.config = cfg;
    ctx.nconfig = ncfg;
    ctx.server = "test";
    ctx.error = err;
    ctx.error_size = sizeof(err);

    app = NULL;
    if (gw_framework_load(&ctx, "test", setup, &app) != GW_OK) {
        fail_msg("load failed: %s", err);
    }
    return app;
}

#define FW_404_BODY                                                          \
    "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n"          \
    "<h1>Not Found</h1>\n<p>The requested URL was not found on the server. "   \
    "If you entered the URL manually please check your spelling and try "      \
    "again.</p>\n"

#define FW_500_BODY                                                          \
    "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error"        \
    "</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an "  \
    "internal error and was unable to complete your request. Either the "      \
    "server is overloaded or there is an error in the application.</p>\n"

#endif /* FW_TEST_H */
