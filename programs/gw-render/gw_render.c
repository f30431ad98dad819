/*
 * gw_render.c: renders one template from the command line, the way the
 * conformance tests compare us with Jinja2, and the way a designer tries a
 * page without a server:
 *
 *     gw-render [-g GLOBALS.json] [--app APP.so [--config KEY=VALUE]...]
 *               TEMPLATE_DIR NAME [CONTEXT.json]
 *
 * The context comes from stdin when no file is given; GLOBALS.json's
 * members become the environment's globals (imported templates see them
 * where they do not see the context).  With --app, url_for()
 * builds URLs from that framework app's routes (loaded as the servers load
 * it), for a request to http://localhost/ with no blueprint.  Output goes
 * to stdout byte for byte; an error (in the template, the context JSON or
 * the app) prints "name:line:col: message" to stderr and exits 1; bad usage
 * exits 2.
 */

#include "gateway.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static void
gw_render_usage(FILE *f)
{
    fprintf(f,
        "usage: gw-render [-g GLOBALS.json] [--app APP.so "
        "[--config KEY=VALUE]...]\n"
        "                 TEMPLATE_DIR NAME [CONTEXT.json]\n"
        "\n"
        "Renders template NAME from TEMPLATE_DIR with the JSON object in\n"
        "CONTEXT.json (or stdin) as its context, to stdout.\n"
        "\n"
        "  --app APP.so         url_for() builds URLs from this framework\n"
        "                       app's routes (its setup() runs, as in the\n"
        "                       servers), as for a request to\n"
        "                       http://localhost/; without it, templates\n"
        "                       that call url_for() fail\n"
        "  --config KEY=VALUE   a gateway_config pair for the app's load\n"
        "  -g GLOBALS.json      the object's members become globals, seen\n"
        "                       also by imported templates\n"
        "  -h, --help           this text\n"
        "\n"
        "Exit status: 0 rendered, 1 an error (template, context, app),\n"
        "2 bad usage.\n");
}


static int
gw_render_add_route(void *ctx, const char *endpoint, unsigned methods,
    const char *rule)
{
    char  error[256];

    return gw_urlmap_add(ctx, rule, endpoint, methods, NULL, error,
                         sizeof(error))
           == GW_OK ? 0 : -1;
}


/* url_for(endpoint, **values) over the app's routes; Flask's _anchor,
 * _external and _scheme as for http://localhost/, _method ignored. */
static int
gw_render_url_for(void *fn_data, void *render_data, json_t *args,
    json_t *kwargs, json_t **result, char *error, size_t n)
{
    gw_urlmap_t  *map = fn_data;
    gw_arena_t   *a = render_data;
    const char   *endpoint, *key, *anchor, *scheme;
    json_t       *values, *v;
    gw_str_t      url, frag, in;
    int           external;

    endpoint = json_string_value(json_array_get(args, 0));
    if (endpoint == NULL || json_array_size(args) != 1) {
        snprintf(error, n, "url_for() takes the endpoint name, then "
                 "keyword arguments");
        return GW_ERROR;
    }
    if (endpoint[0] == '.') {
        endpoint++;                 /* no current blueprint */
    }

    values = json_object();
    if (values == NULL) {
        goto nomem;
    }
    anchor = NULL;
    scheme = "http";
    external = 0;
    json_object_foreach(kwargs, key, v) {
        if (strcmp(key, "_anchor") == 0) {
            anchor = json_string_value(v);
        } else if (strcmp(key, "_external") == 0) {
            external = json_is_true(v);
        } else if (strcmp(key, "_scheme") == 0 && json_is_string(v)) {
            scheme = json_string_value(v);
        } else if (strcmp(key, "_method") != 0
                   && json_object_set(values, key, v) != 0)
        {
            json_decref(values);
            goto nomem;
        }
    }

    if (gw_urlmap_build(map, a, endpoint, values, &url, error, n) != GW_OK) {
        json_decref(values);
        return GW_ERROR;
    }
    json_decref(values);

    frag.data = "";
    frag.len = 0;
    if (anchor != NULL) {
        in.data = anchor;
        in.len = strlen(anchor);
        if (gw_url_encode(a, in, "!$&'()*+,/:;=?@", &frag) != GW_OK) {
            goto nomem;
        }
    }
    *result = json_sprintf("%s%s%s%s%.*s", external ? scheme : "",
                           external ? "://localhost" : "", url.data,
                           anchor ? "#" : "", (int) frag.len, frag.data);
    if (*result == NULL) {
        goto nomem;
    }
    return GW_OK;

nomem:
    snprintf(error, n, "url_for: out of memory");
    return GW_ERROR;
}


