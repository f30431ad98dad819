/*
 * repr.c: values printed exactly as Python prints them, since that is what
 * Jinja's output is made of: str() for {{ }}, repr() inside containers,
 * shortest round-tripping floats, True/False/None.  Also markupsafe's
 * escaping.
 */

#include "tmpl.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>


const double  tmpl_pow10[16] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
    1e13, 1e14, 1e15
};


/*
 * round(|d| * 10^prec), without printf, when the product, a single
 * rounding off the exact one, is far enough from a half that its nearest
 * integer is the exact product's: that integer over 10^prec, both exact,
 * is then the correctly rounded decimal, as printf and strtod() give it.
 * 0 when too near a tie to tell, or out of the exact range.
 */
int
tmpl_round_scaled(double d, int prec, double *m)
{
    double  y, frac;

    if (prec < 0 || prec > 15) {
        return 0;
    }
    y = fabs(d) * tmpl_pow10[prec];
    if (!(y < 4503599627370496.0)) {        /* 2^52: ulp below 1 */
        return 0;
    }
    *m = floor(y);
    frac = y - *m;                          /* exact below 2^52 */
    if (fabs(frac - 0.5) <= 4 * DBL_EPSILON * (y > 1 ? y : 1)) {
        return 0;
    }
    *m += frac > 0.5;
    return 1;
}


/* "%.{prec}f" of d into buf (at least 40 bytes) when tmpl_round_scaled()
 * can tell its digits; the length, or 0 for printf's turn */
size_t
tmpl_fixed_format(double d, int prec, char *buf)
{
    double    m;
    uint64_t  u;
    char      rev[24];
    size_t    n = 0, k = 0;
    int       i;

    if (!tmpl_round_scaled(d, prec, &m)) {
        return 0;
    }
    u = (uint64_t) m;
    if (signbit(d)) {
        buf[k++] = '-';
    }
    for (i = 0; i < prec; i++, u /= 10) {
        rev[n++] = (char) ('0' + u % 10);
    }
    do {
        rev[n++] = (char) ('0' + u % 10);
        u /= 10;
    } while (u > 0);
    while (n > 0) {
        buf[k++] = rev[--n];
        if (n == (size_t) prec && prec > 0) {
            buf[k++] = '.';
        }
    }
    return k;
}


/*
 * The digits of |f| and its decimal exponent when a decimal of at most 15
 * digits with at most 15 places reads back as f, as the prices and
 * rounded figures pages print do: that decimal is then the shortest.
 * m / 10^k is correctly rounded like strtod() of the same decimal, since
 * both are exact, so the test is exact; nearer decimals of more places
 * cannot exist below 15 digits.  0 when there is none (printf's turn).
 */
/* A power of two's doubles are twice as far apart above it as below, so
 * the decimal one unit up in the last digit (tmp is printf's "%.*e", the
 * nearest) may read back where the nearest does not: Python prints that
 * one (2.0 ** 378 is 6.156563468186638e+113, not ...637 nor 17 digits). */
static int
up_neighbour(char *tmp, double f)
{
    char  *e = strchr(tmp, 'e'), *p;
    int    exp2;

    if (e == NULL || frexp(f, &exp2) != (f < 0 ? -0.5 : 0.5)) {
        return 0;
    }
    for (p = e - 1; p >= tmp; p--) {
        if (*p < '0' || *p > '9') {
            continue;               /* the point, as the locale spells it */
        }
        if (*p < '9') {
            (*p)++;
            return strtod(tmp, NULL) == f;
        }
        *p = '0';
    }
    return 0;                       /* 9.99..: a shorter one came first */
}


