/*
 * test_urlmap.c: matching paths against the URL map: static and converter
 * segments, Werkzeug's priorities, methods (404, 405 with Allow, automatic
 * HEAD and OPTIONS), strict-slash and merged-slash redirects, view argument
 * types, and a 500-rule map.  Expectations were checked against werkzeug
 * 2.2's Map.bind().match().
 */

#include "unit.h"


/*
 * Match and describe the outcome as text: "OK endpoint {json args}",
 * "404", "405 GET, HEAD" or "308 /path/".
 */
static const char *
match(const char *method, const char *path)
{
    static char   out[1024];
    gw_match_t    m;
    gw_str_t      allow;
    char         *j;

    switch (gw_urlmap_match(map, arena, str(method), str(path), &m)) {
    case GW_MATCH_OK:
        assert_non_null(m.args);
        j = json_dumps(m.args, JSON_SORT_KEYS | JSON_COMPACT);
        snprintf(out, sizeof(out), "OK %s %s", m.endpoint, j);
        free(j);
        json_decref(m.args);
        break;
    case GW_MATCH_NOT_FOUND:
        assert_null(m.args);
        snprintf(out, sizeof(out), "404");
        break;
    case GW_MATCH_METHOD_NOT_ALLOWED:
        assert_null(m.args);
        allow = gw_methods_format(arena, m.allow);
        snprintf(out, sizeof(out), "405 %.*s", (int) allow.len, allow.data);
        break;
    case GW_MATCH_REDIRECT:
        assert_null(m.args);
        snprintf(out, sizeof(out), "308 %.*s", (int) m.redirect.len,
                 m.redirect.data);
        break;
    }
    return out;
}


static void
test_static_and_int(void **state)
{
    add("/", "index", 0);
    add("/notes/", "notes.list", GW_METHOD_GET);
    add("/notes/<int:id>", "notes.show", GW_METHOD_GET);
    add("/notes/<int:id>/edit", "notes.edit",
        GW_METHOD_GET | GW_METHOD_POST);

    assert_string_equal(match("GET", "/"), "OK index {}");
    assert_string_equal(match("GET", "/notes/"), "OK notes.list {}");
    assert_string_equal(match("GET", "/notes/42"),
                        "OK notes.show {\"id\":42}");
    assert_string_equal(match("GET", "/notes/007"),
                        "OK notes.show {\"id\":7}");
    assert_string_equal(match("POST", "/notes/42/edit"),
                        "OK notes.edit {\"id\":42}");
    assert_string_equal(match("GET", "/nothere"), "404");
    assert_string_equal(match("GET", "/notes/abc"), "404");
    /* int is unsigned unless signed=True, and never takes '+' */
    assert_string_equal(match("GET", "/notes/-1"), "404");
    assert_string_equal(match("GET", "/notes/+1"), "404");
    assert_string_equal(match("GET", "/notes/1.5"), "404");
    /* a segment too many or too few */
    assert_string_equal(match("GET", "/notes/42/edit/x"), "404");
    assert_string_equal(match("GET", "/notes/42/"), "404");
}


static void
test_methods(void **state)
{
    add("/notes/", "notes.list", GW_METHOD_GET);
    add("/notes/", "notes.create", GW_METHOD_POST);
    add("/notes/<int:id>", "notes.show", GW_METHOD_GET);
    add("/notes/<int:id>", "notes.update", GW_METHOD_PUT);
    add("/notes/<int:id>", "notes.delete", GW_METHOD_DELETE);
    add("/q/<a>", "qa", GW_METHOD_POST);
    add("/q/<int:b>", "qb", GW_METHOD_GET);

    assert_string_equal(match("GET", "/notes/"), "OK notes.list {}");
    assert_string_equal(match("POST", "/notes/"), "OK notes.create {}");
    /* HEAD wherever GET is */
    assert_string_equal(match("HEAD", "/notes/"), "OK notes.list {}");
    /* the method is matched case-insensitively, as Werkzeug upper-cases */
    assert_string_equal(match("post", "/notes/"), "OK notes.create {}");
    assert_string_equal(match("PUT", "/notes/7"),
                        "OK notes.update {\"id\":7}");
    assert_string_equal(match("DELETE", "/notes/7"),
                        "OK notes.delete {\"id\":7}");

    /* 405 with the union of the path's rules, HEAD and OPTIONS included */
    assert_string_equal(match("DELETE", "/notes/"),
                        "405 GET, HEAD, POST, OPTIONS");
    assert_string_equal(match("PATCH", "/notes/7"),
                        "405 GET, HEAD, PUT, DELETE, OPTIONS");
    assert_string_equal(match("TRACE", "/notes/7"),
                        "405 GET, HEAD, PUT, DELETE, OPTIONS");

    /* a converter's rule that takes the method wins over an earlier one
     * that does not */
    assert_string_equal(match("GET", "/q/5"), "OK qb {\"b\":5}");
    assert_string_equal(match("POST", "/q/5"), "OK qa {\"a\":\"5\"}");
    assert_string_equal(match("PUT", "/q/5"), "405 GET, HEAD, POST, OPTIONS");
    assert_string_equal(match("GET", "/q/x"), "405 POST, OPTIONS");
}