/* Each member of the object in path becomes a global of env. */
static int
add_globals(gw_tmpl_env_t *env, const char *path)
{
    json_t        *globals, *value;
    json_error_t   jerr;
    const char    *key;

    globals = json_load_file(path, JSON_ALLOW_NUL, &jerr);
    if (globals == NULL || !json_is_object(globals)) {
        fprintf(stderr, "%s:%d:%d: %s\n", path, jerr.line, jerr.column,
                globals == NULL ? jerr.text : "globals must be an object");
        json_decref(globals);
        return 1;
    }
    json_object_foreach(globals, key, value) {
        if (gw_tmpl_env_add_global_new(env, key, json_incref(value))
            != GW_OK)
        {
            fprintf(stderr, "out of memory\n");
            json_decref(globals);
            return 1;
        }
    }
    json_decref(globals);
    return 0;
}


int
main(int argc, char **argv)
{
    gw_tmpl_env_t     *env;
    gw_arena_t        *a;
    gw_buf_t           out;
    gw_loaded_app_t    h;
    gw_urlmap_t       *map;
    gw_config_item_t  *config;
    json_t            *ctx;
    json_error_t       jerr;
    const char        *app, *globals, *pos[3];
    char               err[1024], *eq;
    size_t             nconfig, npos;
    int                k, loaded, rc;

    config = calloc((size_t) argc, sizeof(gw_config_item_t));
    if (config == NULL) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    app = NULL;
    globals = NULL;
    nconfig = 0;
    npos = 0;
    for (k = 1; k < argc; k++) {
        if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0) {
            gw_render_usage(stdout);
            free(config);
            return 0;
        }
        if (strcmp(argv[k], "--app") == 0 && k + 1 < argc) {
            app = argv[++k];
        } else if (strcmp(argv[k], "-g") == 0 && k + 1 < argc) {
            globals = argv[++k];
        } else if (strcmp(argv[k], "--config") == 0 && k + 1 < argc
                   && (eq = strchr(argv[k + 1], '=')) != NULL)
        {
            *eq = '\0';
            config[nconfig].key = argv[++k];
            config[nconfig++].value = eq + 1;
        } else if (argv[k][0] != '-' && npos < 3) {
            pos[npos++] = argv[k];
        } else {
            npos = 0;
            break;
        }
    }
    if (npos < 2 || (nconfig && app == NULL)) {
        gw_render_usage(stderr);
        free(config);
        return 2;
    }

    rc = 1;
    loaded = 0;
    map = NULL;
    ctx = NULL;
    env = gw_tmpl_env_create();
    a = gw_arena_create(65536);
    if (env == NULL || a == NULL || gw_tmpl_env_add_path(env, pos[0])
                                    != GW_OK)
    {
        fprintf(stderr, "out of memory\n");
        goto done;
    }
    if (globals != NULL && add_globals(env, globals) != 0) {
        goto done;
    }

    if (app != NULL) {
        if (gw_loader_open(&h, app, config, nconfig, "gw-render", err,
                           sizeof(err))
            != GW_OK)
        {
            fprintf(stderr, "gw-render: %s\n", err);
            goto done;
        }
        loaded = 1;
        if (h.entry->call != gw_framework_call) {
            fprintf(stderr, "gw-render: \"%s\" is not a framework app "
                    "(GW_FRAMEWORK_APP): it has no routes\n", app);
            goto done;
        }
        map = gw_urlmap_create();
        if (map == NULL
            || gw_app_each_route(h.app, gw_render_add_route, map) != 0
            || gw_tmpl_env_add_function(env, "url_for", gw_render_url_for,
                                        map) != GW_OK)
        {
            fprintf(stderr, "gw-render: %s: cannot build its URL map\n",
                    app);
            goto done;
        }
    }

    /* strings may hold NUL bytes, as Python's do */
    ctx = npos == 3 ? json_load_file(pos[2], JSON_ALLOW_NUL, &jerr)
                    : json_loadf(stdin, JSON_ALLOW_NUL, &jerr);
    if (ctx == NULL) {
        fprintf(stderr, "%s:%d:%d: %s\n", npos == 3 ? pos[2] : "<stdin>",
                jerr.line, jerr.column, jerr.text);
        goto done;
    }
    gw_buf_init(&out, a, 4096);
    if (gw_tmpl_render(env, pos[1], ctx, a, a, &out, err, sizeof(err))
        != GW_OK)
    {
        fprintf(stderr, "%s\n", err);
        if (app == NULL && strstr(err, "url_for") != NULL) {
            fprintf(stderr, "gw-render: url_for() needs the app's routes: "
                    "--app APP.so\n");
        }
        goto done;
    }
    if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) {
        goto done;
    }
    rc = fflush(stdout) == 0 ? 0 : 1;

done:
    if (a != NULL) {
        gw_arena_destroy(a);
    }
    gw_tmpl_env_destroy(env);
    if (map != NULL) {
        gw_urlmap_destroy(map);
    }
    if (loaded) {
        gw_loader_close(&h);
    }
    json_decref(ctx);
    free(config);
    return rc;
}
