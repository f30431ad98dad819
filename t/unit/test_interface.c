/*
 * test_interface.c: the interface types: arena, buf, environ, response and
 * the application loader.
 */

#include "unit.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>


/* ---- arena ------------------------------------------------------------- */

static int  cleanup_calls;

static void
count_cleanup(void *data)
{
    cleanup_calls += *(int *) data;
}


static void
test_arena_alignment_and_growth(void **state)
{
    gw_arena_t  *a;
    char        *p;
    int          i;

    a = gw_arena_create(256);
    assert_non_null(a);

    for (i = 1; i < 200; i++) {
        p = gw_arena_alloc(a, (size_t) i);
        assert_non_null(p);
        assert_int_equal((uintptr_t) p % 16, 0);
        memset(p, 'x', (size_t) i);
    }

    /* larger than a block: gets a block of its own */
    p = gw_arena_alloc(a, 100000);
    assert_non_null(p);
    memset(p, 'y', 100000);

    gw_arena_destroy(a);
}


/* sizes near SIZE_MAX used to wrap in the alignment to a 0-byte block */
static void
test_arena_refuses_wrapping_sizes(void **state)
{
    gw_arena_t  *a;
    size_t       i;

    a = gw_arena_create(0);
    assert_non_null(a);

    /* the sizes gw_align() rounds up past SIZE_MAX (a larger size that is
     * merely too big goes to malloc, which ASan would stop on) */
    for (i = 0; i < 16; i++) {
        assert_null(gw_arena_alloc(a, SIZE_MAX - i));
        assert_null(gw_arena_calloc(a, SIZE_MAX - i));
    }
    assert_non_null(gw_arena_alloc(a, 100));

    gw_arena_destroy(a);
}


static void
test_arena_seed_then_heap(void **state)
{
    char         seed[300];
    gw_arena_t   a;
    char        *p, *q;

    gw_arena_init(&a, seed + 1, sizeof(seed) - 1, 1024);

    p = gw_arena_alloc(&a, 100);
    assert_true(p >= seed && p < seed + sizeof(seed));
    assert_int_equal((uintptr_t) p % 16, 0);

    /* past the seed, blocks come from the heap */
    q = gw_arena_alloc(&a, 400);
    assert_non_null(q);
    assert_true(q < seed || q >= seed + sizeof(seed));

    gw_arena_reset(&a);

    /* after a reset the seed is used again */
    p = gw_arena_alloc(&a, 16);
    assert_true(p >= seed && p < seed + sizeof(seed));
    gw_arena_reset(&a);
}


static void
test_arena_cleanups_run_once(void **state)
{
    gw_arena_t  *a;
    int          one = 1, ten = 10;

    cleanup_calls = 0;
    a = gw_arena_create(0);
    assert_int_equal(gw_arena_cleanup_add(a, count_cleanup, &one), GW_OK);
    assert_int_equal(gw_arena_cleanup_add(a, count_cleanup, &ten), GW_OK);
    gw_arena_reset(a);
    assert_int_equal(cleanup_calls, 11);
    gw_arena_reset(a);
    assert_int_equal(cleanup_calls, 11);
    gw_arena_destroy(a);
}


static void
test_arena_strings(void **state)
{
    gw_arena_t  *a;

    a = gw_arena_create(0);
    assert_string_equal(gw_arena_strndup(a, "hello world", 5), "hello");
    assert_string_equal(gw_arena_strdup(a, ""), "");
    assert_string_equal(gw_arena_printf(a, "%d-%s", 42, "x"), "42-x");
    assert_null(gw_arena_strndup(a, "x", SIZE_MAX));
    gw_arena_destroy(a);
}


/* ---- buf --------------------------------------------------------------- */

