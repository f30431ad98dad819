/*
 * test_linear.c: every parser of outside input costs about twice as much on
 * twice the input.  Cost is counted, not timed, where it can be (bytes the
 * arena took, bytes jansson asked for), so a busy machine cannot flake it;
 * the one timed case compares two runs of the same process.
 */

#include "unit.h"

#include <time.h>


/* Input made of n copies of unit between head and tail, in malloc'ed
 * memory so that it does not count as the parser's. */
typedef struct {
    char    *data;
    size_t   len;
} input_t;


static input_t
repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    input_t  in;
    size_t   hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;

    in.len = hl + n * ul + tl;
    in.data = malloc(in.len + 1);
    assert_non_null(in.data);
    memcpy(in.data, head, hl);
    for (i = 0; i < n; i++) {
        memcpy(in.data + hl + i * ul, unit, ul);
    }
    memcpy(in.data + hl + n * ul, tail, tl + 1);
    return in;
}


typedef void (*parse_fn)(gw_arena_t *a, gw_str_t in, const void *arg);

typedef struct {
    const char  *head, *unit, *tail;
    parse_fn     parse;
    const void  *arg;
} case_t;


/* Arena bytes for n units. */
static size_t
cost(const case_t *c, size_t n)
{
    gw_arena_t  *a;
    input_t      in;
    size_t       bytes;

    a = gw_arena_create(4096);
    assert_non_null(a);
    in = repeat(c->head, c->unit, n, c->tail);
    c->parse(a, (gw_str_t) { in.data, in.len }, c->arg);
    bytes = gw_arena_size(a);
    gw_arena_destroy(a);
    free(in.data);
    return bytes;
}


/* Twice the units, at most about twice the bytes (a block of slack). */
static void
assert_linear(const case_t *c, size_t n)
{
    size_t  one, two;

    one = cost(c, n);
    two = cost(c, 2 * n);
    if (two > one * 5 / 2 + 16384) {
        fail_msg("%s: %zu units took %zu bytes, %zu took %zu", c->unit, n,
                 one, 2 * n, two);
    }
}


static void
parse_query(gw_arena_t *a, gw_str_t in, const void *arg)
{
    gw_multidict_t  d;

    memset(&d, 0, sizeof(d));
    assert_int_equal(gw_parse_query(a, in, &d), GW_OK);
    assert_true(d.n > 0);
}


static void
parse_form(gw_arena_t *a, gw_str_t in, const void *arg)
{
    gw_multidict_t   d;
    gw_files_t       f;
    const char      *err;

    memset(&d, 0, sizeof(d));
    memset(&f, 0, sizeof(f));
    assert_int_equal(gw_parse_form(a, str(arg), in, &d, &f, &err), GW_OK);
}


/* The body is a header value: one part whose Content-Disposition holds
 * the units. */
static void
parse_disposition(gw_arena_t *a, gw_str_t in, const void *arg)
{
    gw_multidict_t   d;
    gw_files_t       f;
    const char      *err;
    char            *body;
    size_t           len;

    body = gw_arena_alloc(a, in.len + 64);
    len = sprintf(body, "--B\r\nContent-Disposition: %.*s\r\n\r\nv\r\n--B--",
                  (int) in.len, in.data);
    memset(&d, 0, sizeof(d));
    memset(&f, 0, sizeof(f));
    assert_int_equal(gw_parse_form(a, str("multipart/form-data; boundary=B"),
                                   (gw_str_t) { body, len }, &d, &f, &err),
                     GW_OK);
    assert_int_equal(f.n, 1);
    assert_gw_str(&f.items[0].filename, "f.txt");
}


static void
parse_cookies(gw_arena_t *a, gw_str_t in, const void *arg)
{
    gw_multidict_t  d;

    memset(&d, 0, sizeof(d));
    assert_int_equal(gw_parse_cookies(a, in, &d), GW_OK);
    assert_true(d.n > 0);
}


/* Header lines "Name: value\n", each into the environ as a server adds
 * them. */
static void
parse_headers(gw_arena_t *a, gw_str_t in, const void *arg)
{
    gw_environ_t   env;
    const char    *p, *end, *colon, *eol;
    char          *key;
    size_t         keylen;

    gw_environ_init(&env, a, 16);
    for (p = in.data, end = p + in.len; p < end; p = eol + 1) {
        eol = memchr(p, '\n', end - p);
        colon = memchr(p, ':', eol - p);
        key = gw_environ_header_key(a, p, colon - p, &keylen);
        assert_non_null(key);
        assert_int_equal(gw_environ_add_header(&env, 0,
                         (gw_str_t) { key, keylen },
                         (gw_str_t) { colon + 2, eol - colon - 2 }), GW_OK);
    }
}


static void
parse_path(gw_arena_t *a, gw_str_t in, const void *arg)
{
    gw_match_t  m;

    memset(&m, 0, sizeof(m));
    assert_int_equal(gw_urlmap_match((gw_urlmap_t *) arg, a, str("GET"), in,
                                     &m), GW_MATCH_OK);
    json_decref(m.args);
}


static void
test_query_and_form(void **state)
{
    case_t  c[] = {
        { "", "a=1&bb=%41%42+c&", "z", parse_query, NULL },
        { "", "&&&=", "", parse_query, NULL },
        { "", "k=v&", "", parse_form, "application/x-www-form-urlencoded" },
    };
    size_t  i;

    for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        assert_linear(&c[i], 20000);
    }
}