static void
test_options_allow(void **state)
{
    gw_match_t  m;

    add("/notes/", "notes.list", GW_METHOD_GET);
    add("/notes/", "notes.create", GW_METHOD_POST);
    add("/only-post", "p", GW_METHOD_POST);

    /* OPTIONS matches the first rule and reports every allowed method */
    assert_int_equal(gw_urlmap_match(map, arena, str("OPTIONS"),
                                     str("/notes/"), &m), GW_MATCH_OK);
    assert_string_equal(m.endpoint, "notes.list");
    assert_ptr_equal(m.data, &map);
    assert_int_equal(m.allow, GW_METHOD_GET | GW_METHOD_HEAD | GW_METHOD_POST
                              | GW_METHOD_OPTIONS);
    json_decref(m.args);

    /* a plain match reports the matched rule's methods */
    assert_int_equal(gw_urlmap_match(map, arena, str("POST"),
                                     str("/only-post"), &m), GW_MATCH_OK);
    assert_int_equal(m.allow, GW_METHOD_POST | GW_METHOD_OPTIONS);
    assert_string_equal(m.rule, "/only-post");
    json_decref(m.args);

    assert_int_equal(gw_urlmap_match(map, arena, str("GET"),
                                     str("/only-post"), &m),
                     GW_MATCH_METHOD_NOT_ALLOWED);
    assert_int_equal(m.allow, GW_METHOD_POST | GW_METHOD_OPTIONS);
    assert_null(m.args);

    assert_string_equal(match("OPTIONS", "/nothere"), "404");
}


static void
test_strict_slashes(void **state)
{
    add("/notes/", "notes.list", GW_METHOD_GET);
    add("/notes/", "notes.create", GW_METHOD_POST);
    add("/x", "x", 0);
    add("/k/<a>/", "ka", 0);

    assert_string_equal(match("GET", "/notes"), "308 /notes/");
    assert_string_equal(match("POST", "/notes"), "308 /notes/");
    /* no rule with the slash takes DELETE: 404, as Werkzeug */
    assert_string_equal(match("DELETE", "/notes"), "404");
    /* a rule without the slash does not match with it */
    assert_string_equal(match("GET", "/x/"), "404");
    assert_string_equal(match("GET", "/k/a"), "308 /k/a/");
    /* the redirect path is decoded, as PATH_INFO is */
    assert_string_equal(match("GET", "/k/a%20b"), "308 /k/a%20b/");
    assert_string_equal(match("GET", "/k/a b"), "308 /k/a b/");
    /* an empty PATH_INFO asks for the root */
    add("/", "index", 0);
    assert_string_equal(match("GET", ""), "308 /");
}


static void
test_merged_slashes(void **state)
{
    add("/", "index", 0);
    add("/notes/", "notes.list", 0);
    add("/notes/<int:id>", "notes.show", 0);
    add("/notes/<int:id>/edit", "notes.edit", 0);

    /* leading slashes are dropped, inner doubled ones redirect */
    assert_string_equal(match("GET", "//notes/42"),
                        "OK notes.show {\"id\":42}");
    assert_string_equal(match("GET", "///"), "OK index {}");
    assert_string_equal(match("GET", "/notes//42"), "308 /notes/42");
    assert_string_equal(match("GET", "/notes/42//edit"), "308 /notes/42/edit");
    assert_string_equal(match("GET", "/notes//"), "308 /notes/");
    /* Werkzeug merges pairs: three slashes become two, no match */
    assert_string_equal(match("GET", "/notes///42"), "404");
}


