/*
 * test_request.c: the request view: URL parts, args, form and files, JSON
 * body (and its 400s), headers, cookies; parse errors answer 400 whatever
 * the view does.
 */

#include "fw_test.h"


static int
out(gw_request_t *q, gw_response_t *r, const char *s)
{
    return gw_response_write(r, s ? s : "(null)", strlen(s ? s : "(null)"));
}


static const char *
s0(gw_request_t *q, const gw_str_t *s)
{
    return s ? gw_arena_strndup(gw_request_arena(q), s->data, s->len) : NULL;
}


static int
v_info(gw_request_t *q, gw_response_t *r)
{
    gw_arena_t  *a = gw_request_arena(q);
    gw_str_t     ra = gw_request_remote_addr(q);
    gw_str_t     sr = gw_request_script_root(q);
    gw_str_t     qs = gw_request_query_string(q);

    return out(q, r, gw_arena_printf(a, "%s|%s|%.*s|%.*s|%.*s|%s|%s",
                   gw_request_url(q), gw_request_full_path(q),
                   (int) sr.len, sr.data, (int) qs.len, qs.data,
                   (int) ra.len, ra.data,
                   s0(q, gw_request_header(q, "x-custom-thing")),
                   s0(q, gw_request_header(q, "Content-Type"))));
}


static int
v_args(gw_request_t *q, gw_response_t *r)
{
    const gw_multidict_t  *args;
    gw_str_t               all[4];
    size_t                 n;

    args = gw_request_args(q);
    if (args == NULL) {
        return GW_ABORT;
    }
    n = gw_multidict_getall(args, "a", all, 4);
    return out(q, r, gw_arena_printf(gw_request_arena(q), "%zu %.*s %.*s %s",
                   n, (int) all[0].len, all[0].data,
                   (int) all[1].len, all[1].data,
                   s0(q, gw_request_arg(q, "b"))));
}


static int
v_ok(gw_request_t *q, gw_response_t *r)
{
    return out(q, r, "ok");
}


/* Ignores the parse error: the 400 must still win. */
static int
v_args_careless(gw_request_t *q, gw_response_t *r)
{
    (void) gw_request_arg(q, "a");
    return out(q, r, "careless");
}


static int
v_form(gw_request_t *q, gw_response_t *r)
{
    const gw_multidict_t  *form;
    const gw_files_t      *files;

    form = gw_request_form(q);
    files = gw_request_files(q);
    if (form == NULL || files == NULL) {
        return GW_ABORT;
    }
    return out(q, r, gw_arena_printf(gw_request_arena(q), "%s %zu %s",
                   s0(q, gw_multidict_get(form, "name")), files->n,
                   files->n ? s0(q, &files->items[0].filename) : "-"));
}


static int
v_json(gw_request_t *q, gw_response_t *r)
{
    json_t  *v;

    v = gw_request_json(q);
    if (v == NULL) {
        return GW_ABORT;
    }
    /* cached: the same object the second time */
    assert_ptr_equal(v, gw_request_json(q));
    return gw_jsonify(q, r, v);
}


static int
v_cookies(gw_request_t *q, gw_response_t *r)
{
    return out(q, r, gw_arena_printf(gw_request_arena(q), "%s %s %zu",
                   s0(q, gw_request_cookie(q, "a")),
                   s0(q, gw_request_cookie(q, "b")),
                   gw_request_cookies(q)->n));
}


static int
v_data(gw_request_t *q, gw_response_t *r)
{
    gw_str_t  d = gw_request_data(q);

    return gw_response_write(r, d.data, d.len);
}


static int
e_json(gw_request_t *q, gw_response_t *r, const gw_http_error_t *e)
{
    return gw_jsonify_new(q, r, json_pack("{ss}", "error", e->description));
}


/* request.args.get(k, default, type=int / float), view_args["id"] */
static int
v_typed(gw_request_t *q, gw_response_t *r)
{
    char  buf[128];

    snprintf(buf, sizeof(buf), "%lld %lld %g %g %lld %lld",
             gw_request_arg_int(q, "page", 1), gw_request_arg_int(q, "n", -7),
             gw_request_arg_float(q, "f", 0.5),
             gw_request_arg_float(q, "g", -1),
             gw_request_view_arg_int(q, "id", 0),
             gw_request_view_arg_int(q, "none", 9));
    return out(q, r, buf);
}


