/*
 * test_urlfor.c: building URLs by endpoint (url_for): converters filled in
 * and percent-encoded, other values in the query string, rule choice and
 * errors.  Expected URLs were produced by werkzeug 2.2's MapAdapter.build.
 */

#include "unit.h"

static char          err[512];


/* Build with values given as JSON text; the URL, or "ERR message". */
static const char *
build(const char *endpoint, const char *values)
{
    static char   out[1024];
    json_error_t  je;
    json_t       *v;
    gw_str_t      url;
    int           rc;

    v = NULL;
    if (values != NULL) {
        v = json_loads(values, 0, &je);
        assert_non_null(v);
    }

    err[0] = '\0';
    rc = gw_urlmap_build(map, arena, endpoint, v, &url, err, sizeof(err));
    json_decref(v);

    if (rc != GW_OK) {
        snprintf(out, sizeof(out), "ERR %s", err);
    } else {
        assert_int_equal(strlen(url.data), url.len);
        snprintf(out, sizeof(out), "%s", url.data);
    }
    return out;
}


static int
setup(void **state)
{
    if (setup_map(state) != 0) {
        return 1;
    }

    add("/", "index", 0);
    add("/notes/", "notes.list", 0);
    add("/notes/<int:id>", "notes.show", 0);
    add("/files/<path:p>", "files", 0);
    add("/s/<s>", "str", 0);
    add("/a/<any(x,'y z'):a>", "any", 0);
    add("/fx/<int(fixed_digits=4):n>", "fixed", 0);
    add("/f/<float:x>", "flt", 0);
    add("/u/<uuid:u>", "uuid", 0);
    add("/page/<name>.<ext>", "page", 0);
    add("/a b/<x>", "space", 0);
    add("/v/<int:a>", "v", 0);
    add("/v/<int:a>/<int:b>", "v", 0);
    add("/<path:p>", "root", 0);
    add("/<a>/<b>", "two", 0);
    return 0;
}


static void
test_simple(void **state)
{
    assert_string_equal(build("index", NULL), "/");
    assert_string_equal(build("index", "{}"), "/");
    assert_string_equal(build("notes.list", NULL), "/notes/");
    assert_string_equal(build("notes.show", "{\"id\": 5}"), "/notes/5");
    assert_string_equal(build("page", "{\"name\": \"a\", \"ext\": \"json\"}"),
                        "/page/a.json");
}


static void
test_query_string(void **state)
{
    /* in the order given; arrays repeat the key; null is left out;
     * booleans print as Python does */
    assert_string_equal(build("notes.show", "{\"id\": 5, \"q\": \"a b&c\", "
                              "\"z\": [1, 2], \"t\": true, \"f\": 1.5, "
                              "\"n\": null}"),
                        "/notes/5?q=a+b%26c&z=1&z=2&t=True&f=1.5");
    assert_string_equal(build("notes.list", "{\"page\": 2}"),
                        "/notes/?page=2");
    assert_string_equal(build("index", "{\"k\": \"~!*'();:@&=+$,/?#[]%\"}"),
                        "/?k=~!*'();%3A%40%26%3D%2B$,%2F%3F%23%5B%5D%25");
    assert_string_equal(build("index", "{\"k\": [], \"j\": [null, 1.0]}"),
                        "/?j=1.0");
    assert_string_equal(build("index", "{\"a b\": \"\xc3\xa9\"}"),
                        "/?a+b=%C3%A9");
}


static void
test_encoding(void **state)
{
    assert_string_equal(build("files", "{\"p\": \"a b/c%d?\xc3\xa9\"}"),
                        "/files/a%20b/c%25d%3F%C3%A9");
    assert_string_equal(build("str", "{\"s\": \"\xc3\xa9~!*'()\"}"),
                        "/s/%C3%A9~!*'()");
    assert_string_equal(build("space", "{\"x\": \"\xc3\xa9\"}"),
                        "/a%20b/%C3%A9");
    /* values that are not strings print as Python's str() would */
    assert_string_equal(build("str", "{\"s\": 12}"), "/s/12");
    assert_string_equal(build("str", "{\"s\": false}"), "/s/False");
}


/* Never "//host": Werkzeug builds "/" + path.lstrip("/") (issue 12,
 * finding 9); expectations from Flask 2.2's url_for. */