static void
test_buf_grows(void **state)
{
    gw_arena_t  *a;
    gw_buf_t     b;
    int          i;

    a = gw_arena_create(0);
    gw_buf_init(&b, a, 4);

    for (i = 0; i < 1000; i++) {
        assert_int_equal(gw_buf_putc(&b, (char) ('a' + i % 26)), GW_OK);
    }
    assert_int_equal(b.len, 1000);
    assert_int_equal(b.data[999], 'a' + 999 % 26);

    assert_int_equal(gw_buf_appends(&b, "!end"), GW_OK);
    assert_int_equal(gw_buf_printf(&b, "[%05d]", 7), GW_OK);
    assert_int_equal(b.len, 1000 + 4 + 7);
    assert_memory_equal(b.data + 1000, "!end[00007]", 11);
    assert_true(gw_str_eq((gw_str_t) { b.data + 1000, 4 }, "!end"));
    assert_false(gw_str_eq((gw_str_t) { b.data + 1000, 4 }, "!en"));

    gw_arena_destroy(a);
}


/* ---- array ------------------------------------------------------------- */

typedef struct {
    int     i;
    double  d;
} item_t;


static void
test_array_grows_by_doubling(void **state)
{
    gw_arena_t  *a;
    item_t      *items, *first;
    size_t       n, nalloc, last;
    int          i, regrown;

    a = gw_arena_create(0);
    items = NULL;
    n = nalloc = 0;

    assert_int_equal(gw_array_grow(a, &items, n, &nalloc, sizeof(item_t)),
                     GW_OK);
    first = items;
    assert_non_null(first);
    assert_true(nalloc >= 4);

    last = nalloc;
    regrown = 0;
    for (i = 0; i < 1000; i++) {
        assert_int_equal(gw_array_grow(a, &items, n, &nalloc,
                                       sizeof(item_t)), GW_OK);
        assert_true(n < nalloc);
        if (nalloc != last) {
            assert_int_equal(nalloc, last * 2);
            last = nalloc;
            regrown++;
        }
        items[n].i = i;
        items[n].d = i / 2.0;
        n++;
    }
    assert_true(items != first);
    assert_true(regrown >= 5 && regrown <= 10);
    for (i = 0; i < 1000; i++) {
        assert_int_equal(items[i].i, i);
        assert_true(items[i].d == i / 2.0);
    }

    /* room already there: nothing moves */
    first = items;
    assert_int_equal(gw_array_reserve(a, &items, n, &nalloc, sizeof(item_t),
                                      nalloc - n), GW_OK);
    assert_ptr_equal(items, first);

    gw_arena_destroy(a);
}


static void
test_array_reserve_many(void **state)
{
    gw_arena_t  *a;
    char        *s;
    size_t       n, cap;

    a = gw_arena_create(0);
    s = NULL;
    n = cap = 0;

    /* a first reserve larger than the first block gets all it asked */
    assert_int_equal(gw_array_reserve(a, &s, n, &cap, 1, 5000), GW_OK);
    assert_true(cap >= 5000);
    memset(s, 'x', 5000);
    n = 5000;

    assert_int_equal(gw_array_reserve(a, &s, n, &cap, 1, cap), GW_OK);
    assert_true(cap >= 10000);
    assert_int_equal(s[0], 'x');
    assert_int_equal(s[4999], 'x');

    gw_arena_destroy(a);
}


/* sizes that would wrap are refused, and a refusal changes nothing */
static void
test_array_refuses_overflow(void **state)
{
    gw_arena_t  *a;
    item_t      *items, *before;
    size_t       n, nalloc;

    a = gw_arena_create(0);
    items = NULL;
    n = nalloc = 0;
    assert_int_equal(gw_array_grow(a, &items, n, &nalloc, sizeof(item_t)),
                     GW_OK);
    before = items;
    n = nalloc;

    assert_int_equal(gw_array_reserve(a, &items, n, &nalloc, sizeof(item_t),
                                      SIZE_MAX - n + 1), GW_ERROR);
    assert_int_equal(gw_array_reserve(a, &items, n, &nalloc, sizeof(item_t),
                                      SIZE_MAX / sizeof(item_t)), GW_ERROR);
    assert_int_equal(gw_array_reserve(a, &items, n, &nalloc, SIZE_MAX / 2,
                                      1), GW_ERROR);
    assert_int_equal(gw_array_reserve(a, &items, n, &nalloc, 0, 1),
                     GW_ERROR);
    assert_ptr_equal(items, before);
    assert_int_equal(nalloc, n);

    /* out of memory: the arena's limit */
    a->limit = gw_arena_size(a) + 1;
    assert_int_equal(gw_array_reserve(a, &items, n, &nalloc, sizeof(item_t),
                                      100000), GW_ERROR);
    assert_ptr_equal(items, before);
    assert_int_equal(nalloc, n);

    gw_arena_destroy(a);
}