static int
float_short(double f, char *digits, int *nd, int *exp)
{
    double    a = fabs(f), m;
    uint64_t  u;
    char      rev[20];
    int       k, n;

    if (!(a >= 1e-15 && a < 1e15)) {
        return 0;
    }
    for (k = 0; k < 16; k++) {
        m = nearbyint(a * tmpl_pow10[k]);
        if (m >= 1e15) {
            return 0;
        }
        if (m / tmpl_pow10[k] == a) {
            break;
        }
    }
    if (k == 16) {
        return 0;
    }
    for (u = (uint64_t) m, n = 0; u > 0; u /= 10) {
        rev[n++] = (char) ('0' + u % 10);
    }
    *exp = n - 1 - k;
    while (n > 1 && rev[0] == '0') {
        /* trailing zeros: reversed, they come first */
        memmove(rev, rev + 1, --n);
    }
    for (*nd = 0; *nd < n; (*nd)++) {
        digits[*nd] = rev[n - 1 - *nd];
    }
    digits[*nd] = '\0';
    return 1;
}


/* Python's repr(float): the shortest digits that read back the same,
 * scientific below 1e-4 and from 1e16 up. */
void
tmpl_float_repr(double f, char *buf, size_t size)
{
    char  tmp[64], digits[32], *e, *p;
    int   prec, exp, nd, i, k = 0;

    if (isnan(f)) {
        snprintf(buf, size, "nan");
        return;
    }
    if (isinf(f)) {
        snprintf(buf, size, f < 0 ? "-inf" : "inf");
        return;
    }
    if (float_short(f, digits, &nd, &exp)) {
        goto format;
    }
    /* Up to 15 significant digits, the decimal rounded to 15 is the
     * shortest one that reads back, once its trailing zeros go (x is
     * within half an ulp of it, far less than half a 15th digit); past
     * that, the correctly rounded 16 or 17 digits are the closest.
     * Subnormals have fewer bits: from one digit up. */
    for (prec = fabs(f) < DBL_MIN ? 1 : 15; prec < 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, f);
        if (strtod(tmp, NULL) == f || up_neighbour(tmp, f)) {
            break;
        }
    }
    if (prec == 17) {
        snprintf(tmp, sizeof(tmp), "%.16e", f);
    }
    /* tmp is [-]d.ddde[+-]XX, its point as the locale spells it: take the
     * digits and the exponent and nothing else */
    p = tmp;
    for (nd = 0; *p && *p != 'e'; p++) {
        if (*p >= '0' && *p <= '9') {
            digits[nd++] = *p;
        }
    }
    digits[nd] = '\0';
    e = p + 1;
    exp = atoi(e);
    while (nd > 1 && digits[nd - 1] == '0') {
        digits[--nd] = '\0';
    }

format:

    if (f < 0 || (f == 0 && signbit(f))) {
        buf[k++] = '-';
    }
    if (exp < -4 || exp >= 16) {
        buf[k++] = digits[0];
        if (nd > 1) {
            buf[k++] = '.';
            for (i = 1; i < nd; i++) {
                buf[k++] = digits[i];
            }
        }
        snprintf(buf + k, size - k, "e%c%02d", exp < 0 ? '-' : '+',
                 exp < 0 ? -exp : exp);
        return;
    }
    if (exp < 0) {
        buf[k++] = '0';
        buf[k++] = '.';
        for (i = 0; i < -exp - 1; i++) {
            buf[k++] = '0';
        }
        for (i = 0; i < nd; i++) {
            buf[k++] = digits[i];
        }
    } else {
        for (i = 0; i <= exp; i++) {
            buf[k++] = i < nd ? digits[i] : '0';
        }
        buf[k++] = '.';
        if (nd > exp + 1) {
            for (i = exp + 1; i < nd; i++) {
                buf[k++] = digits[i];
            }
        } else {
            buf[k++] = '0';
        }
    }
    buf[k] = '\0';
}


