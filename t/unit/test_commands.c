/*
 * test_commands.c: app commands (declared, listed, run, refused) and the
 * instance folder's path (default, INSTANCE_PATH, kept once loaded).
 */

#include "fw_test.h"


static int
cmd_count(gw_app_t *app, int argc, char **argv)
{
    return argc * 10 + (int) strlen(argv[0]);
}


static int
cmd_other(gw_app_t *app, int argc, char **argv)
{
    return 7;
}


static const char  *seen_in_setup;


static int
setup(gw_app_t *app, char *err, size_t n)
{
    seen_in_setup = gw_app_instance_path(app);
    gw_app_command(app, "init-db", cmd_count, "Create the tables.");
    gw_app_command(app, "b_2", cmd_other, NULL);
    /* again: replaces, keeps its place */
    return gw_app_command(app, "init-db", cmd_count, "Make the tables.");
}


static int
collect(void *ctx, const char *name, const char *help)
{
    strcat(ctx, name);
    strcat(ctx, ":");
    strcat(ctx, help);
    strcat(ctx, ";");
    return 0;
}


static void
test_commands(void **state)
{
    gw_app_t  *app = fw_load(setup, NULL, 0);
    char      *argv[] = { "init-db", "x", "y", NULL };
    char      *other[] = { "b_2", NULL };
    char      *none[] = { "nope", NULL };
    char       list[256] = "";

    assert_int_equal(gw_app_each_command(app, collect, list), 0);
    assert_string_equal(list, "init-db:Make the tables.;b_2:;");
    assert_int_equal(gw_app_run_command(app, 3, argv), 37);
    assert_int_equal(gw_app_run_command(app, 1, other), 7);
    assert_int_equal(gw_app_run_command(app, 1, none), -1);
    assert_int_equal(gw_app_run_command(app, 0, none), -1);
    gw_framework_unload(app);
}


static int
setup_bad_name(gw_app_t *app, char *err, size_t n)
{
    return gw_app_command(app, "init db", cmd_count, NULL);
}


static void
test_bad_command(void **state)
{
    gw_load_ctx_t  ctx;
    char           err[256];
    void          *app = NULL;

    memset(&ctx, 0, sizeof(ctx));
    ctx.error = err;
    ctx.error_size = sizeof(err);
    assert_int_equal(gw_framework_load(&ctx, "t", setup_bad_name, &app),
                     GW_ERROR);
    assert_string_equal(err, "app 't': command 'init db': needs a function "
                        "and a name of letters, digits, '-' and '_'");
}


static void
test_instance_path(void **state)
{
    static const gw_config_item_t  rel[] = {
        { "INSTANCE_PATH", "var/db" },
    };
    static const gw_config_item_t  abs[] = {
        { "INSTANCE_PATH", "/var/lib/site" },
        { "ROOT_PATH", "/elsewhere" },
    };
    gw_app_t  *app;

    /* Flask's default: beside the code, under ROOT_PATH (the .so's) */
    app = fw_load(setup, NULL, 0);
    assert_string_equal(gw_app_instance_path(app), "/srv/site/instance");
    assert_string_equal(seen_in_setup, "/srv/site/instance");
    /* kept: the same string every time once loaded */
    assert_ptr_equal(gw_app_instance_path(app), gw_app_instance_path(app));
    gw_framework_unload(app);

    app = fw_load(setup, rel, 1);
    assert_string_equal(gw_app_instance_path(app), "/srv/site/var/db");
    gw_framework_unload(app);

    app = fw_load(setup, abs, 2);
    assert_string_equal(gw_app_instance_path(app), "/var/lib/site");
    gw_framework_unload(app);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_bad_command),
        cmocka_unit_test(test_instance_path),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