static int
setup(gw_app_t *app, char *err, size_t n)
{
    gw_blueprint_t  *bp;

    gw_app_route(app, "/info/<path:p>", GW_METHOD_GET, v_info, "info");
    gw_app_route(app, "/args", GW_METHOD_GET, v_args, "args");
    gw_app_route(app, "/careless", GW_METHOD_GET, v_args_careless, "c");
    gw_app_route(app, "/form", GW_METHOD_POST, v_form, "form");
    gw_app_route(app, "/cookies", GW_METHOD_GET, v_cookies, "cookies");
    gw_app_route(app, "/data", GW_METHOD_PUT, v_data, "data");
    gw_app_route(app, "/dir/", GW_METHOD_GET, v_ok, "dir");
    gw_app_route(app, "/typed/<int:id>", GW_METHOD_GET, v_typed, "typed");

    bp = gw_blueprint_create(app, "api", "/api");
    gw_blueprint_route(bp, "/echo", GW_METHOD_POST, v_json, "echo");
    gw_blueprint_errorhandler(bp, 400, e_json);
    return gw_app_register_blueprint(app, bp);
}


static void
test_url_parts(void **state)
{
    void       *app = fw_load(setup, NULL, 0);
    fw_call_t  *c;

    c = fw_new("GET", "/info/a b", "x=1&y=%20");
    gw_environ_set(&c->env, (gw_str_t) gw_string("SCRIPT_NAME"),
                   (gw_str_t) gw_string("/pre/"));
    fw_add(c, "HTTP_HOST", "example.org");
    fw_add(c, "HTTP_X_CUSTOM_THING", "yes");
    fw_run(app, c);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "http://example.org/pre/info/a%20b?x=1&y=%20"
                        "|/info/a b?x=1&y=%20|/pre|x=1&y=%20|127.0.0.1|yes|"
                        "(null)");
    fw_free(c);

    /* Flask's full_path keeps the '?' when there is no query */
    c = fw_new("GET", "/info/x", NULL);
    fw_add(c, "CONTENT_TYPE", "text/plain");
    gw_environ_set(&c->env, (gw_str_t) gw_string("SERVER_PORT"),
                   (gw_str_t) gw_string("8080"));
    fw_run(app, c);
    assert_string_equal(c->body, "http://localhost:8080/info/x|/info/x?|||"
                        "127.0.0.1|(null)|text/plain");
    fw_free(c);

    gw_framework_unload(app);
}


/* status and Location (or body) of a GET with Host: host */
static const char *
with_host(void *app, const char *path, const char *host)
{
    static char   res[512];
    fw_call_t    *c;
    const char   *loc;

    c = fw_new("GET", path, "a=1");
    if (host != NULL) {
        fw_add(c, "HTTP_HOST", host);
    }
    fw_run(app, c);
    loc = fw_header(c, "Location");
    snprintf(res, sizeof(res), "%d %s", c->resp.status,
             loc ? loc : c->resp.status == 200 ? c->body : "");
    fw_free(c);
    return res;
}


/* A Host that is not a host name never makes an absolute URL: the slash
 * redirect and request.url answer 400 (issue 12, finding 10). */
static void
test_host_validated(void **state)
{
    void        *app = fw_load(setup, NULL, 0);
    const char  *ok[] = { "example.org", "EXAMPLE.org:8080", "127.0.0.1:80",
                          "[::1]:8080", "[fe80::1]", "a_b-c.example" };
    const char  *bad[] = { "trusted.example@evil.com", "evil.com/x",
                           "a b", "evil.com\\x", "x:80:80", "x:", "[::1",
                           "[]", "x:123456", "x\ty", ":80", "e\xc3\xa9.com",
                           "x#y", "x?y" };
    char         want[256];
    size_t       i;

    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        snprintf(want, sizeof(want), "308 http://%s/dir/?a=1", ok[i]);
        assert_string_equal(with_host(app, "/dir", ok[i]), want);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (strcmp(with_host(app, "/dir", bad[i]), "400 ") != 0) {
            fail_msg("Host: %s gave %s", bad[i], with_host(app, "/dir",
                                                           bad[i]));
        }
        assert_string_equal(with_host(app, "/info/x", bad[i]), "400 ");
        /* nothing absolute is needed here */
        assert_string_equal(with_host(app, "/dir/", bad[i]), "200 ok");
    }
    /* without a Host, SERVER_NAME */
    assert_string_equal(with_host(app, "/dir", NULL),
                        "308 http://localhost/dir/?a=1");

    gw_framework_unload(app);
}


