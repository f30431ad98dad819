/*
 * gw_cmd.c: runs one of a framework app's commands, as `flask NAME` does:
 *
 *     gw-cmd [--config KEY=VALUE]... APP.so [NAME [ARGS...]]
 *
 * The app is loaded as the servers load it (its setup() runs), its
 * instance folder is made, and the command's return is the exit status.
 * Without NAME (or with --help) the commands are listed.  A load that
 * fails is 1; bad usage or an unknown command is 2.
 */

#include "gateway.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


static int
gw_cmd_list_one(void *ctx, const char *name, const char *help)
{
    if (help[0] == '\0') {
        printf("  %s\n", name);
    } else {
        printf("  %-16s %s\n", name, help);
    }
    return 0;
}


static int
gw_cmd_find(void *ctx, const char *name, const char *help)
{
    return strcmp(name, ctx) == 0;
}


static void
gw_cmd_usage(FILE *f)
{
    fprintf(f, "usage: gw-cmd [--config KEY=VALUE]... APP.so "
            "[COMMAND [ARGS...]]\n");
}


static void
gw_cmd_list(const gw_app_t *app)
{
    gw_cmd_usage(stdout);
    printf("\nCommands:\n");
    gw_app_each_command(app, gw_cmd_list_one, NULL);
}


/* mkdir -p: the instance folder and what leads to it */
static int
gw_cmd_mkdirs(const char *path)
{
    char  *p, *s;
    int    rc;

    p = strdup(path);
    if (p == NULL) {
        return -1;
    }
    rc = 0;
    for (s = p + 1; rc == 0; s++) {
        if (*s != '/' && *s != '\0') {
            continue;
        }
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            rc = -1;
        }
        if (path[s - p] == '\0') {
            break;
        }
        *s = '/';
    }
    free(p);
    return rc;
}


int
main(int argc, char **argv)
{
    gw_loaded_app_t    h;
    gw_config_item_t  *config;
    const char        *path, *dir;
    char               error[1024], *eq;
    size_t             nconfig;
    int                k, rc, help;

    config = calloc((size_t) argc, sizeof(gw_config_item_t));
    if (config == NULL) {
        return 1;
    }
    nconfig = 0;
    path = NULL;
    help = 0;
    rc = 2;

    /* options come before APP.so; what follows the command is its own */
    for (k = 1; k < argc && path == NULL; k++) {
        if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
            help = 1;
        } else if (strcmp(argv[k], "--config") == 0 && k + 1 < argc
                   && (eq = strchr(argv[k + 1], '=')) != NULL)
        {
            *eq = '\0';
            config[nconfig].key = argv[++k];
            config[nconfig++].value = eq + 1;
        } else if (argv[k][0] != '-') {
            path = argv[k];
        } else {
            gw_cmd_usage(stderr);
            goto done;
        }
    }
    if (path == NULL) {
        gw_cmd_usage(help ? stdout : stderr);
        rc = help ? 0 : 2;
        goto done;
    }

    rc = 1;
    if (gw_loader_open(&h, path, config, nconfig, "gw-cmd", error,
                       sizeof(error))
        != GW_OK)
    {
        fprintf(stderr, "gw-cmd: %s\n", error);
        goto done;
    }
    if (h.entry->call != gw_framework_call) {
        fprintf(stderr, "gw-cmd: \"%s\" is not a framework app "
                "(GW_FRAMEWORK_APP): it has no commands\n", path);
        goto close;
    }

    if (help || k == argc || strcmp(argv[k], "--help") == 0) {
        gw_cmd_list(h.app);
        rc = 0;
        goto close;
    }

    if (!gw_app_each_command(h.app, gw_cmd_find, argv[k])) {
        fprintf(stderr, "gw-cmd: no command \"%s\" in \"%s\"\n", argv[k],
                path);
        gw_cmd_list(h.app);
        rc = 2;
        goto close;
    }

    dir = gw_app_instance_path(h.app);
    if (gw_cmd_mkdirs(dir) != 0) {
        fprintf(stderr, "gw-cmd: instance folder \"%s\": %s\n", dir,
                strerror(errno));
        goto close;
    }

    /* an exit status is a byte: what does not fit is a failure */
    rc = gw_app_run_command(h.app, argc - k, argv + k);
    if (rc < 0 || rc > 255) {
        rc = 1;
    }

close:
    gw_loader_close(&h);

done:
    free(config);
    return rc;
}
