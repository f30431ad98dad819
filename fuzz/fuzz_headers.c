/*
 * fuzz_headers.c: request headers into the environ, as both servers add
 * them: names into CGI keys, repeats joined (gw_environ_add_header).  The
 * input is header lines "Name: value"; its first byte says how many of the
 * first lines are server params added before the headers, never joined.
 */

#include "gateway.h"

#include <string.h>


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_arena_t      *a;
    gw_environ_t     env;
    const char      *p, *end, *eol, *colon;
    char            *key;
    size_t           keylen, from, nparams, nheaders, bytes, total, i, j;
    gw_str_t         k, v;

    if (size == 0) {
        return 0;
    }

    a = gw_arena_create(4096);
    if (a == NULL) {
        return 0;
    }
    gw_environ_init(&env, a, 0);

    nparams = data[0] % 4;
    from = 0;
    nheaders = bytes = 0;

    for (p = (const char *) data + 1, end = (const char *) data + size;
         p < end; p = eol + 1)
    {
        eol = memchr(p, '\n', end - p);
        if (eol == NULL) {
            eol = end;
        }
        colon = memchr(p, ':', eol - p);
        if (colon == NULL) {
            continue;
        }
        key = gw_environ_header_key(a, p, colon - p, &keylen);
        if (key == NULL) {
            continue;
        }
        k.data = key;
        k.len = keylen;
        v.data = colon + 1;
        v.len = eol - colon - 1;

        if (nparams) {
            nparams--;
            if (gw_environ_add(&env, k, v) != GW_OK) {
                __builtin_trap();
            }
            from = env.nentries;
            continue;
        }

        if (gw_environ_add_header(&env, from, k, v) != GW_OK) {
            __builtin_trap();
        }
        nheaders++;
        bytes += v.len;
    }

    /* every byte of every header is kept, with ", " or "; " between the
     * values of one key; each key appears once after from */
    total = 0;
    for (i = from; i < env.nentries; i++) {
        total += env.entries[i].value.len;
    }
    if (env.nentries - from > nheaders
        || total != bytes + 2 * (nheaders - (env.nentries - from)))
    {
        __builtin_trap();
    }
    /* keys are distinct (checked over a bounded window, so the harness
     * stays linear) */
    for (i = from; i < env.nentries && i < from + 64; i++) {
        for (j = i + 1; j < env.nentries && j < from + 64; j++) {
            if (env.entries[i].key.len == env.entries[j].key.len
                && memcmp(env.entries[i].key.data, env.entries[j].key.data,
                          env.entries[i].key.len) == 0)
            {
                __builtin_trap();
            }
        }
    }

    gw_arena_destroy(a);
    return 0;
}
