/*
 * test_template_hardening.c: what hostile templates or hostile data must
 * not do: name attributes through xmlattr, take a worker's memory or
 * output without bound, or make the lexer, the parser, striptags or
 * wordwrap quadratic.
 */

#include "unit.h"

#include <malloc.h>
#include <time.h>


static gw_tmpl_env_t  *env;
static gw_buf_t        out;
static char            err[512];


static int
setup(void **state)
{
    env = gw_tmpl_env_create();
    arena = gw_arena_create(8192);
    return env == NULL || arena == NULL;
}


static int
teardown(void **state)
{
    gw_tmpl_env_destroy(env);
    gw_arena_destroy(arena);
    return 0;
}


/* Renders src as name with the context ctx (JSON text or NULL) into out. */
static int
render(const char *name, const char *src, const char *ctx)
{
    json_t  *c = ctx ? json_loads(ctx, 0, NULL) : NULL;
    int      rc;

    assert_true(ctx == NULL || c != NULL);
    err[0] = '\0';
    assert_int_equal(gw_tmpl_env_add_string(env, name, src, strlen(src),
                                            err, sizeof(err)), GW_OK);
    gw_arena_reset(arena);
    gw_buf_init(&out, arena, 64);
    rc = gw_tmpl_render(env, name, c, NULL, arena, &out, err, sizeof(err));
    json_decref(c);
    if (rc == GW_OK && gw_buf_putc(&out, '\0') != GW_OK) {
        return GW_ERROR;
    }
    return rc;
}


static void
assert_renders(const char *src, const char *ctx, const char *want)
{
    assert_int_equal(render("t.html", src, ctx), GW_OK);
    assert_string_equal(out.data, want);
}


static void
assert_fails(const char *src, const char *ctx, const char *want)
{
    assert_int_equal(render("t.html", src, ctx), GW_ERROR);
    assert_string_equal(err, want);
}


/* ---- xmlattr ------------------------------------------------------------ */

/* Jinja 3.1.4's check: a key from the query string must not add attributes
 * of its own (CVE-2024-22195, CVE-2024-34064). */
static void
test_xmlattr_refuses_names(void **state)
{
    static const char  *bad[] = {
        "onclick=alert(1) x", "a b", "a\tb", "a\nb", "a\rb", "a\fb",
        "a\vb", "a/b", "a>b", "a=b", "/", NULL
    };
    const char         **k;
    json_t              *ctx;
    char                *text;

    for (k = bad; *k != NULL; k++) {
        ctx = json_pack("{s:{s:s,s:i}}", "d", "ok", "1", *k, 1);
        text = json_dumps(ctx, 0);
        assert_non_null(text);
        assert_int_equal(render("t.html", "<a{{ d|xmlattr }}>", text),
                         GW_ERROR);
        assert_non_null(strstr(err, "t.html:1:8: ValueError: Invalid "
                                    "character in attribute name: '"));
        free(text);
        json_decref(ctx);
    }

    assert_fails("<a{{ {'href': 'x', 'a b': 1}|xmlattr }}>", NULL,
                 "t.html:1:30: ValueError: Invalid character in attribute "
                 "name: 'a b'");
    assert_fails("<a{{ {'x/y': 1}|xmlattr }}>", NULL,
                 "t.html:1:17: ValueError: Invalid character in attribute "
                 "name: 'x/y'");
    assert_fails("<a{{ {'a\\'\"=': 1}|xmlattr }}>", NULL,
                 "t.html:1:19: ValueError: Invalid character in attribute "
                 "name: 'a\\'\"='");
    assert_fails("<a{{ {1: 2}|xmlattr }}>", NULL,
                 "t.html:1:13: TypeError: expected string or bytes-like "
                 "object, got 'int'");
    /* what Jinja leaves out is not checked, as there */
    assert_renders("<a{{ {'a b': none, 'c=d': missing, 'data-x:y_z.1': 1, "
                   "'\xc3\xa9': 2}|xmlattr }}>", NULL,
                   "<a data-x:y_z.1=\"1\" \xc3\xa9=\"2\">");
}


/* ---- caps on one render -------------------------------------------------- */

static const char  bomb[] =
    "{% set ns = namespace(s='ab') %}\n"
    "{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}\n"
    "{{ ns.s|length }}";


/* Doubling a string forty times stops at the cap, not at the machine's
 * memory, with the statement's place; the arena is the caller's again. */
