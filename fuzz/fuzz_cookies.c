/*
 * fuzz_cookies.c: Cookie headers.  They never fail, so any GW_ERROR is a
 * bug; values can only shrink when unquoted.
 */

#include "gateway.h"

#include <string.h>


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_arena_t      *a;
    gw_multidict_t   d;
    gw_str_t         in = { (const char *) data, size };
    size_t           i;

    a = gw_arena_create(4096);
    if (a == NULL) {
        return 0;
    }

    memset(&d, 0, sizeof(d));
    if (gw_parse_cookies(a, in, &d) != GW_OK) {
        __builtin_trap();
    }
    for (i = 0; i < d.n; i++) {
        if (d.items[i].key.len == 0 || d.items[i].key.len > size
            || d.items[i].value.len > size)
        {
            __builtin_trap();
        }
    }

    gw_arena_destroy(a);
    return 0;
}
