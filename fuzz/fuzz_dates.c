/*
 * fuzz_dates.c: the strftime filter on arbitrary dates and formats (a date
 * string may come from a form, through a database), and the password hash
 * format's parser (a stored hash).  Inputs holding a NUL split into the
 * date and the format.  Errors are expected; crashes and UB are not.
 */

#include "gateway.h"

#include <stdint.h>
#include <string.h>


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char  *src = "{{ d|strftime(f) }}{{ n|strftime(f) }}"
                              "{{ d.strftime('%c %f %z %Z %j') }}";
    gw_tmpl_env_t      *env;
    gw_arena_t         *a;
    gw_buf_t            out;
    json_t             *ctx;
    char                err[512], *hash;
    const uint8_t      *nul;
    size_t              dlen;
    double              x;

    env = gw_tmpl_env_create();
    a = gw_arena_create(4096);
    nul = memchr(data, '\0', size);
    dlen = nul ? (size_t) (nul - data) : size;
    x = 0;
    if (size >= sizeof(x)) {
        memcpy(&x, data, sizeof(x));
    }
    ctx = json_pack("{s:s%,s:s%,s:f}", "d", (const char *) data, dlen,
                    "f", nul ? (const char *) nul + 1 : "%Y-%m-%d %H:%M:%S",
                    nul ? size - dlen - 1 : 17, "n", x);
    if (env == NULL || a == NULL || ctx == NULL
        || gw_tmpl_env_add_string(env, "t.txt", src, strlen(src), err,
                                  sizeof(err)) != GW_OK)
    {
        goto done;
    }
    gw_buf_init(&out, a, 256);
    (void) gw_tmpl_render(env, "t.txt", ctx, NULL, a, &out, err,
                          sizeof(err));

    /* the hash parser wants a C string: the date part is one */
    hash = gw_arena_strndup(a, (const char *) data, dlen);
    if (hash != NULL) {
        (void) gw_password_hash_valid(hash);
    }

done:
    if (a != NULL) {
        gw_arena_destroy(a);
    }
    json_decref(ctx);
    gw_tmpl_env_destroy(env);
    return 0;
}
