/*
 * utf8.c: the engine's one UTF-8 decoder and encoder.  Strings are UTF-8
 * throughout; Python counts and indexes them in characters.
 */

#include "tmpl.h"


/* Decode one UTF-8 character at s[*i]; a bad byte stands for itself. */
uint32_t
tmpl_utf8_next(const char *s, size_t n, size_t *i)
{
    unsigned char  c = (unsigned char) s[*i];
    uint32_t       cp;
    size_t         len, k;

    len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
          : (c & 0xf8) == 0xf0 ? 4 : 1;
    if (len == 1 || *i + len > n) {
        (*i)++;
        return c;
    }
    cp = c & (0x7f >> len);
    for (k = 1; k < len; k++) {
        unsigned char  d = (unsigned char) s[*i + k];

        if ((d & 0xc0) != 0x80) {
            (*i)++;
            return c;
        }
        cp = (cp << 6) | (d & 0x3f);
    }
    *i += len;
    return cp;
}


/* Characters in s[0..n): all bytes but UTF-8 continuation bytes, eight
 * ASCII bytes at a time. */
size_t
tmpl_utf8_len(const char *s, size_t n)
{
    size_t    i, k;
    uint64_t  w;

    for (i = 0, k = 0; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        if ((w & 0x8080808080808080ull) != 0) {
            break;
        }
        k += 8;
    }
    for ( ; i < n; i++) {
        k += ((unsigned char) s[i] & 0xc0) != 0x80;
    }
    return k;
}


/* c as UTF-8 into o (room for 4); its length */
size_t
tmpl_utf8_encode(char *o, uint32_t c)
{
    if (c < 0x80) {
        o[0] = (char) c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char) (0xc0 | (c >> 6));
        o[1] = (char) (0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (char) (0xe0 | (c >> 12));
        o[1] = (char) (0x80 | ((c >> 6) & 0x3f));
        o[2] = (char) (0x80 | (c & 0x3f));
        return 3;
    }
    o[0] = (char) (0xf0 | (c >> 18));
    o[1] = (char) (0x80 | ((c >> 12) & 0x3f));
    o[2] = (char) (0x80 | ((c >> 6) & 0x3f));
    o[3] = (char) (0x80 | (c & 0x3f));
    return 4;
}


void
tmpl_utf8_put(gw_buf_t *b, uint32_t c)
{
    char  o[4];

    gw_buf_append(b, o, tmpl_utf8_encode(o, c));
}
