/*
 * test_json.c: the body parser (json_parse.c) accepts and refuses what
 * json_loadb(JSON_DECODE_ANY | JSON_ALLOW_NUL) does and builds the same
 * values; jsonify's writer gives Python's json.dumps bytes (json_cases.h,
 * written by gen_json_cases.py with Debian's python3).
 */

#include "unit.h"
#include "framework/fw.h"

#include "json_cases.h"

typedef struct {
    const char  *in;
    size_t       len;           /* 0: strlen(in) */
    const char  *value;         /* our jsonify bytes; NULL: refused */
} parse_case_t;

#define C(in, v)  { in, sizeof(in) - 1, v }

static const parse_case_t  parse_cases[] = {
    /* RFC 8259's grammar, any value at the top, whitespace around */
    C("0", "0"), C("-0", "0"), C("-0.0", "-0.0"), C(" \t\r\n1 \n", "1"),
    C("true", "true"), C("false", "false"), C("null", "null"),
    C("\"\"", "\"\""), C("[]", "[]"), C("{}", "{}"),
    C("[ 1 , [ ] , { } ]", "[1,[],{}]"),
    C("{ \"b\" : 1 , \"a\" : [ null ] }", "{\"a\":[null],\"b\":1}"),
    C("", NULL), C("  ", NULL), C("[1,]", NULL), C("[,1]", NULL),
    C("[1 2]", NULL), C("{\"a\":1,}", NULL), C("{\"a\" 1}", NULL),
    C("{1:2}", NULL), C("{\"a\"}", NULL), C("[", NULL), C("{", NULL),
    C("]", NULL), C("[1]]", NULL), C("[1] x", NULL), C("'a'", NULL),
    C("nul", NULL), C("truex", NULL), C("True", NULL), C("[true1]", NULL),
    C("\xef\xbb\xbf{}", NULL),                      /* a BOM */
    C("[1\0]", NULL), C("1 \0", NULL),              /* NUL outside strings */

    /* numbers */
    C("1e2", "100.0"), C("1E+2", "100.0"), C("1e-2", "0.01"),
    C("-1.5e-7", "-1.5e-07"), C("0.1", "0.1"), C("1.0", "1.0"),
    C("2.5e+300", "2.5e+300"), C("123.456e-789", "0.0"),
    C("5e-324", "5e-324"), C("1.7976931348623157e308",
                             "1.7976931348623157e+308"),
    C("3.14159265358979323846264338327950288", "3.141592653589793"),
    C("0.000000000000000000000000000001", "1e-30"),
    C("100000000000000000000000e-5", "1e+18"),
    C("9007199254740993.0", "9007199254740992.0"),
    C("9223372036854775807", "9223372036854775807"),
    C("-9223372036854775808", "-9223372036854775808"),
    C("9223372036854775808", NULL), C("-9223372036854775809", NULL),
    C("123456789012345678901234567890", NULL),
    C("1e400", NULL), C("-1e400", NULL), C("01", NULL), C("-01", NULL),
    C("-", NULL), C("1.", NULL), C(".5", NULL), C("+1", NULL),
    C("1e", NULL), C("1e+", NULL), C("1.e5", NULL), C("0x10", NULL),
    C("NaN", NULL), C("Infinity", NULL), C("-Infinity", NULL),
    C("[nan]", NULL),

    /* strings: escapes, surrogates, UTF-8 */
    C("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\\"\\\\/\\b\\f\\n\\r\\t\""),
    C("\"\\u00e9\\u20AC\"", "\"\\u00e9\\u20ac\""),
    C("\"\\ud83d\\ude00\"", "\"\\ud83d\\ude00\""),
    C("\"caf\xc3\xa9 \xf0\x9f\x98\x80\"", "\"caf\\u00e9 \\ud83d\\ude00\""),
    C("\"\\u0000x\"", "\"\\u0000x\""),
    C("\"a\x7f\"", "\"a\\u007f\""),
    C("\"\\ud800\"", NULL), C("\"\\udc00\"", NULL),
    C("\"\\ud800\\u0041\"", NULL), C("\"\\ud800x\"", NULL),
    C("\"\\ud800\\\"", NULL),
    C("\"\\x\"", NULL), C("\"\\u12\"", NULL), C("\"\\u12g4\"", NULL),
    C("\"\\'\"", NULL), C("\"abc", NULL), C("\"abc\\", NULL),
    C("\"a\nb\"", NULL), C("\"a\x01\"", NULL), C("\"a\tb\"", NULL),
    C("\"\0\"", NULL),
    C("\"\xc0\xaf\"", NULL),                        /* overlong '/' */
    C("\"\xe0\x80\xaf\"", NULL), C("\"\xf0\x80\x80\xaf\"", NULL),
    C("\"\xed\xa0\x80\"", NULL),                    /* U+D800 in UTF-8 */
    C("\"\xf4\x90\x80\x80\"", NULL),                /* past U+10FFFF */
    C("\"\xff\"", NULL), C("\"\x80\"", NULL), C("\"\xe2\x82\"", NULL),
    C("\"\xe2\x82", NULL), C("\"\xc3\"", NULL),
    C("\"\xf4\x8f\xbf\xbf\"", "\"\\udbff\\udfff\""),
    C("\"long enough to take the eight-byte path \\n and on\"",
      "\"long enough to take the eight-byte path \\n and on\""),

    /* objects: duplicate keys last-wins (Python's dict), no NUL in keys */
    C("{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":3,\"b\":2}"),
    C("{\"k\\u00e9\":{\"x\\n\":\"y\\t\"}}",
      "{\"k\\u00e9\":{\"x\\n\":\"y\\t\"}}"),
    C("{\"\\u0000\":1}", NULL), C("{\"a\\u0000b\":1}", NULL),
    C("{\"\":\"\"}", "{\"\":\"\"}"),
};