static void
test_memory_cap(void **state)
{
    char    want[256];
    size_t  mine;

    gw_tmpl_env_set_limits(env, 0, 1 << 20, 0);
    snprintf(want, sizeof(want), "t.html:2:44: template exceeded its memory "
             "cap of %zu bytes (TEMPLATE_MAX_MEMORY)", (size_t) 1 << 20);
    assert_fails(bomb, NULL, want);
    assert_int_equal(arena->limit, 0);
    assert_int_equal(arena->over, 0);
    assert_non_null(gw_arena_alloc(arena, 4 << 20));

    /* the same page with fewer doublings fits */
    assert_renders("{% set ns = namespace(s='ab') %}"
                   "{% for i in range(10) %}{% set ns.s = ns.s ~ ns.s %}"
                   "{% endfor %}{{ ns.s|length }}", NULL, "2048");

    /* a cap the caller put on the arena is kept when it is lower */
    gw_tmpl_env_set_limits(env, 0, 64 << 20, 0);
    assert_int_equal(gw_tmpl_env_add_string(env, "t.html", bomb, strlen(bomb),
                                            err, sizeof(err)), GW_OK);
    gw_arena_reset(arena);
    gw_buf_init(&out, arena, 64);
    mine = arena->allocated + (256 << 10);
    arena->limit = mine;
    assert_int_equal(gw_tmpl_render(env, "t.html", NULL, NULL, arena, &out,
                                     err, sizeof(err)), GW_ERROR);
    assert_non_null(strstr(err, "TEMPLATE_MAX_MEMORY"));
    assert_true(arena->allocated <= mine);
    assert_int_equal(arena->limit, mine);
    arena->limit = 0;
}


/* A copy the arena refuses half way through a filter (the fuzzer found
 * split() leaving n bytes at NULL, which wordwrap then read) ends the
 * render with the cap's error, at every cap tried. */
static void
test_memory_cap_mid_filter(void **state)
{
    static const char  *pages[] = {
        "{{ ('ab ' * 3000)|wordwrap(7)|length }}",
        "{{ ('ab ' * 3000).split()|join(',')|length }}",
        "{{ ('ab,' * 3000).split(',')|map('upper')|join|length }}",
        "{{ ('ab ' * 3000).rsplit(' ', 2000)|map('trim')|join|length }}",
        "{{ ('ab ' * 3000).partition(' ')|map('center', 9)|join|length }}",
    };
    size_t              i, cap;
    int                 rc;

    for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        for (cap = 8 << 10; cap <= 400 << 10; cap += 2 << 10) {
            gw_tmpl_env_set_limits(env, 0, cap, 0);
            rc = render("t.html", pages[i], NULL);
            if (rc != GW_OK) {
                assert_non_null(strstr(err, "TEMPLATE_MAX_MEMORY"));
            }
        }
    }
}


/* With no cap configured the default stops it. */
static void
test_memory_cap_default(void **state)
{
    char  want[256];

    snprintf(want, sizeof(want), "t.html:2:44: template exceeded its memory "
             "cap of %zu bytes (TEMPLATE_MAX_MEMORY)", GW_TMPL_MAX_MEMORY);
    assert_fails(bomb, NULL, want);
    assert_true(arena->allocated <= GW_TMPL_MAX_MEMORY + (1 << 20));
}


static void
test_output_cap(void **state)
{
    gw_tmpl_env_set_limits(env, 1000, 0, 0);
    assert_fails("{% for i in range(100) %}\n{{ '0123456789' }}{% endfor %}",
                 NULL, "t.html:2:1: template output exceeded its cap of 1000 "
                 "bytes (TEMPLATE_MAX_OUTPUT)");
    assert_fails("{% for i in range(200) %}0123456789{% endfor %}", NULL,
                 "t.html:1:26: template output exceeded its cap of 1000 "
                 "bytes (TEMPLATE_MAX_OUTPUT)");
    /* text a block captures counts as well */
    assert_fails("{% set x %}{% for i in range(200) %}0123456789"
                 "{% endfor %}{% endset %}", NULL,
                 "t.html:1:37: template output exceeded its cap of 1000 "
                 "bytes (TEMPLATE_MAX_OUTPUT)");
    /* up to the cap is fine */
    assert_int_equal(render("t.html", "{% for i in range(100) %}0123456789"
                            "{% endfor %}", NULL), GW_OK);
    assert_int_equal(strlen(out.data), 1000);
}


static void
test_step_cap(void **state)
{
    gw_tmpl_env_set_limits(env, 0, 0, 100);
    assert_fails("{% for i in range(101) %}{% endfor %}", NULL,
                 "t.html:1:1: template exceeded its step budget");
    assert_renders("{% for i in range(100) %}{% endfor %}ok", NULL, "ok");
    /* 0 leaves a cap as it was */
    gw_tmpl_env_set_limits(env, 0, 0, 0);
    assert_fails("{% for i in range(101) %}{% endfor %}", NULL,
                 "t.html:1:1: template exceeded its step budget");
}


