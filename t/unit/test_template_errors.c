/*
 * test_template_errors.c: syntax and run-time errors carry the template
 * name and the 1-based line and column of the offending token, so an
 * operator can go straight to the mistake.  Messages follow Jinja2's.
 */

#include "unit.h"

#include <sys/stat.h>
#include <unistd.h>


static void
assert_compile_error(const char *src, const char *want)
{
    gw_tmpl_env_t  *env;
    char            err[512];

    env = gw_tmpl_env_create();
    assert_non_null(env);
    err[0] = '\0';
    assert_int_equal(gw_tmpl_env_add_string(env, "t.html", src, strlen(src),
                                            err, sizeof(err)), GW_ERROR);
    assert_string_equal(err, want);
    gw_tmpl_env_destroy(env);
}


static void
assert_render_error(const char *src, const char *ctx, const char *want)
{
    gw_tmpl_env_t  *env;
    gw_arena_t     *a;
    gw_buf_t        out;
    json_t         *c;
    char            err[512];

    env = gw_tmpl_env_create();
    a = gw_arena_create(4096);
    c = json_loads(ctx, 0, NULL);
    assert_non_null(env);
    assert_non_null(a);
    assert_non_null(c);
    assert_int_equal(gw_tmpl_env_add_string(env, "page.txt", src, strlen(src),
                                            err, sizeof(err)), GW_OK);
    gw_buf_init(&out, a, 64);
    assert_int_equal(gw_tmpl_render(env, "page.txt", c, NULL, a, &out, err,
                                    sizeof(err)), GW_ERROR);
    assert_string_equal(err, want);
    json_decref(c);
    gw_arena_destroy(a);
    gw_tmpl_env_destroy(env);
}


static void
test_unknown_tag(void **state)
{
    assert_compile_error("ab\n  {% frobnicate x %}",
                         "t.html:2:6: Encountered unknown tag 'frobnicate'.");
}


static void
test_unexpected_end_of_print(void **state)
{
    assert_compile_error("{{ 1 + }}",
                         "t.html:1:8: unexpected 'end of print statement'");
}


static void
test_unclosed_for(void **state)
{
    /* Jinja reports the end of the template at the last token's line */
    assert_compile_error("<ul>\n{% for i in items %}\n  <li>{{ i }}</li>",
                         "t.html:3:14: Unexpected end of template. Jinja was "
                         "looking for the following tags: 'endfor' or "
                         "'else'. The innermost block that needs to be "
                         "closed is 'for'.");
}


static void
test_unknown_filter(void **state)
{
    assert_compile_error("x\n\n{{ name|shout }}",
                         "t.html:3:9: No filter named 'shout'.");
}


static void
test_unknown_test(void **state)
{
    /* outside an if: inside one Jinja 3 fails only when it is reached */
    assert_compile_error("{{ x is purple }}",
                         "t.html:1:9: No test named 'purple'.");
}


static void
test_stray_end_tag(void **state)
{
    assert_compile_error("{% if a %}x{% endfor %}",
                         "t.html:1:15: Encountered unknown tag 'endfor'. "
                         "Jinja was looking for the following tags: 'elif' "
                         "or 'else' or 'endif'. The innermost block that "
                         "needs to be closed is 'if'.");
}


static void
test_endblock_name_mismatch(void **state)
{
    assert_compile_error("{% block a %}\nx\n{% endblock b %}",
                         "t.html:3:13: expected token 'end of statement "
                         "block', got 'b'");
}


static void
test_unclosed_string_and_comment(void **state)
{
    assert_compile_error("ok\n{{ 'abc }}",
                         "t.html:2:4: unexpected char '\"' at start of string "
                         "literal");
    assert_compile_error("a {# never closed",
                         "t.html:1:3: Missing end of comment tag");
}


static void
test_unbalanced_paren(void **state)
{
    assert_compile_error("{{ (1 + 2 }}",
                         "t.html:1:11: unexpected '}', expected ')'");
}


static void
test_duplicate_block(void **state)
{
    assert_compile_error("{% block a %}{% endblock %}\n"
                         "{% block a %}{% endblock %}",
                         "t.html:2:10: block 'a' defined twice");
}


