/*
 * test_template_fastpaths.c: the render shortcuts (vector escaping, C
 * functions and macros writing straight into the page, the step budget)
 * must print exactly what the plain paths and Jinja2 3.1 print.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gateway.h"
#include "template/tmpl.h"      /* env->max_steps, tmpl_needs_escape() */


#define MAX_LEN  80

static const char  specials[] = "&<>\"'";

/* printable ASCII that markupsafe leaves alone, the neighbours of the
 * special bytes among it */
static const char  clean[] = "!#$%()*+,-./0123456789:;=?@ABCXYZ[\\]^_`abxyz"
                             "{|}~ ";

static gw_tmpl_env_t  *env;
static char            got[1 << 20];
static size_t          got_len;
static char            err[512];
static int             calls;


/* ---- helpers ------------------------------------------------------------ */

/* markupsafe's rules, one byte at a time: the reference the engine's
 * word-at-a-time escaping is held to */
static size_t
ref_escape(const char *s, size_t n, char *dst)
{
    size_t       i, k = 0, rl;
    const char  *rep;

    for (i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&#34;"; break;
        case '\'': rep = "&#39;"; break;
        default:
            dst[k++] = s[i];
            continue;
        }
        rl = strlen(rep);
        memcpy(dst + k, rep, rl);
        k += rl;
    }
    dst[k] = '\0';
    return k;
}


static void
add(const char *name, const char *src)
{
    if (gw_tmpl_env_add_string(env, name, src, strlen(src), err, sizeof(err))
        != GW_OK)
    {
        fail_msg("%s: %s", name, err);
    }
}


/* Render name; its output is left in got (NUL-terminated), the message
 * of a failure in err.  The page buffer starts small so that it grows
 * while functions and macros write into it. */
static int
render(const char *name, json_t *ctx, void *render_data)
{
    gw_arena_t  *a;
    gw_buf_t     out;
    int          rc;

    a = gw_arena_create(4096);
    assert_non_null(a);
    gw_buf_init(&out, a, 16);
    err[0] = '\0';
    rc = gw_tmpl_render(env, name, ctx, render_data, a, &out, err,
                        sizeof(err));
    got_len = 0;
    if (rc == GW_OK) {
        assert_true(out.len < sizeof(got));
        memcpy(got, out.data, out.len);
        got_len = out.len;
    }
    got[got_len] = '\0';
    gw_arena_destroy(a);
    return rc;
}


static json_t *
load(const char *ctx)
{
    json_t  *c;

    if (ctx == NULL) {
        return NULL;
    }
    c = json_loads(ctx, 0, NULL);
    assert_non_null(c);
    return c;
}


/* src compiled as name, rendered with ctx (JSON text or NULL) */
static void
check(const char *name, const char *src, const char *ctx, const char *want)
{
    json_t  *c = load(ctx);

    add(name, src);
    if (render(name, c, NULL) != GW_OK) {
        json_decref(c);
        fail_msg("%s: %s", src, err);
    }
    json_decref(c);
    if (got_len != strlen(want) || strcmp(got, want) != 0) {
        fail_msg("%s %.300s: got \"%.300s\", want \"%.300s\"", name, src,
                 got, want);
    }
}


static void
check_error(const char *name, const char *src, const char *ctx,
    const char *want)
{
    json_t  *c = load(ctx);
    int      rc;

    add(name, src);
    rc = render(name, c, NULL);
    json_decref(c);
    if (rc == GW_OK) {
        fail_msg("%s: rendered \"%s\", want the error \"%s\"", src, got,
                 want);
    }
    assert_string_equal(err, want);
}


/* ---- C functions the templates call ------------------------------------- */

/* echo(...): its first positional string, as url_for() gives its URL */
static int
fn_echo(void *fn_data, void *render_data, const gw_tmpl_arg_t *args,
    size_t nargs, gw_buf_t *out, char *error, size_t error_size)
{
    size_t  i;

    for (i = 0; i < nargs; i++) {
        if (args[i].name == NULL && args[i].type == JSON_STRING) {
            return args[i].len ? gw_buf_append(out, args[i].s, args[i].len)
                               : GW_OK;
        }
    }
    return GW_OK;
}


static int
dump_json(gw_buf_t *out, json_t *j)
{
    char  *s;
    int    rc;

    s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (s == NULL) {
        return GW_ERROR;
    }
    rc = gw_buf_appends(out, s);
    free(s);
    return rc;
}


/* show(...): what it was given, one "name=type:value" per argument; a
 * view with a field that does not belong to its type shows "!" */
static int
fn_show(void *fn_data, void *render_data, const gw_tmpl_arg_t *args,
    size_t nargs, gw_buf_t *out, char *error, size_t error_size)
{
    const gw_tmpl_arg_t  *a;
    size_t                i;
    int                   rc = GW_OK, container;

    for (i = 0; i < nargs && rc == GW_OK; i++) {
        a = &args[i];
        if (i) {
            rc |= gw_buf_putc(out, ' ');
        }
        if (a->name != NULL) {
            rc |= gw_buf_printf(out, "%s=", a->name);
        }
        container = a->type == JSON_ARRAY || a->type == JSON_OBJECT;
        if (container != (a->json != NULL)
            || (a->type != JSON_STRING && a->s != NULL))
        {
            rc |= gw_buf_putc(out, '!');
        }
        switch (a->type) {
        case JSON_STRING:
            rc |= gw_buf_printf(out, "s%zu:", a->len);
            if (a->len) {
                rc |= gw_buf_append(out, a->s, a->len);
            }
            break;
        case JSON_INTEGER:
            rc |= gw_buf_printf(out, "i:%lld", (long long) a->i);
            break;
        case JSON_REAL:
            rc |= gw_buf_printf(out, "f:%g", a->f);
            break;
        case JSON_TRUE:
            rc |= gw_buf_appends(out, "true");
            break;
        case JSON_FALSE:
            rc |= gw_buf_appends(out, "false");
            break;
        case JSON_NULL:
            rc |= gw_buf_appends(out, "none");
            break;
        case JSON_ARRAY:
            rc |= gw_buf_appends(out, "a:");
            rc |= dump_json(out, a->json);
            break;
        case JSON_OBJECT:
            rc |= gw_buf_appends(out, "o:");
            rc |= dump_json(out, a->json);
            break;
        default:
            rc |= gw_buf_appends(out, "?");
        }
    }
    return rc == GW_OK ? GW_OK : GW_ERROR;
}


