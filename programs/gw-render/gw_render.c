/*
 * gw_render.c: renders one template from the command line, the way the
 * conformance tests compare us with Jinja2:
 *
 *     gw-render TEMPLATE_DIR NAME [CONTEXT.json]
 *
 * The context comes from stdin when no file is given.  Output goes to
 * stdout byte for byte; an error (in the template or the context JSON)
 * prints "name:line:col: message" to stderr and exits 1; bad usage exits 2.
 */

#include "gw_template.h"

#include <stdio.h>
#include <stdlib.h>


int
main(int argc, char **argv)
{
    gw_tmpl_env_t  *env;
    gw_arena_t     *a;
    gw_buf_t        out;
    json_t         *ctx;
    json_error_t    jerr;
    char            err[1024];
    int             rc = 1;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s TEMPLATE_DIR NAME [CONTEXT.json]\n",
                argv[0]);
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
