/*
 * test_template_render.c: core rendering semantics, each result checked
 * against what Jinja2 3.1 prints for the same template and context.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "gateway.h"


static gw_tmpl_env_t  *env;


static void
add(const char *name, const char *src)
{
    char  err[512];

    if (gw_tmpl_env_add_string(env, name, src, strlen(src), err, sizeof(err))
        != GW_OK)
    {
        fail_msg("%s", err);
    }
}


static void
assert_named(const char *name, const char *ctx, const char *want)
{
    gw_arena_t  *a;
    gw_buf_t     out;
    json_t      *c = NULL;
    char         err[512];

    a = gw_arena_create(4096);
    assert_non_null(a);
    if (ctx != NULL) {
        c = json_loads(ctx, 0, NULL);
        assert_non_null(c);
    }
    gw_buf_init(&out, a, 64);
    if (gw_tmpl_render(env, name, c, NULL, a, &out, err, sizeof(err))
        != GW_OK)
    {
        fail_msg("%s", err);
    }
    assert_int_equal(out.len, strlen(want));
    assert_memory_equal(out.data, want, out.len);
    json_decref(c);
    gw_arena_destroy(a);
}


/* Render src as a .txt (no autoescape) or .html template. */
static void
check(const char *ext, const char *src, const char *ctx, const char *want)
{
    char  name[32];

    snprintf(name, sizeof(name), "t.%s", ext);
    add(name, src);
    assert_named(name, ctx, want);
}


static void
test_text_and_whitespace(void **state)
{
    check("txt", "a\nb\n", NULL, "a\nb");
    check("txt", "a\n\n", NULL, "a\n");
    check("txt", "  {%- if 1 -%}  x  {%- endif %}\n y", NULL, "x\n y");
    check("txt", "{# c #}a {#- c -#} b", NULL, "ab");
    check("txt", "{% raw %}{{ x }}{% endraw %}", NULL, "{{ x }}");
    check("txt", "a\r\nb", NULL, "a\nb");
}


static void
test_printing(void **state)
{
    check("txt", "{{ 1/3 }} {{ 2.0 }} {{ 1e20 }} {{ 10/4 }} {{ 0.1 + 0.2 }}",
          NULL, "0.3333333333333333 2.0 1e+20 2.5 0.30000000000000004");
    check("txt", "{{ [1, 'a', \"it's\", none, true] }} {{ (1,) }} "
          "{{ {'k': [1.5]} }}", NULL,
          "[1, 'a', \"it's\", None, True] (1,) {'k': [1.5]}");
    check("txt", "{{ x }}|{{ y }}", "{\"x\": null, \"y\": false}",
          "None|False");
    check("txt", "[{{ missing }}]", "{}", "[]");
}


static void
test_expressions(void **state)
{
    check("txt", "{{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }} "
          "{{ -2 ** 2 }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }}", NULL,
          "3 -4 2 1024 4 True False");
    check("txt", "{{ 'a' ~ 1 ~ none }} {{ 'ab' * 2 }} {{ [1] + [2] }} "
          "{{ 'b' in 'abc' }} {{ 3 not in [1, 2] }}", NULL,
          "a1None abab [1, 2] True True");
    check("txt", "{{ x.y[1] }} {{ x['y'][-1] }} {{ x.y[1:] }} "
          "{{ 'hello'[::-1] }}",
          "{\"x\": {\"y\": [1, 2, 3]}}", "2 3 [2, 3] olleh");
    check("txt", "{{ 'y' if a else 'n' }} {{ a or 'd' }} {{ b and 1 }}",
          "{\"a\": 0, \"b\": []}", "n d []");
}


/* A literal past 64 bits is an exact integer, as Python's, never a
 * wrapped one or a float. */
static void
test_big_literals(void **state)
{
    char  src[600], want[300];

    /* exact past 64 bits, as Python's integers */
    check("txt", "{{ 9223372036854775807 }} {{ 9223372036854775808 }} "
          "{{ 9999999999999999999 }} {{ 0xffffffffffffffff }} "
          "{{ 0b1_00000000000000000000000000000000"
          "00000000000000000000000000000000 }}",
          NULL, "9223372036854775807 9223372036854775808 9999999999999999999 "
          "18446744073709551615 18446744073709551616");
    snprintf(src, sizeof(src), "{{ 1%0200d }}|{{ 1%0300d.5 + 1 }}", 0, 0);
    snprintf(want, sizeof(want), "1%0200d|1e+300", 0);
    check("txt", src, NULL, want);
}


static void
test_filters_and_tests(void **state)
{
    check("txt", "{{ names|join(', ')|upper }} {{ names|length }} "
          "{{ names|first }} {{ names|sort|list }}",
          "{\"names\": [\"bo\", \"al\"]}", "BO, AL 2 bo ['al', 'bo']");
    check("txt", "{{ x|default('d') }} {{ 3.14159|round(2) }} "
          "{{ '42'|int + 1 }} {{ 'a b c'|wordcount }} "
          "{{ 1234567|filesizeformat }}", "{}",
          "d 3.14 43 3 1.2 MB");
    check("txt", "{{ users|selectattr('admin')|map(attribute='n')|list }}",
          "{\"users\": [{\"n\": \"a\", \"admin\": true}, "
          "{\"n\": \"b\", \"admin\": false}]}", "['a']");
    check("txt", "{{ 4 is even }} {{ 3 is divisibleby 3 }} {{ x is defined }} "
          "{{ none is none }} {{ 'ab' is string }} {{ 5 is not odd }}", "{}",
          "True True False True True False");
    check("txt", "{% filter upper %}hi {{ n }}{% endfilter %}", "{\"n\": 1}",
          "HI 1");
}


