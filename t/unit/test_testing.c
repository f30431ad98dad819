/*
 * test_testing.c: the public test client (gw_testing.h): the environ it
 * builds, bodies, headers, the cookie jar across calls, failures as the
 * servers answer them, and loading an app .so.
 */

#include "fw_test.h"


static int
part(gw_buf_t *b, const gw_str_t *s)
{
    /* gw_buf_append: the body may hold NUL bytes */
    return (s ? gw_buf_append(b, s->data, s->len)
              : gw_buf_appends(b, "(none)"))
           || gw_buf_putc(b, '|');
}


/* method|path|query|Host|Cookie|Content-Type|body|X-Thing| */
static int
echo(gw_request_t *req, gw_response_t *resp)
{
    gw_environ_t  *env = gw_request_environ(req);
    gw_str_t       m = gw_request_method(req), p = gw_request_path(req);
    gw_str_t       q = gw_request_query_string(req), d = gw_request_data(req);
    gw_buf_t       b;

    gw_buf_init(&b, gw_request_arena(req), 256);
    if (part(&b, &m) || part(&b, &p) || part(&b, &q)
        || part(&b, gw_request_header(req, "Host"))
        || part(&b, gw_environ_get(env, "HTTP_COOKIE"))
        || part(&b, gw_environ_get(env, "CONTENT_TYPE")) || part(&b, &d)
        || part(&b, gw_request_header(req, "X-Thing"))
        || part(&b, gw_environ_get(env, "REMOTE_ADDR")))
    {
        return gw_fail(req, "out of memory");
    }
    return gw_response_write(resp, b.data, b.len);
}


static int
set_cookies(gw_request_t *req, gw_response_t *resp)
{
    return gw_set_cookie(req, resp, "a", "1", NULL) == GW_OK
           && gw_set_cookie(req, resp, "b", "2", NULL) == GW_OK
           ? gw_response_write(resp, "set", 3) : GW_ERROR;
}


static int
del_cookie(gw_request_t *req, gw_response_t *resp)
{
    return gw_delete_cookie(req, resp, "a", NULL);
}


/* the Set-Cookie header given as ?c= */
static int
raw_cookie(gw_request_t *req, gw_response_t *resp)
{
    const gw_str_t  *c = gw_request_arg(req, "c");
    gw_str_t         name = gw_string("Set-Cookie");

    return c ? gw_response_add_headern(resp, name, *c)
             : gw_abort(req, 400, "no c");
}


static int
form(gw_request_t *req, gw_response_t *resp)
{
    const gw_str_t  *x = gw_multidict_get(gw_request_form(req), "x");

    return x ? gw_response_write(resp, x->data, x->len)
             : gw_abort(req, 400, "no x");
}


static int
json_echo(gw_request_t *req, gw_response_t *resp)
{
    json_t  *v = gw_request_json(req);

    return v ? gw_jsonify(req, resp, v) : gw_abort(req, 400, "no json");
}


static int
failing(gw_request_t *req, gw_response_t *resp)
{
    return gw_fail(req, "the view broke on purpose");
}


static int
setup(gw_app_t *app, char *error, size_t error_size)
{
    unsigned  any = GW_METHOD_GET | GW_METHOD_POST | GW_METHOD_PUT;

    return gw_app_route(app, "/echo/<path:p>", any, echo, "echo")
           || gw_app_route(app, "/set", 0, set_cookies, "set")
           || gw_app_route(app, "/del", 0, del_cookie, "del")
           || gw_app_route(app, "/raw", 0, raw_cookie, "raw")
           || gw_app_route(app, "/form", GW_METHOD_POST, form, "form")
           || gw_app_route(app, "/json", GW_METHOD_POST, json_echo, "json")
           || gw_app_route(app, "/fail", 0, failing, "fail");
}


static void  *app;


static int
open_client(void **state)
{
    app = fw_load(setup, NULL, 0);
    *state = gw_test_client_create(gw_framework_call, app);
    return *state == NULL;
}