static void
test_converters(void **state)
{
    add("/u/<uuid:u>", "uuid", 0);
    add("/f/<float:x>", "flt", 0);
    add("/s/<float(signed=True):x>", "sflt", 0);
    add("/i/<int(signed=True):x>", "sint", 0);
    add("/a/<any(about,help,'c d'):page>", "any", 0);
    add("/files/<path:p>", "files", 0);
    add("/files/<path:p>/raw", "files.raw", 0);

    /* any case in, the canonical lowercase form out */
    assert_string_equal(match("GET", "/u/A0000000-0000-0000-0000-0000000000FF"),
        "OK uuid {\"u\":\"a0000000-0000-0000-0000-0000000000ff\"}");
    assert_string_equal(match("GET", "/u/a0000000-0000-0000-0000-000000000"
                              "0f"), "404");
    assert_string_equal(match("GET", "/u/a0000000-0000-0000-0000-000000000"
                              "0fff"), "404");
    assert_string_equal(match("GET", "/u/g0000000-0000-0000-0000-000000000"
                              "0ff"), "404");
    assert_string_equal(match("GET", "/u/a00000000000-0000-0000-000000000"
                              "0ff"), "404");

    assert_string_equal(match("GET", "/f/1.5"), "OK flt {\"x\":1.5}");
    assert_string_equal(match("GET", "/f/1.50"), "OK flt {\"x\":1.5}");
    /* a float needs its dot */
    assert_string_equal(match("GET", "/f/1"), "404");
    assert_string_equal(match("GET", "/f/.5"), "404");
    assert_string_equal(match("GET", "/f/1."), "404");
    assert_string_equal(match("GET", "/f/-1.5"), "404");
    assert_string_equal(match("GET", "/s/-1.5"), "OK sflt {\"x\":-1.5}");
    assert_string_equal(match("GET", "/i/-3"), "OK sint {\"x\":-3}");
    assert_string_equal(match("GET", "/i/3"), "OK sint {\"x\":3}");
    assert_string_equal(match("GET", "/i/--3"), "404");

    assert_string_equal(match("GET", "/a/about"),
                        "OK any {\"page\":\"about\"}");
    assert_string_equal(match("GET", "/a/c d"), "OK any {\"page\":\"c d\"}");
    assert_string_equal(match("GET", "/a/other"), "404");
    assert_string_equal(match("GET", "/a/abou"), "404");

    /* path takes slashes, trailing one included, but never starts with
     * one; and it matches as little as it can */
    assert_string_equal(match("GET", "/files/a/b/c"),
                        "OK files {\"p\":\"a/b/c\"}");
    assert_string_equal(match("GET", "/files/a/b/c/"),
                        "OK files {\"p\":\"a/b/c/\"}");
    assert_string_equal(match("GET", "/files/"), "404");
    assert_string_equal(match("GET", "/files/a/raw"),
                        "OK files.raw {\"p\":\"a\"}");
    assert_string_equal(match("GET", "/files/a/b/raw"),
                        "OK files.raw {\"p\":\"a/b\"}");
    assert_string_equal(match("GET", "/files/raw"),
                        "OK files {\"p\":\"raw\"}");
}


static void
test_view_arg_types(void **state)
{
    gw_match_t  m;
    json_t     *v;

    add("/t/<int:i>/<float:f>/<s>/<path:p>", "t", 0);

    assert_int_equal(gw_urlmap_match(map, arena, str("GET"),
                                     str("/t/12/2.25/x y/a/b"), &m),
                     GW_MATCH_OK);
    assert_int_equal(json_object_size(m.args), 4);

    v = json_object_get(m.args, "i");
    assert_true(json_is_integer(v));
    assert_int_equal(json_integer_value(v), 12);

    v = json_object_get(m.args, "f");
    assert_true(json_is_real(v));
    assert_true(json_real_value(v) == 2.25);

    v = json_object_get(m.args, "s");
    assert_true(json_is_string(v));
    assert_string_equal(json_string_value(v), "x y");

    v = json_object_get(m.args, "p");
    assert_string_equal(json_string_value(v), "a/b");

    json_decref(m.args);
}


static void
test_invalid_utf8_becomes_replacement(void **state)
{
    gw_match_t  m;

    add("/s/<s>", "s", 0);

    assert_int_equal(gw_urlmap_match(map, arena, str("GET"),
                                     str("/s/a\xff" "b\xc3\xa9"), &m),
                     GW_MATCH_OK);
    assert_string_equal(json_string_value(json_object_get(m.args, "s")),
                        "a\xef\xbf\xbd" "b\xc3\xa9");
    json_decref(m.args);
}


