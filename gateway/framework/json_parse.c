/*
 * json_parse.c: request bodies and session payloads into jansson's json_t,
 * accepting and refusing exactly what json_loadb(JSON_DECODE_ANY |
 * JSON_ALLOW_NUL) does, several times faster.
 *
 * Why our own parser and not simdjson (Debian's libsimdjson-dev, behind a
 * C++ shim): the cost left once the lexer is fast is building the json_t
 * values, which any parser must do one jansson call at a time, so simdjson's
 * tape would be walked a second time to build them, for a C++ runtime in
 * every worker.  jansson's own lexer reads one byte at a time through a
 * stream callback, copies every token into a buffer, then copies strings
 * once more.  This one walks the body in place: a string with no escapes
 * goes from the body straight into json_stringn_nocheck (eight bytes
 * checked at a time), keys straight into json_object_setn_new_nocheck,
 * numbers are read without strtoll/strtod in the common cases (correctly
 * rounded: Clinger's fast path, strtod beyond it), and validation is done
 * once, here, so jansson's checks are skipped.  Measured (README, "JSON"):
 * 5-10x json_loadb on the demo's 3 KB notes list; on 30 KB and larger
 * bodies building and freeing the json_t tree alone (json_deep_copy, then
 * json_decref) costs as much as this whole parse, so no faster lexer,
 * simdjson's included, could gain there without leaving jansson.
 *
 * The rules are jansson's (the differential fuzzer fuzz/fuzz_json_parse.c
 * holds us to them): strict UTF-8 everywhere (no overlongs, no encoded
 * surrogates, nothing past U+10FFFF), no control characters in strings,
 * \u escapes paired into valid code points (a lone surrogate is refused,
 * where Python keeps it), \u0000 in values but not in keys, integers that
 * fit 64 bits (a longer one is refused, where Python takes it), reals that
 * do not overflow (NaN and Infinity are not JSON; Python takes them),
 * duplicate keys last-wins (as Python), any value at the top, nothing but
 * whitespace after it, and JSON_PARSER_MAX_DEPTH (2048) levels counted as
 * jansson counts them: a scalar inside 2048 arrays is one too many.
 */

#include "fw.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char  *start;
    const unsigned char  *p;
    const unsigned char  *end;
    char                 *buf;         /* decoded escapes, long numbers */
    size_t                cap;
    int                   heap;        /* buf was malloc'ed */
    json_error_t         *err;
    const char           *msg;         /* the first error, if any */
    const unsigned char  *at;          /* where it was found */
} gw_jp_t;

/* 10^0 .. 10^22: every one exact as a double (Clinger's fast path) */
static const double  gw_jp_pow10[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
    1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static json_t *gw_jp_value(gw_jp_t *jp, int depth);


static json_t *
gw_jp_fail(gw_jp_t *jp, const unsigned char *at, const char *msg)
{
    if (jp->msg == NULL) {
        jp->msg = msg;
        jp->at = at;
    }
    return NULL;
}


static inline const unsigned char *
gw_jp_ws(const unsigned char *p, const unsigned char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) {
        p++;
    }
    return p;
}


/* The length of the valid UTF-8 sequence at p (lead byte >= 0x80), or 0:
 * RFC 3629's table, as jansson checks it. */
static size_t
gw_jp_utf8(const unsigned char *p, const unsigned char *end)
{
    unsigned  c = p[0];
    size_t    n = end - p;

    if (c >= 0xc2 && c <= 0xdf) {
        return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
    }
    if (c >= 0xe0 && c <= 0xef) {
        if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80
            || (c == 0xe0 && p[1] < 0xa0)            /* overlong */
            || (c == 0xed && p[1] >= 0xa0))          /* a surrogate */
        {
            return 0;
        }
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80
            || (p[3] & 0xc0) != 0x80
            || (c == 0xf0 && p[1] < 0x90)            /* overlong */
            || (c == 0xf4 && p[1] >= 0x90))          /* past U+10FFFF */
        {
            return 0;
        }
        return 4;
    }
    return 0;
}


static int
gw_jp_hex4(const unsigned char *p, unsigned *cp)
{
    unsigned  v = 0, d;
    int       i;

    for (i = 0; i < 4; i++) {
        d = p[i];
        if (d >= '0' && d <= '9') {
            d -= '0';
        } else if ((d | 0x20) >= 'a' && (d | 0x20) <= 'f') {
            d = (d | 0x20) - 'a' + 10;
        } else {
            return -1;
        }
        v = v << 4 | d;
    }
    *cp = v;
    return 0;
}


