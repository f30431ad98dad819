/*
 * test_session.c: the signed session cookie (format, tampering, expiry,
 * other keys), when the cookie is (re)sent, and flashed messages.
 */

#include "fw_test.h"

#include <time.h>

#define KEY  "s3cret"


static int
v_set(gw_request_t *q, gw_response_t *r)
{
    json_object_set_new(gw_session(q), "a", json_integer(1));
    return gw_response_write(r, "ok", 2);
}


static int
v_get(gw_request_t *q, gw_response_t *r)
{
    char  *s;

    s = json_dumps(gw_session(q), JSON_COMPACT | JSON_SORT_KEYS);
    gw_response_write(r, s, strlen(s));
    free(s);
    return GW_OK;
}


static int
v_clear(gw_request_t *q, gw_response_t *r)
{
    json_object_clear(gw_session(q));
    return gw_response_write(r, "ok", 2);
}


static int
v_perm(gw_request_t *q, gw_response_t *r)
{
    gw_session_set_permanent(q, 1);
    return gw_response_write(r, "ok", 2);
}


static int
v_flash(gw_request_t *q, gw_response_t *r)
{
    if (gw_flash(q, "hi", NULL) != GW_OK
        || gw_flash(q, "bad", "error") != GW_OK)
    {
        return GW_ERROR;
    }
    return gw_response_write(r, "ok", 2);
}


static int
v_show(gw_request_t *q, gw_response_t *r)
{
    char  *a, *b;

    a = json_dumps(gw_get_flashed_messages(q, 1), JSON_COMPACT);
    b = json_dumps(gw_get_flashed_messages(q, 0), JSON_COMPACT);
    gw_response_write(r, a, strlen(a));
    gw_response_write(r, b, strlen(b));
    free(a);
    free(b);
    return GW_OK;
}


static int
setup(gw_app_t *app, char *err, size_t n)
{
    gw_app_route(app, "/set", GW_METHOD_GET, v_set, "set");
    gw_app_route(app, "/get", GW_METHOD_GET, v_get, "get");
    gw_app_route(app, "/clear", GW_METHOD_GET, v_clear, "clear");
    gw_app_route(app, "/perm", GW_METHOD_GET, v_perm, "perm");
    gw_app_route(app, "/flash", GW_METHOD_GET, v_flash, "flash");
    gw_app_route(app, "/show", GW_METHOD_GET, v_show, "show");
    return GW_OK;
}


static const gw_config_item_t  cfg[] = {
    { "SECRET_KEY", KEY },
    { "PERMANENT_SESSION_LIFETIME", "100" },
};


static void
test_cookie_format(void **state)
{
    gw_arena_t  *a = gw_arena_create(1024);
    json_t      *s, *d;
    char        *c;

    /* itsdangerous' layout; signature = HMAC-SHA256(HMAC-SHA256(secret,
     * "cookie-session"), payload.timestamp) as computed by Python */
    s = json_pack("{si}", "a", 1);
    c = gw_session_encode(a, KEY, s, 1795506551);
    assert_string_equal(c, "eyJhIjoxfQ.awVBdw."
                        "8eEZ8tFgaLJqsKXZW0kPbuF5YfAoD-SxvR5WBvyK0nI");

    d = gw_session_decode(KEY, (gw_str_t) { c, strlen(c) }, 1795506551 + 50,
                          100);
    assert_non_null(d);
    assert_true(json_equal(s, d));
    json_decref(d);
    json_decref(s);
    gw_arena_destroy(a);
}


static json_t *
dec(const char *secret, const char *c, int64_t now, int64_t max_age)
{
    return gw_session_decode(secret, (gw_str_t) { c, strlen(c) }, now,
                             max_age);
}


