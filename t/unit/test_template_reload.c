/*
 * test_template_reload.c: auto-reload (Flask's TEMPLATES_AUTO_RELOAD): a
 * changed file is compiled again before its next use, a broken one fails
 * with name:line:col until fixed, and with reload off nothing changes.
 * Files get explicit mtimes through utimes() instead of waiting a second.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>

#include "gateway.h"


typedef struct {
    char            dir[64];
    gw_tmpl_env_t  *env;
} fixture_t;


static int
setup(void **state)
{
    fixture_t  *f;

    f = calloc(1, sizeof(fixture_t));
    if (f == NULL) {
        return -1;
    }
    strcpy(f->dir, "/tmp/gw-reload-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    f->env = gw_tmpl_env_create();
    if (f->env == NULL || gw_tmpl_env_add_path(f->env, f->dir) != GW_OK) {
        return -1;
    }
    *state = f;
    return 0;
}


static int
teardown(void **state)
{
    fixture_t  *f = *state;
    char        cmd[128];

    gw_tmpl_env_destroy(f->env);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0) {
        return -1;
    }
    free(f);
    return 0;
}


/* Replace name atomically (as editors do) and give it mtime `when`, so two
 * versions written within a second still differ. */
static void
put(fixture_t *f, const char *name, const char *text, long when)
{
    char            path[128], tmp[160];
    FILE           *fp;
    struct timeval  tv[2];

    snprintf(path, sizeof(path), "%s/%s", f->dir, name);
    snprintf(tmp, sizeof(tmp), "%s.new", path);
    fp = fopen(tmp, "w");
    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
    tv[0].tv_sec = tv[1].tv_sec = 1700000000 + when;
    tv[0].tv_usec = tv[1].tv_usec = 0;
    assert_int_equal(utimes(tmp, tv), 0);
    assert_int_equal(rename(tmp, path), 0);
}


/* Render name; its output (or the error) in out. */
static int
render(gw_tmpl_env_t *env, const char *name, char *out, size_t size)
{
    gw_arena_t  *a;
    gw_buf_t     b;
    char         err[512];
    int          rc;

    a = gw_arena_create(1024);
    assert_non_null(a);
    gw_buf_init(&b, a, 64);
    err[0] = '\0';
    rc = gw_tmpl_render(env, name, NULL, NULL, a, &b, err, sizeof(err));
    if (rc == GW_OK) {
        snprintf(out, size, "%.*s", (int) b.len, b.data);
    } else {
        snprintf(out, size, "%s", err);
    }
    gw_arena_destroy(a);
    return rc;
}


static void
assert_renders(gw_tmpl_env_t *env, const char *name, const char *want)
{
    char  out[512];

    assert_int_equal(render(env, name, out, sizeof(out)), GW_OK);
    assert_string_equal(out, want);
}


static void
assert_fails(gw_tmpl_env_t *env, const char *name, const char *want)
{
    char  out[512];

    assert_int_equal(render(env, name, out, sizeof(out)), GW_ERROR);
    assert_string_equal(out, want);
}


static void
load(fixture_t *f)
{
    char  err[512];

    err[0] = '\0';
    assert_int_equal(gw_tmpl_env_load_all(f->env, err, sizeof(err)), GW_OK);
}


static void
test_change_is_compiled_again(void **state)
{
    fixture_t  *f = *state;

    put(f, "page.txt", "one {{ 1 + 1 }}", 0);
    gw_tmpl_env_set_auto_reload(f->env, 1, 0);
    load(f);
    assert_renders(f->env, "page.txt", "one 2");

    /* same size, newer mtime */
    put(f, "page.txt", "two {{ 2 + 2 }}", 10);
    assert_renders(f->env, "page.txt", "two 4");
    assert_renders(f->env, "page.txt", "two 4");

    /* same mtime, other size */
    put(f, "page.txt", "three", 10);
    assert_renders(f->env, "page.txt", "three");
}


static void
test_syntax_error_then_fix(void **state)
{
    fixture_t  *f = *state;

    put(f, "page.txt", "ok", 0);
    gw_tmpl_env_set_auto_reload(f->env, 1, 0);
    load(f);
    assert_renders(f->env, "page.txt", "ok");

    put(f, "page.txt", "a\n{{ 1 + }}", 1);
    assert_fails(f->env, "page.txt",
                 "page.txt:2:8: unexpected 'end of print statement'");
    /* still failing, never the old "ok" */
    assert_fails(f->env, "page.txt",
                 "page.txt:2:8: unexpected 'end of print statement'");

    put(f, "page.txt", "fixed {{ 3 * 3 }}", 2);
    assert_renders(f->env, "page.txt", "fixed 9");
}


static void
test_off_keeps_the_compiled_version(void **state)
{
    fixture_t  *f = *state;

    put(f, "page.txt", "old", 0);
    load(f);
    assert_renders(f->env, "page.txt", "old");
    put(f, "page.txt", "new {{ broken", 5);
    assert_renders(f->env, "page.txt", "old");

    /* explicitly off is the same */
    gw_tmpl_env_set_auto_reload(f->env, 1, 0);
    gw_tmpl_env_set_auto_reload(f->env, 0, 0);
    assert_renders(f->env, "page.txt", "old");
}