static char *
dump(gw_arena_t *a, const json_t *v)
{
    gw_buf_t  b;

    gw_buf_init(&b, a, 16);
    assert_int_equal(gw_json_dump_buf(&b, v), GW_OK);
    assert_int_equal(gw_buf_putc(&b, '\0'), GW_OK);
    return b.data;
}


static void
test_parse_cases(void **state)
{
    const parse_case_t  *c;
    json_error_t         err;
    json_t              *ours, *theirs;
    gw_arena_t          *a;
    size_t               i;

    a = gw_arena_create(4096);
    for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        c = &parse_cases[i];
        ours = gw_json_loadb(c->in, c->len, &err);
        theirs = json_loadb(c->in, c->len, JSON_DECODE_ANY | JSON_ALLOW_NUL,
                            NULL);
        if (c->value == NULL) {
            if (ours != NULL) {
                fail_msg("case %zu (%s): accepted", i, c->in);
            }
            assert_true(strlen(err.text) > 0);
            /* jansson drops a NUL after a number: our one difference */
            if (memchr(c->in, '\0', c->len) == NULL
                || c->in[0] == '"')
            {
                assert_null(theirs);
            }
        } else {
            if (ours == NULL) {
                fail_msg("case %zu (%s): refused: %s", i, c->in, err.text);
            }
            assert_string_equal(dump(a, ours), c->value);
            assert_non_null(theirs);
            assert_true(json_equal(ours, theirs));
        }
        json_decref(ours);
        json_decref(theirs);
    }
    gw_arena_destroy(a);
}


/* n arrays around inner (NULL: empty arrays) */
static char *
nested(int n, const char *inner, size_t *len)
{
    size_t  k = inner ? strlen(inner) : 0;
    char   *s = malloc(2 * n + k + 1);

    assert_non_null(s);
    memset(s, '[', n);
    memcpy(s + n, inner ? inner : "", k);
    memset(s + n + k, ']', n);
    s[2 * n + k] = '\0';
    *len = 2 * n + k;
    return s;
}


/* jansson's JSON_PARSER_MAX_DEPTH, counted its way: a scalar is a level */
static void
test_parse_depth(void **state)
{
    static const struct {
        int          n;
        const char  *inner;
        int          ok;
    } cases[] = {
        { JSON_PARSER_MAX_DEPTH, NULL, 1 },
        { JSON_PARSER_MAX_DEPTH + 1, NULL, 0 },
        { JSON_PARSER_MAX_DEPTH - 1, "1", 1 },
        { JSON_PARSER_MAX_DEPTH, "1", 0 },
        { JSON_PARSER_MAX_DEPTH - 1, "{}", 1 },
        { JSON_PARSER_MAX_DEPTH - 1, "{\"a\":1}", 0 },
        { 100000, NULL, 0 },
    };
    json_error_t  err;
    json_t       *ours, *theirs;
    size_t        i, len;
    char         *s;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        s = nested(cases[i].n, cases[i].inner, &len);
        ours = gw_json_loadb(s, len, &err);
        theirs = json_loadb(s, len, JSON_DECODE_ANY, NULL);
        assert_int_equal(ours != NULL, cases[i].ok);
        assert_int_equal(theirs != NULL, cases[i].ok);
        if (!cases[i].ok) {
            assert_non_null(strstr(err.text, "maximum parsing depth"));
        }
        json_decref(ours);
        json_decref(theirs);
        free(s);
    }
}


/* The 400's text: what, near which bytes (ASCII only), line and column
 * in characters. */