static void
test_no_protocol_relative(void **state)
{
    assert_string_equal(build("root", "{\"p\": \"/evil.example\"}"),
                        "/evil.example");
    assert_string_equal(build("root", "{\"p\": \"//evil.example/x\"}"),
                        "/evil.example/x");
    assert_string_equal(build("root", "{\"p\": \"/\", \"q\": \"/x\"}"),
                        "/?q=%2Fx");
    assert_string_equal(build("two", "{\"a\": \"\", \"b\": \"x\"}"),
                        "/x");
    assert_string_equal(build("two", "{\"a\": \"/x\", \"b\": \"y\"}"),
                        "/x/y");
    /* slashes after the first segment are the value's own */
    assert_string_equal(build("files", "{\"p\": \"/x\"}"), "/files//x");
}


static void
test_numbers(void **state)
{
    assert_string_equal(build("notes.show", "{\"id\": \"12\"}"), "/notes/12");
    assert_string_equal(build("fixed", "{\"n\": 7}"), "/fx/0007");
    assert_string_equal(build("fixed", "{\"n\": -7}"), "/fx/-007");
    assert_string_equal(build("fixed", "{\"n\": 123456}"), "/fx/123456");
    assert_string_equal(build("flt", "{\"x\": 2}"), "/f/2.0");
    assert_string_equal(build("flt", "{\"x\": 1e20}"), "/f/1e+20");
    assert_string_equal(build("flt", "{\"x\": 1e15}"),
                        "/f/1000000000000000.0");
    assert_string_equal(build("flt", "{\"x\": 0.0001}"), "/f/0.0001");
    assert_string_equal(build("flt", "{\"x\": 1e-5}"), "/f/1e-05");
    assert_string_equal(build("flt", "{\"x\": 0.1}"), "/f/0.1");
    assert_string_equal(build("flt", "{\"x\": 123456789.125}"),
                        "/f/123456789.125");
    assert_string_equal(build("flt", "{\"x\": -2.5}"), "/f/-2.5");
}


static void
test_uuid_and_any(void **state)
{
    assert_string_equal(build("uuid", "{\"u\": "
                              "\"a0000000-0000-0000-0000-0000000000ff\"}"),
                        "/u/a0000000-0000-0000-0000-0000000000ff");
    assert_string_equal(build("any", "{\"a\": \"x\"}"), "/a/x");
    /* Werkzeug leaves the space raw; a URL must not hold one */
    assert_string_equal(build("any", "{\"a\": \"y z\"}"), "/a/y%20z");
}


static void
test_rule_choice(void **state)
{
    /* the rule using the most given values wins, the rest is query */
    assert_string_equal(build("v", "{\"a\": 1, \"b\": 2}"), "/v/1/2");
    assert_string_equal(build("v", "{\"a\": 1}"), "/v/1");
    assert_string_equal(build("v", "{\"a\": 1, \"b\": null}"), "/v/1");
    assert_string_equal(build("v", "{\"a\": 1, \"c\": 3}"), "/v/1?c=3");
}


static void
test_errors(void **state)
{
    assert_string_equal(build("notes.show", "{}"),
                        "ERR could not build url for endpoint 'notes.show': "
                        "missing value for 'id'");
    assert_string_equal(build("notes.show", "{\"id\": null}"),
                        "ERR could not build url for endpoint 'notes.show': "
                        "missing value for 'id'");
    assert_string_equal(build("v", "{\"b\": 1}"),
                        "ERR could not build url for endpoint 'v': "
                        "missing value for 'a'");
    assert_string_equal(build("nope", "{}"),
                        "ERR could not build url for endpoint 'nope': "
                        "no such endpoint");
    assert_string_equal(build("notes.show", "{\"id\": \"x\"}"),
                        "ERR could not build url for endpoint 'notes.show': "
                        "value for 'id' is not an integer");
    assert_string_equal(build("flt", "{\"x\": \"abc\"}"),
                        "ERR could not build url for endpoint 'flt': "
                        "value for 'x' is not a number");
    assert_string_equal(build("any", "{\"a\": \"q\"}"),
                        "ERR could not build url for endpoint 'any': "
                        "value for 'a' is not one of the any() items");
    assert_string_equal(build("str", "{\"s\": [1]}"),
                        "ERR could not build url for endpoint 'str': "
                        "value for 's' cannot go in a URL");
    assert_string_equal(build("index", "{\"k\": {\"a\": 1}}"),
                        "ERR could not build url for endpoint 'index': "
                        "value for 'k' cannot go in a query string");
    assert_string_equal(build("index", "[1]"),
                        "ERR could not build url for endpoint 'index': "
                        "values must be an object");
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple),
        cmocka_unit_test(test_query_string),
        cmocka_unit_test(test_encoding),
        cmocka_unit_test(test_no_protocol_relative),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_uuid_and_any),
        cmocka_unit_test(test_rule_choice),
        cmocka_unit_test(test_errors),
    };

    return cmocka_run_group_tests(tests, setup, teardown_map);
}