/* ---- printf-style formatting ------------------------------------------- */

/* The conformance cases NNN-err-format-... check that Jinja
 * fails; these check that the engine says what Python says. */
static void
test_format_errors_as_python(void **state)
{
    static const struct {
        const char  *src;
        const char  *msg;
    } cases[] = {
        { "{% set s = \"nan\" %}{{ \"%d\"|format(s|float) }}",
          "ValueError: cannot convert float NaN to integer" },
        { "{% set s = \"-inf\" %}{{ \"%i\"|format(s|float) }}",
          "OverflowError: cannot convert float infinity to integer" },
        { "{{ \"%x\"|format(1.5) }}",
          "TypeError: %x format: an integer is required, not float" },
        { "{{ \"%o\"|format(2.0) }}",
          "TypeError: %o format: an integer is required, not float" },
        { "{{ \"%c\"|format(65.0) }}",
          "TypeError: %c requires int or char" },
        { "{{ \"%5.3.2d\"|format(7) }}",
          "ValueError: unsupported format character '.' (0x2e) at index 4" },
        { "{{ \"%lld\"|format(3) }}",
          "ValueError: unsupported format character 'l' (0x6c) at index 2" },
        { "{{ \"%y\"|format(1) }}",
          "ValueError: unsupported format character 'y' (0x79) at index 1" },
        { "{{ \"%-5\"|format(1) }}",
          "ValueError: incomplete format" },
        { "{{ \"%(a\"|format(a=1) }}",
          "ValueError: incomplete format key" },
        { "{{ \"%*d\"|format(1.5, 1) }}",
          "TypeError: * wants int" },
        { "{{ \"%5%\"|format(1) }}",
          "ValueError: unsupported format character '%' (0x25) at index 2" },
        { "{{ \"%(a)s\"|format({\"a\": 1}) }}",
          "TypeError: format requires a mapping" },
        { "{{ \"%s\"|format(1, 2) }}",
          "TypeError: not all arguments converted during string formatting" },
        { "{{ \"%c\"|format(1114112) }}",
          "OverflowError: %c arg not in range(0x110000)" },
        { "{{ \"%d\"|format(\"3\") }}",
          "TypeError: %d format: a real number is required, not str" },
        { "{{ \"<b>%x</b>\"|safe|format(5) }}",
          "TypeError: %x format: an integer is required, not "
          "_MarkupEscapeHelper" },
        { NULL, NULL }
    };
    size_t  i;
    char   *colon;

    for (i = 0; cases[i].src != NULL; i++) {
        assert_int_equal(render("t.txt", cases[i].src, NULL), GW_ERROR);
        /* after "t.txt:line:col: " */
        colon = strstr(err, ": ");
        assert_non_null(colon);
        assert_string_equal(colon + 2, cases[i].msg);
    }
}


/* ---- linear time ------------------------------------------------------- */

/*
 * Eight times the input must cost well under 64 times the CPU time (what
 * a quadratic pass costs): about eight, with room for caches.  Both sizes
 * run in this process, the cheapest of several tries each, so a busy
 * machine slows both alike.
 */
#define LINEAR_TRIES  5

typedef void (*work_pt)(size_t n);


static double
cpu_time(work_pt fn, size_t n)
{
    struct timespec  a, b;
    double           best = 0, t;
    int              i;

    for (i = 0; i < LINEAR_TRIES; i++) {
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
        fn(n);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
        t = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
        if (i == 0 || t < best) {
            best = t;
        }
    }
    return best;
}


static void
assert_linear(const char *what, work_pt fn, size_t n)
{
    double  small, large;

    /* warm up both sizes: their memory is then the allocator's to hand
     * out again, and the page faults of first use (which cost more than
     * the work on some virtual machines) stay out of the measure */
    fn(n);
    fn(8 * n);
    small = cpu_time(fn, n);
    large = cpu_time(fn, 8 * n);
    print_message("%s: %zu: %.2f ms, %zu: %.2f ms (x%.1f)\n", what, n,
                  small * 1e3, 8 * n, large * 1e3, large / small);
    assert_true(large < 24 * small);
}


/* A filter over a string of about n bytes made of unit repeated. */
static void
filter_on(const char *tmpl, const char *unit, size_t n)
{
    size_t   k, len = strlen(unit);
    char    *s;
    json_t  *ctx;

    s = malloc(n + len + 1);
    assert_non_null(s);
    for (k = 0; k < n; k += len) {
        memcpy(s + k, unit, len);
    }
    s[k] = '\0';
    ctx = json_object();
    assert_int_equal(json_object_set_new(ctx, "s", json_string(s)), 0);
    free(s);
    gw_arena_reset(arena);
    gw_buf_init(&out, arena, 64);
    assert_int_equal(gw_tmpl_render(env, tmpl, ctx, NULL, arena, &out, err,
                                    sizeof(err)), GW_OK);
    json_decref(ctx);
}