static int
repr_str(gw_buf_t *b, const char *s, size_t n)
{
    size_t  i;
    char    q = '\'', x[8];
    int     rc = GW_OK;

    if (memchr(s, '\'', n) != NULL && memchr(s, '"', n) == NULL) {
        q = '"';
    }
    rc |= gw_buf_putc(b, q);
    for (i = 0; i < n; i++) {
        unsigned char  c = (unsigned char) s[i];

        if (c == (unsigned char) q || c == '\\') {
            rc |= gw_buf_putc(b, '\\');
            rc |= gw_buf_putc(b, (char) c);
        } else if (c == '\n') {
            rc |= gw_buf_append(b, "\\n", 2);
        } else if (c == '\r') {
            rc |= gw_buf_append(b, "\\r", 2);
        } else if (c == '\t') {
            rc |= gw_buf_append(b, "\\t", 2);
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(x, sizeof(x), "\\x%02x", c);
            rc |= gw_buf_append(b, x, 4);
        } else {
            rc |= gw_buf_putc(b, (char) c);
        }
    }
    rc |= gw_buf_putc(b, q);
    return rc ? GW_ERROR : GW_OK;
}


static int
repr_any(tmpl_rs_t *r, gw_buf_t *b, tv_t v, int top)
{
    char     num[64];
    size_t   i, n;
    tv_t    *keys, *vals, *items;
    int      rc = GW_OK;

    switch (v.kind) {
    case V_MISSING:
    case V_UNDEF:
        return top ? GW_OK : gw_buf_appends(b, "Undefined");
    case V_NONE:
        return gw_buf_append(b, "None", 4);
    case V_BOOL:
        return v.u.i ? gw_buf_append(b, "True", 4)
                     : gw_buf_append(b, "False", 5);
    case V_INT:
        n = (size_t) snprintf(num, sizeof(num), "%lld", (long long) v.u.i);
        return gw_buf_append(b, num, n);
    case V_BIGINT:
        return tmpl_big_append(r, b, v, 10);
    case V_FLOAT:
        tmpl_float_repr(v.u.f, num, sizeof(num));
        return gw_buf_appends(b, num);
    case V_STR:
        if (top) {
            return gw_buf_append(b, v.u.s, v.n);
        }
        if (v.safe) {
            rc |= gw_buf_append(b, "Markup(", 7);
            rc |= repr_str(b, v.u.s, v.n);
            rc |= gw_buf_putc(b, ')');
            return rc ? GW_ERROR : GW_OK;
        }
        return repr_str(b, v.u.s, v.n);
    case V_LIST:
    case V_JLIST:
        if (tv_to_list(r, v, &items, &n) != GW_OK) {
            return GW_ERROR;
        }
        rc |= gw_buf_putc(b, v.tuple ? '(' : '[');
        for (i = 0; i < n; i++) {
            if (i) {
                rc |= gw_buf_append(b, ", ", 2);
            }
            rc |= repr_any(r, b, items[i], 0);
        }
        if (v.tuple && n == 1) {
            rc |= gw_buf_putc(b, ',');
        }
        rc |= gw_buf_putc(b, v.tuple ? ')' : ']');
        return rc ? GW_ERROR : GW_OK;
    case V_DICT:
    case V_JDICT:
        if (tv_map_items(r, v, &keys, &vals, &n) != GW_OK) {
            return GW_ERROR;
        }
        if (v.ns) {
            rc |= gw_buf_appends(b, "<Namespace ");
        }
        rc |= gw_buf_putc(b, '{');
        for (i = 0; i < n; i++) {
            if (i) {
                rc |= gw_buf_append(b, ", ", 2);
            }
            rc |= repr_any(r, b, keys[i], 0);
            rc |= gw_buf_append(b, ": ", 2);
            rc |= repr_any(r, b, vals[i], 0);
        }
        rc |= gw_buf_putc(b, '}');
        if (v.ns) {
            rc |= gw_buf_putc(b, '>');
        }
        return rc ? GW_ERROR : GW_OK;
    case V_MACRO:
        if (((tmpl_macro_t *) v.u.p)->node->type != N_MACRO) {
            return gw_buf_appends(b, "<Macro anonymous>");
        }
        return gw_buf_printf(b, "<Macro '%s'>",
                             ((tmpl_macro_t *) v.u.p)->node->s);
    case V_LOOP:
        return gw_buf_appends(b, "<LoopContext>");
    case V_BLOCKS:
        return gw_buf_printf(b, "<TemplateReference '%s'>", r->ctx_name);
    default:
        return gw_buf_appends(b, "<function>");
    }
}


