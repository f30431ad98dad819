/*
 * commands.c: an app's named commands (Flask's app.cli.command, `flask
 * init-db`), declared in setup() and run by gw-cmd, outside any server.
 */

#include "fw.h"

#include <string.h>


int
gw_app_command(gw_app_t *app, const char *name, gw_command_t fn,
    const char *help)
{
    gw_command_item_t  *c, **tail;

    if (name == NULL || name[0] == '\0' || fn == NULL
        || name[strspn(name, "abcdefghijklmnopqrstuvwxyz"
                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")] != '\0')
    {
        gw_app_fail(app, "command '%s': needs a function and a name of "
                    "letters, digits, '-' and '_'", name ? name : "");
        return GW_ERROR;
    }

    for (tail = &app->commands; *tail != NULL; tail = &(*tail)->next) {
        if (strcmp((*tail)->name, name) == 0) {
            (*tail)->fn = fn;
            (*tail)->help = help;
            return GW_OK;
        }
    }

    c = gw_arena_calloc(app->arena, sizeof(gw_command_item_t));
    if (c == NULL || (c->name = gw_arena_strdup(app->arena, name)) == NULL
        || (help != NULL
            && (c->help = gw_arena_strdup(app->arena, help)) == NULL))
    {
        gw_app_fail(app, "command '%s': out of memory", name);
        return GW_ERROR;
    }
    c->fn = fn;
    *tail = c;
    return GW_OK;
}


int
gw_app_each_command(const gw_app_t *app, gw_command_visit_pt fn, void *ctx)
{
    const gw_command_item_t  *c;
    int                       rc;

    for (c = app->commands; c != NULL; c = c->next) {
        rc = fn(ctx, c->name, c->help ? c->help : "");
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}


int
gw_app_run_command(gw_app_t *app, int argc, char **argv)
{
    const gw_command_item_t  *c;

    if (argc < 1) {
        return -1;
    }
    for (c = app->commands; c != NULL; c = c->next) {
        if (strcmp(c->name, argv[0]) == 0) {
            return c->fn(app, argc, argv);
        }
    }
    return -1;
}