/* fixed(): the text given at registration */
static int
fn_fixed(void *fn_data, void *render_data, const gw_tmpl_arg_t *args,
    size_t nargs, gw_buf_t *out, char *error, size_t error_size)
{
    return gw_buf_appends(out, fn_data);
}


/* fail(why): writes half a result, then fails with "bad <why>" */
static int
fn_fail(void *fn_data, void *render_data, const gw_tmpl_arg_t *args,
    size_t nargs, gw_buf_t *out, char *error, size_t error_size)
{
    (void) gw_buf_appends(out, "half");
    snprintf(error, error_size, "bad %.*s",
             nargs ? (int) args[0].len : 0, nargs ? args[0].s : "");
    return GW_ERROR;
}


/* quiet(): fails without a message */
static int
fn_quiet(void *fn_data, void *render_data, const gw_tmpl_arg_t *args,
    size_t nargs, gw_buf_t *out, char *error, size_t error_size)
{
    return GW_ERROR;
}


/* nothing(): succeeds and appends nothing; counts its calls */
static int
fn_nothing(void *fn_data, void *render_data, const gw_tmpl_arg_t *args,
    size_t nargs, gw_buf_t *out, char *error, size_t error_size)
{
    (*(int *) fn_data)++;
    return GW_OK;
}


/* rd(): the text render_data points to */
static int
fn_rd(void *fn_data, void *render_data, const gw_tmpl_arg_t *args,
    size_t nargs, gw_buf_t *out, char *error, size_t error_size)
{
    return gw_buf_appends(out, render_data ? (const char *) render_data
                                           : "(null)");
}


/* big(n): n times "&x<", more than the page buffer holds */
static int
fn_big(void *fn_data, void *render_data, const gw_tmpl_arg_t *args,
    size_t nargs, gw_buf_t *out, char *error, size_t error_size)
{
    json_int_t  i;

    if (nargs != 1 || args[0].type != JSON_INTEGER) {
        snprintf(error, error_size, "big(n)");
        return GW_ERROR;
    }
    for (i = 0; i < args[0].i; i++) {
        if (gw_buf_append(out, "&x<", 3) != GW_OK) {
            return GW_ERROR;
        }
    }
    return GW_OK;
}


static int
setup(void **state)
{
    env = gw_tmpl_env_create();
    assert_non_null(env);
    calls = 0;
    assert_int_equal(gw_tmpl_env_add_function_args(env, "echo", fn_echo,
                                                   NULL), GW_OK);
    assert_int_equal(gw_tmpl_env_add_function_args(env, "show", fn_show,
                                                   NULL), GW_OK);
    assert_int_equal(gw_tmpl_env_add_function_args(env, "fixed", fn_fixed,
                                                   "<a&b>"), GW_OK);
    assert_int_equal(gw_tmpl_env_add_function_args(env, "fail", fn_fail,
                                                   NULL), GW_OK);
    assert_int_equal(gw_tmpl_env_add_function_args(env, "quiet", fn_quiet,
                                                   NULL), GW_OK);
    assert_int_equal(gw_tmpl_env_add_function_args(env, "nothing",
                                                   fn_nothing, &calls),
                     GW_OK);
    assert_int_equal(gw_tmpl_env_add_function_args(env, "rd", fn_rd, NULL),
                     GW_OK);
    assert_int_equal(gw_tmpl_env_add_function_args(env, "big", fn_big, NULL),
                     GW_OK);
    return 0;
}


static int
teardown(void **state)
{
    gw_tmpl_env_destroy(env);
    env = NULL;
    return 0;
}


/* ---- escaping ----------------------------------------------------------- */

/* the templates every string of the escaping tests goes through: the
 * plain print, a C function and a macro writing into the page, a string
 * built first, and no escaping at all */
static const struct {
    const char  *name;
    const char  *src;
    int          escaped;
} esc_pages[] = {
    { "print.html", "{{ s }}", 1 },
    { "argfn.html", "{{ echo(s) }}", 1 },
    { "macro.html", "{% macro m(x) %}{{ x }}{% endmacro %}{{ m(s) }}", 1 },
    { "concat.html", "{{ s ~ '' }}", 1 },
    { "print.txt", "{{ s }}", 0 },
    { "argfn.txt", "{{ echo(s) }}", 0 },
};

#define NPAGES  (sizeof(esc_pages) / sizeof(esc_pages[0]))


static void
add_esc_pages(void)
{
    size_t  i;

    for (i = 0; i < NPAGES; i++) {
        add(esc_pages[i].name, esc_pages[i].src);
    }
}


/* s (n bytes) printed by every page must be markupsafe's escape of it, or
 * s itself where nothing escapes */
static void
check_escaped(const char *s, size_t n, const char *what)
{
    static char   want[8 * 1024];
    json_t       *c;
    size_t        i, wl;

    assert_true(n * 5 < sizeof(want));
    c = json_object();
    assert_non_null(c);
    assert_int_equal(json_object_set_new(c, "s", json_stringn(s, n)), 0);
    for (i = 0; i < NPAGES; i++) {
        if (esc_pages[i].escaped) {
            wl = ref_escape(s, n, want);
        } else {
            memcpy(want, s, n);
            want[n] = '\0';
            wl = n;
        }
        if (render(esc_pages[i].name, c, NULL) != GW_OK) {
            json_decref(c);
            fail_msg("%s, %s: %s", esc_pages[i].name, what, err);
        }
        if (got_len != wl || memcmp(got, want, wl) != 0) {
            json_decref(c);
            fail_msg("%s, %s (length %zu): got \"%s\", want \"%s\"",
                     esc_pages[i].name, what, n, got, want);
        }
    }
    json_decref(c);
}


