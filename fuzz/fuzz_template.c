/*
 * fuzz_template.c: compile arbitrary bytes as a template and render it
 * with a fixed context.  Syntax and run-time errors are expected; crashes,
 * leaks and undefined behaviour are not.  Inputs holding a NUL split into
 * a main template and an "inc.html" it may include, import or extend.
 */

#include "gateway.h"
#include "template/tmpl.h"

#include <stdint.h>
#include <string.h>

static const char  *ctx_json =
    "{\"name\": \"<b>Ada</b>\", \"n\": 7, \"f\": 2.5, \"ok\": true,"
    " \"none\": null, \"items\": [1, \"two\", 3.0, [4], {\"k\": \"v\"}],"
    " \"users\": [{\"name\": \"al\", \"age\": 3, \"tags\": [\"x\"]},"
    "             {\"name\": \"Bo\", \"age\": 1, \"tags\": []}],"
    " \"d\": {\"a\": 1, \"b\": {\"c\": [1, 2]}}}";


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_tmpl_env_t  *env;
    gw_arena_t     *a;
    gw_buf_t        out;
    json_t         *ctx;
    char            err[512];
    const uint8_t  *nul;
    size_t          main_len;

    env = gw_tmpl_env_create();
    a = gw_arena_create(8192);
    ctx = json_loads(ctx_json, 0, NULL);
    if (env == NULL || a == NULL || ctx == NULL) {
        goto done;
    }
    env->max_steps = 20000;
    env->max_memory = 16 << 20;
    env->max_output = 1 << 20;

    nul = memchr(data, '\0', size);
    main_len = nul ? (size_t) (nul - data) : size;
    if (nul != NULL) {
        (void) gw_tmpl_env_add_string(env, "inc.html", (const char *) nul + 1,
                                      size - main_len - 1, err, sizeof(err));
    }
    if (gw_tmpl_env_add_string(env, "main.html", (const char *) data,
                               main_len, err, sizeof(err)) == GW_OK)
    {
        gw_buf_init(&out, a, 256);
        (void) gw_tmpl_render(env, "main.html", ctx, NULL, a, &out, err,
                              sizeof(err));
    }

done:
    if (a != NULL) {
        gw_arena_destroy(a);
    }
    json_decref(ctx);
    gw_tmpl_env_destroy(env);
    return 0;
}
