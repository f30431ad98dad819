/*
 * test_rules.c: rule syntax (errors reported at add time, naming the rule)
 * and converter arguments as Werkzeug defines them.
 */

#include "unit.h"


static void
assert_rule_error(const char *rule, const char *expect)
{
    char  err[512];

    err[0] = '\0';
    assert_int_equal(gw_urlmap_add(map, rule, "e", 0, NULL, err, sizeof(err)),
                     GW_ERROR);
    assert_string_equal(err, expect);
}


/* The view args of a match as compact JSON, or "404" / "405" / "308". */
static const char *
args(const char *path)
{
    static char   out[512];
    gw_match_t    m;
    char         *j;

    switch (gw_urlmap_match(map, arena, str("GET"), str(path), &m)) {
    case GW_MATCH_OK:
        j = json_dumps(m.args, JSON_SORT_KEYS | JSON_COMPACT);
        snprintf(out, sizeof(out), "%s", j);
        free(j);
        json_decref(m.args);
        return out;
    case GW_MATCH_NOT_FOUND:
        return "404";
    case GW_MATCH_METHOD_NOT_ALLOWED:
        return "405";
    default:
        return "308";
    }
}


static void
test_syntax_errors(void **state)
{
    assert_rule_error("/x/<int:id", "rule '/x/<int:id': unterminated variable");
    assert_rule_error("x", "rule 'x': must start with '/'");
    assert_rule_error("", "rule '': must start with '/'");
    assert_rule_error("/a/<bad:y>", "rule '/a/<bad:y>': unknown converter "
                      "'bad'");
    assert_rule_error("/a/<int:id>/<id>", "rule '/a/<int:id>/<id>': "
                      "duplicate variable 'id'");
    assert_rule_error("/a/<1x>", "rule '/a/<1x>': malformed variable "
                      "'<1x>'");
    assert_rule_error("/a/<>", "rule '/a/<>': malformed variable '<>'");
    assert_rule_error("/a/<a-b>", "rule '/a/<a-b>': malformed variable "
                      "'<a-b>'");
    assert_rule_error("/a/<int(min=1:id>", "rule '/a/<int(min=1:id>': "
                      "malformed variable '<int(min=1:id>'");

    /* nothing was added by the failures */
    assert_string_equal(args("/a/1"), "404");
}


static void
test_argument_errors(void **state)
{
    assert_rule_error("/a/<int(min=x):id>", "rule '/a/<int(min=x):id>': "
                      "converter argument 'min' must be a number");
    assert_rule_error("/a/<int(foo=1):id>", "rule '/a/<int(foo=1):id>': "
                      "unexpected converter argument 'foo'");
    assert_rule_error("/a/<int(min=1, min=2):p>",
                      "rule '/a/<int(min=1, min=2):p>': converter argument "
                      "'min' given twice");
    assert_rule_error("/a/<int(1,2,3,4,5):p>", "rule '/a/<int(1,2,3,4,5):p>'"
                      ": too many converter arguments");
    assert_rule_error("/a/<any():x>", "rule '/a/<any():x>': converter 'any' "
                      "needs at least one item");
    assert_rule_error("/a/<any(a,'b):p>", "rule '/a/<any(a,'b):p>': invalid "
                      "converter argument ''b'");
    assert_rule_error("/a/<path(1):p>", "rule '/a/<path(1):p>': converter "
                      "'path' takes no arguments");
    assert_rule_error("/a/<string(length=-1):s>",
                      "rule '/a/<string(length=-1):s>': converter argument "
                      "'length' must be a non-negative integer");
    assert_rule_error("/a/<string(minlength=3,maxlength=2):s>",
                      "rule '/a/<string(minlength=3,maxlength=2):s>': "
                      "minlength is greater than maxlength");
    assert_rule_error("/a/<int(signed=1.5):s>", "rule '/a/<int(signed=1.5):s>"
                      "': converter argument 'signed' must be True or False");
}


static void
test_too_many_variables(void **state)
{
    char  rule[512], expect[600];
    int   i, n;

    n = 0;
    for (i = 0; i < 33; i++) {
        n += snprintf(rule + n, sizeof(rule) - n, "/<v%d>", i);
    }
    snprintf(expect, sizeof(expect), "rule '%s': more than 32 variables",
             rule);
    assert_rule_error(rule, expect);
}