/* every length up to MAX_LEN, clean and with each special byte at each
 * position: the vector code reads heads, tails and blocks differently */
static void
test_escape_one_special(void **state)
{
    char    s[MAX_LEN + 1], what[64];
    size_t  n, pos, k;

    add_esc_pages();
    for (n = 0; n <= MAX_LEN; n++) {
        for (k = 0; k < n; k++) {
            s[k] = clean[k % (sizeof(clean) - 1)];
        }
        snprintf(what, sizeof(what), "clean");
        check_escaped(s, n, what);
        for (pos = 0; pos < n; pos++) {
            for (k = 0; k < sizeof(specials) - 1; k++) {
                s[pos] = specials[k];
                snprintf(what, sizeof(what), "'%c' at %zu", specials[k],
                         pos);
                check_escaped(s, n, what);
            }
            s[pos] = clean[pos % (sizeof(clean) - 1)];
        }
    }
}


static void
test_escape_many_specials(void **state)
{
    char      s[4 * MAX_LEN], what[64];
    size_t    n, i, j, k;
    uint32_t  seed = 12345;

    add_esc_pages();

    /* all special */
    for (n = 0; n <= MAX_LEN; n++) {
        for (k = 0; k < n; k++) {
            s[k] = specials[k % 5];
        }
        check_escaped(s, n, "all special");
        memset(s, '&', n);
        check_escaped(s, n, "all &");
        memset(s, '\'', n);
        check_escaped(s, n, "all '");
    }

    /* two at every pair of positions */
    for (n = 2; n <= 34; n++) {
        for (i = 0; i < n; i++) {
            for (j = i + 1; j < n; j++) {
                for (k = 0; k < n; k++) {
                    s[k] = clean[(k * 7) % (sizeof(clean) - 1)];
                }
                s[i] = specials[(i + j) % 5];
                s[j] = specials[(i * 3 + j) % 5];
                snprintf(what, sizeof(what), "'%c' at %zu, '%c' at %zu",
                         s[i], i, s[j], j);
                check_escaped(s, n, what);
            }
        }
    }

    /* mixtures of every density, up to several blocks of 16 */
    for (i = 0; i < 3000; i++) {
        seed = seed * 1103515245 + 12345;
        n = (seed >> 8) % sizeof(s);
        for (k = 0; k < n; k++) {
            seed = seed * 1103515245 + 12345;
            s[k] = ((seed >> 16) % 8) < (i % 9)
                   ? specials[(seed >> 8) % 5]
                   : clean[(seed >> 20) % (sizeof(clean) - 1)];
        }
        snprintf(what, sizeof(what), "mixture %zu", i);
        check_escaped(s, n, what);
    }
}


/* multi-byte characters hold bytes that are & < > " ' with the top bit
 * set (U+00A2 U+00A6 U+00A7 U+00BC U+00BE); they are not special */
static void
test_escape_utf8(void **state)
{
    static const char  *cps[] = {
        "\xc2\xa6", "\xc2\xbc", "\xc2\xbe", "\xc2\xa2", "\xc2\xa7",
        "\xe2\x80\xa6", "\xf0\x9f\x98\xa6", "a"
    };
    char                s[8 * MAX_LEN], t[8 * MAX_LEN + 1], what[64];
    size_t              n, k, len, pos, sp;

    add_esc_pages();
    for (n = 0; n <= 40; n++) {
        len = 0;
        for (k = 0; k < n; k++) {
            memcpy(s + len, cps[k % 8], strlen(cps[k % 8]));
            len += strlen(cps[k % 8]);
        }
        check_escaped(s, len, "utf-8");
        /* a special at each character boundary */
        for (pos = 0, k = 0; k <= n; k++) {
            sp = k % 5;
            memcpy(t, s, pos);
            t[pos] = specials[sp];
            memcpy(t + pos + 1, s + pos, len - pos);
            snprintf(what, sizeof(what), "utf-8, '%c' at %zu", specials[sp],
                     pos);
            check_escaped(t, len + 1, what);
            if (k < n) {
                pos += strlen(cps[k % 8]);
            }
        }
    }
}


/* The scan itself, on every byte value at every position of buffers
 * allocated to their exact size (so ASan sees any read past the end),
 * on backgrounds of bytes that only look like the special ones. */
static void
test_needs_escape_every_byte(void **state)
{
    static const unsigned char  bg[] = {
        'a', 0x00, 0x80, 0xa6, 0xbc, 0xbe, 0xa2, 0xa7, 0x25, 0x3d, 0xff,
        0x06, 0x1c, 0x66, 0x7c, 0x21
    };
    unsigned char              *s;
    size_t                      n, pos, k;
    unsigned                    b;
    int                         want;

    assert_int_equal(tmpl_needs_escape(NULL, 0), 0);
    for (n = 1; n <= MAX_LEN; n++) {
        s = malloc(n);
        assert_non_null(s);
        for (k = 0; k < n; k++) {
            s[k] = bg[(k * 5 + n) % sizeof(bg)];
        }
        if (tmpl_needs_escape((char *) s, n)) {
            free(s);
            fail_msg("clean background of length %zu seen as special", n);
        }
        for (pos = 0; pos < n; pos++) {
            for (b = 0; b < 256; b++) {
                s[pos] = (unsigned char) b;
                want = b == '&' || b == '<' || b == '>' || b == '"'
                       || b == '\'';
                if (!!tmpl_needs_escape((char *) s, n) != want) {
                    free(s);
                    fail_msg("byte 0x%02x at %zu of %zu: got %d", b, pos, n,
                             !want);
                }
            }
            s[pos] = bg[(pos * 5 + n) % sizeof(bg)];
        }
        free(s);
    }
}


/* The non-escaping page and {% autoescape false %} print every string as
 * it is; a Markup string is not escaped again. */
