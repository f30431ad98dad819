/*
 * test_session.c: the signed session cookie (format, tampering, expiry,
 * other keys, Flask's own cookies with SESSION_DIGEST sha1), when the
 * cookie is (re)sent, and flashed messages.
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


/* The app with this one config pair does not load, for this reason. */
static void
assert_load_error(const gw_config_item_t *bad, const char *want)
{
    gw_load_ctx_t   ctx;
    char            err[256];
    void           *app = NULL;

    memset(&ctx, 0, sizeof(ctx));
    ctx.config = bad;
    ctx.nconfig = 1;
    ctx.error = err;
    ctx.error_size = sizeof(err);
    assert_int_equal(gw_framework_load(&ctx, "t", setup, &app), GW_ERROR);
    assert_string_equal(err, want);
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
    c = gw_session_encode(a, KEY, GW_SESSION_SHA256, s, 1795506551);
    assert_string_equal(c, "eyJhIjoxfQ.awVBdw."
                        "8eEZ8tFgaLJqsKXZW0kPbuF5YfAoD-SxvR5WBvyK0nI");

    d = gw_session_decode(KEY, GW_SESSION_SHA256, (gw_str_t) { c, strlen(c) },
                          1795506551 + 50, 100);
    assert_non_null(d);
    assert_true(json_equal(s, d));
    json_decref(d);
    json_decref(s);
    gw_arena_destroy(a);
}