static void
test_int_arguments(void **state)
{
    add("/r/<int(min=1,max=10):n>", "range", 0);
    add("/f/<int(fixed_digits=4):n>", "fixed", 0);
    add("/s/<int(signed=True, fixed_digits=3, min=-5, max=5):n>", "signed",
        0);

    assert_string_equal(args("/r/1"), "{\"n\":1}");
    assert_string_equal(args("/r/10"), "{\"n\":10}");
    assert_string_equal(args("/r/0"), "404");
    assert_string_equal(args("/r/11"), "404");
    assert_string_equal(args("/r/99999999999999999999999"), "404");

    assert_string_equal(args("/f/0042"), "{\"n\":42}");
    assert_string_equal(args("/f/42"), "404");
    assert_string_equal(args("/f/00042"), "404");

    assert_string_equal(args("/s/-05"), "{\"n\":-5}");
    assert_string_equal(args("/s/005"), "{\"n\":5}");
    assert_string_equal(args("/s/-06"), "404");
    assert_string_equal(args("/s/-5"), "404");
}


static void
test_float_arguments(void **state)
{
    add("/f/<float(min=0.5,max=2):f>", "f", 0);
    add("/s/<float(signed=True):f>", "s", 0);

    assert_string_equal(args("/f/0.5"), "{\"f\":0.5}");
    assert_string_equal(args("/f/2.0"), "{\"f\":2.0}");
    assert_string_equal(args("/f/0.25"), "404");
    assert_string_equal(args("/f/2.5"), "404");
    assert_string_equal(args("/s/-0.5"), "{\"f\":-0.5}");
    assert_string_equal(args("/s/-1"), "404");
}


static void
test_string_arguments(void **state)
{
    add("/l/<string(length=2):lang>", "lang", 0);
    add("/w/<string(minlength=3,maxlength=4):w>", "word", 0);
    add("/p/<string(2,3):s>", "positional", 0);

    assert_string_equal(args("/l/en"), "{\"lang\":\"en\"}");
    assert_string_equal(args("/l/eng"), "404");
    assert_string_equal(args("/l/e"), "404");
    /* lengths count characters, not bytes */
    assert_string_equal(args("/l/\xc3\xa9\xc3\xa9"),
                        "{\"lang\":\"\xc3\xa9\xc3\xa9\"}");
    assert_string_equal(args("/w/ab"), "404");
    assert_string_equal(args("/w/abc"), "{\"w\":\"abc\"}");
    assert_string_equal(args("/w/abcd"), "{\"w\":\"abcd\"}");
    assert_string_equal(args("/w/abcde"), "404");
    assert_string_equal(args("/p/a"), "404");
    assert_string_equal(args("/p/abc"), "{\"s\":\"abc\"}");
}


static void
test_any_arguments(void **state)
{
    add("/a/<any(a, \"b,c\", 'd e'):p>", "any", 0);
    add("/b/<any(x,xy):p>z", "prefix", 0);

    assert_string_equal(args("/a/a"), "{\"p\":\"a\"}");
    assert_string_equal(args("/a/b,c"), "{\"p\":\"b,c\"}");
    assert_string_equal(args("/a/d e"), "{\"p\":\"d e\"}");
    assert_string_equal(args("/a/b"), "404");
    assert_string_equal(args("/a/'d e'"), "404");
    /* alternatives are tried in order, like the regex */
    assert_string_equal(args("/b/xyz"), "{\"p\":\"xy\"}");
    assert_string_equal(args("/b/xz"), "{\"p\":\"x\"}");
}


static void
test_rule_forms(void **state)
{
    /* a default converter, text around variables, doubled slashes merged */
    add("/d/<name>", "default", 0);
    add("/t/v<int:n>.<ext>", "text", 0);
    add("/m//n", "merged", 0);
    add("/p/<path:p>/<int:n>", "pathint", 0);

    assert_string_equal(args("/d/x"), "{\"name\":\"x\"}");
    assert_string_equal(args("/d/x/y"), "404");
    assert_string_equal(args("/t/v3.tar.gz"), "{\"ext\":\"tar.gz\",\"n\":3}");
    assert_string_equal(args("/t/3.json"), "404");
    assert_string_equal(args("/m/n"), "{}");
    assert_string_equal(args("/m//n"), "308");
    assert_string_equal(args("/p/a/b/7"), "{\"n\":7,\"p\":\"a/b\"}");
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        map_unit_test(test_syntax_errors),
        map_unit_test(test_argument_errors),
        map_unit_test(test_too_many_variables),
        map_unit_test(test_int_arguments),
        map_unit_test(test_float_arguments),
        map_unit_test(test_string_arguments),
        map_unit_test(test_any_arguments),
        map_unit_test(test_rule_forms),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