static void
test_escape_off_and_safe(void **state)
{
    check("t.txt", "{{ s }}|{{ s ~ s }}", "{\"s\": \"&<>\\\"'\"}",
          "&<>\"'|&<>\"'&<>\"'");
    check("t.html", "{% autoescape false %}{{ s }}{% endautoescape %}"
          "{{ s }}", "{\"s\": \"a&'\"}", "a&'a&amp;&#39;");
    check("t.html", "{{ s|safe }}{{ s|e }}{{ s|e|e }}",
          "{\"s\": \"<i>\"}", "<i>&lt;i&gt;&lt;i&gt;");
    check("t.html", "{{ '&' * 40 }}", NULL,
          "&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;"
          "&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;"
          "&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;"
          "&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;");
}


/* ---- C functions of the argument form ----------------------------------- */

static void
test_argfn_escaping(void **state)
{
    check("t.html", "{{ echo(\"a&b\") }}", NULL, "a&amp;b");
    check("t.txt", "{{ echo(\"a&b\") }}", NULL, "a&b");
    check("t.html", "{% autoescape false %}{{ echo(\"a&b\") }}"
          "{% endautoescape %}", NULL, "a&b");
    check("t.txt", "{% autoescape true %}{{ echo(\"a&b\") }}"
          "{% endautoescape %}", NULL, "a&amp;b");
    check("t.html", "{{ fixed() }}", NULL, "&lt;a&amp;b&gt;");
    check("t.txt", "{{ fixed() }}", NULL, "<a&b>");
    /* its text is a plain string even when its argument was Markup */
    check("t.html", "{{ echo(\"<b>\"|safe) }}", NULL, "&lt;b&gt;");
    check("t.html", "{{ echo(s) }}", "{\"s\": \"\\\"q\\\" 'a'\"}",
          "&#34;q&#34; &#39;a&#39;");
}


/* In an expression the result is a plain string, as Jinja has it. */
static void
test_argfn_in_expressions(void **state)
{
    check("t.html", "{{ echo(\"a&b\") ~ \"\" }}", NULL, "a&amp;b");
    check("t.txt", "{{ echo(\"a&b\") ~ \"\" }}", NULL, "a&b");
    check("t.html", "{% set u = echo(\"<x>\") %}{{ u }}", NULL,
          "&lt;x&gt;");
    check("t.html", "{{ echo(\"a&b\")|upper }}", NULL, "A&amp;B");
    check("t.html", "{{ echo(\"x\")|upper }}", NULL, "X");
    check("t.html", "{{ echo(\"a&b\")|length }}", NULL, "3");
    check("t.html", "{{ echo(\"a&b\")|safe }}", NULL, "a&b");
    check("t.html", "{{ (echo(\"<\") ~ echo(\"&\"))|e }}", NULL,
          "&lt;&amp;");
    check("t.html", "{{ echo(echo(\"a&b\")) }}", NULL, "a&amp;b");
    check("t.html", "{{ echo(\"a&b\") if true }}", NULL, "a&amp;b");
    check("t.html", "{{ [echo(\"<\"), 1]|join(\"&\") }}", NULL,
          "&lt;&amp;1");
    check("t.html", "{% if echo(\"\") %}y{% else %}n{% endif %}"
          "{% if echo(\"0\") %}y{% else %}n{% endif %}", NULL, "ny");
    check("t.txt", "{% set u = echo(\"<x>\") %}{{ u }}", NULL, "<x>");
    check("t.html", "{% for c in echo(\"a<\") %}[{{ c }}]{% endfor %}",
          NULL, "[a][&lt;]");
}


/* Each view has its name and the fields of its type only; strings are
 * given by length (a slice is not NUL-terminated where it ends). */
static void
test_argfn_arguments(void **state)
{
    static const char  *ctx =
        "{\"l\": [1, \"two\", null], \"d\": {\"k\": [true]}, \"s\": \"abc\","
        " \"n\": -3}";
    const char         *want;

    want = "s3:a&b i:-3 f:1.5 true false none";
    check("t.txt", "{{ show(\"a&b\", n, 1.5, true, false, none) }}", ctx,
          want);
    check("t.txt", "{{ show(\"a&b\", n, 1.5, true, false, none) ~ \"\" }}",
          ctx, want);

    want = "x=s3:abc y=i:7 z=f:-0.25 t=true f=false n=none";
    check("t.txt", "{{ show(x=s, y=7, z=-0.25, t=true, f=false, n=none) }}",
          ctx, want);
    check("t.txt", "{% set u = show(x=s, y=7, z=-0.25, t=true, f=false, "
          "n=none) %}{{ u }}", ctx, want);

    want = "a:[1,\"two\",null] o:{\"k\":[true]} l=a:[1,\"two\",null] "
           "d=o:{\"k\":[true]}";
    check("t.txt", "{{ show(l, d, l=l, d=d) }}", ctx, want);
    check("t.txt", "{{ show(l, d, l=l, d=d) ~ \"\" }}", ctx, want);

    /* lists and dicts the template builds */
    want = "a:[1,\"x\",[2]] o:{\"a\":1,\"b\":\"c\"} t=a:[3,4]";
    check("t.txt", "{{ show([1, \"x\", [2]], {\"a\": 1, \"b\": \"c\"}, "
          "t=(3, 4)) }}", ctx, want);
    check("t.txt", "{{ show([1, \"x\", [2]], {\"a\": 1, \"b\": \"c\"}, "
          "t=(3, 4))|string }}", ctx, want);

    check("t.txt", "{{ show(s[1:2], s[:0], \"\", \"\\u00e9\") }}", ctx,
          "s1:b s0: s0: s2:\xc3\xa9");
    check("t.txt", "{{ show() }}|{{ show() ~ \"\" }}", ctx, "|");
    check("t.txt", "{{ show(1, k=2) }}", ctx, "i:1 k=i:2");
    /* arguments are evaluated left to right, keywords after */
    check("t.txt", "{% set ns = namespace(i=0) %}"
          "{{ show(b=ns.i, a=1) }}", ctx, "b=i:0 a=i:1");
}


/* More than eight arguments, or * and **, go the generic way and must
 * give the same views. */