static char *
gw_jp_put_utf8(char *t, unsigned cp)
{
    if (cp < 0x80) {
        *t++ = cp;
    } else if (cp < 0x800) {
        *t++ = 0xc0 | cp >> 6;
        *t++ = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
        *t++ = 0xe0 | cp >> 12;
        *t++ = 0x80 | (cp >> 6 & 0x3f);
        *t++ = 0x80 | (cp & 0x3f);
    } else {
        *t++ = 0xf0 | cp >> 18;
        *t++ = 0x80 | (cp >> 12 & 0x3f);
        *t++ = 0x80 | (cp >> 6 & 0x3f);
        *t++ = 0x80 | (cp & 0x3f);
    }
    return t;
}


/* Room for n bytes in jp->buf, whose contents are not kept.  It starts
 * on the stack and grows to the longest string with escapes: no large
 * allocation for a large body (glibc would first consolidate every small
 * chunk that the last body's values freed). */
static char *
gw_jp_room(gw_jp_t *jp, size_t n)
{
    char  *p;

    if (n > jp->cap) {
        p = malloc(n);
        if (p == NULL) {
            return NULL;
        }
        if (jp->heap) {
            free(jp->buf);
        }
        jp->buf = p;
        jp->cap = n;
        jp->heap = 1;
    }
    return jp->buf;
}


/* The string whose opening quote is at jp->p: its bytes in *s and *len,
 * pointing into the body when it has no escapes, else into jp->buf (until
 * the next string with escapes); *nul is set when a \u0000 was decoded. */
static int
gw_jp_string(gw_jp_t *jp, const char **s, size_t *len, int *nul)
{
    const unsigned char  *p = jp->p + 1, *end = jp->end, *from, *q;
    char                 *t, *t0;
    unsigned              cp, lo;
    size_t                n;
    int                   c;

    *nul = 0;
    from = p;
    for ( ;; ) {
        while (end - p >= 8 && !gw_json_special8(p, 0)) {
            p += 8;
        }
        if (p == end) {
            gw_jp_fail(jp, p, "premature end of input");
            return GW_ERROR;
        }
        c = *p;
        if (c == '"') {
            *s = (const char *) from;
            *len = p - from;
            jp->p = p + 1;
            return GW_OK;
        }
        if (c == '\\') {
            break;
        }
        if (c < 0x20) {
            gw_jp_fail(jp, p, c == '\n' ? "unexpected newline"
                              : "control character in string");
            return GW_ERROR;
        }
        if (c >= 0x80) {
            n = gw_jp_utf8(p, end);
            if (n == 0) {
                gw_jp_fail(jp, p, "invalid UTF-8");
                return GW_ERROR;
            }
            p += n;
        } else {
            p++;
        }
    }

    /* escapes: decode into jp->buf, no longer than the source up to the
     * closing quote */
    for (q = p; q < end && *q != '"'; q += *q == '\\' ? 2 : 1) {
        /* void */
    }
    t0 = gw_jp_room(jp, (q < end ? q : end) - from);
    if (t0 == NULL) {
        gw_jp_fail(jp, p, "out of memory");
        return GW_ERROR;
    }
    memcpy(t0, from, p - from);
    t = t0 + (p - from);

    for ( ;; ) {
        if (p == end) {
            gw_jp_fail(jp, p, "premature end of input");
            return GW_ERROR;
        }
        c = *p;
        if (c == '"') {
            break;
        }
        if (c == '\\') {
            if (end - p < 2) {
                gw_jp_fail(jp, end, "premature end of input");
                return GW_ERROR;
            }
            switch (p[1]) {
            case '"':  *t++ = '"'; break;
            case '\\': *t++ = '\\'; break;
            case '/':  *t++ = '/'; break;
            case 'b':  *t++ = '\b'; break;
            case 'f':  *t++ = '\f'; break;
            case 'n':  *t++ = '\n'; break;
            case 'r':  *t++ = '\r'; break;
            case 't':  *t++ = '\t'; break;
            case 'u':
                if (end - p < 6 || gw_jp_hex4(p + 2, &cp) != 0) {
                    gw_jp_fail(jp, p, "invalid escape");
                    return GW_ERROR;
                }
                p += 6;
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    if (end - p < 2 || p[0] != '\\' || p[1] != 'u') {
                        gw_jp_fail(jp, p, "invalid Unicode: a lone "
                                          "surrogate");
                        return GW_ERROR;
                    }
                    if (end - p < 6 || gw_jp_hex4(p + 2, &lo) != 0) {
                        gw_jp_fail(jp, p, "invalid escape");
                        return GW_ERROR;
                    }
                    if (lo < 0xdc00 || lo > 0xdfff) {
                        gw_jp_fail(jp, p, "invalid Unicode: a lone "
                                          "surrogate");
                        return GW_ERROR;
                    }
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    p += 6;
                } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                    gw_jp_fail(jp, p - 6, "invalid Unicode: a lone "
                                          "surrogate");
                    return GW_ERROR;
                }
                *nul |= cp == 0;
                t = gw_jp_put_utf8(t, cp);
                continue;
            default:
                gw_jp_fail(jp, p, "invalid escape");
                return GW_ERROR;
            }
            p += 2;
            continue;
        }
        if (c < 0x20) {
            gw_jp_fail(jp, p, c == '\n' ? "unexpected newline"
                              : "control character in string");
            return GW_ERROR;
        }
        if (c >= 0x80) {
            n = gw_jp_utf8(p, end);
            if (n == 0) {
                gw_jp_fail(jp, p, "invalid UTF-8");
                return GW_ERROR;
            }
            memcpy(t, p, n);
            t += n;
            p += n;
            continue;
        }
        *t++ = c;
        p++;
    }

    *s = t0;
    *len = t - t0;
    jp->p = p + 1;
    return GW_OK;
}