/* Flask 3.1's TRUSTED_HOSTS: any other host is a 400 before routing. */
static void
test_trusted_hosts(void **state)
{
    static const gw_config_item_t  cfg[] = {
        { "TRUSTED_HOSTS", "example.org, .example.com:8080 [::1]" },
    };
    static const gw_config_item_t  bad[] = {
        { "TRUSTED_HOSTS", "example.org, evil@x" },
    };
    void           *app = fw_load(setup, cfg, 1);
    gw_load_ctx_t   ctx;
    char            err[256];
    void           *none;
    size_t          i;
    const char     *yes[] = { "example.org", "Example.ORG:80",
                              "example.com", "a.b.example.com:1", "[::1]:80" };
    const char     *no[] = { "evil.org", "xexample.com", "example.org.evil",
                             "org", "example.org@evil", "[::2]" };

    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        assert_string_equal(with_host(app, "/dir/", yes[i]), "200 ok");
    }
    for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        assert_string_equal(with_host(app, "/dir/", no[i]), "400 ");
        assert_string_equal(with_host(app, "/nowhere", no[i]), "400 ");
    }
    /* without a Host header, SERVER_NAME (localhost) is the host */
    assert_string_equal(with_host(app, "/dir/", NULL), "400 ");
    gw_framework_unload(app);

    /* an entry that is no host name stops the load */
    memset(&ctx, 0, sizeof(ctx));
    ctx.path = "/srv/site/app.so";
    ctx.config = bad;
    ctx.nconfig = 1;
    ctx.server = "test";
    ctx.error = err;
    ctx.error_size = sizeof(err);
    none = NULL;
    assert_int_equal(gw_framework_load(&ctx, "test", setup, &none),
                     GW_ERROR);
    assert_non_null(strstr(err, "TRUSTED_HOSTS: 'evil@x' is not a host"));
}


static void
test_args(void **state)
{
    void       *app = fw_load(setup, NULL, 0);
    fw_call_t  *c;

    c = fw_get(app, "GET", "/args", "a=1&b=x+y%21&a=%C3%A9");
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "2 1 \xc3\xa9 x y!");
    fw_free(c);

    c = fw_get(app, "GET", "/args", "a=%zz");
    assert_int_equal(c->resp.status, 400);
    assert_string_equal(c->body, "<!doctype html>\n<html lang=en>\n<title>"
        "400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>The query string "
        "holds malformed percent-encoding.</p>\n");
    fw_free(c);

    /* the view ignored the error and returned OK: still 400 */
    c = fw_get(app, "GET", "/careless", "a=%4");
    assert_int_equal(c->resp.status, 400);
    assert_null(strstr(c->body, "careless"));
    fw_free(c);

    gw_framework_unload(app);
}