static void
test_loops(void **state)
{
    check("txt", "{% for k, v in d.items() %}{{ loop.index }}{{ k }}={{ v }}"
          "{% if not loop.last %},{% endif %}{% endfor %}",
          "{\"d\": {\"b\": 1, \"a\": 2}}", "1b=1,2a=2");
    check("txt", "{% for i in range(5) if i is odd %}{{ i }}/{{ loop.length }}"
          " {% else %}none{% endfor %}", NULL, "1/2 3/2 ");
    check("txt", "{% for i in [] %}x{% else %}empty{% endfor %}", NULL,
          "empty");
    check("txt", "{% for i in [1,2,3] %}{{ loop.cycle('a','b') }}"
          "{{ loop.revindex0 }}{% endfor %}", NULL, "a2b1a0");
    check("txt", "{% for n in tree recursive %}{{ n.v }}"
          "{% if n.c %}({{ loop(n.c) }}){% endif %}{% endfor %}",
          "{\"tree\": [{\"v\": 1, \"c\": [{\"v\": 2}]}, {\"v\": 3}]}",
          "1(2)3");
    /* a set inside a loop does not leak out */
    check("txt", "{% set x = 1 %}{% for i in [5] %}{% set x = i %}{% endfor %}"
          "{{ x }}", NULL, "1");
    check("txt", "{% set ns = namespace(c=0) %}{% for i in [1,2,3] %}"
          "{% set ns.c = ns.c + i %}{% endfor %}{{ ns.c }}", NULL, "6");
}


static void
test_macros(void **state)
{
    check("txt", "{% macro m(a, b='B') %}{{ a }}{{ b }}{{ varargs }}"
          "{{ kwargs }}{% endmacro %}{{ m(1) }} {{ m(1, 2, 3, z=4) }}", NULL,
          "1B(){} 12(3,){'z': 4}");
    check("txt", "{% macro box() %}[{{ caller('x') }}]{% endmacro %}"
          "{% call(v) box() %}<{{ v }}>{% endcall %}", NULL, "[<x>]");
    check("html", "{% macro b(t) %}<b>{{ t }}</b>{% endmacro %}{{ b('<i>') }}",
          NULL, "<b>&lt;i&gt;</b>");
}


static void
test_autoescape(void **state)
{
    check("html", "{{ s }} {{ s|safe }} {{ s|e }} {{ '<a>'|safe ~ s }}",
          "{\"s\": \"<&'\\\"\"}",
          "&lt;&amp;&#39;&#34; <&'\" &lt;&amp;&#39;&#34; "
          "<a>&lt;&amp;&#39;&#34;");
    check("txt", "{{ s }} {% autoescape true %}{{ s }}{% endautoescape %}",
          "{\"s\": \"<b>\"}", "<b> &lt;b&gt;");
    check("html", "{{ items|join('<br>') }}", "{\"items\": [\"<a>\", \"b\"]}",
          "&lt;a&gt;&lt;br&gt;b");
    check("html", "{{ d|tojson }}", "{\"d\": {\"b\": \"</script>\", "
          "\"a\": 1}}",
          "{\"a\": 1, \"b\": \"\\u003c/script\\u003e\"}");
}


static void
test_inheritance_and_include(void **state)
{
    add("base.html", "<title>{% block title %}Site{% endblock %}</title>"
        "{% block body %}{% endblock %}");
    add("child.html", "{% extends 'base.html' %}ignored"
        "{% block title %}{{ t }} - {{ super() }}{% endblock %}"
        "{% block body %}{% for i in xs %}{% include 'item.html' %}"
        "{% endfor %}{% endblock %}");
    add("item.html", "<li>{{ i }}</li>");
    assert_named("child.html", "{\"t\": \"A&B\", \"xs\": [1, 2]}",
                 "<title>A&amp;B - Site</title><li>1</li><li>2</li>");

    add("macros.txt", "{% macro hi(n) %}hi {{ n }}{% endmacro %}"
        "{% set version = 3 %}");
    add("use.txt", "{% import 'macros.txt' as m %}"
        "{% from 'macros.txt' import hi as greet %}"
        "{{ m.hi('a') }} {{ greet('b') }} {{ m.version }}");
    assert_named("use.txt", NULL, "hi a hi b 3");
}


static int
twice(void *fn_data, void *render_data, json_t *args, json_t *kwargs,
    json_t **result, char *error, size_t error_size)
{
    json_t  *v = json_array_get(args, 0);

    if (!json_is_integer(v)) {
        snprintf(error, error_size, "need an int");
        return GW_ERROR;
    }
    *result = json_integer(2 * json_integer_value(v)
                           + (render_data ? 0 : 0));
    return GW_OK;
}


static void
test_globals_and_functions(void **state)
{
    assert_int_equal(gw_tmpl_env_add_global_new(env, "site",
                                                json_string("S")), GW_OK);
    assert_int_equal(gw_tmpl_env_add_function(env, "twice", twice, NULL),
                     GW_OK);
    check("txt", "{{ site }} {{ twice(21) }} {{ twice(2) + 1 }}", NULL,
          "S 42 5");
}


static int
setup(void **state)
{
    env = gw_tmpl_env_create();
    return env == NULL;
}


static int
teardown(void **state)
{
    gw_tmpl_env_destroy(env);
    return 0;
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_and_whitespace),
        cmocka_unit_test(test_printing),
        cmocka_unit_test(test_expressions),
        cmocka_unit_test(test_filters_and_tests),
        cmocka_unit_test(test_loops),
        cmocka_unit_test(test_macros),
        cmocka_unit_test(test_big_literals),
        cmocka_unit_test(test_autoescape),
        cmocka_unit_test(test_inheritance_and_include),
        cmocka_unit_test(test_globals_and_functions),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