/* A number, as jansson's lexer reads it: -?(0|[1-9][0-9]*)(.[0-9]+)?
 * ([eE][+-]?[0-9]+)?; an integer when it has neither fraction nor
 * exponent, refused past 64 bits. */
static json_t *
gw_jp_number(gw_jp_t *jp)
{
    const unsigned char  *p = jp->p, *end = jp->end, *s = p;
    uint64_t              m;
    int                   neg, nd, exp10, eneg, real, trunc;
    long                  e;
    double                d;
    char                 *copy, *stop;
    locale_t              c_locale;

    neg = p < end && *p == '-';
    p += neg;
    if (p == end || *p < '0' || *p > '9') {
        return gw_jp_fail(jp, s, "invalid token");
    }

    /* significant digits into m (19 fit), the rest counted in exp10 */
    m = 0;
    nd = 0;
    exp10 = 0;
    trunc = 0;
    if (*p == '0') {
        p++;
        if (p < end && *p >= '0' && *p <= '9') {
            return gw_jp_fail(jp, s, "invalid token");
        }
    } else {
        for ( ; p < end && *p >= '0' && *p <= '9'; p++) {
            if (nd < 19) {
                m = m * 10 + (*p - '0');
                nd++;
            } else {
                exp10++;
                trunc = 1;
            }
        }
    }

    real = 0;
    if (p < end && *p == '.') {
        real = 1;
        p++;
        if (p == end || *p < '0' || *p > '9') {
            return gw_jp_fail(jp, s, "invalid token");
        }
        for ( ; p < end && *p >= '0' && *p <= '9'; p++) {
            if (m == 0 && *p == '0') {
                exp10--;                /* leading zeros: not significant */
            } else if (nd < 19) {
                m = m * 10 + (*p - '0');
                nd++;
                exp10--;
            } else {
                trunc = 1;
            }
        }
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        real = 1;
        p++;
        eneg = 0;
        if (p < end && (*p == '+' || *p == '-')) {
            eneg = *p == '-';
            p++;
        }
        if (p == end || *p < '0' || *p > '9') {
            return gw_jp_fail(jp, s, "invalid token");
        }
        for (e = 0; p < end && *p >= '0' && *p <= '9'; p++) {
            if (e < 100000) {
                e = e * 10 + (*p - '0');
            }
        }
        exp10 += eneg ? -e : e;
    }
    jp->p = p;

    if (!real) {
        /* nd counts up to 19 digits and exp10 the rest */
        if (exp10 > 0 || m > (uint64_t) INT64_MAX + neg) {
            return gw_jp_fail(jp, s, neg ? "too big negative integer"
                                         : "too big integer");
        }
        return json_integer(neg ? (json_int_t) (0 - m) : (json_int_t) m);
    }

    /* exact: m and 10^|exp10| are both exact doubles, and one IEEE
     * operation rounds correctly */
    if (!trunc && (m == 0
                   || (m < (1ULL << 53) && exp10 >= -22 && exp10 <= 22)))
    {
        d = (double) m;
        if (m != 0) {
            d = exp10 < 0 ? d / gw_jp_pow10[-exp10] : d * gw_jp_pow10[exp10];
        }
        return json_real(neg ? -d : d);
    }

    /* the rest as jansson reads it, with strtod in the C locale */
    copy = gw_jp_room(jp, p - s + 1);
    if (copy == NULL) {
        return gw_jp_fail(jp, s, "out of memory");
    }
    memcpy(copy, s, p - s);
    copy[p - s] = '\0';
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t) 0);
    d = c_locale ? strtod_l(copy, &stop, c_locale) : strtod(copy, &stop);
    if (c_locale) {
        freelocale(c_locale);
    }
    if (isinf(d)) {
        return gw_jp_fail(jp, s, "real number overflow");
    }
    return json_real(d);
}


