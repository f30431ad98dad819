/*
 * multidict.c: an ordered map that keeps every value of a repeated key, as
 * Werkzeug's MultiDict, for query arguments, form fields and cookies.
 */

#include "fw.h"

#include <string.h>


int
gw_multidict_add(gw_arena_t *a, gw_multidict_t *d, gw_str_t key,
    gw_str_t value)
{
    if (gw_array_grow(a, &d->items, d->n, &d->nalloc,
                      sizeof(gw_pair_t)) != GW_OK)
    {
        return GW_ERROR;
    }

    d->items[d->n].key = key;
    d->items[d->n].value = value;
    d->n++;
    return GW_OK;
}


static int
gw_multidict_key_is(const gw_pair_t *p, const char *key, size_t len)
{
    return p->key.len == len
           && (len == 0 || memcmp(p->key.data, key, len) == 0);
}


const gw_str_t *
gw_multidict_get(const gw_multidict_t *d, const char *key)
{
    size_t  i, len;

    len = strlen(key);
    for (i = 0; i < d->n; i++) {
        if (gw_multidict_key_is(&d->items[i], key, len)) {
            return &d->items[i].value;
        }
    }
    return NULL;
}


size_t
gw_multidict_getall(const gw_multidict_t *d, const char *key, gw_str_t *out,
    size_t max)
{
    size_t  i, len, found;

    len = strlen(key);
    found = 0;
    for (i = 0; i < d->n; i++) {
        if (gw_multidict_key_is(&d->items[i], key, len)) {
            if (found < max) {
                out[found] = d->items[i].value;
            }
            found++;
        }
    }
    return found;
}