static void
test_cookie_rejected(void **state)
{
    const char  *good = "eyJhIjoxfQ.awVBdw."
                        "8eEZ8tFgaLJqsKXZW0kPbuF5YfAoD-SxvR5WBvyK0nI";
    gw_arena_t  *a = gw_arena_create(1024);
    json_t      *arr;
    char        *c;
    int64_t      t = 1795506551;

    assert_non_null(arr = dec(KEY, good, t, 100));
    json_decref(arr);

    /* payload, timestamp or signature changed; another key */
    assert_null(dec(KEY, "eyJhIjoyfQ.awVBdw."
                    "8eEZ8tFgaLJqsKXZW0kPbuF5YfAoD-SxvR5WBvyK0nI", t, 100));
    assert_null(dec(KEY, "eyJhIjoxfQ.awVBdx."
                    "8eEZ8tFgaLJqsKXZW0kPbuF5YfAoD-SxvR5WBvyK0nI", t, 100));
    assert_null(dec(KEY, "eyJhIjoxfQ.awVBdw."
                    "8eEZ8tFgaLJqsKXZW0kPbuF5YfAoD-SxvR5WBvyK0nJ", t, 100));
    assert_null(dec("other", good, t, 100));

    /* too old, or from the future */
    assert_null(dec(KEY, good, t + 101, 100));
    assert_non_null(arr = dec(KEY, good, t + 100, 100));
    json_decref(arr);
    assert_null(dec(KEY, good, t - 1, 100));

    /* garbage */
    assert_null(dec(KEY, "", t, 100));
    assert_null(dec(KEY, "..", t, 100));
    assert_null(dec(KEY, "a.b", t, 100));
    assert_null(dec(KEY, "eyJhIjoxfQ", t, 100));
    assert_null(dec(NULL, good, t, 100));

    /* validly signed, but not an object */
    arr = json_pack("[i]", 1);
    c = gw_session_encode(a, KEY, arr, t);
    assert_null(dec(KEY, c, t, 100));
    json_decref(arr);
    gw_arena_destroy(a);
}


static char *
session_cookie(fw_call_t *c)
{
    const char  *h = fw_header(c, "Set-Cookie");
    const char  *semi;

    assert_non_null(h);
    assert_memory_equal(h, "session=", 8);
    semi = strchr(h, ';');
    return strndup(h, semi - h);
}


static void
test_session_roundtrip(void **state)
{
    void        *app = fw_load(setup, cfg, 2);
    fw_call_t   *c;
    const char  *h;
    char        *cookie, *bad;
    gw_arena_t  *a = gw_arena_create(1024);
    json_t      *s;

    c = fw_get(app, "GET", "/set", NULL);
    assert_int_equal(c->resp.status, 200);
    h = fw_header(c, "Set-Cookie");
    assert_non_null(h);
    assert_memory_equal(h, "session=eyJhIjoxfQ.", 19);
    assert_string_equal(h + strlen(h) - 18, "; HttpOnly; Path=/");
    assert_string_equal(fw_header(c, "Vary"), "Cookie");
    cookie = session_cookie(c);
    fw_free(c);

    /* read back; unchanged, so no cookie is sent */
    c = fw_get_cookie(app, "/get", cookie);
    assert_string_equal(c->body, "{\"a\":1}");
    assert_null(fw_header(c, "Set-Cookie"));
    assert_string_equal(fw_header(c, "Vary"), "Cookie");
    fw_free(c);

    /* tampered: an empty session, not an error */
    bad = strdup(cookie);
    bad[strlen(bad) - 2] = bad[strlen(bad) - 2] == 'A' ? 'B' : 'A';
    c = fw_get_cookie(app, "/get", bad);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "{}");
    assert_null(fw_header(c, "Set-Cookie"));
    fw_free(c);
    free(bad);

    /* expired: PERMANENT_SESSION_LIFETIME is 100 s here */
    s = json_pack("{si}", "a", 1);
    bad = gw_arena_printf(a, "session=%s", gw_session_encode(a, KEY, s,
                          (int64_t) time(NULL) - 1000));
    json_decref(s);
    c = fw_get_cookie(app, "/get", bad);
    assert_string_equal(c->body, "{}");
    fw_free(c);

    /* emptied: deleted as Flask deletes it */
    c = fw_get_cookie(app, "/clear", cookie);
    assert_string_equal(fw_header(c, "Set-Cookie"), "session=; Expires=Thu, "
                        "01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; "
                        "Path=/");
    fw_free(c);

    /* never looked at: no Vary, no cookie */
    c = fw_get_cookie(app, "/set-not", cookie);
    assert_null(fw_header(c, "Vary"));
    fw_free(c);

    free(cookie);
    gw_arena_destroy(a);
    gw_framework_unload(app);
}