static json_t *
gw_jp_word(gw_jp_t *jp, const char *word, size_t n, json_t *v)
{
    if ((size_t) (jp->end - jp->p) < n || memcmp(jp->p, word, n) != 0) {
        return gw_jp_fail(jp, jp->p, "invalid token");
    }
    jp->p += n;
    return v;
}


/* The opening bracket at jp->p and the whitespace after it: skipped; 1
 * when the closing one follows at once (then skipped too). */
static int
gw_jp_open(gw_jp_t *jp, int close)
{
    jp->p = gw_jp_ws(jp->p + 1, jp->end);
    if (jp->p < jp->end && *jp->p == close) {
        jp->p++;
        return 1;
    }
    return 0;
}


/* After an element or a member: 1 for ',' (and the whitespace after it),
 * 0 for the closing bracket, -1 (an error) for anything else. */
static int
gw_jp_next(gw_jp_t *jp, int close, const char *expected)
{
    jp->p = gw_jp_ws(jp->p, jp->end);
    if (jp->p < jp->end && *jp->p == ',') {
        jp->p = gw_jp_ws(jp->p + 1, jp->end);
        return 1;
    }
    if (jp->p < jp->end && *jp->p == close) {
        jp->p++;
        return 0;
    }
    gw_jp_fail(jp, jp->p, expected);
    return -1;
}


static json_t *
gw_jp_array(gw_jp_t *jp, int depth)
{
    json_t  *a, *v;
    int      rc;

    a = json_array();
    if (a == NULL) {
        return gw_jp_fail(jp, jp->p, "out of memory");
    }
    if (gw_jp_open(jp, ']')) {
        return a;
    }

    do {
        v = gw_jp_value(jp, depth + 1);
        if (v == NULL || json_array_append_new(a, v) != 0) {
            break;
        }
        rc = gw_jp_next(jp, ']', "']' expected");
        if (rc == 0) {
            return a;
        }
    } while (rc > 0);

    json_decref(a);
    return gw_jp_fail(jp, jp->p, "out of memory");
}


static json_t *
gw_jp_object(gw_jp_t *jp, int depth)
{
    json_t      *o, *v;
    const char  *key;
    char        *kcopy, kbuf[64];
    size_t       klen;
    int          nul, rc;

    o = json_object();
    if (o == NULL) {
        return gw_jp_fail(jp, jp->p, "out of memory");
    }
    if (gw_jp_open(jp, '}')) {
        return o;
    }

    do {
        if (jp->p == jp->end || *jp->p != '"') {
            gw_jp_fail(jp, jp->p, "string or '}' expected");
            break;
        }
        if (gw_jp_string(jp, &key, &klen, &nul) != GW_OK) {
            break;
        }
        if (nul) {
            gw_jp_fail(jp, jp->p, "NUL byte in object key not supported");
            break;
        }
        jp->p = gw_jp_ws(jp->p, jp->end);
        if (jp->p == jp->end || *jp->p != ':') {
            gw_jp_fail(jp, jp->p, "':' expected");
            break;
        }
        jp->p = gw_jp_ws(jp->p + 1, jp->end);

        /* a key decoded in jp->buf is kept out of the value's way */
        kcopy = NULL;
        if (key == jp->buf) {
            kcopy = klen <= sizeof(kbuf) ? kbuf : malloc(klen);
            if (kcopy == NULL) {
                break;
            }
            key = memcpy(kcopy, key, klen);
        }
        v = gw_jp_value(jp, depth + 1);
        rc = v ? json_object_setn_new_nocheck(o, key, klen, v) : -1;
        if (kcopy != kbuf) {
            free(kcopy);
        }
        if (rc != 0) {
            break;
        }
        rc = gw_jp_next(jp, '}', "'}' expected");
        if (rc == 0) {
            return o;
        }
    } while (rc > 0);

    json_decref(o);
    return gw_jp_fail(jp, jp->p, "out of memory");
}


