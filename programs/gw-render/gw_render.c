/*
 * gw_render.c: renders one template from the command line, the way the
 * conformance tests compare us with Jinja2:
 *
 *     gw-render [-g GLOBALS.json] TEMPLATE_DIR NAME [CONTEXT.json]
 *
 * The context comes from stdin when no file is given; GLOBALS.json's
 * members become the environment's globals (imported templates see them
 * where they do not see the context).  Output goes to
 * stdout byte for byte; an error (in the template or the context JSON)
 * prints "name:line:col: message" to stderr and exits 1; bad usage exits 2.
 */

#include "gw_template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


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
    gw_tmpl_env_t  *env;
    gw_arena_t     *a;
    gw_buf_t        out;
    json_t         *ctx;
    json_error_t    jerr;
    char            err[1024];
    const char     *globals = NULL, *prog = argv[0];
    int             rc = 1;

    if (argc > 2 && strcmp(argv[1], "-g") == 0) {
        globals = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s [-g GLOBALS.json] TEMPLATE_DIR NAME "
                "[CONTEXT.json]\n", prog);
        return 2;
    }
    /* strings may hold NUL bytes, as Python's do */
    ctx = argc == 4 ? json_load_file(argv[3], JSON_ALLOW_NUL, &jerr)
                    : json_loadf(stdin, JSON_ALLOW_NUL, &jerr);
    if (ctx == NULL) {
        fprintf(stderr, "%s:%d:%d: %s\n", argc == 4 ? argv[3] : "<stdin>",
                jerr.line, jerr.column, jerr.text);
        return 1;
    }
    env = gw_tmpl_env_create();
    a = gw_arena_create(65536);
    if (env == NULL || a == NULL || gw_tmpl_env_add_path(env, argv[1])
                                    != GW_OK)
    {
        fprintf(stderr, "out of memory\n");
        goto done;
    }
    if (globals != NULL && add_globals(env, globals) != 0) {
        goto done;
    }
    gw_buf_init(&out, a, 4096);
    if (gw_tmpl_render(env, argv[2], ctx, NULL, a, &out, err, sizeof(err))
        != GW_OK)
    {
        fprintf(stderr, "%s\n", err);
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
    json_decref(ctx);
    return rc;
}