static void
test_argfn_many_and_splats(void **state)
{
    static const char  *ctx = "{\"l\": [\"p\", 2], \"d\": {\"k\": \"v\"}}";

    check("t.txt", "{{ show(1, 2, 3, 4, 5, 6, 7, 8) }}", ctx,
          "i:1 i:2 i:3 i:4 i:5 i:6 i:7 i:8");
    check("t.txt", "{{ show(1, 2, 3, 4, 5, 6, 7, 8, 9) }}", ctx,
          "i:1 i:2 i:3 i:4 i:5 i:6 i:7 i:8 i:9");
    check("t.txt", "{{ show(1, 2, 3, 4, a=5, b=6, c=7, d=8) }}", ctx,
          "i:1 i:2 i:3 i:4 a=i:5 b=i:6 c=i:7 d=i:8");
    check("t.txt", "{{ show(1, 2, 3, 4, 5, a=6, b=7, c=8, d=\"9\") }}", ctx,
          "i:1 i:2 i:3 i:4 i:5 a=i:6 b=i:7 c=i:8 d=s1:9");
    check("t.txt", "{{ show(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, "
          "14, 15, 16) }}", ctx,
          "i:0 i:1 i:2 i:3 i:4 i:5 i:6 i:7 i:8 i:9 i:10 i:11 i:12 i:13 "
          "i:14 i:15 i:16");
    check("t.txt", "{{ show(*l) }}", ctx, "s1:p i:2");
    check("t.txt", "{{ show(0, *l, x=1) }}", ctx, "i:0 s1:p i:2 x=i:1");
    check("t.txt", "{{ show(**d) }}", ctx, "k=s1:v");
    check("t.txt", "{{ show(*l, **d) }}", ctx, "s1:p i:2 k=s1:v");
    check("t.txt", "{{ show(*[], **{}) }}|", ctx, "|");
    check("t.html", "{{ echo(*[\"a&b\"]) }}", ctx, "a&amp;b");
    check("t.html", "{{ echo(\"<\", 2, 3, 4, 5, 6, 7, 8, 9) }}", ctx,
          "&lt;");
    check("t.txt", "{{ echo(\"<\", 2, 3, 4, 5, 6, 7, 8, 9) }}", ctx, "<");
}


/* The function writes into the page itself: what was there stays. */
static void
test_argfn_into_page(void **state)
{
    static char   want[128 * 1024];
    char          src[256];
    size_t        k, n, i, esc;

    check("t.html", "a{{ echo(\"x\") }}b{{ echo(\"&\") }}c", NULL,
          "axb&amp;c");
    check("t.txt", "a{{ echo(\"x\") }}b{{ echo(\"&\") }}c", NULL, "axb&c");
    check("t.html", "{% for i in range(3) %}<{{ echo(\"&\") }}{{ i }}>"
          "{% endfor %}", NULL, "<&amp;0><&amp;1><&amp;2>");
    check("t.html", "{{ nothing() }}", NULL, "");
    check("t.html", "[{{ nothing() }}]", NULL, "[]");
    check("t.html", "[{{ echo(\"\") }}{{ echo(5) }}]", NULL, "[]");
    check("t.txt", "[{{ nothing() ~ nothing() }}]", NULL, "[]");
    assert_int_equal(calls, 4);

    /* a result longer than the page buffer, with text before and after;
     * escaping it in place grows the buffer again */
    for (n = 1; n < 12000; n = n * 3 + 1) {
        snprintf(src, sizeof(src), "%s{{ big(%zu) }}%s",
                 "head text before the call", n, "tail");
        for (esc = 0; esc < 2; esc++) {
            k = (size_t) snprintf(want, sizeof(want), "%s",
                                  "head text before the call");
            assert_true(k + n * 10 + 5 <= sizeof(want));
            for (i = 0; i < n; i++) {
                memcpy(want + k, esc ? "&amp;x&lt;" : "&x<", esc ? 10 : 3);
                k += esc ? 10 : 3;
            }
            memcpy(want + k, "tail", 5);
            check(esc ? "t.html" : "t.txt", src, NULL, want);
        }
    }
}


/* Each {{ f() }} calls the function once, whatever the path. */
static void
test_argfn_called_once(void **state)
{
    check("t.txt", "{{ nothing() }}{{ nothing() ~ \"\" }}"
          "{% set x = nothing() %}{{ nothing(1, 2, 3, 4, 5, 6, 7, 8, 9) }}"
          "{{ nothing(*[1]) }}", NULL, "");
    assert_int_equal(calls, 5);
}


static void
test_argfn_data(void **state)
{
    json_t  *c;

    add("t.html", "<{{ rd() }}>{{ rd() ~ \"\" }}");
    assert_int_equal(render("t.html", NULL, "r&d"), GW_OK);
    assert_string_equal(got, "<r&amp;d>r&amp;d");
    assert_int_equal(render("t.html", NULL, NULL), GW_OK);
    assert_string_equal(got, "<(null)>(null)");

    c = json_loads("{\"a\": 1}", 0, NULL);
    assert_non_null(c);
    add("t.txt", "{{ rd() }}{{ fixed() }}");
    assert_int_equal(render("t.txt", c, "other data"), GW_OK);
    assert_string_equal(got, "other data<a&b>");
    json_decref(c);
}


/* A failing function stops the render at its call, with its message. */
static void
test_argfn_errors(void **state)
{
    check_error("page.html", "ab\n  {{ fail(\"thing\") }}", NULL,
                "page.html:2:10: fail(): bad thing");
    check_error("page.txt", "ab\n  {{ fail(\"thing\") ~ \"\" }}", NULL,
                "page.txt:2:10: fail(): bad thing");
    check_error("page.html", "{% set x = fail(\"set\") %}", NULL,
                "page.html:1:16: fail(): bad set");
    check_error("page.html", "{{ fail(\"many\", 2, 3, 4, 5, 6, 7, 8, 9) }}",
                NULL, "page.html:1:8: fail(): bad many");
    check_error("page.html", "{{ fail(*[\"splat\"]) }}", NULL,
                "page.html:1:8: fail(): bad splat");
    check_error("page.html", "x{{ quiet() }}", NULL,
                "page.html:1:10: quiet(): failed");
    check_error("page.html", "{% for i in [1] %}\n{% if i %}\n"
                "{{ echo(\"ok\") }}{{ fail(\"loop\") }}{% endif %}"
                "{% endfor %}", NULL,
                "page.html:3:24: fail(): bad loop");
    /* an argument that fails is reported before the call */
    check_error("page.html", "{{ echo(1 // 0) }}", NULL,
                "page.html:1:11: integer division or modulo by zero");
    check_error("page.html", "{{ big(\"x\") }}", NULL,
                "page.html:1:7: big(): big(n)");
}