/* ---- environ ----------------------------------------------------------- */

static void
test_environ_add_get_set(void **state)
{
    gw_arena_t    *a;
    gw_environ_t   env;
    gw_str_t       k1 = gw_string("REQUEST_METHOD"), v1 = gw_string("GET");
    gw_str_t       k2 = gw_string("PATH_INFO"), v2 = gw_string("/x");
    gw_str_t       v3 = gw_string("POST");
    const gw_str_t *v;
    char           key[32];
    int            i;

    a = gw_arena_create(0);
    gw_environ_init(&env, a, 2);

    assert_int_equal(gw_environ_add(&env, k1, v1), GW_OK);
    assert_int_equal(gw_environ_add(&env, k2, v2), GW_OK);

    /* growth past the hint keeps order and values */
    for (i = 0; i < 100; i++) {
        snprintf(key, sizeof(key), "K%d", i);
        assert_int_equal(gw_environ_add(&env,
            (gw_str_t) { gw_arena_strdup(a, key), strlen(key) }, v1), GW_OK);
    }
    assert_int_equal(env.nentries, 102);
    assert_true(gw_str_eq(env.entries[0].key, "REQUEST_METHOD"));
    assert_true(gw_str_eq(env.entries[101].key, "K99"));

    v = gw_environ_get(&env, "PATH_INFO");
    assert_non_null(v);
    assert_true(gw_str_eq(*v, "/x"));
    assert_null(gw_environ_get(&env, "PATH"));
    assert_null(gw_environ_get(&env, "PATH_INFO_"));

    assert_int_equal(gw_environ_set(&env, k1, v3), GW_OK);
    assert_int_equal(env.nentries, 102);
    assert_true(gw_str_eq(*gw_environ_get(&env, "REQUEST_METHOD"), "POST"));

    gw_arena_destroy(a);
}


/* the gateway.* keys both servers set, spelt once */
static void
test_environ_gateway_keys(void **state)
{
    gw_arena_t            *a;
    gw_environ_t           env;
    gw_environ_gateway_t   g = { 1, gw_string("a\0b"), 0, 1, "stderr" };

    a = gw_arena_create(0);
    gw_environ_init(&env, a, 0);

    /* what a FastCGI client put there is replaced, not shadowed */
    assert_int_equal(gw_environ_add(&env, str("gateway.url_scheme"),
                                    str("ftp")), GW_OK);
    assert_int_equal(gw_environ_set_gateway(&env, &g), GW_OK);
    assert_int_equal(env.nentries, 5);
    assert_gw_str(gw_environ_get(&env, "gateway.url_scheme"), "https");
    assert_int_equal(gw_environ_get(&env, "gateway.input")->len, 3);
    assert_memory_equal(gw_environ_get(&env, "gateway.input")->data,
                        "a\0b", 3);
    assert_gw_str(gw_environ_get(&env, "gateway.multithread"), "false");
    assert_gw_str(gw_environ_get(&env, "gateway.multiprocess"), "true");
    assert_gw_str(gw_environ_get(&env, "gateway.errors"), "stderr");

    g.https = 0;
    g.input.data = NULL;
    g.input.len = 0;
    g.multithread = 1;
    g.multiprocess = 0;
    g.errors = "error_log";
    assert_int_equal(gw_environ_set_gateway(&env, &g), GW_OK);
    assert_int_equal(env.nentries, 5);
    assert_gw_str(gw_environ_get(&env, "gateway.url_scheme"), "http");
    assert_gw_str(gw_environ_get(&env, "gateway.input"), "");
    assert_non_null(gw_environ_get(&env, "gateway.input")->data);
    assert_gw_str(gw_environ_get(&env, "gateway.multithread"), "true");
    assert_gw_str(gw_environ_get(&env, "gateway.multiprocess"), "false");
    assert_gw_str(gw_environ_get(&env, "gateway.errors"), "error_log");

    gw_arena_destroy(a);
}


