/*
 * test_form.c: gw_parse_form's dispatch by content type, and urlencoded
 * bodies.  Multipart bodies have their own test, test_multipart.c.
 */

#include "unit.h"


static void
test_urlencoded(void **state)
{
    gw_multidict_t   form = { NULL, 0, 0 };
    gw_files_t       files = { NULL, 0, 0 };
    const char      *err;

    assert_int_equal(gw_parse_form(arena,
                         str("application/x-www-form-urlencoded"),
                         str("title=Hello+world&tag=a&tag=b%26c&empty="),
                         &form, &files, &err), GW_OK);
    assert_int_equal(form.n, 4);
    assert_int_equal(files.n, 0);
    assert_gw_str(gw_multidict_get(&form, "title"), "Hello world");
    assert_gw_str(&form.items[2].value, "b&c");
    assert_gw_str(gw_multidict_get(&form, "empty"), "");
}


static void
test_content_type_parameters_and_case(void **state)
{
    gw_multidict_t   form = { NULL, 0, 0 };
    gw_files_t       files = { NULL, 0, 0 };
    const char      *err;

    assert_int_equal(gw_parse_form(arena,
                         str(" Application/X-WWW-Form-URLEncoded ; "
                             "charset=UTF-8"),
                         str("a=1"), &form, &files, &err), GW_OK);
    assert_int_equal(form.n, 1);
    assert_gw_str(gw_multidict_get(&form, "a"), "1");
}


static void
test_other_types_leave_form_empty(void **state)
{
    static const char  *types[] = {
        "application/json", "text/plain", "", "application/x-www-form",
        "multipart/mixed; boundary=x"
    };
    gw_multidict_t      form;
    gw_files_t          files;
    const char         *err;
    size_t              i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        memset(&form, 0, sizeof(form));
        memset(&files, 0, sizeof(files));
        assert_int_equal(gw_parse_form(arena, str(types[i]), str("a=1"),
                                       &form, &files, &err), GW_OK);
        assert_int_equal(form.n, 0);
        assert_int_equal(files.n, 0);
    }
}


static void
test_bad_urlencoded_is_an_error(void **state)
{
    gw_multidict_t   form = { NULL, 0, 0 };
    gw_files_t       files = { NULL, 0, 0 };
    const char      *err = NULL;

    assert_int_equal(gw_parse_form(arena,
                         str("application/x-www-form-urlencoded"),
                         str("a=1&b=%zz"), &form, &files, &err), GW_ERROR);
    assert_non_null(err);
    assert_string_equal(err, "malformed percent-encoding in form body");
}


/* a missing CONTENT_TYPE or body may come as { NULL, 0 } */
static void
test_null_views(void **state)
{
    gw_multidict_t   form = { NULL, 0, 0 };
    gw_files_t       files = { NULL, 0, 0 };
    gw_str_t         none = gw_null_string;
    const char      *err;

    assert_int_equal(gw_parse_form(arena, none, str("a=1"), &form, &files,
                                   &err), GW_OK);
    assert_int_equal(gw_parse_form(arena,
                         str("application/x-www-form-urlencoded"), none,
                         &form, &files, &err), GW_OK);
    assert_int_equal(gw_parse_form(arena,
                         str("multipart/form-data; boundary=x"), none,
                         &form, &files, &err), GW_OK);
    assert_int_equal(form.n, 0);
    assert_int_equal(files.n, 0);
}


static void
test_multipart_needs_a_boundary(void **state)
{
    static const char  *types[] = {
        "multipart/form-data", "multipart/form-data; boundary=",
        "multipart/form-data; charset=utf-8", "multipart/form-data; "
        "boundary=\"\""
    };
    gw_multidict_t      form;
    gw_files_t          files;
    const char         *err;
    size_t              i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        memset(&form, 0, sizeof(form));
        memset(&files, 0, sizeof(files));
        err = NULL;
        assert_int_equal(gw_parse_form(arena, str(types[i]),
                                       str("--x\r\n"), &form, &files, &err),
                         GW_ERROR);
        assert_string_equal(err,
                            "multipart/form-data without a valid boundary");
    }
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urlencoded),
        cmocka_unit_test(test_content_type_parameters_and_case),
        cmocka_unit_test(test_other_types_leave_form_empty),
        cmocka_unit_test(test_bad_urlencoded_is_an_error),
        cmocka_unit_test(test_null_views),
        cmocka_unit_test(test_multipart_needs_a_boundary),
    };

    return cmocka_run_group_tests(tests, setup_arena, teardown_arena);
}
