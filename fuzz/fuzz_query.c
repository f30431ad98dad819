/*
 * fuzz_query.c: query strings, and the percent-coding they rely on.
 */

#include "gateway.h"

#include <string.h>


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_arena_t      *a;
    gw_multidict_t   d;
    gw_str_t         in = { (const char *) data, size }, enc, dec;
    size_t           i;

    a = gw_arena_create(4096);
    if (a == NULL) {
        return 0;
    }

    memset(&d, 0, sizeof(d));
    if (gw_parse_query(a, in, &d) == GW_OK) {
        /* one lookup, not one per pair: the harness stays linear */
        (void) gw_multidict_get(&d, "a");
        for (i = 0; i < d.n; i++) {
            if (d.items[i].key.len > size || d.items[i].value.len > size) {
                __builtin_trap();
            }
        }
    }

    /* encoding then decoding gives the input back */
    if (gw_url_encode(a, in, "/", &enc) == GW_OK) {
        if (gw_url_decode(a, enc, 0, &dec) != GW_OK || dec.len != size
            || (size && memcmp(dec.data, data, size) != 0))
        {
            __builtin_trap();
        }
    }

    gw_arena_destroy(a);
    return 0;
}
