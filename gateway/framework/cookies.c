/*
 * cookies.c: the Cookie header into a multidict, byte for byte as
 * Werkzeug's parse_cookie: each pair is `key [= value] ;` where a value is
 * either a quoted string (unquoted here, with \" and \ooo escapes) or
 * anything up to the next ';'.  Pairs with an empty key are skipped; the
 * first pair that cannot be read at all ends the parse, never with an error.
 */

#include "gateway.h"

#include <string.h>


static int
gw_cookie_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
           || c == '\v';
}


/* Does p[0..) start with optional whitespace and a ';'?  The header is
 * treated as if a ';' followed its end. */
static const char *
gw_cookie_semicolon(const char *p, const char *end)
{
    while (p < end && gw_cookie_space(*p)) {
        p++;
    }
    if (p == end) {
        return end;
    }
    return *p == ';' ? p + 1 : NULL;
}


/* A quoted value: '"', then non-quote bytes or a backslash and any byte
 * but a newline, then '"'.  Returns the byte after it, or NULL. */
static const char *
gw_cookie_quoted(const char *p, const char *end)
{
    p++;
    while (p < end) {
        if (*p == '"') {
            return p + 1;
        }
        if (*p == '\\') {
            if (end - p < 2 || p[1] == '\n') {
                return NULL;
            }
            p += 2;
            continue;
        }
        p++;
    }
    return NULL;
}


static int
gw_cookie_octal(const char *p, const char *end)
{
    return end - p >= 4 && p[0] == '\\' && p[1] >= '0' && p[1] <= '3'
           && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7';
}


static int
gw_cookie_unquote(gw_arena_t *a, gw_str_t in, gw_str_t *out)
{
    const char  *p, *end;
    char        *d;

    if (in.len < 2 || in.data[0] != '"' || in.data[in.len - 1] != '"') {
        *out = in;
        return GW_OK;
    }

    p = in.data + 1;
    end = in.data + in.len - 1;

    if (memchr(p, '\\', end - p) == NULL) {
        out->data = p;
        out->len = end - p;
        return GW_OK;
    }

    d = gw_arena_alloc(a, end - p + 1);
    if (d == NULL) {
        return GW_ERROR;
    }
    out->data = d;

    while (p < end) {
        if (gw_cookie_octal(p, end)) {
            *d++ = (char) ((p[1] - '0') << 6 | (p[2] - '0') << 3
                           | (p[3] - '0'));
            p += 4;

        } else if (*p == '\\' && end - p >= 2 && p[1] != '\n') {
            *d++ = p[1];
            p += 2;

        } else {
            *d++ = *p++;
        }
    }

    out->len = d - out->data;
    return GW_OK;
}


int
gw_parse_cookies(gw_arena_t *a, gw_str_t header, gw_multidict_t *out)
{
    const char  *p, *end, *q, *next, *semi, *vs, *ve;
    gw_str_t     key, value;

    if (header.len == 0) {
        return GW_OK;
    }

    p = header.data;
    end = p + header.len;

    while (p < end) {

        /* the key: everything up to '=' or ';', trimmed */
        q = p;
        while (q < end && *q != '=' && *q != ';') {
            q++;
        }
        key.data = p;
        key.len = q - p;
        vs = ve = NULL;

        if (q < end && *q == '=') {
            vs = q + 1;
            while (vs < end && gw_cookie_space(*vs)) {
                vs++;
            }

            /* a quoted value, if a ';' follows it; otherwise the value
             * runs to the next ';' (less trailing blanks) and may not
             * hold a newline */
            next = NULL;
            if (vs < end && *vs == '"') {
                ve = gw_cookie_quoted(vs, end);
                if (ve != NULL) {
                    next = gw_cookie_semicolon(ve, end);
                }
            }

            if (next == NULL) {
                for (semi = vs; semi < end && *semi != ';'; semi++) {
                    /* void */
                }
                next = semi < end ? semi + 1 : end;
                ve = semi;
                while (ve > vs && gw_cookie_space(ve[-1])) {
                    ve--;
                }
                for (q = vs; q < ve; q++) {
                    if (*q == '\n') {
                        return GW_OK;
                    }
                }
            }

        } else {
            next = q < end ? q + 1 : end;
        }

        p = next;

        while (key.len && gw_cookie_space(key.data[0])) {
            key.data++;
            key.len--;
        }
        while (key.len && gw_cookie_space(key.data[key.len - 1])) {
            key.len--;
        }
        if (key.len == 0) {
            continue;
        }

        if (vs == NULL) {
            value.data = key.data + key.len;
            value.len = 0;
        } else {
            value.data = vs;
            value.len = ve - vs;
            if (gw_cookie_unquote(a, value, &value) != GW_OK) {
                return GW_ERROR;
            }
        }

        if (gw_multidict_add(a, out, key, value) != GW_OK) {
            return GW_ERROR;
        }
    }

    return GW_OK;
}
