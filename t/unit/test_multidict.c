/*
 * test_multidict.c: the ordered multi-valued map behind args, form and
 * cookies.
 */

#include "unit.h"


static void
test_add_get_in_order(void **state)
{
    gw_arena_t      *a;
    gw_multidict_t   d = { NULL, 0, 0 };

    a = gw_arena_create(1024);
    assert_int_equal(gw_multidict_add(a, &d, str("a"), str("1")), GW_OK);
    assert_int_equal(gw_multidict_add(a, &d, str("b"), str("2")), GW_OK);
    assert_int_equal(gw_multidict_add(a, &d, str("a"), str("3")), GW_OK);

    assert_int_equal(d.n, 3);
    assert_gw_str(&d.items[0].key, "a");
    assert_gw_str(&d.items[1].key, "b");
    assert_gw_str(&d.items[2].value, "3");

    /* get returns the first value, as MultiDict.get */
    assert_gw_str(gw_multidict_get(&d, "a"), "1");
    assert_gw_str(gw_multidict_get(&d, "b"), "2");
    assert_null(gw_multidict_get(&d, "c"));
    assert_null(gw_multidict_get(&d, "aa"));
    assert_null(gw_multidict_get(&d, ""));

    gw_arena_destroy(a);
}


static void
test_getall(void **state)
{
    gw_arena_t      *a;
    gw_multidict_t   d = { NULL, 0, 0 };
    gw_str_t         out[2];
    int              i;

    a = gw_arena_create(1024);

    /* enough adds to make the array grow several times */
    for (i = 0; i < 100; i++) {
        assert_int_equal(gw_multidict_add(a, &d, str(i % 3 ? "other" : "k"),
                                          str(i % 3 ? "x" : "v")), GW_OK);
    }
    assert_int_equal(d.n, 100);

    /* 34 values of k; only max are written, all are counted */
    assert_int_equal(gw_multidict_getall(&d, "k", out, 2), 34);
    assert_gw_str(&out[0], "v");
    assert_gw_str(&out[1], "v");
    assert_int_equal(gw_multidict_getall(&d, "other", NULL, 0), 66);
    assert_int_equal(gw_multidict_getall(&d, "none", out, 2), 0);

    gw_arena_destroy(a);
}


static void
test_empty_key_and_binary_value(void **state)
{
    gw_arena_t      *a;
    gw_multidict_t   d = { NULL, 0, 0 };
    gw_str_t         bin = { "x\0y", 3 };
    gw_str_t         empty = { "", 0 };
    const gw_str_t  *v;

    a = gw_arena_create(1024);
    assert_int_equal(gw_multidict_add(a, &d, empty, bin), GW_OK);
    assert_int_equal(gw_multidict_add(a, &d, str("x"), empty), GW_OK);

    v = gw_multidict_get(&d, "");
    assert_non_null(v);
    assert_int_equal(v->len, 3);
    assert_memory_equal(v->data, "x\0y", 3);

    v = gw_multidict_get(&d, "x");
    assert_non_null(v);
    assert_int_equal(v->len, 0);

    gw_arena_destroy(a);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_get_in_order),
        cmocka_unit_test(test_getall),
        cmocka_unit_test(test_empty_key_and_binary_value),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
