/*
 * arena.c: request-lifetime memory.  Allocation is a pointer bump inside a
 * block; everything is released at once when the request ends, so the request
 * path never frees piecemeal (nginx's pools, outside nginx).
 */

#include "gw_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define gw_align(n)                                                          \
    (((n) + GW_ARENA_ALIGN - 1) & ~(size_t) (GW_ARENA_ALIGN - 1))

struct gw_arena_block_s {
    gw_arena_block_t  *next;
    size_t             size;
    /* the block's memory follows, aligned */
};

struct gw_arena_cleanup_s {
    gw_arena_cleanup_t  *next;
    void               (*fn)(void *);
    void                *data;
};

#define GW_BLOCK_HEADER  gw_align(sizeof(gw_arena_block_t))


void
gw_arena_init(gw_arena_t *a, void *buf, size_t size, size_t block_size)
{
    uintptr_t  p;

    memset(a, 0, sizeof(*a));
    a->block_size = block_size ? block_size : 8192;

    if (buf != NULL && size > GW_ARENA_ALIGN) {
        /* the seed may be unaligned; start at the first aligned byte */
        p = ((uintptr_t) buf + GW_ARENA_ALIGN - 1)
            & ~(uintptr_t) (GW_ARENA_ALIGN - 1);
        a->seed = (char *) p;
        a->seed_size = size - (p - (uintptr_t) buf);
        a->pos = a->seed;
        a->end = a->seed + a->seed_size;
    }
}


gw_arena_t *
gw_arena_create(size_t block_size)
{
    gw_arena_t  *a;

    a = malloc(sizeof(gw_arena_t));
    if (a == NULL) {
        return NULL;
    }

    gw_arena_init(a, NULL, 0, block_size);
    return a;
}


void
gw_arena_reset(gw_arena_t *a)
{
    gw_arena_cleanup_t  *c;
    gw_arena_block_t    *b, *next;

    /* cleanups were allocated in the arena: run them all before freeing */
    for (c = a->cleanups; c != NULL; c = c->next) {
        c->fn(c->data);
    }
    a->cleanups = NULL;

    for (b = a->blocks; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    a->blocks = NULL;
    a->allocated = 0;
    a->over = 0;

    a->pos = a->seed;
    a->end = a->seed ? a->seed + a->seed_size : NULL;
}


void
gw_arena_destroy(gw_arena_t *a)
{
    if (a == NULL) {
        return;
    }

    gw_arena_reset(a);
    free(a);
}


size_t
gw_arena_size(const gw_arena_t *a)
{
    return a->allocated;
}


void *
gw_arena_alloc(gw_arena_t *a, size_t size)
{
    gw_arena_block_t  *b;
    size_t             need, bsize;
    char              *p;

    /* gw_align() and the block header must not wrap a huge size round to
     * a small block */
    if (size > SIZE_MAX - GW_ARENA_ALIGN - GW_BLOCK_HEADER) {
        return NULL;
    }

    need = gw_align(size ? size : 1);

    if (a->pos != NULL && (size_t) (a->end - a->pos) >= need) {
        p = a->pos;
        a->pos += need;
        return p;
    }

    bsize = need > a->block_size / 4 ? need : a->block_size;
    if (a->limit != 0
        && (GW_BLOCK_HEADER + bsize > a->limit
            || a->allocated > a->limit - GW_BLOCK_HEADER - bsize))
    {
        a->over = 1;
        return NULL;
    }

    /* a large request gets a block of its own and leaves the current block
     * in place, so small allocations keep filling it */
    if (need > a->block_size / 4) {
        b = malloc(GW_BLOCK_HEADER + need);
        if (b == NULL) {
            return NULL;
        }
        b->size = need;
        a->allocated += GW_BLOCK_HEADER + need;

        if (a->blocks != NULL) {
            b->next = a->blocks->next;
            a->blocks->next = b;
        } else {
            b->next = NULL;
            a->blocks = b;
            if (a->pos == NULL) {
                a->pos = a->end = (char *) b + GW_BLOCK_HEADER + need;
            }
        }
        return (char *) b + GW_BLOCK_HEADER;
    }

    b = malloc(GW_BLOCK_HEADER + bsize);
    if (b == NULL) {
        return NULL;
    }
    b->size = bsize;
    a->allocated += GW_BLOCK_HEADER + bsize;
    b->next = a->blocks;
    a->blocks = b;

    p = (char *) b + GW_BLOCK_HEADER;
    a->pos = p + need;
    a->end = p + bsize;
    return p;
}


void *
gw_arena_calloc(gw_arena_t *a, size_t size)
{
    void  *p;

    p = gw_arena_alloc(a, size);
    if (p != NULL) {
        memset(p, 0, size);
    }
    return p;
}


char *
gw_arena_strndup(gw_arena_t *a, const char *s, size_t len)
{
    char  *p;

    if (len == SIZE_MAX) {
        return NULL;
    }

    p = gw_arena_alloc(a, len + 1);
    if (p == NULL) {
        return NULL;
    }

    if (len) {
        memcpy(p, s, len);
    }
    p[len] = '\0';
    return p;
}


char *
gw_arena_strdup(gw_arena_t *a, const char *s)
{
    return gw_arena_strndup(a, s, strlen(s));
}


char *
gw_arena_vprintf(gw_arena_t *a, const char *fmt, va_list ap)
{
    va_list  aq;
    char    *p;
    int      n;

    va_copy(aq, ap);
    n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);

    if (n < 0) {
        return NULL;
    }

    p = gw_arena_alloc(a, (size_t) n + 1);
    if (p == NULL) {
        return NULL;
    }

    vsnprintf(p, (size_t) n + 1, fmt, ap);
    return p;
}


char *
gw_arena_printf(gw_arena_t *a, const char *fmt, ...)
{
    va_list  ap;
    char    *p;

    va_start(ap, fmt);
    p = gw_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}


int
gw_arena_cleanup_add(gw_arena_t *a, void (*fn)(void *), void *data)
{
    gw_arena_cleanup_t  *c;

    c = gw_arena_alloc(a, sizeof(gw_arena_cleanup_t));
    if (c == NULL) {
        return GW_ERROR;
    }

    c->fn = fn;
    c->data = data;
    c->next = a->cleanups;
    a->cleanups = c;
    return GW_OK;
}
