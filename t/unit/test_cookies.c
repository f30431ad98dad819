/*
 * test_cookies.c: the Cookie header, read as Werkzeug 2.2's parse_cookie
 * reads it (every expectation here was checked against it).
 */

#include "unit.h"


/* expect: key, value, ..., NULL (values with NULs are checked apart) */
static void
assert_cookies(const char *header, ...)
{
    gw_multidict_t  d = { NULL, 0, 0 };
    va_list         ap;

    assert_int_equal(gw_parse_cookies(arena, str(header), &d), GW_OK);

    va_start(ap, header);
    assert_pairs_va(&d, ap);
    va_end(ap);
}


static void
test_basic(void **state)
{
    assert_cookies("a=1; b=\"two\"", "a", "1", "b", "two", NULL);
    assert_cookies("a=b=c", "a", "b=c", NULL);
    assert_cookies("a=1;b", "a", "1", "b", "", NULL);
    assert_cookies("s=1; s=2", "s", "1", "s", "2", NULL);
}


static void
test_whitespace(void **state)
{
    assert_cookies(" a = 1 ; b=2;c", "a", "1", "b", "2", "c", "", NULL);
    assert_cookies("a=1 2 ;b= \"c\" ;", "a", "1 2", "b", "c", NULL);
    assert_cookies("a=1;;b=2, c=3", "a", "1", "b", "2, c=3", NULL);
}


static void
test_quoted(void **state)
{
    /* \" and octal escapes are undone */
    assert_cookies("a=\"x\\\"y\\054z\"", "a", "x\"y,z", NULL);
    assert_cookies("k=\"\\\\\"", "k", "\\", NULL);
    assert_cookies("a=\"\\377\"", "a", "\xff", NULL);
    /* a quoted value may hold a ';' and a newline */
    assert_cookies("a=\"1;2\"; b=3", "a", "1;2", "b", "3", NULL);
    assert_cookies("a=\"1\n2\"; b=3", "a", "1\n2", "b", "3", NULL);
    /* junk after the closing quote: the raw value is kept */
    assert_cookies("a=\"q\"x; b=1", "a", "\"q\"x", "b", "1", NULL);
    assert_cookies("l=\"unterminated", "l", "\"unterminated", NULL);
}


static void
test_malformed_never_fails(void **state)
{
    assert_cookies("", NULL);
    {
        gw_multidict_t  d = { NULL, 0, 0 };
        gw_str_t        none = gw_null_string;

        assert_int_equal(gw_parse_cookies(arena, none, &d), GW_OK);
        assert_int_equal(d.n, 0);
    }
    assert_cookies(";", NULL);
    assert_cookies(";;  ; ", NULL);
    /* pairs with no key are skipped */
    assert_cookies("=x; ;; b=1", "b", "1", NULL);
    /* an unquoted value cannot hold a newline: werkzeug stops there */
    assert_cookies("a=1\nb; c=2", NULL);
    assert_cookies("x=\"\\\n\"; y=1", NULL);
    assert_cookies("a=1; b=2\n3; c=4", "a", "1", NULL);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_malformed_never_fails),
    };

    return cmocka_run_group_tests(tests, setup_arena, teardown_arena);
}