static json_t *
dec(const char *secret, const char *c, int64_t now, int64_t max_age)
{
    return gw_session_decode(secret, GW_SESSION_SHA256,
                             (gw_str_t) { c, strlen(c) }, now, max_age);
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
    c = gw_session_encode(a, KEY, GW_SESSION_SHA256, arr, t);
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
    bad = gw_arena_printf(a, "session=%s",
                          gw_session_encode(a, KEY, GW_SESSION_SHA256, s,
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

    c = fw_get(app, "GET", "/set", NULL);
    h = fw_header(c, "Set-Cookie");
    assert_non_null(h);
    /* what Flask sends with the same config */
    assert_string_equal(strchr(h, ';'),
                        "; Secure; HttpOnly; Path=/; SameSite=Lax");
    fw_free(c);
    gw_framework_unload(app);

    assert_load_error(bad, "app 't': SESSION_COOKIE_SAMESITE 'sometimes' "
                      "is not Strict, Lax or None");
}

/* Cookies made by Flask 2.2 (SecureCookieSessionInterface, SECRET_KEY
 * "s3cret", the timestamp fixed at 1795506551) */
#define FLASK_A1        "eyJhIjoxfQ.awVBdw.ten9I1mcefH23dO1Twvoo8VMpRY"
/* {"_flashes": [("message", "hi"), ("error", "bad")]}: tuples, compressed */
#define FLASK_FLASHES   ".eJyrVopPy0kszkgtVrKKrlZSKAFSSrmpxcWJ6alKOkoZmUq" \
                        "xtTow8dSiovwioGhSYgpQOLYWAGN_E5M.awVBdw." \
                        "L-wRmeiz5KUsq0UidTr-maoyNEg"
/* {"big": "x" * 200, "n": 1.5} */
#define FLASK_BIG       ".eJyrVkrKTFeyUqoYJkBJRylPycpQz7QWAHSmYlk.awVBdw." \
                        "bptT4XXr6tCNGPSczDQrehOr0bY"
/* {"d": {" t": [1]}, "e": {" di": "x"}}: dicts Flask escapes */
#define FLASK_ESCAPED   ".eJyrVkpRsqpWUkjJBFMl8fFKVtGGsbW1OkqpyBIpmSAZpQq" \
                        "l2tpaAIhUDz4.awVBdw.m8BLQzIXgQ3m_F7jwWEkFPY_08w"
/* {"d": {" t": [1]}, "m": Markup("<b>x</b>"), "b": b"caf\xc3\xa9",
 *  "u": UUID("0c5b2444-..."), "t": datetime(2026, 12, 7, 6, 0, UTC)} */
#define FLASK_TAGS      ".eJwlikELgkAQRv_KMGehaVzXXMxT1Mlbl4iQZtcgQr0YBbL" \
                        "_vXGD4Q287y0o6BYEJV74OHzsa48xw5BseKY3dx266_YWdRiS" \
                        "UWItzbfeSLPm8z9X205jBlTCoffAxBbIOiI9OLXnNX2nVInkC" \
                        "2FjTEl3MlXO1Y68mOAp5A9iKTDGHxNjKU8.awVBdw." \
                        "_CzvcuXmSmdsFIy1hWImNM1SLbs"
/* {"b": b"\xff"}: bytes that are not UTF-8 */
#define FLASK_BYTES_FF  "eyJiIjp7IiBiIjoiL3c9PSJ9fQ.awVBdw." \
                        "8Tjtx3XshWDeucxEVY604Mw0k9Q"
/* {"x": {" x": 1}}: a tag no one registered */
#define FLASK_UNKNOWN   "eyJ4Ijp7IiB4IjoxfX0.awVBdw.wLUzFRzNQUX84RtaNsHUPIy6VYU"
/* {"_flashes": [["message", "hi"]]}: lists, as ours */
#define FLASK_LIST      "eyJfZmxhc2hlcyI6W1sibWVzc2FnZSIsImhpIl1dfQ.awVBdw." \
                        "DKZywybeLayKiP_EWXXoiWKizD0"
#define FLASK_T         1795506551


static json_t *
dec1(const char *c)
{
    return gw_session_decode(KEY, GW_SESSION_SHA1, (gw_str_t) { c, strlen(c) },
                             FLASK_T + 50, 100);
}


static char *
dump(json_t *v)
{
    char  *s;

    assert_non_null(v);
    s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(v);
    return s;
}


static void
expect_dec1(const char *cookie, const char *json)
{
    char  *s;

    s = dump(dec1(cookie));
    assert_string_equal(s, json);
    free(s);
}


static void
expect_enc1(gw_arena_t *a, const char *json, const char *cookie)
{
    json_t  *v;

    v = json_loads(json, 0, NULL);
    assert_non_null(v);
    assert_string_equal(gw_session_encode(a, KEY, GW_SESSION_SHA1, v,
                                          FLASK_T), cookie);
    json_decref(v);
}


static void
test_flask_cookies(void **state)
{
    gw_arena_t  *a = gw_arena_create(1024);
    json_t      *big;
    char        *pad, *c;

    /* read: plain, compressed, tuples, escaped dicts, every default tag */
    expect_dec1(FLASK_A1, "{\"a\":1}");
    expect_dec1(FLASK_FLASHES, "{\"_flashes\":[[\"message\",\"hi\"],"
                "[\"error\",\"bad\"]]}");
    expect_dec1(FLASK_ESCAPED, "{\"d\":{\" t\":[1]},\"e\":{\" di\":\"x\"}}");
    expect_dec1(FLASK_TAGS, "{\"b\":\"caf\xc3\xa9\",\"d\":{\" t\":[1]},"
                "\"m\":\"<b>x</b>\",\"t\":\"Mon, 07 Dec 2026 06:00:00 GMT\","
                "\"u\":\"0c5b2444-70a0-4932-980c-b4dc0d3f02b5\"}");
    assert_null(dec1(FLASK_BYTES_FF));
    assert_null(dec1(FLASK_UNKNOWN));

    /* written byte for byte as Flask writes the same session: compressed
     * when shorter, escaped where Flask escapes */
    expect_enc1(a, "{\"a\":1}", FLASK_A1);
    expect_enc1(a, "{\"n\":1.5,\"big\":\"" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}", FLASK_BIG);
    expect_enc1(a, "{\"d\":{\" t\":[1]},\"e\":{\" di\":\"x\"}}", FLASK_ESCAPED);
    expect_enc1(a, "{\"_flashes\":[[\"message\",\"hi\"]]}", FLASK_LIST);

    /* a key that reads as a tag Flask does not know is escaped too, so
     * that it comes back (Flask reads the escape alike) */
    big = json_pack("{s{si}}", "x", " abc", 1);
    c = gw_session_encode(a, KEY, GW_SESSION_SHA1, big, FLASK_T);
    expect_dec1(c, "{\"x\":{\" abc\":1}}");
    json_decref(big);

    /* a payload that inflates past 64 KB is refused, however small */
    big = json_object();
    pad = calloc(70000, 1);
    memset(pad, 'x', 69999);
    json_object_set_new(big, "x", json_string(pad));
    c = gw_session_encode(a, KEY, GW_SESSION_SHA1, big, FLASK_T);
    assert_true(c[0] == '.' && strlen(c) < 1000);
    assert_null(dec1(c));
    json_decref(big);
    free(pad);

    /* one digest's cookie is not the other's */
    assert_null(dec(KEY, FLASK_A1, FLASK_T, 100));
    assert_null(dec1("eyJhIjoxfQ.awVBdw."
                     "8eEZ8tFgaLJqsKXZW0kPbuF5YfAoD-SxvR5WBvyK0nI"));
    gw_arena_destroy(a);
}


static void
test_flask_flashes(void **state)
{
    static const gw_config_item_t  flask[] = {
        { "SECRET_KEY", KEY },
        { "SESSION_DIGEST", "sha1" },
    };
    static const gw_config_item_t  bad[] = {
        { "SESSION_DIGEST", "md5" },
    };
    void           *app = fw_load(setup, flask, 2);
    fw_call_t      *c;
    char           *cookie;

    /* Flask's flash() tuples, read by get_flashed_messages() */
    c = fw_get_cookie(app, "/show", "session=" FLASK_FLASHES);
    assert_string_equal(c->body, "[[\"message\",\"hi\"],[\"error\",\"bad\"]]"
                        "[\"hi\",\"bad\"]");
    fw_free(c);

    /* ours, signed with SHA-1: 27 characters of signature */
    c = fw_get(app, "GET", "/set", NULL);
    cookie = session_cookie(c);
    assert_memory_equal(cookie, "session=eyJhIjoxfQ.", 19);
    assert_int_equal(strlen(strrchr(cookie, '.') + 1), 27);
    fw_free(c);
    free(cookie);
    gw_framework_unload(app);

    assert_load_error(bad, "app 't': SESSION_DIGEST 'md5' is not sha256 or "
                      "sha1 (Flask's)");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_cookie_format),
        cmocka_unit_test(test_cookie_rejected),
        cmocka_unit_test(test_flask_cookies),
        cmocka_unit_test(test_flask_flashes),
        cmocka_unit_test(test_session_roundtrip),
        cmocka_unit_test(test_permanent),
        cmocka_unit_test(test_no_secret_key),
        cmocka_unit_test(test_flash),
        cmocka_unit_test(test_cookie_options),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
