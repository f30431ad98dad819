/*
 * query.c: query strings ("a=1&b=2&a=3") into a multidict, as Werkzeug's
 * url_decode: only '&' separates pairs (';' is data), empty pairs are
 * skipped, a pair without '=' has an empty value.
 */

#include "gateway.h"

#include <string.h>


int
gw_parse_query(gw_arena_t *a, gw_str_t qs, gw_multidict_t *out)
{
    const char  *p, *end, *amp, *eq;
    gw_str_t     k, v, key, value;

    if (qs.len == 0) {
        return GW_OK;
    }

    p = qs.data;
    end = p + qs.len;

    while (p < end) {
        amp = memchr(p, '&', end - p);
        if (amp == NULL) {
            amp = end;
        }

        if (amp > p) {
            eq = memchr(p, '=', amp - p);
            k.data = p;
            if (eq != NULL) {
                k.len = eq - p;
                v.data = eq + 1;
                v.len = amp - eq - 1;
            } else {
                k.len = amp - p;
                v.data = amp;
                v.len = 0;
            }

            if (gw_url_decode(a, k, 1, &key) != GW_OK
                || gw_url_decode(a, v, 1, &value) != GW_OK
                || gw_multidict_add(a, out, key, value) != GW_OK)
            {
                return GW_ERROR;
            }
        }

        p = amp + 1;
    }

    return GW_OK;
}
