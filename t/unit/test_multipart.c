/*
 * test_multipart.c: multipart/form-data bodies: fields, files, line breaks,
 * preamble and epilogue, and the errors.  Expectations were checked against
 * werkzeug 2.2's parse_form_data.
 */

#include "unit.h"


static gw_multidict_t   form;
static gw_files_t       files;
static const char      *err;


static int
parse(const char *ctype, const char *body, size_t len)
{
    gw_str_t  b = { body, len };

    memset(&form, 0, sizeof(form));
    memset(&files, 0, sizeof(files));
    err = NULL;
    return gw_parse_form(arena, str(ctype), b, &form, &files, &err);
}


#define PARSE(ctype, body)  parse(ctype, body, sizeof(body) - 1)


static void
test_fields_and_files(void **state)
{
    static const char  body[] =
        "preamble\r\n"
        "--XX\r\n"
        "Content-Disposition: form-data; name=\"a\"\r\n"
        "\r\n"
        "val\r\n"
        "--XX\r\n"
        "content-disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n"
        "Content-Type: text/plain\r\n"
        "\r\n"
        "line1\r\nline2\r\n\r\n"
        "--XX\r\n"
        "Content-Disposition: form-data; name=\"a\"\r\n"
        "\r\n"
        "second\r\n"
        "--XX--\r\n"
        "epilogue";

    assert_int_equal(PARSE("multipart/form-data; boundary=XX", body), GW_OK);

    assert_int_equal(form.n, 2);
    assert_gw_str(&form.items[0].key, "a");
    assert_gw_str(&form.items[0].value, "val");
    assert_gw_str(&form.items[1].value, "second");

    assert_int_equal(files.n, 1);
    assert_gw_str(&files.items[0].name, "f");
    assert_gw_str(&files.items[0].filename, "a.txt");
    assert_gw_str(&files.items[0].content_type, "text/plain");
    /* exactly the CRLF before the delimiter is dropped */
    assert_gw_str(&files.items[0].data, "line1\r\nline2\r\n");

    /* the data is a view into the body */
    assert_true(files.items[0].data.data > body);
    assert_true(files.items[0].data.data < body + sizeof(body));
    assert_true(form.items[0].value.data > body);
    assert_true(form.items[0].value.data < body + sizeof(body));
}


/* NULs, CRs and dashes in data; a lone CR is not a line break (werkzeug
 * would take "--b \r" for a delimiter), so "--b \r" stays data. */
static void
test_binary_data(void **state)
{
    static const char  body[] =
        "--b\r\n"
        "Content-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\n"
        "Content-Type: application/octet-stream\r\n"
        "\r\n"
        "\0\r\n--\r\n--b \r\x00\r"
        "\r\n--b--";

    assert_int_equal(PARSE("multipart/form-data; boundary=b", body), GW_OK);
    assert_int_equal(files.n, 1);
    assert_int_equal(files.items[0].data.len, 14);
    assert_memory_equal(files.items[0].data.data,
                        "\0\r\n--\r\n--b \r\x00\r", 14);
}


static void
test_lf_line_breaks_and_quoted_boundary(void **state)
{
    static const char  body[] =
        "--XX\n"
        "Content-Disposition: form-data; name=\"a\"\n"
        "\n"
        "v\n"
        "--XX--";

    assert_int_equal(PARSE("multipart/form-data; boundary=\"XX\"", body),
                     GW_OK);
    assert_int_equal(form.n, 1);
    assert_gw_str(gw_multidict_get(&form, "a"), "v");
}


static void
test_boundary_lookalikes_stay_in_data(void **state)
{
    static const char  body[] =
        "--XX\r\n"
        "Content-Disposition: form-data; name=\"a\"\r\n"
        "\r\n"
        "v--XX\r\n--XXy\r\n"
        "--XX--";

    assert_int_equal(PARSE("multipart/form-data; boundary=XX", body), GW_OK);
    assert_int_equal(form.n, 1);
    assert_gw_str(gw_multidict_get(&form, "a"), "v--XX\r\n--XXy");
}


static void
test_transport_padding(void **state)
{
    static const char  body[] =
        "--XX  \r\n"
        "Content-Disposition: form-data; name=\"a\"\r\n"
        "\r\n"
        "v\r\n"
        "--XX--";

    assert_int_equal(PARSE("multipart/form-data; boundary=XX", body), GW_OK);
    assert_gw_str(gw_multidict_get(&form, "a"), "v");
}