static void
test_environ_header_keys(void **state)
{
    gw_arena_t  *a;
    size_t       len;
    char        *k;

    a = gw_arena_create(0);

    k = gw_environ_header_key(a, "X-Forwarded-For", 15, &len);
    assert_string_equal(k, "HTTP_X_FORWARDED_FOR");
    assert_int_equal(len, 20);

    assert_string_equal(gw_environ_header_key(a, "content-type", 12, &len),
                        "CONTENT_TYPE");
    assert_string_equal(gw_environ_header_key(a, "Content-Length", 14, &len),
                        "CONTENT_LENGTH");
    assert_string_equal(gw_environ_header_key(a, "content-md5", 11, &len),
                        "HTTP_CONTENT_MD5");
    assert_string_equal(gw_environ_header_key(a, "a_b", 3, &len),
                        "HTTP_A_B");
    assert_null(gw_environ_header_key(a, "Bad Name", 8, &len));
    assert_null(gw_environ_header_key(a, "x.y", 3, &len));
    assert_null(gw_environ_header_key(a, "", 0, &len));

    gw_arena_destroy(a);
}


static void
test_environ_add_header_joins(void **state)
{
    gw_arena_t    *a;
    gw_environ_t   env;
    gw_str_t       xf = gw_string("HTTP_X_F"), ck = gw_string("HTTP_COOKIE");

    a = gw_arena_create(0);
    gw_environ_init(&env, a, 0);

    /* an entry before `from` is not a header: never joined */
    gw_environ_add(&env, xf, (gw_str_t) gw_string("param"));
    assert_int_equal(gw_environ_add_header(&env, 1, xf,
                     (gw_str_t) gw_string("1")), GW_OK);
    assert_int_equal(gw_environ_add_header(&env, 1, xf,
                     (gw_str_t) gw_string("2")), GW_OK);
    assert_int_equal(gw_environ_add_header(&env, 1, ck,
                     (gw_str_t) gw_string("a=1")), GW_OK);
    assert_int_equal(gw_environ_add_header(&env, 1, ck,
                     (gw_str_t) gw_string("b=2")), GW_OK);
    assert_int_equal(gw_environ_add_header(&env, 1, xf,
                     (gw_str_t) gw_string("")), GW_OK);

    assert_int_equal(env.nentries, 3);
    assert_true(gw_str_eq(env.entries[0].value, "param"));
    assert_true(gw_str_eq(env.entries[1].value, "1, 2, "));
    assert_true(gw_str_eq(env.entries[2].value, "a=1; b=2"));

    gw_arena_destroy(a);
}


/* Joins grow a buffer of their own in place; a value gw_environ_set put in
 * between is joined onto, not overwritten; many distinct keys stay apart. */
static void
test_environ_add_header_many(void **state)
{
    gw_arena_t      *a;
    gw_environ_t     env;
    gw_str_t         xf = gw_string("HTTP_X_F");
    const gw_str_t  *v;
    char             expect[4096], key[32];
    size_t           i, n, len;

    a = gw_arena_create(0);
    gw_environ_init(&env, a, 0);

    n = 0;
    for (i = 0; i < 500; i++) {
        assert_int_equal(gw_environ_add_header(&env, 0, xf,
                         (gw_str_t) { "ab" + i % 2, 2 - i % 2 }), GW_OK);
        n += snprintf(expect + n, sizeof(expect) - n, "%s%s",
                      i ? ", " : "", "ab" + i % 2);
        if (i == 100) {
            gw_environ_set(&env, xf, (gw_str_t) gw_string("reset"));
            n = snprintf(expect, sizeof(expect), "reset");
        }
    }
    v = gw_environ_get(&env, "HTTP_X_F");
    assert_int_equal(v->len, n);
    assert_memory_equal(v->data, expect, n);

    for (i = 0; i < 3000; i++) {
        len = snprintf(key, sizeof(key), "HTTP_K%zu", i % 1000);
        assert_int_equal(gw_environ_add_header(&env, 0,
                         (gw_str_t) { gw_arena_strdup(a, key), len },
                         (gw_str_t) gw_string("v")), GW_OK);
    }
    assert_int_equal(env.nentries, 1001);
    assert_true(gw_str_eq(*gw_environ_get(&env, "HTTP_K999"), "v, v, v"));

    gw_arena_destroy(a);
}