int
tv_str_append(tmpl_rs_t *r, gw_buf_t *b, tv_t v)
{
    return repr_any(r, b, v, 1);
}


int
tv_repr_append(tmpl_rs_t *r, gw_buf_t *b, tv_t v)
{
    return repr_any(r, b, v, 0);
}


/* str(v) as a value; strings pass through untouched (and stay safe). */
tv_t
tv_to_str(tmpl_rs_t *r, tv_t v)
{
    gw_buf_t  b;

    if (v.kind == V_STR) {
        return v;
    }
    gw_buf_init(&b, r->a, 32);
    if (tv_str_append(r, &b, v) != GW_OK || gw_buf_putc(&b, '\0') != GW_OK)
    {
        return tv_str("", 0, 0);
    }
    return tv_str(b.data, b.len - 1, 0);
}


/* 1 for the bytes markupsafe escapes */
static const unsigned char  esc_tab[256] = {
    ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1
};


#define GW_HAS_ZERO(v)  (((v) - 0x0101010101010101ull) & ~(v)                  \
                         & 0x8080808080808080ull)

/* Nonzero when the word holds one of & < > " ' (SWAR zero-byte test). */
static inline uint64_t
esc_in_word(uint64_t w)
{
    uint64_t  x, hit = 0;

    x = w ^ 0x2626262626262626ull;
    hit |= GW_HAS_ZERO(x);
    x = w ^ 0x3c3c3c3c3c3c3c3cull;
    hit |= GW_HAS_ZERO(x);
    x = w ^ 0x3e3e3e3e3e3e3e3eull;
    hit |= GW_HAS_ZERO(x);
    x = w ^ 0x2222222222222222ull;
    hit |= GW_HAS_ZERO(x);
    x = w ^ 0x2727272727272727ull;
    hit |= GW_HAS_ZERO(x);
    return hit;
}


/* tmpl_escape_append() once tmpl_needs_escape() has found a byte */
int
tmpl_escape_slow(gw_buf_t *b, const char *s, size_t n)
{
    size_t       i = 0, start = 0, end;
    const char  *rep;
    size_t       rl;
    uint64_t     w;

    if (gw_buf_reserve(b, n) != GW_OK) {
        return GW_ERROR;
    }
    while (i < n) {
        /* clean words are skipped whole; a word with a hit is walked */
        if (i + 8 <= n) {
            memcpy(&w, s + i, 8);
            if (!esc_in_word(w)) {
                i += 8;
                continue;
            }
            end = i + 8;
        } else {
            end = n;
        }
        for ( ; i < end; i++) {
            if (!esc_tab[(unsigned char) s[i]]) {
                continue;
            }
            switch (s[i]) {
            case '&': rep = "&amp;"; rl = 5; break;
            case '<': rep = "&lt;"; rl = 4; break;
            case '>': rep = "&gt;"; rl = 4; break;
            case '"': rep = "&#34;"; rl = 5; break;
            default: rep = "&#39;"; rl = 5; break;
            }
            if ((i > start && tmpl_out(b, s + start, i - start) != GW_OK)
                || tmpl_out(b, rep, rl) != GW_OK)
            {
                return GW_ERROR;
            }
            start = i + 1;
        }
    }
    return n > start ? tmpl_out(b, s + start, n - start) : GW_OK;
}


/* markupsafe.escape(): safe strings pass, everything else is str()'d and
 * escaped. */
tv_t
tv_escape(tmpl_rs_t *r, tv_t v)
{
    gw_buf_t  b;
    tv_t      s;

    if (v.kind == V_STR && v.safe) {
        return v;
    }
    s = tv_to_str(r, v);
    if (!tmpl_needs_escape(s.u.s, s.n)) {
        s.safe = 1;
        return s;
    }
    gw_buf_init(&b, r->a, s.n + 16);
    if (tmpl_escape_slow(&b, s.u.s, s.n) != GW_OK
        || gw_buf_putc(&b, '\0') != GW_OK)
    {
        return tv_str("", 0, 1);
    }
    return tv_str(b.data, b.len - 1, 1);
}