static void
striptags_open_tag(size_t n)
{
    filter_on("striptags.txt", "<a ", n);
}


static void
striptags_open_comment(size_t n)
{
    filter_on("striptags.txt", "<!--x", n);
}


static void
wordwrap_long_word(size_t n)
{
    filter_on("wordwrap.txt", "abcdefgh", n);
}


static void
wordwrap_hyphens(size_t n)
{
    filter_on("wordwrap.txt", "--------", n);
}


static void
test_filters_linear(void **state)
{
    static const char  st[] = "{{ s|striptags|length }}";
    static const char  ww[] = "{{ s|wordwrap(79)|length }}";

    assert_int_equal(gw_tmpl_env_add_string(env, "striptags.txt", st,
                                            strlen(st), err, sizeof(err)),
                     GW_OK);
    assert_int_equal(gw_tmpl_env_add_string(env, "wordwrap.txt", ww,
                                            strlen(ww), err, sizeof(err)),
                     GW_OK);
    /* results first: the fixes change no output */
    filter_on("striptags.txt", "<a ", 30);
    assert_int_equal(out.len, 2);
    assert_memory_equal(out.data, "29", 2);
    filter_on("wordwrap.txt", "abcdefgh", 200);
    assert_int_equal(out.len, 3);
    assert_memory_equal(out.data, "202", 3);

    assert_linear("striptags <a ", striptags_open_tag, 32 << 10);
    assert_linear("striptags <!--", striptags_open_comment, 32 << 10);
    assert_linear("wordwrap word", wordwrap_long_word, 128 << 10);
    assert_linear("wordwrap hyphens", wordwrap_hyphens, 128 << 10);
}


/* A template of about n bytes with text, output, statements, blocks and
 * macros, each with names of its own. */
static void
compile_template(size_t n)
{
    gw_tmpl_env_t  *e;
    gw_buf_t        src;
    size_t          i;

    gw_arena_reset(arena);
    gw_buf_init(&src, arena, n + 512);
    for (i = 0; src.len < n; i++) {
        assert_int_equal(gw_buf_printf(&src,
            "<p class=\"x\">text {{ a%zu.b[1]|upper ~ 'x' if c else d(e=1) }}"
            "</p>{%% if x%zu %%}{{ y }}{%% else %%}z{%% endif %%}\n"
            "{%% set v%zu = [1, 2.5, 'w', (3, 4), {'k': v}] %%}{# note #}"
            "{%% block b%zu %%}{%% for i in r %%}{{ loop.index }}"
            "{%% endfor %%}{%% endblock %%}{%% macro m%zu(p, q=2) %%}"
            "{{ p ~ q }}{%% endmacro %%}{%%- raw -%%} {{ }} {%%- endraw %%}\n",
            i, i, i, i, i), GW_OK);
    }
    e = gw_tmpl_env_create();
    assert_non_null(e);
    assert_int_equal(gw_tmpl_env_add_string(e, "big.html", src.data, src.len,
                                            err, sizeof(err)), GW_OK);
    gw_tmpl_env_destroy(e);
}


/* One construct nested or repeated inside a single tag or expression. */
static void
compile_long_expression(size_t n)
{
    gw_tmpl_env_t  *e;
    gw_buf_t        src;

    gw_arena_reset(arena);
    gw_buf_init(&src, arena, n + 64);
    gw_buf_appends(&src, "{{ [");
    while (src.len < n) {
        gw_buf_appends(&src, "a ~ 'b' ~ 1, ");
    }
    gw_buf_appends(&src, "0]|join }}{{ '");
    while (src.len < 2 * n) {
        gw_buf_appends(&src, "\\n\\\"x");
    }
    gw_buf_appends(&src, "' }}");
    e = gw_tmpl_env_create();
    assert_non_null(e);
    assert_int_equal(gw_tmpl_env_add_string(e, "long.html", src.data, src.len,
                                            err, sizeof(err)), GW_OK);
    gw_tmpl_env_destroy(e);
}


static void
test_compile_linear(void **state)
{
    assert_linear("lexer and parser", compile_template, 128 << 10);
    assert_linear("one long expression", compile_long_expression, 64 << 10);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_xmlattr_refuses_names, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_memory_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_cap_mid_filter, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_memory_cap_default, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_output_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_step_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_format_errors_as_python, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_filters_linear, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_compile_linear, setup,
                                        teardown),
    };

    /* freed memory stays in the heap for the next try (see
     * assert_linear()) */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