/* values as Python's int() and float() read them, else the default */
static void
test_typed_args(void **state)
{
    void       *app = fw_load(setup, NULL, 0);
    fw_call_t  *c;

    c = fw_get(app, "GET", "/typed/42", "page=3&n=+12&f=2.5e1&g=%201.5%20");
    assert_string_equal(c->body, "3 12 25 1.5 42 9");
    fw_free(c);

    /* absent, empty, junk after digits, hex, overflow, a NUL: defaults */
    c = fw_get(app, "GET", "/typed/3",
               "page=&n=12abc&f=0x10&g=1.5.2");
    assert_string_equal(c->body, "1 -7 0.5 -1 3 9");
    fw_free(c);
    c = fw_get(app, "GET", "/typed/1",
               "page=99999999999999999999&n=1%002&f=nan&g=-inf");
    assert_string_equal(c->body, "1 -7 nan -inf 1 9");
    fw_free(c);
    c = fw_get(app, "GET", "/typed/1", "page=%20-4%09&n=--1&f=.5&g=1_0");
    assert_string_equal(c->body, "-4 -7 0.5 10 1 9");
    fw_free(c);
    c = fw_get(app, "GET", "/typed/1", "page=1_000&n=1__0&f=_1&g=1_");
    assert_string_equal(c->body, "1000 -7 0.5 -1 1 9");
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_form(void **state)
{
    void       *app = fw_load(setup, NULL, 0);
    fw_call_t  *c;
    const char  mp[] = "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"name\"\r\n\r\n"
        "Ann\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n"
        "Content-Type: text/plain\r\n\r\n"
        "hello\r\n"
        "--XyZ--\r\n";

    c = fw_send(app, "POST", "/form",
        "application/x-www-form-urlencoded", "name=J%C3%B6+Doe&x=1", 20);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "J\xc3\xb6 Doe 0 -");
    fw_free(c);

    c = fw_send(app, "POST", "/form", "multipart/form-data; boundary=XyZ",
        mp, sizeof(mp) - 1);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "Ann 1 a.txt");
    fw_free(c);

    c = fw_send(app, "POST", "/form",
        "application/x-www-form-urlencoded", "name=%G1", 8);
    assert_int_equal(c->resp.status, 400);
    assert_non_null(strstr(c->body, "The form body is malformed"));
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_json_body(void **state)
{
    void       *app = fw_load(setup, NULL, 0);
    fw_call_t  *c;

    c = fw_send(app, "POST", "/api/echo", "application/json; charset=utf-8",
        "{\"b\": [1, 2.5], \"a\": \"\\u00e9\"}", 30);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "{\"a\":\"\\u00e9\",\"b\":[1,2.5]}\n");
    fw_free(c);

    /* any JSON value, and the +json types, as Flask */
    c = fw_send(app, "POST", "/api/echo", "application/vnd.api+json", "[1]", 3);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "[1]\n");
    fw_free(c);

    c = fw_send(app, "POST", "/api/echo", "application/json", "{bad", 4);
    assert_int_equal(c->resp.status, 400);
    assert_string_equal(fw_header(c, "Content-Type"), "application/json");
    assert_non_null(strstr(c->body,
                    "{\"error\":\"Failed to decode JSON object: "));
    fw_free(c);

    /* jansson quotes bad bytes in its message: the JSON error stays valid */
    c = fw_send(app, "POST", "/api/echo",
        "application/json", "[\"\\u00e\xc7\xbe\"]", 11);
    assert_int_equal(c->resp.status, 400);
    assert_string_equal(fw_header(c, "Content-Type"), "application/json");
    assert_null(strchr(c->body, '\xc7'));
    fw_free(c);

    c = fw_send(app, "POST", "/api/echo", "application/json", "", 0);
    assert_int_equal(c->resp.status, 400);
    fw_free(c);

    c = fw_send(app, "POST", "/api/echo", "text/plain", "{}", 2);
    assert_int_equal(c->resp.status, 400);
    assert_string_equal(c->body, "{\"error\":\"Did not attempt to load JSON "
        "data because the request Content-Type was not "
        "'application/json'.\"}\n");
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_cookies_and_data(void **state)
{
    void       *app = fw_load(setup, NULL, 0);
    fw_call_t  *c;

    c = fw_get_cookie(app, "/cookies", "a=1; b=\"two\"; c=3");
    assert_string_equal(c->body, "1 two 3");
    fw_free(c);

    c = fw_get(app, "GET", "/cookies", NULL);
    assert_string_equal(c->body, "(null) (null) 0");
    fw_free(c);

    c = fw_send(app, "PUT", "/data", "application/octet-stream", "a\0b", 3);
    assert_int_equal(c->resp.body_len, 3);
    assert_memory_equal(c->body, "a\0b", 3);
    fw_free(c);

    gw_framework_unload(app);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_url_parts),
        cmocka_unit_test(test_host_validated),
        cmocka_unit_test(test_trusted_hosts),
        cmocka_unit_test(test_args),
        cmocka_unit_test(test_typed_args),
        cmocka_unit_test(test_form),
        cmocka_unit_test(test_json_body),
        cmocka_unit_test(test_cookies_and_data),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