/* ---- macros printed directly -------------------------------------------- */

static void
test_macro_direct(void **state)
{
    check("t.html", "{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(\"&\") }}",
          NULL, "<&amp;>");
    check("t.txt", "{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(\"&\") }}",
          NULL, "<&>");
    check("t.html", "{% macro m(x) %}<{{ x }}>{% endmacro %}"
          "{{ m(\"&\") ~ \"\" }}|{{ m(\"&\")|upper }}|{{ m(x=\"'\") }}",
          NULL, "<&amp;>|<&AMP;>|<&#39;>");
    check("t.html", "{% macro i(x) %}[{{ x }}]{% endmacro %}"
          "{% macro o(x) %}({{ i(x) }}{{ i(x ~ \"<\") }}){% endmacro %}"
          "a{{ o(\"&\") }}b", NULL, "a([&amp;][&amp;&lt;])b");
    check("t.txt", "{% macro i(x) %}[{{ x }}]{% endmacro %}"
          "{% macro o(x) %}({{ i(x) }}{{ i(x ~ \"<\") }}){% endmacro %}"
          "a{{ o(\"&\") }}b", NULL, "a([&][&<])b");
    /* a macro defined where escaping was on keeps escaping its body */
    check("t.html", "{% macro m(x) %}<{{ x }}>{% endmacro %}"
          "{% autoescape false %}{{ m(\"&\") }}{{ \"&\" }}"
          "{% endautoescape %}", NULL, "<&amp;>&");
    check("t.html", "{% autoescape false %}{% macro m(x) %}<{{ x }}>"
          "{% endmacro %}{{ m(\"&\") }}{% endautoescape %}{{ \"&\" }}",
          NULL, "<&>&amp;");
    /* defaults, varargs, kwargs and caller on the direct path */
    check("t.html", "{% macro m(a, b=\"<\") %}{{ a }}{{ b }}"
          "{{ varargs|join(\",\") }}{{ kwargs|dictsort|join(\",\") }}"
          "{% endmacro %}{{ m(\"&\") }}|{{ m(1, 2, 3, \"'\", z=\">\") }}",
          NULL, "&amp;&lt;|123,&#39;(&#39;z&#39;, &#39;&gt;&#39;)");
    check("t.html", "{% macro w(t) %}<{{ t }}{{ caller(\"'\") }}>"
          "{% endmacro %}{% call(v) w(\"&\") %}[{{ v }}&]{% endcall %}",
          NULL, "<&amp;[&#39;&]>");
    check("t.html", "{% macro m() %}{{ echo(\"&\") }}{{ fixed() }}"
          "{% endmacro %}{{ m() }}", NULL, "&amp;&lt;a&amp;b&gt;");
    check("t.txt", "{% macro m() %}{% endmacro %}[{{ m() }}]", NULL, "[]");
}


/* Macros from another template keep its escaping and report their own
 * position. */
static void
test_macro_imported(void **state)
{
    add("lib.html", "{% macro m(x) %}<{{ x }}>{% endmacro %}"
        "{% macro bad(x) %}ok\n{{ 10 // x }}{% endmacro %}");
    add("lib.txt", "{% macro m(x) %}<{{ x }}>{% endmacro %}");
    check("p.html", "{% from \"lib.html\" import m %}{{ m(\"&\") }}", NULL,
          "<&amp;>");
    check("p.html", "{% from \"lib.txt\" import m %}{{ m(\"&\") }}", NULL,
          "<&>");
    check("p.txt", "{% from \"lib.html\" import m %}{{ m(\"&\") }}", NULL,
          "<&amp;>");
    check("p.txt", "{% from \"lib.txt\" import m %}{{ m(\"&\") }}", NULL,
          "<&>");
    check_error("p.html", "{% from \"lib.html\" import bad %}\n"
                "{{ bad(1) }}{{ bad(0) }}", NULL,
                "lib.html:2:7: integer division or modulo by zero");
}


/* A macro of an escaping template calling another: the inner result is
 * Markup there (Jinja passes the calling macro's own eval context), so it
 * is not escaped twice, even when the page itself does not escape. */
static void
test_macro_imported_nested(void **state)
{
    static const struct {
        const char  *name;
        const char  *src;
        const char  *want;
    } cases[] = {
        { "p.html", "{% from \"two.html\" import out %}{{ out(\"&\") }}",
          "([&amp;][&amp;])" },
        { "p.html", "{% from \"two.txt\" import out %}{{ out(\"&\") }}",
          "([&][&])" },
        { "p.txt", "{% from \"two.txt\" import out %}{{ out(\"&\") }}",
          "([&][&])" },
        { "p.txt", "{% from \"two.html\" import out %}{{ out(\"&\") }}",
          "([&amp;][&amp;])" },
        { "p.txt", "{% import \"two.html\" as h %}{{ h.out(\"&\") }}",
          "([&amp;][&amp;])" },
        { "p.txt", "{% from \"two.html\" import in %}{{ in(\"&\") }}"
          "{{ in(\"&\") ~ \"\" }}", "[&amp;][&amp;]" },
    };
    char    log[2048];
    size_t  i, k = 0;

    add("two.html", "{% macro in(x) %}[{{ x }}]{% endmacro %}"
        "{% macro out(x) %}({{ in(x) }}{{ in(x) ~ '' }}){% endmacro %}");
    add("two.txt", "{% macro in(x) %}[{{ x }}]{% endmacro %}"
        "{% macro out(x) %}({{ in(x) }}{{ in(x) ~ '' }}){% endmacro %}");
    /* every case is tried, so that a failure shows all that differ */
    log[0] = '\0';
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        add(cases[i].name, cases[i].src);
        if (render(cases[i].name, NULL, NULL) != GW_OK) {
            fail_msg("%s %s: %s", cases[i].name, cases[i].src, err);
        }
        if (strcmp(got, cases[i].want) != 0 && k < sizeof(log)) {
            k += (size_t) snprintf(log + k, sizeof(log) - k,
                                   "\n  %s %s: got \"%s\", want \"%s\"",
                                   cases[i].name, cases[i].src, got,
                                   cases[i].want);
        }
    }
    if (log[0] != '\0') {
        fail_msg("%s", log);
    }
}