static void
test_interval_limits_the_checks(void **state)
{
    fixture_t  *f = *state;

    put(f, "page.txt", "first", 0);
    gw_tmpl_env_set_auto_reload(f->env, 1, 3600 * 1000);
    load(f);
    /* this use looks at the file; the next look is an hour away */
    assert_renders(f->env, "page.txt", "first");
    put(f, "page.txt", "second", 7);
    assert_renders(f->env, "page.txt", "first");
}


static void
test_included_and_extended_checked_on_use(void **state)
{
    fixture_t  *f = *state;

    put(f, "base.txt", "<{% block b %}{% endblock %}>", 0);
    put(f, "part.txt", "p1", 0);
    put(f, "page.txt", "{% extends 'base.txt' %}"
        "{% block b %}[{% include 'part.txt' %}]{% endblock %}", 0);
    gw_tmpl_env_set_auto_reload(f->env, 1, 0);
    load(f);
    assert_renders(f->env, "page.txt", "<[p1]>");

    put(f, "part.txt", "p2", 1);
    assert_renders(f->env, "page.txt", "<[p2]>");
    put(f, "base.txt", "({% block b %}{% endblock %})", 1);
    assert_renders(f->env, "page.txt", "([p2])");

    /* an error in the included file names that file */
    put(f, "part.txt", "{% for %}", 2);
    assert_fails(f->env, "page.txt", "part.txt:1:8: expected token "
                 "'name', got 'end of statement block'");
    put(f, "part.txt", "p3", 3);
    assert_renders(f->env, "page.txt", "([p3])");
}


static void
test_deleted_file_is_not_found(void **state)
{
    fixture_t  *f = *state;
    char        path[128];

    put(f, "page.txt", "here", 0);
    put(f, "outer.txt", "[{% include 'page.txt' ignore missing %}]", 0);
    gw_tmpl_env_set_auto_reload(f->env, 1, 0);
    load(f);
    assert_renders(f->env, "outer.txt", "[here]");

    snprintf(path, sizeof(path), "%s/page.txt", f->dir);
    assert_int_equal(unlink(path), 0);
    assert_fails(f->env, "page.txt", "page.txt: template not found");
    assert_renders(f->env, "outer.txt", "[]");

    put(f, "page.txt", "back", 1);
    assert_renders(f->env, "outer.txt", "[back]");
}


static void
test_memory_templates_untouched(void **state)
{
    fixture_t  *f = *state;
    char        err[512];

    put(f, "page.txt", "from file", 0);
    gw_tmpl_env_set_auto_reload(f->env, 1, 0);
    load(f);
    /* add_string() replaces the file's template for good */
    assert_int_equal(gw_tmpl_env_add_string(f->env, "page.txt", "memory", 6,
                                            err, sizeof(err)), GW_OK);
    put(f, "page.txt", "file again", 1);
    assert_renders(f->env, "page.txt", "memory");
}


typedef struct {
    gw_tmpl_env_t  *env;
    int             bad;
} reader_t;


static void *
reader(void *arg)
{
    reader_t  *r = arg;
    char       out[64];
    int        i;

    for (i = 0; i < 3000; i++) {
        if (render(r->env, "page.txt", out, sizeof(out)) != GW_OK
            || (strcmp(out, "A:123") != 0 && strcmp(out, "B:xyz") != 0))
        {
            r->bad++;
        }
    }
    return NULL;
}


/* Renders from several threads while the file keeps changing: each one
 * sees a whole version, and replaced versions stay valid (ASan). */
static void
test_threads_see_whole_versions(void **state)
{
    fixture_t  *f = *state;
    pthread_t   th[4];
    reader_t    r[4];
    int         i;

    put(f, "page.txt", "A:{% for i in range(1, 4) %}{{ i }}{% endfor %}", 0);
    gw_tmpl_env_set_auto_reload(f->env, 1, 0);
    load(f);
    for (i = 0; i < 4; i++) {
        r[i].env = f->env;
        r[i].bad = 0;
        assert_int_equal(pthread_create(&th[i], NULL, reader, &r[i]), 0);
    }
    for (i = 1; i <= 61; i++) {
        put(f, "page.txt", i % 2
            ? "B:{{ 'zyx' | reverse }}"
            : "A:{% for i in range(1, 4) %}{{ i }}{% endfor %}", i);
        usleep(1000);
    }
    for (i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(r[i].bad, 0);
    }
    assert_renders(f->env, "page.txt", "B:xyz");
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_change_is_compiled_again,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_error_then_fix,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_off_keeps_the_compiled_version,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_interval_limits_the_checks,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_included_and_extended_checked_on_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_file_is_not_found,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_templates_untouched,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads_see_whole_versions,
                                        setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