static void
test_filenames(void **state)
{
    static const char  empty[] =
        "--XX\r\n"
        "Content-Disposition: form-data; name=\"f\"; filename=\"\"\r\n"
        "\r\n"
        "\r\n"
        "--XX--\r\n";
    static const char  ext[] =
        "--XX\r\n"
        "Content-Disposition: form-data; name=\"f\"; filename=\"x.bin\"; "
        "filename*=UTF-8''%C3%A9%20a.txt\r\n"
        "\r\n"
        "abc\r\n"
        "--XX--";
    static const char  escaped[] =
        "--XX\r\n"
        "Content-Disposition: form-data; name=f; filename=\"a\\\"b;c.txt\"\r\n"
        "\r\n"
        "abc\r\n"
        "--XX--";

    /* an empty file input still is a file, with an empty name */
    assert_int_equal(PARSE("multipart/form-data; boundary=XX", empty), GW_OK);
    assert_int_equal(form.n, 0);
    assert_int_equal(files.n, 1);
    assert_gw_str(&files.items[0].filename, "");
    assert_gw_str(&files.items[0].data, "");
    assert_int_equal(files.items[0].content_type.len, 0);
    assert_non_null(files.items[0].content_type.data);

    /* filename* wins over filename */
    assert_int_equal(PARSE("multipart/form-data; boundary=XX", ext), GW_OK);
    assert_int_equal(files.n, 1);
    assert_gw_str(&files.items[0].filename, "\xc3\xa9 a.txt");
    assert_gw_str(&files.items[0].data, "abc");

    /* quoted-string escapes; an unquoted name */
    assert_int_equal(PARSE("multipart/form-data; boundary=XX", escaped),
                     GW_OK);
    assert_gw_str(&files.items[0].name, "f");
    assert_gw_str(&files.items[0].filename, "a\"b;c.txt");
}


static void
test_parts_without_name_are_skipped(void **state)
{
    static const char  body[] =
        "--XX\r\n"
        "Content-Type: text/plain\r\n"
        "\r\n"
        "orphan\r\n"
        "--XX\r\n"
        "Content-Disposition: form-data; name=\"b\"\r\n"
        "\r\n"
        "kept\r\n"
        "--XX--";

    assert_int_equal(PARSE("multipart/form-data; boundary=XX", body), GW_OK);
    assert_int_equal(form.n, 1);
    assert_gw_str(gw_multidict_get(&form, "b"), "kept");
}


static void
test_empty_body(void **state)
{
    assert_int_equal(parse("multipart/form-data; boundary=XX", "", 0),
                     GW_OK);
    assert_int_equal(form.n, 0);

    /* only the closing delimiter */
    assert_int_equal(PARSE("multipart/form-data; boundary=XX", "--XX--"),
                     GW_OK);
    assert_int_equal(form.n, 0);
    assert_int_equal(files.n, 0);
}


static void
test_errors(void **state)
{
    static const char  unclosed[] =
        "--XX\r\n"
        "Content-Disposition: form-data; name=\"a\"\r\n"
        "\r\n"
        "v\r\n"
        "--XX";
    static const char  no_close[] =
        "--XX\r\n"
        "Content-Disposition: form-data; name=\"a\"\r\n"
        "\r\n"
        "v";
    static const char  headers[] =
        "--XX\r\n"
        "Content-Disposition: form-data; name=\"a\"\r\n";

    assert_int_equal(PARSE("multipart/form-data; boundary=XX", unclosed),
                     GW_ERROR);
    assert_string_equal(err, "multipart body without a closing boundary");

    assert_int_equal(PARSE("multipart/form-data; boundary=XX", no_close),
                     GW_ERROR);
    assert_string_equal(err, "multipart body without a closing boundary");

    assert_int_equal(PARSE("multipart/form-data; boundary=XX", headers),
                     GW_ERROR);
    assert_string_equal(err, "multipart part with unterminated headers");

    assert_int_equal(PARSE("multipart/form-data; boundary=XX",
                           "no delimiter here"), GW_ERROR);
    assert_string_equal(err, "multipart body without a boundary line");

    /* a different boundary than the body's */
    assert_int_equal(PARSE("multipart/form-data; boundary=YY",
                           "--XX\r\n\r\nv\r\n--XX--"), GW_ERROR);
    assert_string_equal(err, "multipart body without a boundary line");
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_and_files),
        cmocka_unit_test(test_binary_data),
        cmocka_unit_test(test_lf_line_breaks_and_quoted_boundary),
        cmocka_unit_test(test_boundary_lookalikes_stay_in_data),
        cmocka_unit_test(test_transport_padding),
        cmocka_unit_test(test_filenames),
        cmocka_unit_test(test_parts_without_name_are_skipped),
        cmocka_unit_test(test_empty_body),
        cmocka_unit_test(test_errors),
    };

    return cmocka_run_group_tests(tests, setup_arena, teardown_arena);
}