/* A macro writing several KB from a loop: the page buffer moves while it
 * writes, and nothing written before may be lost. */
static void
test_macro_long_output(void **state)
{
    static char   want[256 * 1024], ebuf[1024];
    const char   *pad = "pad & <pad> \"quoted\" 'single' ..................";
    json_t       *c;
    size_t        k = 0, el, i;

    c = json_pack("{s:s}", "pad", pad);
    assert_non_null(c);
    add("t.html", "{% macro cell(i) %}<td>{{ i }}{{ echo(pad) }}</td>"
        "{% endmacro %}"
        "{% macro row(i) %}<tr id=\"r{{ i }}\">{{ pad }}{{ cell(i) }}"
        "{{ cell(-i) }}</tr>\n{% endmacro %}"
        "<table>{% for i in range(400) %}[{{ row(i) }}]{% endfor %}"
        "</table>");
    el = ref_escape(pad, strlen(pad), ebuf);
    k += (size_t) sprintf(want + k, "<table>");
    for (i = 0; i < 400; i++) {
        k += (size_t) sprintf(want + k, "[<tr id=\"r%zu\">%.*s<td>%zu%.*s"
                              "</td><td>%s%zu%.*s</td></tr>\n]",
                              i, (int) el, ebuf, i, (int) el, ebuf,
                              i ? "-" : "", i, (int) el, ebuf);
        assert_true(k < sizeof(want) - 1024);
    }
    k += (size_t) sprintf(want + k, "</table>");
    assert_true(k > 64 * 1024);

    assert_int_equal(render("t.html", c, NULL), GW_OK);
    assert_int_equal(got_len, k);
    assert_memory_equal(got, want, k);
    json_decref(c);
}


static void
test_macro_errors(void **state)
{
    check_error("page.html", "{% macro m(x) %}ok\n{{ 10 // x }}"
                "{% endmacro %}{% for i in [2, 1, 0] %}{{ m(i) }}"
                "{% endfor %}", NULL,
                "page.html:2:7: integer division or modulo by zero");
    check_error("page.html", "{% macro m(x) %}{{ echo(\"a\") }}"
                "{{ fail(x) }}{% endmacro %}\n\n{{ m(\"inner\") }}", NULL,
                "page.html:1:39: fail(): bad inner");
    check_error("page.html", "{% macro m(x) %}{% endmacro %}"
                "{{ m(1, 2) }}", NULL,
                "page.html:1:35: macro 'm' takes not more than 1 "
                "argument(s)");
    check_error("page.html", "{% macro m(x) %}{% endmacro %}"
                "{{ m(y=2) }}", NULL,
                "page.html:1:35: macro 'm' takes no keyword argument 'y'");
    /* the page renders again after a failed render */
    check("page.html", "{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(1) }}",
          NULL, "<1>");
}


/* ---- the step budget ---------------------------------------------------- */

static const char  budget_msg[] = "template exceeded its step budget";


static void
assert_budget_error(const char *name, const char *src, const char *where)
{
    char  want[256];

    snprintf(want, sizeof(want), "%s: %s", where, budget_msg);
    check_error(name, src, NULL, want);
}


static void
test_budget_loops(void **state)
{
    env->max_steps = 1000;
    assert_budget_error("t.txt", "{% for i in range(100000) %}{% endfor %}",
                        "t.txt:1:1");
    assert_budget_error("t.html", "{% for i in range(100000) %}{{ i }}"
                        "{% endfor %}", "t.html:1:1");
    /* nested loops count every inner iteration */
    assert_budget_error("t.txt", "{% for i in range(40) %}\n"
                        "{% for j in range(40) %}{% endfor %}{% endfor %}",
                        "t.txt:2:1");
    /* the budget is the number of iterations allowed */
    check("t.txt", "{% for i in range(1000) %}{% endfor %}ok", NULL, "ok");
    assert_budget_error("t.txt", "{% for i in range(1001) %}{% endfor %}",
                        "t.txt:1:1");
    /* and is counted afresh for each render */
    check("t.txt", "{% for i in range(600) %}{% endfor %}ok", NULL, "ok");
    assert_int_equal(render("t.txt", NULL, NULL), GW_OK);
    assert_string_equal(got, "ok");
}


/* Two calls per level: depth 30 is far under the recursion limit but
 * would make 2^31 calls; the budget stops it at once, whichever way the
 * call is made. */
static void
test_budget_fanout(void **state)
{
    env->max_steps = 1000;
    assert_budget_error("t.html", "{% macro f(n) %}{% if n > 0 %}"
                        "{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}"
                        "{% endmacro %}{{ f(30) }}", "t.html:1:35");
    assert_budget_error("t.txt", "{% macro f(n) %}{% if n > 0 %}"
                        "{{ f(n - 1) ~ f(n - 1) }}{% endif %}"
                        "{% endmacro %}{{ f(30) ~ \"\" }}", "t.txt:1:35");
    assert_budget_error("t.txt", "{% macro f(n) %}{% if n > 0 %}"
                        "{% set a = f(n - 1) %}{% set b = f(n - 1) %}"
                        "{% endif %}{% endmacro %}{{ f(30) }}",
                        "t.txt:1:43");
    assert_budget_error("t.txt", "{% macro f(n) %}{% if n > 0 %}"
                        "{% call f(n - 1) %}{% endcall %}"
                        "{% call f(n - 1) %}{% endcall %}{% endif %}"
                        "{% endmacro %}{{ f(30) }}", "t.txt:1:40");
    /* a linear recursion deeper than the limit is a depth error instead */
    env->max_steps = 0;
    check_error("t.txt", "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}"
                "{% endif %}{% endmacro %}{{ f(300) }}", NULL,
                "t.txt:1:35: maximum recursion depth exceeded");
}