static void
test_priorities(void **state)
{
    add("/page/<int:n>.json", "pjson", 0);
    add("/page/<name>.<ext>", "pext", 0);
    add("/page/<name>", "pname", 0);
    add("/page/static", "pstatic", 0);
    add("/m/<a>-<b>", "multi", 0);
    add("/y/<int(max=5):a>", "ya", 0);
    add("/y/<string:b>", "yb", 0);
    add("/z/<path:p>/<int:n>/end", "z", 0);

    /* static first, then more static text, then numbers before strings */
    assert_string_equal(match("GET", "/page/static"), "OK pstatic {}");
    assert_string_equal(match("GET", "/page/3.json"),
                        "OK pjson {\"n\":3}");
    assert_string_equal(match("GET", "/page/abc.json"),
                        "OK pext {\"ext\":\"json\",\"name\":\"abc\"}");
    /* greedy like the regex: the last dot splits */
    assert_string_equal(match("GET", "/page/a.b.c"),
                        "OK pext {\"ext\":\"c\",\"name\":\"a.b\"}");
    assert_string_equal(match("GET", "/page/abc"),
                        "OK pname {\"name\":\"abc\"}");
    assert_string_equal(match("GET", "/m/a-b-c"),
                        "OK multi {\"a\":\"a-b\",\"b\":\"c\"}");
    assert_string_equal(match("GET", "/m/ab"), "404");

    /* int(max=5) takes "7" as a number, then fails validation: Werkzeug
     * does not go back to try the string rule */
    assert_string_equal(match("GET", "/y/3"), "OK ya {\"a\":3}");
    assert_string_equal(match("GET", "/y/7"), "404");
    assert_string_equal(match("GET", "/y/abc"), "OK yb {\"b\":\"abc\"}");

    assert_string_equal(match("GET", "/z/a/3/b/3/end"),
                        "OK z {\"n\":3,\"p\":\"a/3/b\"}");
    assert_string_equal(match("GET", "/z/3/end"), "404");
}


/* Several converters in one segment backtrack like a regex; a path made to
 * defeat them must still be answered quickly (the search remembers the
 * positions that already failed). */
static void
test_backtracking_is_bounded(void **state)
{
    char    *path;
    size_t   i, n;

    add("/s/<a>-<b>-<c>-<d>.json", "slug", 0);

    n = 1000;
    path = malloc(3 + 2 * n + 2);
    assert_non_null(path);
    memcpy(path, "/s/", 3);
    for (i = 0; i < n; i++) {
        memcpy(path + 3 + 2 * i, "x-", 2);
    }
    memcpy(path + 3 + 2 * n, "x", 2);

    assert_string_equal(match("GET", path), "404");

    assert_string_equal(match("GET", "/s/a-b-c-d-e.json"),
                        "OK slug {\"a\":\"a-b\",\"b\":\"c\",\"c\":\"d\","
                        "\"d\":\"e\"}");
    free(path);
}


static void
test_500_rules(void **state)
{
    char        rule[64], path[64], expect[128], ep[32];
    gw_match_t  m;
    int         i;

    for (i = 0; i < 500; i++) {
        snprintf(rule, sizeof(rule), "/r%d/<int:id>", i);
        snprintf(ep, sizeof(ep), "e%d", i);
        add(rule, ep, i % 2 ? GW_METHOD_POST : GW_METHOD_GET);
        snprintf(rule, sizeof(rule), "/s/%d/<name>/", i);
        add(rule, ep, GW_METHOD_GET);
    }

    for (i = 499; i >= 0; i--) {
        snprintf(path, sizeof(path), "/r%d/%d", i, i * 7);
        snprintf(expect, sizeof(expect), "OK e%d {\"id\":%d}", i, i * 7);
        assert_string_equal(match(i % 2 ? "POST" : "GET", path), expect);
        assert_string_equal(match(i % 2 ? "GET" : "POST", path),
                            i % 2 ? "405 POST, OPTIONS"
                                  : "405 GET, HEAD, OPTIONS");

        snprintf(path, sizeof(path), "/s/%d/n%d/", i, i);
        snprintf(expect, sizeof(expect), "OK e%d {\"name\":\"n%d\"}", i, i);
        assert_string_equal(match("GET", path), expect);

        snprintf(path, sizeof(path), "/s/%d/n%d", i, i);
        snprintf(expect, sizeof(expect), "308 /s/%d/n%d/", i, i);
        assert_string_equal(match("GET", path), expect);
    }

    assert_string_equal(match("GET", "/r500/1"), "404");
    assert_string_equal(match("GET", "/r/1"), "404");
    assert_string_equal(match("GET", "/s/500/x/"), "404");

    assert_int_equal(gw_urlmap_match(map, arena, str("GET"), str("/r250/5"),
                                     &m), GW_MATCH_OK);
    assert_string_equal(m.endpoint, "e250");
    assert_string_equal(m.rule, "/r250/<int:id>");
    json_decref(m.args);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        map_unit_test(test_static_and_int),
        map_unit_test(test_methods),
        map_unit_test(test_options_allow),
        map_unit_test(test_strict_slashes),
        map_unit_test(test_merged_slashes),
        map_unit_test(test_converters),
        map_unit_test(test_view_arg_types),
        map_unit_test(test_invalid_utf8_becomes_replacement),
        map_unit_test(test_priorities),
        map_unit_test(test_backtracking_is_bounded),
        map_unit_test(test_500_rules),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
