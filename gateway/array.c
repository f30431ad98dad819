/*
 * array.c: arrays in an arena that grow by doubling, the one place where
 * the library's growing arrays (environ, response, multidicts, URL map)
 * and byte buffers compute a new size.
 */

#include "gw_core.h"

#include <string.h>


/* The first allocation holds at least this many bytes (and 4 items), so
 * that small arrays do not regrow several times. */
#define GW_ARRAY_FIRST  256


int
gw_array_reserve(gw_arena_t *a, void *items, size_t n, size_t *nalloc,
    size_t size, size_t more)
{
    size_t   want, need;
    void    *old, *p;

    if (*nalloc >= n && *nalloc - n >= more) {
        return GW_OK;
    }

    if (size == 0 || more > SIZE_MAX - n) {
        return GW_ERROR;
    }
    need = n + more;

    want = *nalloc;
    if (want == 0) {
        want = GW_ARRAY_FIRST / size > 4 ? GW_ARRAY_FIRST / size : 4;
    }
    while (want < need) {
        if (want > SIZE_MAX / 2) {
            return GW_ERROR;
        }
        want *= 2;
    }
    if (want > SIZE_MAX / size) {
        return GW_ERROR;
    }

    /* the old copy stays in the arena until it is reset: doubling keeps
     * that waste under the final size */
    p = gw_arena_alloc(a, want * size);
    if (p == NULL) {
        return GW_ERROR;
    }

    /* items is the address of the caller's pointer, of whatever type:
     * copied, not dereferenced as a void *, so no type is punned */
    memcpy(&old, items, sizeof(void *));
    if (n) {
        memcpy(p, old, n * size);
    }
    memcpy(items, &p, sizeof(void *));
    *nalloc = want;
    return GW_OK;
}