static void
test_permanent(void **state)
{
    void        *app = fw_load(setup, cfg, 2);
    fw_call_t   *c;
    const char  *h;
    char        *cookie;

    c = fw_get(app, "GET", "/perm", NULL);
    h = fw_header(c, "Set-Cookie");
    assert_non_null(h);
    /* {"_permanent":true} */
    assert_memory_equal(h, "session=eyJfcGVybWFuZW50Ijp0cnVlfQ.", 35);
    assert_non_null(strstr(h, "; Expires="));
    assert_string_equal(h + strlen(h) - 22, " GMT; HttpOnly; Path=/");
    cookie = session_cookie(c);
    fw_free(c);

    /* refreshed on every response, as SESSION_REFRESH_EACH_REQUEST */
    c = fw_get_cookie(app, "/get", cookie);
    assert_string_equal(c->body, "{\"_permanent\":true}");
    assert_non_null(fw_header(c, "Set-Cookie"));
    fw_free(c);

    free(cookie);
    gw_framework_unload(app);
}


static void
test_no_secret_key(void **state)
{
    void       *app = fw_load(setup, NULL, 0);
    fw_call_t  *c;

    c = fw_get(app, "GET", "/get", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "{}");
    fw_free(c);

    c = fw_get(app, "GET", "/set", NULL);
    assert_int_equal(c->resp.status, 500);
    assert_null(fw_header(c, "Set-Cookie"));
    assert_non_null(strstr(c->log, "no SECRET_KEY was set"));
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_flash(void **state)
{
    void       *app = fw_load(setup, cfg, 2);
    fw_call_t  *c;
    char       *cookie;

    c = fw_get(app, "GET", "/flash", NULL);
    cookie = session_cookie(c);
    fw_free(c);

    c = fw_get_cookie(app, "/show", cookie);
    assert_string_equal(c->body, "[[\"message\",\"hi\"],[\"error\",\"bad\"]]"
                        "[\"hi\",\"bad\"]");
    /* popped: the now empty session is deleted */
    assert_memory_equal(fw_header(c, "Set-Cookie"), "session=;", 9);
    fw_free(c);

    c = fw_get(app, "GET", "/show", NULL);
    assert_string_equal(c->body, "[][]");
    fw_free(c);

    free(cookie);
    gw_framework_unload(app);
}


static void
test_cookie_options(void **state)
{
    static const gw_config_item_t  opts[] = {
        { "SECRET_KEY", KEY },
        { "SESSION_COOKIE_SECURE", "true" },
        { "SESSION_COOKIE_SAMESITE", "Lax" },
    };
    static const gw_config_item_t  bad[] = {
        { "SESSION_COOKIE_SAMESITE", "sometimes" },
    };
    void           *app = fw_load(setup, opts, 3);
    fw_call_t      *c;
    const char     *h;
    gw_load_ctx_t   ctx;
    char            err[256];

    c = fw_get(app, "GET", "/set", NULL);
    h = fw_header(c, "Set-Cookie");
    assert_non_null(h);
    /* what Flask sends with the same config */
    assert_string_equal(strchr(h, ';'),
                        "; Secure; HttpOnly; Path=/; SameSite=Lax");
    fw_free(c);
    gw_framework_unload(app);

    memset(&ctx, 0, sizeof(ctx));
    ctx.config = bad;
    ctx.nconfig = 1;
    ctx.error = err;
    ctx.error_size = sizeof(err);
    app = NULL;
    assert_int_equal(gw_framework_load(&ctx, "t", setup, &app), GW_ERROR);
    assert_string_equal(err, "app 't': SESSION_COOKIE_SAMESITE 'sometimes' "
                        "is not Strict, Lax or None");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_cookie_format),
        cmocka_unit_test(test_cookie_rejected),
        cmocka_unit_test(test_session_roundtrip),
        cmocka_unit_test(test_permanent),
        cmocka_unit_test(test_no_secret_key),
        cmocka_unit_test(test_flash),
        cmocka_unit_test(test_cookie_options),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
