/*
 * test_response.c: response helpers, checked against the bytes Flask 2.2
 * and Werkzeug 2.2 send: jsonify, redirect, Set-Cookie, and the refusal of
 * header values that would split a response.
 */

#include "fw_test.h"


static int
v_json(gw_request_t *q, gw_response_t *r)
{
    json_t  *v;

    v = json_loads("{\"z\":[1,2.5,0.1,1e16,1.5e-7,100.0,-0.0,123456.789,"
                   "1e-5,3e22],\"a\":\"caf\\u00e9 \\ud83d\\ude00 \\u0001\\t"
                   "\\\"\\\\/\\u007f\",\"m\":{\"b\":null,\"a\":true,"
                   "\"c\":false},\"\":\"empty\",\"n\":-12345678901234}",
                   0, NULL);
    return gw_jsonify_new(q, r, v);
}


static int
v_redirect(gw_request_t *q, gw_response_t *r)
{
    return gw_redirect(q, r, "/x?a=1&b=\"2\"", 0);
}


static int
v_redirect_301(gw_request_t *q, gw_response_t *r)
{
    return gw_redirect(q, r, "https://example.org/", 301);
}


static int
v_redirect_crlf(gw_request_t *q, gw_response_t *r)
{
    return gw_redirect(q, r, "/x\r\nSet-Cookie: evil=1", 302);
}


static int
v_header_crlf(gw_request_t *q, gw_response_t *r)
{
    gw_response_write(r, "secret", 6);
    return gw_header_set(q, r, "X-Name", "a\nb");
}


/* the refusal ignored, as a view may: still Flask's 500 (its ValueError) */
static int
v_header_ignored(gw_request_t *q, gw_response_t *r)
{
    (void) gw_header_set(q, r, "X-Name", "a\rb");
    gw_response_write(r, "secret", 6);
    return GW_OK;
}


static int
v_cookies(gw_request_t *q, gw_response_t *r)
{
    gw_cookie_t  o;

    memset(&o, 0, sizeof(o));
    o.path = "/p";
    o.httponly = 1;
    o.samesite = "lax";
    if (gw_set_cookie(q, r, "e", "a;b\"c", NULL) != GW_OK
        || gw_set_cookie(q, r, "f", "plain", &o) != GW_OK
        || gw_delete_cookie(q, r, "d", NULL) != GW_OK)
    {
        return GW_ERROR;
    }
    return gw_header_add(q, r, "X-Two", "1");
}


static int
v_bad_cookie(gw_request_t *q, gw_response_t *r)
{
    gw_cookie_t  o;

    memset(&o, 0, sizeof(o));
    o.samesite = "sometimes";
    return gw_set_cookie(q, r, "x", "1", &o);
}


static int
setup(gw_app_t *app, char *err, size_t n)
{
    gw_app_route(app, "/json", GW_METHOD_GET, v_json, "json");
    gw_app_route(app, "/r", GW_METHOD_GET, v_redirect, "r");
    gw_app_route(app, "/r301", GW_METHOD_GET, v_redirect_301, "r301");
    gw_app_route(app, "/rcrlf", GW_METHOD_GET, v_redirect_crlf, "rcrlf");
    gw_app_route(app, "/hcrlf", GW_METHOD_GET, v_header_crlf, "hcrlf");
    gw_app_route(app, "/hignored", GW_METHOD_GET, v_header_ignored,
                 "hignored");
    gw_app_route(app, "/cookies", GW_METHOD_GET, v_cookies, "cookies");
    gw_app_route(app, "/badcookie", GW_METHOD_GET, v_bad_cookie, "bc");
    return GW_OK;
}