static char  logged[256];
static int   logged_level;

static void
capture_log(void *ctx, gw_log_level_t level, const char *msg, size_t len)
{
    snprintf(logged, sizeof(logged), "%s:%.*s", (char *) ctx, (int) len,
             msg);
    logged_level = (int) level;
}


static void
test_environ_log(void **state)
{
    gw_arena_t    *a;
    gw_environ_t   env;

    a = gw_arena_create(0);
    gw_environ_init(&env, a, 0);
    env.log = capture_log;
    env.log_ctx = "ctx";

    gw_log(&env, GW_LOG_WARN, "%s failed: %d", "thing", 3);
    assert_string_equal(logged, "ctx:thing failed: 3");
    assert_int_equal(logged_level, GW_LOG_WARN);

    /* request data cannot start a line of its own in the log */
    gw_log(&env, GW_LOG_ERR, "path /a%sb", "\n2026/01/01 [emerg] x\r\t\x01\x7f");
    assert_string_equal(logged, "ctx:path /a\\n2026/01/01 [emerg] "
                        "x\\r\\t\\x01\\x7fb");

    gw_arena_destroy(a);
}


/* ---- response ---------------------------------------------------------- */

static void
test_response_headers(void **state)
{
    gw_arena_t     *a;
    gw_response_t   r;

    a = gw_arena_create(0);
    gw_response_init(&r, a);
    assert_int_equal(r.status, 200);

    assert_int_equal(gw_response_add_header(&r, "Set-Cookie", "a=1"), GW_OK);
    assert_int_equal(gw_response_add_header(&r, "Set-Cookie", "b=2"), GW_OK);
    assert_int_equal(gw_response_add_header(&r, "X-A", "1"), GW_OK);
    assert_int_equal(r.nheaders, 3);
    assert_true(gw_str_eq(*gw_response_get_header(&r, "set-cookie"), "a=1"));

    /* set replaces every header of that name */
    assert_int_equal(gw_response_set_header(&r, "set-cookie", "c=3"), GW_OK);
    assert_int_equal(r.nheaders, 2);
    assert_true(gw_str_eq(r.headers[0].name, "X-A"));
    assert_true(gw_str_eq(r.headers[1].value, "c=3"));

    gw_response_remove_header(&r, "X-A");
    assert_int_equal(r.nheaders, 1);
    assert_null(gw_response_get_header(&r, "X-A"));

    gw_arena_destroy(a);
}


static void
test_response_refuses_splitting(void **state)
{
    gw_arena_t     *a;
    gw_response_t   r;
    gw_str_t        name = gw_string("X-Nul"), nul = { "a\0b", 3 };

    a = gw_arena_create(0);
    gw_response_init(&r, a);

    assert_int_equal(gw_response_add_header(&r, "X", "a\r\nSet-Cookie: x"),
                     GW_ERROR);
    assert_int_equal(gw_response_add_header(&r, "X", "a\nb"), GW_ERROR);
    assert_int_equal(gw_response_add_header(&r, "X", "a\rb"), GW_ERROR);
    assert_int_equal(gw_response_add_headern(&r, name, nul), GW_ERROR);
    assert_int_equal(gw_response_add_header(&r, "Bad Name", "v"), GW_ERROR);
    assert_int_equal(gw_response_add_header(&r, "Bad:Name", "v"), GW_ERROR);
    assert_int_equal(gw_response_add_header(&r, "", "v"), GW_ERROR);
    assert_int_equal(gw_response_set_header(&r, "X", "\n"), GW_ERROR);
    assert_int_equal(gw_response_add_header(&r, "X", "a\x01b"), GW_ERROR);
    assert_int_equal(gw_response_add_header(&r, "X", "a\x1b[31m"), GW_ERROR);
    assert_int_equal(gw_response_add_header(&r, "X", "a\x7f"), GW_ERROR);
    assert_int_equal(r.nheaders, 0);

    /* tabs and non-ASCII are fine in values */
    assert_int_equal(gw_response_add_header(&r, "X", "a\tb \xc3\xa9"), GW_OK);

    gw_arena_destroy(a);
}


