/*
 * fuzz_fcgi_params.c: gateway-fcgi's params to environ, with whatever
 * params a peer may send.  Input: two bytes of --max-body, then params
 * separated by newlines.  An accepted CONTENT_LENGTH is never above the
 * limit and is digits only.
 */

#include "gateway.h"
#include "../programs/gateway-fcgi/fcgi_environ.h"

#include <stdlib.h>
#include <string.h>


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_arena_t      *a;
    gw_environ_t     env;
    const gw_str_t  *v;
    const char      *error;
    char           **params, *text, *p, *nl;
    size_t           max_body, clen, n, i;
    int              status;

    if (size < 2) {
        return 0;
    }
    max_body = (size_t) data[0] << 8 | data[1];
    data += 2;
    size -= 2;

    a = gw_arena_create(4096);
    text = malloc(size + 1);
    params = malloc((size + 2) * sizeof(char *));
    if (a == NULL || text == NULL || params == NULL) {
        goto done;
    }

    memcpy(text, data, size);
    text[size] = '\0';

    n = 0;
    for (p = text; ; p = nl + 1) {
        params[n++] = p;
        nl = memchr(p, '\n', size - (size_t) (p - text));
        if (nl == NULL) {
            break;
        }
        *nl = '\0';
    }
    params[n] = NULL;

    gw_environ_init(&env, a, 16);
    status = gw_fcgi_environ(params, &env, max_body, &clen, &error);

    if (status == 0) {
        v = gw_environ_get(&env, "CONTENT_LENGTH");
        if (clen > max_body || (v == NULL && clen != 0)) {
            __builtin_trap();
        }
        for (i = 0; v != NULL && i < v->len; i++) {
            if (v->data[i] < '0' || v->data[i] > '9') {
                __builtin_trap();
            }
        }
        if (gw_fcgi_environ_input(&env, NULL, 0, 1, 0) != GW_OK
            || gw_environ_get(&env, "gateway.input") == NULL)
        {
            __builtin_trap();
        }

    } else if ((status != 400 && status != 413 && status != 500)
               || error == NULL)
    {
        __builtin_trap();
    }

done:

    free(params);
    free(text);
    gw_arena_destroy(a);
    return 0;
}
