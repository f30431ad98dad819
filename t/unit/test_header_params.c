/*
 * test_header_params.c: the type and parameters of header values, as
 * Werkzeug's parse_options_header reads them.  The functions are internal
 * to the library: this test links their object.
 */

#include "unit.h"
#include "framework/header_params.h"


static void
param_is(gw_arena_t *a, const char *header, const char *name,
    const char *expect)
{
    gw_str_t  v;
    int       rc;

    rc = gw_header_param(a, str(header), name, &v);
    if (expect == NULL) {
        assert_int_equal(rc, 0);
        return;
    }
    assert_int_equal(rc, 1);
    assert_gw_str(&v, expect);
}


static void
test_mimetype(void **state)
{
    gw_str_t  t;

    t = gw_header_mimetype(str("  multipart/form-data ; boundary=x"));
    assert_gw_str(&t, "multipart/form-data");
    t = gw_header_mimetype(str("text/plain"));
    assert_gw_str(&t, "text/plain");
    t = gw_header_mimetype(str("\t;charset=utf-8"));
    assert_int_equal(t.len, 0);
    t = gw_header_mimetype(str(""));
    assert_int_equal(t.len, 0);
}


static void
test_params(void **state)
{
    gw_arena_t  *a;

    a = gw_arena_create(0);

    param_is(a, "form-data; name=\"a\"; filename=b.txt", "name", "a");
    param_is(a, "form-data; name=\"a\"; filename=b.txt", "filename",
             "b.txt");
    /* names are case-insensitive; spaces around = and ; are dropped */
    param_is(a, "text/plain ;  CharSet = utf-8 ", "charset", "utf-8");
    /* the type itself is not a parameter, nor a prefix of a name */
    param_is(a, "name=x; filename=y", "name", NULL);
    param_is(a, "form-data; filename=y", "name", NULL);
    param_is(a, "form-data; name", "name", "");
    param_is(a, "", "name", NULL);
    /* a quoted value: backslash escapes, ; inside, junk after the quote */
    param_is(a, "form-data; name=\"a\\\"b;c\\\\\"junk; x=1", "name",
             "a\"b;c\\");
    param_is(a, "form-data; name=\"a\\\"b;c\\\\\"junk; x=1", "x", "1");
    /* an unterminated quote runs to the end */
    param_is(a, "form-data; name=\"open; x=1", "name", "open; x=1");
    /* the first of a repeated parameter */
    param_is(a, "x; b=1; b=2", "b", "1");
    /* a name with *, as RFC 5987's filename* */
    param_is(a, "x; filename=a; filename*=UTF-8''%C3%A9", "filename*",
             "UTF-8''%C3%A9");

    gw_arena_destroy(a);
}


static void
test_out_of_memory(void **state)
{
    gw_arena_t  *a;
    gw_str_t     v;

    a = gw_arena_create(0);
    a->limit = gw_arena_size(a) + 1;
    /* a quoted value is copied into the arena; a plain one is not */
    gw_arena_alloc(a, a->end - a->pos);
    assert_int_equal(gw_header_param(a, str("x; n=\"v\""), "n", &v),
                     GW_ERROR);
    assert_int_equal(gw_header_param(a, str("x; n=v"), "n", &v), 1);
    assert_gw_str(&v, "v");
    gw_arena_destroy(a);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mimetype),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_out_of_memory),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