static void
test_response_body(void **state)
{
    gw_arena_t     *a;
    gw_response_t   r;
    char            tmp[8] = "temp";
    static const char  fixed[] = "fixed";
    int             i;

    a = gw_arena_create(0);
    gw_response_init(&r, a);

    assert_int_equal(gw_response_write(&r, tmp, 4), GW_OK);
    tmp[0] = 'X';       /* write() copied it */
    assert_int_equal(gw_response_write_ref(&r, fixed, 5), GW_OK);
    assert_int_equal(gw_response_write(&r, "", 0), GW_OK);
    assert_int_equal(r.nbody, 2);
    assert_int_equal(r.body_len, 9);
    assert_memory_equal(r.body[0].data, "temp", 4);
    assert_ptr_equal(r.body[1].data, fixed);

    for (i = 0; i < 50; i++) {
        assert_int_equal(gw_response_write(&r, "ab", 2), GW_OK);
    }
    assert_int_equal(r.nbody, 52);
    assert_int_equal(r.body_len, 109);

    gw_response_clear_body(&r);
    assert_int_equal(r.nbody, 0);
    assert_int_equal(r.body_len, 0);

    assert_string_equal(gw_status_reason(404), "Not Found");
    assert_string_equal(gw_status_reason(308), "Permanent Redirect");
    assert_string_equal(gw_status_reason(799), "");

    gw_arena_destroy(a);
}


/* ---- loader ------------------------------------------------------------ */

static void
test_loader_errors(void **state)
{
    gw_loaded_app_t  h;
    char             err[512];

    assert_int_equal(gw_loader_open(&h, "/nonexistent/x.so", NULL, 0, "test",
                                    err, sizeof(err)), GW_ERROR);
    assert_non_null(strstr(err, "cannot open application "
                                "\"/nonexistent/x.so\": No such file"));

    assert_int_equal(gw_loader_open(&h, build_path("t/apps/noentry.so"), NULL,
                                    0, "test", err, sizeof(err)), GW_ERROR);
    assert_non_null(strstr(err, "no \"gw_app_entry\" symbol"));

    {
        gw_config_item_t  cfg[] = { { "FAIL_REASON", "testing" } };

        assert_int_equal(gw_loader_open(&h, build_path("t/apps/failload.so"),
                                        cfg, 1, "test", err, sizeof(err)),
                         GW_ERROR);
        assert_non_null(strstr(err, "refusing to start: "
                                    "FAIL_REASON=testing"));
    }
}


static void
test_loader_calls_echo(void **state)
{
    gw_loaded_app_t   h;
    gw_arena_t       *a;
    gw_environ_t      env;
    gw_response_t     r;
    char              err[512];
    json_t           *obj;
    json_error_t      jerr;
    gw_buf_t          body;
    size_t            i;

    assert_int_equal(gw_loader_open(&h, build_path("examples/echo.so"), NULL,
                                    0, "test", err, sizeof(err)), GW_OK);

    a = gw_arena_create(0);
    gw_environ_init(&env, a, 0);
    gw_environ_add(&env, (gw_str_t) gw_string("REQUEST_METHOD"),
                   (gw_str_t) gw_string("GET"));
    gw_environ_add(&env, (gw_str_t) gw_string("gateway.input"),
                   (gw_str_t) { "a\"b", 3 });
    gw_response_init(&r, a);

    gw_loader_call(&h, &env, &r);
    assert_int_equal(r.status, 200);
    assert_true(gw_str_eq(*gw_response_get_header(&r, "Content-Type"),
                          "application/json"));

    gw_buf_init(&body, a, 0);
    for (i = 0; i < r.nbody; i++) {
        gw_buf_append(&body, r.body[i].data, r.body[i].len);
    }
    obj = json_loadb(body.data, body.len, 0, &jerr);
    assert_non_null(obj);
    assert_string_equal(json_string_value(json_object_get(obj,
                        "REQUEST_METHOD")), "GET");
    assert_string_equal(json_string_value(json_object_get(obj,
                        "gateway.input")), "a\"b");
    json_decref(obj);

    /* a failing app becomes a plain 500 */
    gw_environ_add(&env, (gw_str_t) gw_string("HTTP_X_ECHO_FAIL"),
                   (gw_str_t) gw_string("1"));
    env.log = capture_log;
    env.log_ctx = "echo";
    gw_response_init(&r, a);
    gw_loader_call(&h, &env, &r);
    assert_int_equal(r.status, 500);
    assert_non_null(strstr(logged, "failed the request"));

    gw_arena_destroy(a);
    gw_loader_close(&h);
}