static void
test_jsonify_matches_flask(void **state)
{
    void       *app = fw_load(setup, NULL, 0);
    fw_call_t  *c;

    c = fw_get(app, "GET", "/json", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(fw_header(c, "Content-Type"), "application/json");
    /* byte for byte what Flask 2.2's jsonify() sends for the same value */
    assert_string_equal(c->body,
        "{\"\":\"empty\",\"a\":\"caf\\u00e9 \\ud83d\\ude00 \\u0001\\t\\\"\\\\/"
        "\\u007f\",\"m\":{\"a\":true,\"b\":null,\"c\":false},"
        "\"n\":-12345678901234,\"z\":[1,2.5,0.1,1e+16,1.5e-07,100.0,-0.0,"
        "123456.789,1e-05,3e+22]}\n");
    assert_int_equal(gw_response_get_header(&c->resp, "Content-Type") != NULL,
                     1);
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_json_dumps(void **state)
{
    json_t  *v;
    char    *s;
    size_t   len;

    v = json_pack("[s,i,{s:[]}]", "x", 3, "k");
    s = gw_json_dumps(v, &len);
    assert_string_equal(s, "[\"x\",3,{\"k\":[]}]\n");
    assert_int_equal(len, strlen(s));
    free(s);
    json_decref(v);
}


static void
test_redirect(void **state)
{
    void       *app = fw_load(setup, NULL, 0);
    fw_call_t  *c;

    c = fw_get(app, "GET", "/r", NULL);
    assert_int_equal(c->resp.status, 302);
    assert_string_equal(fw_header(c, "Location"), "/x?a=1&b=\"2\"");
    assert_string_equal(fw_header(c, "Content-Type"),
                        "text/html; charset=utf-8");
    assert_string_equal(c->body,
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
        "<h1>Redirecting...</h1>\n<p>You should be redirected automatically "
        "to the target URL: <a href=\"/x?a=1&amp;b=&#34;2&#34;\">"
        "/x?a=1&amp;b=&#34;2&#34;</a>. If not, click the link.\n");
    fw_free(c);

    c = fw_get(app, "GET", "/r301", NULL);
    assert_int_equal(c->resp.status, 301);
    assert_string_equal(fw_header(c, "Location"), "https://example.org/");
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_crlf_refused(void **state)
{
    void       *app = fw_load(setup, NULL, 0);
    fw_call_t  *c;
    size_t      i;

    c = fw_get(app, "GET", "/rcrlf", NULL);
    assert_int_equal(c->resp.status, 500);
    assert_string_equal(c->body, FW_500_BODY);
    assert_null(fw_header(c, "Location"));
    assert_null(fw_header(c, "Set-Cookie"));
    assert_non_null(strstr(c->log, "refused Location header"));
    fw_free(c);

    c = fw_get(app, "GET", "/hcrlf", NULL);
    assert_int_equal(c->resp.status, 500);
    assert_string_equal(c->body, FW_500_BODY);
    assert_non_null(strstr(c->log, "refused header 'X-Name'"));
    fw_free(c);

    c = fw_get(app, "GET", "/hignored", NULL);
    assert_int_equal(c->resp.status, 500);
    assert_string_equal(c->body, FW_500_BODY);
    assert_non_null(strstr(c->log, "refused header 'X-Name'"));
    for (i = 0; i < c->resp.nheaders; i++) {
        assert_null(memchr(c->resp.headers[i].value.data, '\n',
                           c->resp.headers[i].value.len));
    }
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_set_cookie_headers(void **state)
{
    void       *app = fw_load(setup, NULL, 0);
    fw_call_t  *c;

    c = fw_get(app, "GET", "/cookies", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(fw_header_n(c, "Set-Cookie", 0),
                        "e=\"a\\073b\\\"c\"; Path=/");
    assert_string_equal(fw_header_n(c, "Set-Cookie", 1),
                        "f=plain; HttpOnly; Path=/p; SameSite=Lax");
    assert_string_equal(fw_header_n(c, "Set-Cookie", 2),
                        "d=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; "
                        "Max-Age=0; Path=/");
    assert_string_equal(fw_header(c, "X-Two"), "1");
    fw_free(c);

    c = fw_get(app, "GET", "/badcookie", NULL);
    assert_int_equal(c->resp.status, 500);
    assert_null(fw_header(c, "Set-Cookie"));
    assert_non_null(strstr(c->log, "set_cookie 'x'"));
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_cookie_dump(void **state)
{
    gw_arena_t   *a = gw_arena_create(1024);
    gw_cookie_t   o;
    gw_str_t      v = gw_string("v w");
    gw_str_t      u = gw_string("\xc3\xa9");

    memset(&o, 0, sizeof(o));
    o.max_age = 10;
    o.path = "/p";
    o.domain = "example.com:8080";
    o.secure = 1;
    o.httponly = 1;
    o.samesite = "Lax";

    /* werkzeug.http.dump_cookie("n", "v w", max_age=10, path="/p",
     * domain="example.com:8080", secure=True, httponly=True,
     * samesite="Lax") at time 1795506551 */
    assert_string_equal(gw_cookie_dump(a, "n", v, &o, 1795506551),
        "n=\"v w\"; Domain=example.com; Expires=Tue, 24 Nov 2026 "
        "07:49:21 GMT; Max-Age=10; Secure; HttpOnly; Path=/p; "
        "SameSite=Lax");

    memset(&o, 0, sizeof(o));
    o.expires = 1;
    assert_string_equal(gw_cookie_dump(a, "a", u, &o, 0),
        "a=\"\\303\\251\"; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Path=/");

    /* a domain without a dot, a bad name or samesite: refused */
    o.domain = "localhost";
    assert_null(gw_cookie_dump(a, "a", v, &o, 0));
    assert_null(gw_cookie_dump(a, "a b", v, NULL, 0));
    assert_null(gw_cookie_dump(a, "", v, NULL, 0));
    assert_string_equal(gw_cookie_dump(a, "k", (gw_str_t) gw_string(
                        "x=/:!"), NULL, 0), "k=x=/:!; Path=/");

    gw_arena_destroy(a);
}


static void
test_json_freeze(void **state)
{
    json_t  *shared, *tree, *copy;

    /* a DAG: one value under two parents */
    shared = json_pack("{s[ii]}", "k", 1, 2);
    tree = json_pack("{sOsOs[Os]}", "a", shared, "b", shared, "c", shared,
                     "x");
    json_decref(shared);
    assert_int_equal(shared->refcount, 3);

    gw_json_freeze(tree);
    assert_true(tree->refcount == (size_t) -1);
    assert_true(shared->refcount == (size_t) -1);
    assert_true(json_object_get(shared, "k")->refcount == (size_t) -1);

    /* readers take references without writing */
    copy = json_pack("{sO}", "t", tree);
    assert_true(tree->refcount == (size_t) -1);
    json_decref(copy);

    /* ASan checks that everything is freed exactly once */
    gw_json_thaw_decref(tree);

    /* a value never frozen is simply released */
    gw_json_thaw_decref(json_pack("[s]", "y"));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_jsonify_matches_flask),
        cmocka_unit_test(test_json_dumps),
        cmocka_unit_test(test_redirect),
        cmocka_unit_test(test_crlf_refused),
        cmocka_unit_test(test_set_cookie_headers),
        cmocka_unit_test(test_cookie_dump),
        cmocka_unit_test(test_json_freeze),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