static int
close_client(void **state)
{
    gw_test_client_destroy(*state);
    gw_framework_unload(app);
    return 0;
}


static void
test_environ_of_a_get(void **state)
{
    gw_test_response_t  *r;

    r = gw_test_client_get(*state, "/echo/a%20b/c?x=1&y=%20");
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_string_equal(r->body, "GET|/echo/a b/c|x=1&y=%20|localhost|"
                        "(none)|(none)||(none)|127.0.0.1|");
    assert_int_equal(r->body_len, strlen(r->body));
    assert_gw_str(gw_environ_get(&r->env, "REQUEST_URI"),
                  "/echo/a%20b/c?x=1&y=%20");
    gw_test_response_free(r);
}


static void
test_headers_body_and_environ(void **state)
{
    static const char *const  headers[] = { "X-Thing", "one",
                                            "Host", "example.org",
                                            "x-thing", "two", NULL };
    gw_config_item_t          env[] = { { "REMOTE_ADDR", "10.0.0.9" } };
    static const char         expect[] = "PUT|/echo/x||example.org|"
                                         "(none)|text/plain|a\0b|one, two|"
                                         "10.0.0.9|";
    gw_test_request_t         req;
    gw_test_response_t       *r;

    memset(&req, 0, sizeof(req));
    req.headers = headers;
    req.content_type = "text/plain";
    req.data = "a\0b";
    req.data_len = 3;
    req.environ = env;
    req.nenviron = 1;
    r = gw_test_client_request(*state, "PUT", "/echo/x", &req);
    assert_non_null(r);
    assert_int_equal(r->body_len, sizeof(expect) - 1);
    assert_memory_equal(r->body, expect, r->body_len);
    gw_test_response_free(r);
}


static void
test_form_and_json_bodies(void **state)
{
    gw_test_request_t    req;
    gw_test_response_t  *r;
    json_t              *v;

    r = gw_test_client_post_form(*state, "/form", "x=a+b%21&y=2");
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_string_equal(r->body, "a b!");
    gw_test_response_free(r);

    memset(&req, 0, sizeof(req));
    req.json = json_pack("{s:[i,s]}", "k", 1, "\xc3\xa9");
    r = gw_test_client_request(*state, "POST", "/json", &req);
    json_decref(req.json);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_string_equal(gw_test_response_header(r, "content-type", 0),
                        "application/json");
    v = gw_test_response_json(r);
    assert_non_null(v);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(v,
                     "k"), 0)), 1);
    json_decref(v);
    gw_test_response_free(r);
}


static void
test_cookies_carried_across_calls(void **state)
{
    gw_test_client_t    *c = *state;
    gw_test_response_t  *r;

    r = gw_test_client_get(c, "/set");
    assert_int_equal(r->status, 200);
    assert_string_equal(gw_test_response_header(r, "Set-Cookie", 1),
                        "b=2; Path=/");
    assert_null(gw_test_response_header(r, "Set-Cookie", 2));
    gw_test_response_free(r);
    assert_string_equal(gw_test_client_cookie(c, "a"), "1");

    r = gw_test_client_get(c, "/echo/x");
    assert_memory_equal(r->body, "GET|/echo/x||localhost|a=1; b=2|", 32);
    gw_test_response_free(r);

    /* Werkzeug's delete_cookie: Expires in 1970 and Max-Age=0 */
    r = gw_test_client_get(c, "/del");
    gw_test_response_free(r);
    assert_null(gw_test_client_cookie(c, "a"));
    r = gw_test_client_get(c, "/echo/x");
    assert_memory_equal(r->body, "GET|/echo/x||localhost|b=2|", 27);
    gw_test_response_free(r);

    assert_int_equal(gw_test_client_set_cookie(c, "b", NULL), GW_OK);
    assert_int_equal(gw_test_client_set_cookie(c, "c", "3"), GW_OK);
    r = gw_test_client_get(c, "/echo/x");
    assert_memory_equal(r->body, "GET|/echo/x||localhost|c=3|", 27);
    gw_test_response_free(r);
    assert_int_equal(gw_test_client_set_cookie(c, "c", NULL), GW_OK);
}


