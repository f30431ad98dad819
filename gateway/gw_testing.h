/*
 * gw_testing.h: the test client, Flask's app.test_client(): requests built
 * in C and run through an application in-process, as a server would run
 * them (gw_loader_call), without nginx; cookies carried across calls.
 */

#ifndef GW_TESTING_H
#define GW_TESTING_H

#include "gw_core.h"

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

typedef struct gw_test_client_s  gw_test_client_t;

/*
 * Load the application path as the servers do (load() with config, then
 * worker_init()).  server in gw_load_ctx_t is "test".  NULL with the reason
 * in error when it fails.
 */
gw_test_client_t *gw_test_client_open(const char *path,
    const gw_config_item_t *config, size_t nconfig, char *error,
    size_t error_size);
/*
 * A client over an application loaded by other means: call and app are
 * what an entry point's call() is given (e.g. gw_framework_call and the
 * app gw_framework_load() made).  The app stays the caller's.  NULL when
 * out of memory.
 */
gw_test_client_t *gw_test_client_create(
    int (*call)(void *app, gw_environ_t *env, gw_response_t *resp),
    void *app);
/* Unloads what gw_test_client_open() loaded; responses stay valid. */
void gw_test_client_destroy(gw_test_client_t *c);

/*
 * What a request carries beyond its method and URL; every field may be
 * left zero.  A body is one of data, form or json.
 */
typedef struct {
    const char *const        *headers;      /* "Name", "value", ..., NULL */
    const char               *content_type; /* of data */
    const char               *data;         /* raw body */
    size_t                    data_len;     /* 0: strlen(data) */
    const char               *form;         /* "a=1&b=x+y", sent as
                                               application/x-www-form-
                                               urlencoded */
    json_t                   *json;         /* borrowed; sent compact as
                                               application/json */
    const gw_config_item_t   *environ;      /* keys set last, over the
                                               defaults (REMOTE_ADDR,
                                               gateway.url_scheme, ...) */
    size_t                    nenviron;
} gw_test_request_t;

/*
 * A response and the request that made it, in one arena: free it with
 * gw_test_response_free().  Headers are as a server sends them (the
 * connection's own dropped, see gw_loader_call()); an app's GW_ERROR is
 * the server's plain 500, its cause in log.
 */
typedef struct {
    int             status;
    const char     *body;           /* body_len bytes, NUL-terminated */
    size_t          body_len;
    const char     *log;            /* what the app wrote to gateway.errors,
                                       a line each, NUL-terminated */
    gw_response_t   resp;           /* headers: resp.headers, nheaders */
    gw_environ_t    env;            /* the environ the app was given */
    gw_arena_t     *arena;
    gw_buf_t        logbuf;
} gw_test_response_t;

/*
 * Run method (e.g. "GET") on url ("/path?query"; the path is
 * percent-decoded into PATH_INFO, as servers do) with req (may be NULL).
 * The environ is a server's: SERVER_NAME localhost, port 80, HTTP/1.1,
 * REMOTE_ADDR 127.0.0.1, scheme http, Host localhost unless a header gives
 * one, and a Cookie header with the client's cookies.  Set-Cookie in the
 * response updates those cookies (by name; Max-Age=0 or an Expires in
 * 1970 removes one; Domain and Path are not looked at).  NULL when out of
 * memory or url does not start with "/".
 */
gw_test_response_t *gw_test_client_request(gw_test_client_t *c,
    const char *method, const char *url, const gw_test_request_t *req);
gw_test_response_t *gw_test_client_get(gw_test_client_t *c,
    const char *url);
/* A POST of form, urlencoded ("title=Hi&body=x"). */
gw_test_response_t *gw_test_client_post_form(gw_test_client_t *c,
    const char *url, const char *form);

/* The nth header called name (case-insensitive), NUL-terminated, in the
 * response's arena; NULL when there is none. */
const char *gw_test_response_header(gw_test_response_t *r, const char *name,
    size_t nth);
/* The body parsed as JSON: a new reference, NULL when it is not JSON. */
json_t *gw_test_response_json(const gw_test_response_t *r);
void gw_test_response_free(gw_test_response_t *r);

/* The client's cookie name, NULL when it has none; set one (value NULL
 * removes it).  gw_test_client_set_cookie returns GW_ERROR when out of
 * memory. */
const char *gw_test_client_cookie(const gw_test_client_t *c,
    const char *name);
int gw_test_client_set_cookie(gw_test_client_t *c, const char *name,
    const char *value);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* GW_TESTING_H */
