/*
 * urlcode.c: percent-decoding and -encoding (RFC 3986).  Decoding is strict:
 * a stray '%' is a client error we report, not something we guess at.
 */

#include "gateway.h"

#include <string.h>


static int
gw_hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c |= 0x20;
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}


int
gw_url_decode(gw_arena_t *a, gw_str_t in, int plus_as_space, gw_str_t *out)
{
    const unsigned char  *p, *end;
    char                 *dst, *d;
    int                   hi, lo;

    /* nothing to change: hand back the input itself, no copy */
    if (in.len == 0
        || (memchr(in.data, '%', in.len) == NULL
            && (!plus_as_space || memchr(in.data, '+', in.len) == NULL)))
    {
        *out = in;
        return GW_OK;
    }

    dst = gw_arena_alloc(a, in.len + 1);
    if (dst == NULL) {
        return GW_ERROR;
    }

    d = dst;
    p = (const unsigned char *) in.data;
    end = p + in.len;

    while (p < end) {
        if (*p == '%') {
            if (end - p < 3) {
                return GW_ERROR;
            }
            hi = gw_hexval(p[1]);
            lo = gw_hexval(p[2]);
            if (hi < 0 || lo < 0) {
                return GW_ERROR;
            }
            *d++ = (char) (hi << 4 | lo);
            p += 3;

        } else if (*p == '+' && plus_as_space) {
            *d++ = ' ';
            p++;

        } else {
            *d++ = (char) *p++;
        }
    }
    *d = '\0';

    out->data = dst;
    out->len = d - dst;
    return GW_OK;
}


static int
gw_url_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
           || c == '~';
}


/* url_for calls this for every value of every link on a page: no
 * per-call table, and the safe list is only consulted for bytes that
 * would otherwise be escaped */
static int
gw_url_keep(unsigned char c, const char *safe)
{
    return gw_url_unreserved(c)
           || (safe != NULL && c != '\0' && strchr(safe, c) != NULL);
}


int
gw_url_encode(gw_arena_t *a, gw_str_t in, const char *safe, gw_str_t *out)
{
    static const char     hex[] = "0123456789ABCDEF";
    const unsigned char  *p, *end;
    size_t                n;
    char                 *dst, *d;

    if (in.len == 0) {
        *out = in;
        return GW_OK;
    }

    p = (const unsigned char *) in.data;
    end = p + in.len;

    n = 0;
    while (p < end) {
        n += gw_url_keep(*p++, safe) ? 1 : 3;
    }

    if (n == in.len) {
        *out = in;
        return GW_OK;
    }

    dst = gw_arena_alloc(a, n + 1);
    if (dst == NULL) {
        return GW_ERROR;
    }

    d = dst;
    for (p = (const unsigned char *) in.data; p < end; p++) {
        if (gw_url_keep(*p, safe)) {
            *d++ = (char) *p;
        } else {
            *d++ = '%';
            *d++ = hex[*p >> 4];
            *d++ = hex[*p & 0xf];
        }
    }
    *d = '\0';

    out->data = dst;
    out->len = n;
    return GW_OK;
}