/* The value at jp->p (whitespace skipped); depth is jansson's: 1 at the
 * top, one more inside each array or object, counted for scalars too. */
static json_t *
gw_jp_value(gw_jp_t *jp, int depth)
{
    const char  *s;
    size_t       len;
    int          nul;

    if (depth > JSON_PARSER_MAX_DEPTH) {
        return gw_jp_fail(jp, jp->p, "maximum parsing depth reached");
    }
    if (jp->p == jp->end) {
        return gw_jp_fail(jp, jp->p, "unexpected token");
    }

    switch (*jp->p) {
    case '"':
        if (gw_jp_string(jp, &s, &len, &nul) != GW_OK) {
            return NULL;
        }
        return json_stringn_nocheck(s, len);
    case '{':
        return gw_jp_object(jp, depth);
    case '[':
        return gw_jp_array(jp, depth);
    case 't':
        return gw_jp_word(jp, "true", 4, json_true());
    case 'f':
        return gw_jp_word(jp, "false", 5, json_false());
    case 'n':
        return gw_jp_word(jp, "null", 4, json_null());
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        return gw_jp_number(jp);
    }
    return gw_jp_fail(jp, jp->p, "invalid token");
}


/* jansson's error: the message, a little of the text where it was found
 * (ASCII only, so that it can travel in a JSON error body), the line and
 * the column counted in characters. */
static void
gw_jp_error(gw_jp_t *jp)
{
    json_error_t         *err = jp->err;
    const unsigned char  *p, *at = jp->at, *line;
    char                  near[24];
    size_t                i;

    err->line = 1;
    line = jp->start;
    for (p = jp->start; p < at; p++) {
        if (*p == '\n') {
            err->line++;
            line = p + 1;
        }
    }
    err->column = 0;
    for (p = line; p <= at && p < jp->end; p++) {
        err->column += (*p & 0xc0) != 0x80;
    }
    err->position = at - jp->start;
    snprintf(err->source, sizeof(err->source), "<buffer>");

    if (at == jp->end) {
        snprintf(err->text, sizeof(err->text), "%s near end of file",
                 jp->msg);
        return;
    }
    for (i = 0; i < 20 && at + i < jp->end && at[i] >= 0x21 && at[i] < 0x7f;
         i++)
    {
        near[i] = at[i];
    }
    near[i] = '\0';
    snprintf(err->text, sizeof(err->text), i ? "%s near '%s'" : "%s",
             jp->msg, near);
}


json_t *
gw_json_loadb(const char *buf, size_t len, json_error_t *err)
{
    gw_jp_t  jp;
    json_t  *v;
    char     small[512];

    jp.start = (const unsigned char *) (buf ? buf : "");
    jp.end = jp.start + (buf ? len : 0);
    jp.buf = small;
    jp.cap = sizeof(small);
    jp.heap = 0;
    jp.msg = NULL;
    jp.at = NULL;
    jp.err = err;

    jp.p = gw_jp_ws(jp.start, jp.end);
    v = gw_jp_value(&jp, 1);
    if (v != NULL) {
        jp.p = gw_jp_ws(jp.p, jp.end);
        if (jp.p != jp.end) {
            json_decref(v);
            v = gw_jp_fail(&jp, jp.p, "end of file expected");
        }
    }
    if (jp.heap) {
        free(jp.buf);
    }

    if (v == NULL && err != NULL) {
        if (jp.msg == NULL) {
            gw_jp_fail(&jp, jp.p, "out of memory");
        }
        gw_jp_error(&jp);
    }
    return v;
}