static void
test_multipart(void **state)
{
    case_t  c[] = {
        /* many parts, many part headers */
        { "--B\r\n", "Content-Disposition: form-data; name=\"a\"\r\n"
          "X-Junk: 1\r\n\r\nvalue\r\n--B\r\n",
          "Content-Disposition: form-data; name=\"z\"\r\n\r\nv\r\n--B--",
          parse_form, "multipart/form-data; boundary=B" },
        /* a part with many quoted parameters (issue 12, finding 1) */
        { "form-data", "; x=\"aaaaaaaa\"", "; name=\"n\"; filename=\"f.txt\"",
          parse_disposition, NULL },
        { "form-data", "; x=\"a\\\\\\\"b\"; y=c", "; name=n; filename=f.txt",
          parse_disposition, NULL },
    };
    size_t  i;

    for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        assert_linear(&c[i], 2000);
    }
}


static void
test_cookies(void **state)
{
    case_t  c[] = {
        { "", "a=1; b=\"q\\\"x\"; ", "z=9", parse_cookies, NULL },
        { "", ";;;", "z=9", parse_cookies, NULL },
    };
    size_t  i;

    for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        assert_linear(&c[i], 20000);
    }
}


/* Repeated headers join in place (issue 12, finding 2). */
static void
test_repeated_headers(void **state)
{
    case_t  c[] = {
        { "Host: x\n", "X-Forwarded-For: 10.0.0.1\n", "", parse_headers,
          NULL },
        { "", "Cookie: a=1\n", "", parse_headers, NULL },
    };
    size_t  i;

    for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        assert_linear(&c[i], 2000);
    }
}


/* Distinct headers are found through the index: with a linear lookup,
 * 8000 of them took about four times as long as 4000.  Timed, as lookups
 * allocate nothing; the better of five runs of each, in the same process. */
static double
headers_time(size_t n)
{
    gw_arena_t       *a;
    gw_environ_t      env;
    struct timespec   t0, t1;
    char            **keys;
    double            best, t;
    size_t            i, run, len;

    a = gw_arena_create(0);
    keys = gw_arena_alloc(a, n * sizeof(char *));
    for (i = 0; i < n; i++) {
        keys[i] = gw_arena_printf(a, "HTTP_X_HEADER_%08zu", i);
    }
    len = strlen(keys[0]);

    best = 1e9;
    for (run = 0; run < 5; run++) {
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
        gw_environ_init(&env, a, n);
        for (i = 0; i < n; i++) {
            gw_environ_add_header(&env, 0, (gw_str_t) { keys[i], len },
                                  (gw_str_t) gw_string("v"));
        }
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
        assert_int_equal(env.nentries, n);
        t = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
        best = t < best ? t : best;
    }
    gw_arena_destroy(a);
    return best;
}


static void
test_distinct_headers(void **state)
{
    double  one, two;

    one = headers_time(4000);
    two = headers_time(8000);
    if (two > 3 * one) {
        fail_msg("4000 headers took %.6f s, 8000 took %.6f s", one, two);
    }
}


static void
test_url_match(void **state)
{
    gw_urlmap_t  *m;
    char          err[256];
    case_t        c[] = {
        { "/p/", "seg/", "end", parse_path, NULL },
        { "/s/", "%41", "", parse_path, NULL },
    };
    size_t        i;

    m = gw_urlmap_create();
    assert_int_equal(gw_urlmap_add(m, "/p/<path:rest>", "p", 0, NULL, err,
                                   sizeof(err)), GW_OK);
    assert_int_equal(gw_urlmap_add(m, "/s/<s>", "s", 0, NULL, err,
                                   sizeof(err)), GW_OK);
    for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        c[i].arg = m;
        assert_linear(&c[i], 20000);
    }
    gw_urlmap_destroy(m);
}


/* JSON bodies go to jansson: count what it allocates. */
static size_t  json_bytes;

static void *
json_count_malloc(size_t n)
{
    json_bytes += n;
    return malloc(n);
}


static size_t
json_cost(const char *head, const char *unit, size_t n, const char *tail)
{
    input_t        in;
    json_t        *v;
    json_error_t   e;

    in = repeat(head, unit, n, tail);
    json_bytes = 0;
    v = json_loadb(in.data, in.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (v == NULL) {
        fail_msg("%s", e.text);
    }
    json_decref(v);
    free(in.data);
    return json_bytes;
}


static void
test_json_body(void **state)
{
    static const char  *c[][3] = {
        { "[", "1.5, \"s\\u00e9\", {\"k\": null}, ", "0]" },
        { "[", "{\"k\": [true, {}]}, ", "0]" },
    };
    size_t  i, one, two;

    json_set_alloc_funcs(json_count_malloc, free);
    for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        one = json_cost(c[i][0], c[i][1], 5000, c[i][2]);
        two = json_cost(c[i][0], c[i][1], 10000, c[i][2]);
        if (two > one * 5 / 2 + 16384) {
            fail_msg("%s: %zu then %zu bytes", c[i][1], one, two);
        }
    }
    json_set_alloc_funcs(malloc, free);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_and_form),
        cmocka_unit_test(test_multipart),
        cmocka_unit_test(test_cookies),
        cmocka_unit_test(test_repeated_headers),
        cmocka_unit_test(test_distinct_headers),
        cmocka_unit_test(test_url_match),
        cmocka_unit_test(test_json_body),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
