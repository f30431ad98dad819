/*
 * test_query.c: query strings as Werkzeug's url_decode reads them (checked
 * against werkzeug 2.2), except that bad percent-encoding is an error.
 */

#include "unit.h"


/* expect: key, value, key, value, ..., NULL */
static void
assert_query(const char *qs, ...)
{
    gw_multidict_t  d = { NULL, 0, 0 };
    va_list         ap;

    assert_int_equal(gw_parse_query(arena, str(qs), &d), GW_OK);

    va_start(ap, qs);
    assert_pairs_va(&d, ap);
    va_end(ap);
}


static void
test_pairs(void **state)
{
    gw_multidict_t  d = { NULL, 0, 0 };
    gw_str_t        all[3];

    assert_query("a=1&b=2&a=3", "a", "1", "b", "2", "a", "3", NULL);

    assert_int_equal(gw_parse_query(arena, str("a=1&b=2&a=3"), &d), GW_OK);
    assert_int_equal(gw_multidict_getall(&d, "a", all, 3), 2);
    assert_memory_equal(all[1].data, "3", 1);
}


static void
test_decoding(void **state)
{
    assert_query("a+b=c+d%20e", "a b", "c d e", NULL);
    assert_query("a=%41%2f%2F+b", "a", "A// b", NULL);
    assert_query("%C3%A9=%c3%bc", "\xc3\xa9", "\xc3\xbc", NULL);
    assert_query("k=%26%3D", "k", "&=", NULL);
}


static void
test_edge_cases(void **state)
{
    assert_query("", NULL);
    assert_query("&", NULL);
    assert_query("&&&", NULL);
    /* ';' is not a separator in werkzeug 2.2 */
    assert_query("a=1;b=2&c=3", "a", "1;b=2", "c", "3", NULL);
    /* empty pairs skipped, '=' without key kept, key without '=' */
    assert_query("&&a&=x&b=", "a", "", "", "x", "b", "", NULL);
    assert_query("=", "", "", NULL);
    assert_query("a==b", "a", "=b", NULL);
    assert_query("a", "a", "", NULL);
}


/* servers hand out { NULL, 0 } for a missing QUERY_STRING */
static void
test_null_view(void **state)
{
    gw_multidict_t  d = { NULL, 0, 0 };
    gw_str_t        none = gw_null_string, out;

    assert_int_equal(gw_parse_query(arena, none, &d), GW_OK);
    assert_int_equal(d.n, 0);
    assert_int_equal(gw_url_decode(arena, none, 1, &out), GW_OK);
    assert_int_equal(out.len, 0);
    assert_int_equal(gw_url_encode(arena, none, NULL, &out), GW_OK);
    assert_int_equal(out.len, 0);
}


static void
test_bad_percent(void **state)
{
    static const char  *bad[] = { "a=%", "a=%4", "%zz=1", "a=1&b=%G0", "%" };
    gw_multidict_t      d;
    size_t              i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&d, 0, sizeof(d));
        assert_int_equal(gw_parse_query(arena, str(bad[i]), &d), GW_ERROR);
    }
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs),
        cmocka_unit_test(test_decoding),
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_null_view),
        cmocka_unit_test(test_bad_percent),
    };

    return cmocka_run_group_tests(tests, setup_arena, teardown_arena);
}