static void
call_counter(gw_loaded_app_t *h, gw_arena_t *a, const char *expect)
{
    gw_environ_t   env;
    gw_response_t  r;

    gw_environ_init(&env, a, 0);
    gw_response_init(&r, a);
    gw_loader_call(h, &env, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.nbody, 1);
    assert_int_equal(r.body[0].len, strlen(expect));
    assert_memory_equal(r.body[0].data, expect, strlen(expect));
}


static void
copy_file(const char *from, const char *to, int in_place)
{
    char   buf[65536];
    FILE  *in, *out;
    size_t n;

    in = fopen(from, "rb");
    assert_non_null(in);
    /* in place: the same inode rewritten, as cp does; otherwise a new
     * file renamed over the old, as a careful deploy does */
    if (in_place) {
        out = fopen(to, "r+b");
    } else {
        char  tmp[1024];

        snprintf(tmp, sizeof(tmp), "%s.new", to);
        out = fopen(tmp, "wb");
    }
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
        assert_int_equal(fwrite(buf, 1, n, out), n);
    }
    if (in_place) {
        assert_int_equal(ftruncate(fileno(out), ftell(out)), 0);
    }
    fclose(in);
    fclose(out);
    if (!in_place) {
        char  tmp[1024];

        snprintf(tmp, sizeof(tmp), "%s.new", to);
        assert_int_equal(rename(tmp, to), 0);
    }
}


static void
test_loader_private_copies(void **state)
{
    gw_loaded_app_t   h1, h2, h3, h4, h5;
    gw_arena_t       *a;
    char              dir[] = "/tmp/gw-loader-XXXXXX", path[1024];
    char              err[512], a_so[1024], b_so[1024];
    DIR              *d;
    struct dirent    *e;
    int               files;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/app.so", dir);
    snprintf(a_so, sizeof(a_so), "%s", build_path("t/apps/counter.so"));
    snprintf(b_so, sizeof(b_so), "%s", build_path("t/apps/counter_b.so"));
    a = gw_arena_create(0);

    /* the same path loaded twice: two objects, each with fresh globals */
    copy_file(a_so, path, 0);
    assert_int_equal(gw_loader_open(&h1, path, NULL, 0, "test", err,
                                    sizeof(err)), GW_OK);
    assert_int_equal(gw_loader_open(&h2, path, NULL, 0, "test", err,
                                    sizeof(err)), GW_OK);
    assert_ptr_not_equal(h1.entry, h2.entry);
    call_counter(&h1, a, "build=a loads=1\n");
    call_counter(&h2, a, "build=a loads=1\n");

    /* rebuilt in place under the loaded app: the old code keeps running,
     * the next load runs the new code */
    copy_file(b_so, path, 1);
    call_counter(&h1, a, "build=a loads=1\n");
    assert_int_equal(gw_loader_open(&h3, path, NULL, 0, "test", err,
                                    sizeof(err)), GW_OK);
    call_counter(&h3, a, "build=b loads=1\n");

    /* renamed over: likewise */
    copy_file(a_so, path, 0);
    assert_int_equal(gw_loader_open(&h4, path, NULL, 0, "test", err,
                                    sizeof(err)), GW_OK);
    call_counter(&h4, a, "build=a loads=1\n");
    call_counter(&h3, a, "build=b loads=1\n");

    /* a bare file name is the file in the current directory, as for any
     * other program, not a library to search for */
    {
        char  cwd[1024];

        assert_non_null(getcwd(cwd, sizeof(cwd)));
        assert_int_equal(chdir(dir), 0);
        assert_int_equal(gw_loader_open(&h5, "app.so", NULL, 0, "test", err,
                                        sizeof(err)), GW_OK);
        call_counter(&h5, a, "build=a loads=1\n");
        gw_loader_close(&h5);
        assert_int_equal(chdir(cwd), 0);
    }

    /* the private copies are gone from the directory once mapped */
    files = 0;
    d = opendir(dir);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        files += e->d_name[0] != '.' || strstr(e->d_name, ".gw-") != NULL;
    }
    closedir(d);
    assert_int_equal(files, 1);

    gw_loader_close(&h1);
    gw_loader_close(&h2);
    gw_loader_close(&h3);
    gw_loader_close(&h4);
    gw_arena_destroy(a);
    unlink(path);
    rmdir(dir);
}