static void
test_runtime_undefined(void **state)
{
    assert_render_error("line\n{{ user.name.first }}", "{}",
                        "page.txt:2:9: 'user' is undefined");
    assert_render_error("{{ user.name.first }}", "{\"user\": {}}",
                        "page.txt:1:14: 'dict object' has no attribute "
                        "'name'");
}


static void
test_runtime_type_errors(void **state)
{
    assert_render_error("\n\n   {{ 1 + 'a' }}", "{}",
                        "page.txt:3:9: unsupported operand type(s) for +: "
                        "'int' and 'str'");
    assert_render_error("{{ 1 // 0 }}", "{}",
                        "page.txt:1:6: integer division or modulo by zero");
    assert_render_error("{% include 'missing.txt' %}", "{}",
                        "page.txt:1:1: template not found: missing.txt");
}


static void
test_refused_names(void **state)
{
    gw_tmpl_env_t  *env;
    gw_arena_t     *a;
    gw_buf_t        out;
    char            err[256];

    env = gw_tmpl_env_create();
    a = gw_arena_create(4096);
    assert_non_null(env);
    assert_int_equal(gw_tmpl_env_add_path(env, "/etc"), GW_OK);
    gw_buf_init(&out, a, 64);
    assert_int_equal(gw_tmpl_render(env, "../etc/passwd", NULL, NULL, a, &out,
                                    err, sizeof(err)), GW_ERROR);
    assert_string_equal(err, "../etc/passwd: template name refused");
    assert_int_equal(gw_tmpl_render(env, "/etc/passwd", NULL, NULL, a, &out,
                                    err, sizeof(err)), GW_ERROR);
    assert_string_equal(err, "/etc/passwd: template name refused");
    assert_int_equal(gw_tmpl_render(env, "x/../../passwd", NULL, NULL, a,
                                    &out, err, sizeof(err)), GW_ERROR);
    assert_int_equal(out.len, 0);
    gw_arena_destroy(a);
    gw_tmpl_env_destroy(env);
}


/* load_all compiles every file at start-up, so a broken one in a
 * subdirectory stops it with its position; hidden files are skipped. */
static void
test_load_all_reports_syntax_error(void **state)
{
    gw_tmpl_env_t  *env;
    char            dir[] = "/tmp/gw-tmpl-XXXXXX", sub[600], err[512];
    char            cmd[700];

    assert_non_null(mkdtemp(dir));
    snprintf(sub, sizeof(sub), "%s/pages", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    write_file(dir, "ok.html", "{{ x }}");
    write_file(dir, ".hidden.html", "{% broken");
    env = gw_tmpl_env_create();
    assert_non_null(env);
    assert_int_equal(gw_tmpl_env_add_path(env, dir), GW_OK);
    assert_int_equal(gw_tmpl_env_load_all(env, err, sizeof(err)), GW_OK);
    gw_tmpl_env_destroy(env);

    write_file(sub, "bad.html", "<p>\n  {% if x %}\n{% endfor %}");
    env = gw_tmpl_env_create();
    assert_non_null(env);
    assert_int_equal(gw_tmpl_env_add_path(env, dir), GW_OK);
    assert_int_equal(gw_tmpl_env_load_all(env, err, sizeof(err)), GW_ERROR);
    assert_string_equal(err, "pages/bad.html:3:4: Encountered unknown tag "
                        "'endfor'. Jinja was looking for the following "
                        "tags: 'elif' or 'else' or 'endif'. The innermost "
                        "block that needs to be closed is 'if'.");
    gw_tmpl_env_destroy(env);

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_tag),
        cmocka_unit_test(test_unexpected_end_of_print),
        cmocka_unit_test(test_unclosed_for),
        cmocka_unit_test(test_unknown_filter),
        cmocka_unit_test(test_unknown_test),
        cmocka_unit_test(test_stray_end_tag),
        cmocka_unit_test(test_endblock_name_mismatch),
        cmocka_unit_test(test_unclosed_string_and_comment),
        cmocka_unit_test(test_unbalanced_paren),
        cmocka_unit_test(test_duplicate_block),
        cmocka_unit_test(test_runtime_undefined),
        cmocka_unit_test(test_runtime_type_errors),
        cmocka_unit_test(test_refused_names),
        cmocka_unit_test(test_load_all_reports_syntax_error),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