/* A page with no loops does not come near the budget, however many
 * statements it has. */
static void
test_budget_straight_page(void **state)
{
    static char   src[64 * 1024], want[16 * 1024];
    size_t        k = 0, w = 0, i;

    env->max_steps = 1000;
    for (i = 0; i < 400; i++) {
        k += (size_t) snprintf(src + k, sizeof(src) - k,
                               "{%% set v = %zu %%}{%% if v is odd %%}"
                               "{{ v }}{%% else %%}-{%% endif %%}"
                               "{{ echo(\"&\") }}\n", i);
        if (i % 2) {
            w += (size_t) snprintf(want + w, sizeof(want) - w,
                                   "%zu&amp;\n", i);
        } else {
            w += (size_t) snprintf(want + w, sizeof(want) - w, "-&amp;\n");
        }
    }
    want[--w] = '\0';   /* the page's last newline is dropped */
    check("t.html", src, NULL, want);

    /* up to the budget's worth of macro calls is fine */
    k = (size_t) snprintf(src, sizeof(src),
                          "{%% macro m() %%}.{%% endmacro %%}");
    for (i = 0; i < 1000; i++) {
        k += (size_t) snprintf(src + k, sizeof(src) - k, "{{ m() }}");
    }
    memset(want, '.', 1000);
    want[1000] = '\0';
    check("t.txt", src, NULL, want);
    snprintf(src + k, sizeof(src) - k, "\n{{ m() }}");
    check_error("t.txt", src, NULL,
                "t.txt:2:5: template exceeded its step budget");
}


/* With the default budget an ordinary page, loops and macros included,
 * renders. */
static void
test_budget_default(void **state)
{
    static char   want[128 * 1024];
    size_t        k = 0, i;

    assert_int_equal(env->max_steps, 0);
    add("t.html", "{% macro m(i) %}<{{ i }}{{ \"&\" }}>{% endmacro %}"
        "{% for i in range(20000) %}{% if i % 1000 == 0 %}{{ m(i) }}"
        "{% endif %}{% endfor %}"
        "{% for i in range(3) %}{% for j in range(3) %}{{ i * j }}"
        "{% endfor %}{% endfor %}");
    for (i = 0; i < 20000; i += 1000) {
        k += (size_t) sprintf(want + k, "<%zu&amp;>", i);
    }
    k += (size_t) sprintf(want + k, "000012024");
    assert_int_equal(render("t.html", NULL, NULL), GW_OK);
    assert_string_equal(got, want);
    assert_int_equal(got_len, k);
}


/* "%.Nf" without printf (prices, figures): every digit as printf gives
 * it, also next to the ties that the fast path must leave to printf */
static void
test_fixed_point_format(void **state)
{
    static const double  fixed[] = {
        0.0, -0.0, 0.5, 1.5, 2.5, 0.125, 0.375, 2.675, 1.005, 1.115, 0.045,
        -0.001, -2.5, 9.995, 99.995, 123456.785, 1e-7, 4503599627370495.5,
        4503599627370497.0, 1e15, 1e16, 1e22, 0.1, 0.7, 1e300, -1e-300,
        5e-324, 5968.535, 984.185, 49.51855, 26745.95, 0.3980555, 7.993085
    };
    static char          want[256 * 1024];
    json_t              *xs, *ctx;
    size_t               k = 0, i, nfixed = sizeof(fixed) / sizeof(fixed[0]);
    unsigned             seed = 12345;
    double               x;
    int                  p;

    (void) state;
    add("f.txt", "{% for x in xs %}{% for p in range(0, 17) %}"
        "{{ ('%.' ~ p ~ 'f')|format(x) }} {% endfor %}|{% endfor %}");
    xs = json_array();
    assert_non_null(xs);
    for (i = 0; i < nfixed + 200; i++) {
        if (i < nfixed) {
            x = fixed[i];
        } else {
            /* prices of up to 4 places, some a hair off a tie, and wide
             * random magnitudes */
            seed = seed * 1103515245 + 12345;
            x = (double) (seed % 100000000) / 10000.0;
            if (i % 3 == 0) {
                x = nextafter(x, i % 2 ? 0.0 : 1e9);
            } else if (i % 3 == 1) {
                x = ldexp((double) (seed % 1000003), (int) (seed % 80) - 50);
            }
            if (i % 5 == 0) {
                x = -x;
            }
        }
        assert_int_equal(json_array_append_new(xs, json_real(x)), 0);
        for (p = 0; p < 17; p++) {
            k += (size_t) snprintf(want + k, sizeof(want) - k, "%.*f ", p, x);
        }
        k += (size_t) snprintf(want + k, sizeof(want) - k, "|");
        assert_true(k < sizeof(want) - 1);
    }
    ctx = json_pack("{so}", "xs", xs);
    assert_non_null(ctx);
    assert_int_equal(render("f.txt", ctx, NULL), GW_OK);
    json_decref(ctx);
    assert_string_equal(got, want);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_escape_one_special, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_escape_many_specials, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_escape_utf8, setup, teardown),
        cmocka_unit_test(test_needs_escape_every_byte),
        cmocka_unit_test_setup_teardown(test_fixed_point_format, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_escape_off_and_safe, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_argfn_escaping, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_argfn_in_expressions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_argfn_arguments, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_argfn_many_and_splats, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_argfn_into_page, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_argfn_called_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_argfn_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_argfn_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_macro_direct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_macro_imported, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_macro_imported_nested, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_macro_long_output, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_macro_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_budget_loops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_budget_fanout, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_budget_straight_page, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_budget_default, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