static void
test_loader_memfd_when_no_copy_beside(void **state)
{
    gw_loaded_app_t   h1, h2;
    gw_arena_t       *a;
    char              dir[] = "/tmp/gw-loader-XXXXXX", path[4096];
    char              err[512];
    size_t            len;

    /*
     * A path so long that the copy's name beside it would not fit: the
     * copy is a memfd.  (A read-only directory does the same for a user
     * other than root, who writes anywhere.)
     */
    assert_non_null(mkdtemp(dir));
    len = (size_t) snprintf(path, sizeof(path), "%s", dir);
    while (len + 200 < 4090 - sizeof("/app.so")) {
        path[len++] = '/';
        memset(path + len, 'd', 199);
        len += 199;
        path[len] = '\0';
        assert_int_equal(mkdir(path, 0700), 0);
    }
    snprintf(path + len, sizeof(path) - len, "/%0*d.so",
             (int) (4090 - len - 4), 0);
    assert_int_equal(strlen(path), 4090);
    copy_file(build_path("t/apps/counter.so"), path, 0);

    a = gw_arena_create(0);
    assert_int_equal(gw_loader_open(&h1, path, NULL, 0, "test", err,
                                    sizeof(err)), GW_OK);
    assert_true(h1.memfd >= 0);
    assert_int_equal(gw_loader_open(&h2, path, NULL, 0, "test", err,
                                    sizeof(err)), GW_OK);
    assert_ptr_not_equal(h1.entry, h2.entry);
    call_counter(&h1, a, "build=a loads=1\n");
    call_counter(&h2, a, "build=a loads=1\n");
    gw_loader_close(&h1);
    gw_loader_close(&h2);
    gw_arena_destroy(a);

    unlink(path);
    while ((len = strlen(path)) > strlen(dir)) {
        *strrchr(path, '/') = '\0';
        rmdir(path);
    }
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_alignment_and_growth),
        cmocka_unit_test(test_arena_refuses_wrapping_sizes),
        cmocka_unit_test(test_arena_seed_then_heap),
        cmocka_unit_test(test_arena_cleanups_run_once),
        cmocka_unit_test(test_arena_strings),
        cmocka_unit_test(test_buf_grows),
        cmocka_unit_test(test_array_grows_by_doubling),
        cmocka_unit_test(test_array_reserve_many),
        cmocka_unit_test(test_array_refuses_overflow),
        cmocka_unit_test(test_environ_add_get_set),
        cmocka_unit_test(test_environ_gateway_keys),
        cmocka_unit_test(test_environ_header_keys),
        cmocka_unit_test(test_environ_add_header_joins),
        cmocka_unit_test(test_environ_add_header_many),
        cmocka_unit_test(test_environ_log),
        cmocka_unit_test(test_response_headers),
        cmocka_unit_test(test_response_refuses_splitting),
        cmocka_unit_test(test_response_body),
        cmocka_unit_test(test_loader_errors),
        cmocka_unit_test(test_loader_calls_echo),
        cmocka_unit_test(test_loader_private_copies),
        cmocka_unit_test(test_loader_memfd_when_no_copy_beside),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
