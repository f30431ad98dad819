/*
 * buf.c: a growable byte buffer whose memory comes from an arena, for output
 * that is built piecemeal (JSON, rendered templates, percent-encoding).
 */

#include "gw_core.h"

#include <stdio.h>
#include <string.h>


int
gw_str_eq(gw_str_t a, const char *b)
{
    size_t  n;

    n = strlen(b);
    return a.len == n && (n == 0 || memcmp(a.data, b, n) == 0);
}


void
gw_buf_init(gw_buf_t *b, gw_arena_t *a, size_t cap)
{
    b->arena = a;
    b->len = 0;
    b->cap = 0;
    b->data = NULL;

    if (cap) {
        b->data = gw_arena_alloc(a, cap);
        if (b->data != NULL) {
            b->cap = cap;
        }
    }
}


int
gw_buf_reserve(gw_buf_t *b, size_t more)
{
    return gw_array_reserve(b->arena, &b->data, b->len, &b->cap, 1, more);
}


int
gw_buf_append(gw_buf_t *b, const void *data, size_t len)
{
    if (len == 0) {
        return GW_OK;
    }

    if (gw_buf_reserve(b, len) != GW_OK) {
        return GW_ERROR;
    }

    memcpy(b->data + b->len, data, len);
    b->len += len;
    return GW_OK;
}


int
gw_buf_appends(gw_buf_t *b, const char *s)
{
    return gw_buf_append(b, s, strlen(s));
}


int
gw_buf_putc(gw_buf_t *b, char c)
{
    if (b->len == b->cap && gw_buf_reserve(b, 1) != GW_OK) {
        return GW_ERROR;
    }

    b->data[b->len++] = c;
    return GW_OK;
}


int
gw_buf_printf(gw_buf_t *b, const char *fmt, ...)
{
    va_list  ap;
    int      n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);

    if (n < 0 || gw_buf_reserve(b, (size_t) n + 1) != GW_OK) {
        return GW_ERROR;
    }

    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
    va_end(ap);

    b->len += (size_t) n;
    return GW_OK;
}