static void
test_parse_errors(void **state)
{
    json_error_t  err;

    assert_null(gw_json_loadb("[1,\n  x]", 8, &err));
    assert_string_equal(err.text, "invalid token near 'x]'");
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);

    assert_null(gw_json_loadb("{\"z\": ", 6, &err));
    assert_string_equal(err.text, "unexpected token near end of file");

    assert_null(gw_json_loadb("[\"\xc3\xa9\", 99999999999999999999]", 28,
                              &err));
    assert_string_equal(err.text,
                        "too big integer near '99999999999999999999'");
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 7);

    assert_null(gw_json_loadb("\"\xff\"", 3, &err));
    assert_string_equal(err.text, "invalid UTF-8");

    assert_null(gw_json_loadb("{} {}", 5, &err));
    assert_string_equal(err.text, "end of file expected near '{}'");

    assert_null(gw_json_loadb(NULL, 0, &err));
    assert_string_equal(err.text, "unexpected token near end of file");
}


/* Strings long and short, with and without escapes, one after another:
 * decoded escapes never overwrite a key read before its value. */
static void
test_parse_escapes_in_keys_and_values(void **state)
{
    static const char  doc[] =
        "{\"k\\u00e9y\":\"v\\u00e0l\\nue\",\"\\t\":[\"\\\"\",1.5e-3,"
        "\"x\\/y\"],\"plain\":\"\\ud83d\\ude00\"}";
    json_t  *v, *w;
    char    *doc2;
    int      n;

    v = gw_json_loadb(doc, sizeof(doc) - 1, NULL);
    assert_non_null(v);
    assert_string_equal(json_string_value(json_object_get(v, "k\xc3\xa9y")),
                        "v\xc3\xa0l\nue");
    assert_string_equal(json_string_value(
                        json_array_get(json_object_get(v, "\t"), 2)), "x/y");
    assert_string_equal(json_string_value(json_object_get(v, "plain")),
                        "\xf0\x9f\x98\x80");
    assert_true(json_real_value(json_array_get(json_object_get(v, "\t"), 1))
                == 1.5e-3);
    json_decref(v);

    /* past the parser's stack room (512 bytes) and its key copy (64) */
    doc2 = malloc(8192);
    assert_non_null(doc2);
    n = sprintf(doc2, "{\"%0100d\\n\":{\"%0600d\\t\":\"%01000d\\u00e9\","
                "\"k\":\"%02000d\\/\"},\"x\\\"\":[\"%070d\\b\"]}",
                1, 2, 3, 4, 5);
    v = gw_json_loadb(doc2, n, NULL);
    w = json_loadb(doc2, n, 0, NULL);
    assert_non_null(v);
    assert_non_null(w);
    assert_true(json_equal(v, w));
    json_decref(v);
    json_decref(w);

    /* a number of 2000 digits goes through strtod */
    n = sprintf(doc2, "[0.%02000d7e2]", 0);
    v = gw_json_loadb(doc2, n, NULL);
    w = json_loadb(doc2, n, 0, NULL);
    assert_non_null(v);
    assert_true(json_equal(v, w));
    json_decref(v);
    json_decref(w);
    free(doc2);
}


static void
test_dump_as_python(void **state)
{
    json_t      *v;
    gw_arena_t  *a;
    size_t       i, len;
    char        *s;

    a = gw_arena_create(4096);
    for (i = 0; i < sizeof(json_dump_cases) / sizeof(json_dump_cases[0]);
         i++)
    {
        v = json_loadb(json_dump_cases[i].in, strlen(json_dump_cases[i].in),
                       JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        assert_non_null(v);
        assert_string_equal(dump(a, v), json_dump_cases[i].out);

        s = gw_json_dumps(v, &len);
        assert_int_equal(len, strlen(json_dump_cases[i].out) + 1);
        assert_memory_equal(s, json_dump_cases[i].out, len - 1);
        assert_int_equal(s[len - 1], '\n');
        free(s);
        json_decref(v);
    }
    gw_arena_destroy(a);
}


/* What an app may build that no parser gives: a string cut in the
 * middle of a UTF-8 sequence goes out as U+FFFD, never past its end. */
static void
test_dump_app_strings(void **state)
{
    json_t      *v;
    gw_arena_t  *a;

    a = gw_arena_create(4096);
    v = json_array();
    json_array_append_new(v, json_stringn_nocheck("ab\xe2\x82", 4));
    json_array_append_new(v, json_stringn_nocheck("\x01\x02\x1e", 3));
    json_array_append_new(v, json_integer(INT64_MIN));
    assert_string_equal(dump(a, v), "[\"ab\\ufffd\",\"\\u0001\\u0002\\u001e\","
                                    "-9223372036854775808]");
    json_decref(v);
    gw_arena_destroy(a);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_parse_cases),
        cmocka_unit_test(test_parse_depth),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_escapes_in_keys_and_values),
        cmocka_unit_test(test_dump_as_python),
        cmocka_unit_test(test_dump_app_strings),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