static const char *
after_raw(gw_test_client_t *c, const char *url, const char *name)
{
    gw_test_response_t  *r = gw_test_client_get(c, url);

    assert_int_equal(r->status, 200);
    gw_test_response_free(r);
    return gw_test_client_cookie(c, name);
}


/* Which attributes make a browser drop a cookie: a Max-Age of 0 or less,
 * or an Expires in 1970 (Werkzeug's delete_cookie); others keep it. */
static void
test_cookie_expiry_attributes(void **state)
{
    gw_test_client_t  *c = *state;

    assert_string_equal(after_raw(c, "/raw?c=x%3D1%3B%20Max-Age%3D10",
                                  "x"), "1");
    assert_null(after_raw(c, "/raw?c=x%3D%3B%20Max-Age%3D0", "x"));
    assert_string_equal(after_raw(c, "/raw?c=x%3D%22a%20b%22%3B%20Path%3D/",
                                  "x"), "\"a b\"");
    assert_null(after_raw(c, "/raw?c=x%3D%3B%20max-age%3D-1", "x"));
    assert_string_equal(after_raw(c, "/raw?c=y%3D2%3B%20Path%3D/1970",
                                  "y"), "2");
    assert_null(after_raw(c, "/raw?c=y%3D%3B%20Expires%3DThu,%2001%20Jan%20"
                          "1970%2000:00:00%20GMT", "y"));
}


/* As a server answers: GW_ERROR is the plain 500, the cause in the log;
 * unknown routes the app's 404. */
static void
test_failures_as_servers_answer(void **state)
{
    gw_test_response_t  *r;

    r = gw_test_client_get(*state, "/fail");
    assert_int_equal(r->status, 500);
    assert_non_null(strstr(r->log, "the view broke on purpose"));
    gw_test_response_free(r);

    r = gw_test_client_get(*state, "/nowhere");
    assert_int_equal(r->status, 404);
    assert_string_equal(r->body, FW_404_BODY);
    assert_string_equal(r->log, "");
    gw_test_response_free(r);

    assert_null(gw_test_client_get(*state, "no-slash"));
}


/* An app .so loaded as the servers load it (load, then worker_init). */
static void
test_open_a_shared_object(void **state)
{
    gw_test_client_t    *c;
    gw_test_response_t  *r;
    char                 err[512];

    c = gw_test_client_open(build_path("t/apps/fwapp.so"), NULL, 0, err,
                            sizeof(err));
    if (c == NULL) {
        fail_msg("open: %s", err);
    }
    r = gw_test_client_get(c, "/conv/int/42");
    assert_int_equal(r->status, 200);
    gw_test_client_destroy(c);
    /* a response outlives its client */
    assert_int_equal(r->body_len, strlen(r->body));
    gw_test_response_free(r);

    err[0] = '\0';
    assert_null(gw_test_client_open(build_path("t/apps/missing.so"), NULL,
                                    0, err, sizeof(err)));
    assert_non_null(strstr(err, "missing.so"));
    assert_null(gw_test_client_open(build_path("t/apps/failinit.so"), NULL,
                                    0, err, sizeof(err)));
    assert_non_null(strstr(err, "failed to start in worker"));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_environ_of_a_get, open_client,
                                        close_client),
        cmocka_unit_test_setup_teardown(test_headers_body_and_environ,
                                        open_client, close_client),
        cmocka_unit_test_setup_teardown(test_form_and_json_bodies,
                                        open_client, close_client),
        cmocka_unit_test_setup_teardown(test_cookies_carried_across_calls,
                                        open_client, close_client),
        cmocka_unit_test_setup_teardown(test_cookie_expiry_attributes,
                                        open_client, close_client),
        cmocka_unit_test_setup_teardown(test_failures_as_servers_answer,
                                        open_client, close_client),
        cmocka_unit_test(test_open_a_shared_object),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
