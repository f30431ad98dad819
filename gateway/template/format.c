/*
 * format.c: Python's three ways of formatting.  Printf-style, `"%s" % args`
 * and the format filter, after CPython's PyUnicode_Format: the same grammar
 * (mapping key, flags, width, precision, each `*`, one ignored length
 * modifier), the same conversions and errors, and the same padding rules;
 * a Markup format string wraps each argument as markupsafe's
 * _MarkupEscapeHelper does.  Then str.format() and its format specs.
 */

#include "tmpl.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define F_LJUST  0x01
#define F_SIGN   0x02
#define F_BLANK  0x04
#define F_ALT    0x08
#define F_ZERO   0x10

/* One conversion as parsed: width and prec are -1 when not given. */
typedef struct {
    uint32_t     ch;
    int          flags;
    int64_t      width;
    int64_t      prec;
    int          sign;      /* a number: a leading '-' is a sign */
} pf_spec_t;

/* The arguments as PyUnicode_Format sees them: a tuple (arglen >= 0), or
 * one object (arglen -1, argidx -2); dict is set for a mapping. */
typedef struct {
    tmpl_rs_t   *r;
    tmpl_node_t *n;
    tv_t         fmt;
    size_t       pos;       /* next byte of fmt */
    tv_t        *args;
    int64_t      arglen;
    int64_t      argidx;
    tv_t         dict;      /* V_MISSING: none */
    int          markup;    /* the format is Markup: arguments escaped */
} pf_ctx_t;


static int
pf_next_arg(pf_ctx_t *c, tv_t *v)
{
    if (c->argidx < c->arglen) {
        *v = c->arglen < 0 ? c->args[0] : c->args[c->argidx];
        c->argidx++;
        return GW_OK;
    }
    return tmpl_error(c->r, c->n, "TypeError: not enough arguments for "
                      "format string");
}


/* The character at c->pos (a code point), and moves past it. */
static uint32_t
pf_read(pf_ctx_t *c)
{
    return tmpl_utf8_next(c->fmt.u.s, c->fmt.n, &c->pos);
}


/* Bytes of the first k code points of s[0..n). */
static size_t
pf_cpbytes(const char *s, size_t n, size_t k)
{
    size_t  i = 0;

    while (k > 0 && i < n) {
        tmpl_utf8_next(s, n, &i);
        k--;
    }
    return i;
}


static int
pf_star(pf_ctx_t *c, int64_t *x)
{
    tv_t  v;

    if (pf_next_arg(c, &v) != GW_OK) {
        return GW_ERROR;
    }
    /* markupsafe wraps every argument, so * never sees an int there */
    if (c->markup || (v.kind != V_INT && v.kind != V_BOOL)) {
        return tmpl_error(c->r, c->n, "TypeError: * wants int");
    }
    *x = v.u.i;
    return GW_OK;
}


static int
pf_digits(pf_ctx_t *c, uint32_t *ch, int64_t *x)
{
    *x = *ch - '0';
    while (c->pos < c->fmt.n) {
        *ch = pf_read(c);
        if (*ch < '0' || *ch > '9') {
            return GW_OK;
        }
        *x = *x * 10 + (*ch - '0');
        if (*x > TMPL_MAX_WIDTH) {
            return tmpl_error(c->r, c->n, "formatting width or precision "
                              "too large");
        }
    }
    *ch = 0;
    return GW_OK;
}


/*
 * After the '%' (and the mapping key): flags, width, precision, one of
 * h l L, and the conversion character, which c->pos is left after.
 * CPython reads ahead one character at each step; running out of format
 * anywhere is "incomplete format".
 */
static int
pf_parse(pf_ctx_t *c, pf_spec_t *sp)
{
    uint32_t  ch;
    int       more;

#define PF_NEXT()                                                            \
    do {                                                                     \
        more = c->pos < c->fmt.n;                                            \
        ch = more ? pf_read(c) : 0;                                          \
    } while (0)

    sp->flags = 0;
    sp->width = -1;
    sp->prec = -1;
    sp->sign = 0;
    for ( ;; ) {
        PF_NEXT();
        if (!more) {
            goto incomplete;
        }
        switch (ch) {
        case '-': sp->flags |= F_LJUST; continue;
        case '+': sp->flags |= F_SIGN; continue;
        case ' ': sp->flags |= F_BLANK; continue;
        case '#': sp->flags |= F_ALT; continue;
        case '0': sp->flags |= F_ZERO; continue;
        }
        break;
    }

    if (ch == '*') {
        if (pf_star(c, &sp->width) != GW_OK) {
            return GW_ERROR;
        }
        if (sp->width < 0) {
            sp->flags |= F_LJUST;
            sp->width = -sp->width;
        }
        if (sp->width > TMPL_MAX_WIDTH) {
            return tmpl_error(c->r, c->n, "formatting width or precision "
                              "too large");
        }
        PF_NEXT();
    } else if (ch >= '0' && ch <= '9') {
        if (pf_digits(c, &ch, &sp->width) != GW_OK) {
            return GW_ERROR;
        }
        more = ch != 0;
    }

    if (more && ch == '.') {
        sp->prec = 0;
        PF_NEXT();
        if (more && ch == '*') {
            if (pf_star(c, &sp->prec) != GW_OK) {
                return GW_ERROR;
            }
            if (sp->prec < 0) {
                sp->prec = 0;
            }
            if (sp->prec > TMPL_MAX_WIDTH) {
                return tmpl_error(c->r, c->n, "formatting width or "
                                  "precision too large");
            }
            PF_NEXT();
        } else if (more && ch >= '0' && ch <= '9') {
            if (pf_digits(c, &ch, &sp->prec) != GW_OK) {
                return GW_ERROR;
            }
            more = ch != 0;
        }
    }

    if (more && (ch == 'h' || ch == 'l' || ch == 'L')) {
        PF_NEXT();
    }
    if (!more) {
        goto incomplete;
    }
    sp->ch = ch;
    return GW_OK;

incomplete:
    return tmpl_error(c->r, c->n, "ValueError: incomplete format");
#undef PF_NEXT
}


/* "%(key)": the value of the balanced-parenthesised key in the mapping
 * becomes the one argument. */
static int
pf_mapping_key(pf_ctx_t *c)
{
    size_t   start = ++c->pos, depth = 1;
    tv_t     key, v;
    gw_buf_t b;

    if (c->dict.kind == V_MISSING) {
        return tmpl_error(c->r, c->n, "TypeError: format requires a "
                          "mapping");
    }
    while (depth > 0 && c->pos < c->fmt.n) {
        if (c->fmt.u.s[c->pos] == ')') {
            depth--;
        } else if (c->fmt.u.s[c->pos] == '(') {
            depth++;
        }
        c->pos++;
    }
    if (depth > 0) {
        return tmpl_error(c->r, c->n, "ValueError: incomplete format key");
    }
    key = tv_str(c->fmt.u.s + start, c->pos - start - 1, 0);
    if (!tv_is_map(c->dict)) {
        return tmpl_error(c->r, c->n, "TypeError: %s indices must be "
                          "integers or slices, not str",
                          tv_type_name(c->dict));
    }
    if (!tv_map_get(c->r, c->dict, key, &v)) {
        gw_buf_init(&b, c->r->a, key.n + 3);
        if (tv_repr_append(c->r, &b, key) != GW_OK) {
            return tmpl_error(c->r, c->n, "out of memory");
        }
        return tmpl_error(c->r, c->n, "KeyError: %.*s", (int) b.len, b.data);
    }
    c->args = tmpl_alloc(c->r->a, sizeof(tv_t));
    if (c->args == NULL) {
        return tmpl_error(c->r, c->n, "out of memory");
    }
    c->args[0] = v;
    c->arglen = -1;
    c->argidx = -2;
    return GW_OK;
}


/* ---- the text of one conversion ------------------------------------------ */

/* Python's str(), repr() or ascii() of v, escaped for a Markup format. */
static int
pf_text(pf_ctx_t *c, uint32_t conv, tv_t v, tv_t *s)
{
    gw_buf_t  b, a;
    size_t    i;
    uint32_t  cp;

    if (conv == 's') {
        *s = v.kind == V_UNDEF ? tv_str("", 0, 0) : tv_to_str(c->r, v);
    } else {
        gw_buf_init(&b, c->r->a, 32);
        if (tv_repr_append(c->r, &b, v) != GW_OK) {
            return tmpl_error(c->r, c->n, "out of memory");
        }
        if (conv == 'a') {
            /* repr() with what is not ASCII as \xhh, \uhhhh, \Uhhhhhhhh */
            gw_buf_init(&a, c->r->a, b.len + 16);
            for (i = 0; i < b.len; ) {
                if ((unsigned char) b.data[i] < 0x80) {
                    gw_buf_putc(&a, b.data[i++]);
                    continue;
                }
                cp = tmpl_utf8_next(b.data, b.len, &i);
                gw_buf_printf(&a, cp < 0x100 ? "\\x%02x" : cp < 0x10000
                              ? "\\u%04x" : "\\U%08x", (unsigned) cp);
            }
            b = a;
        }
        *s = tv_str(b.data, b.len, 0);
    }
    if (c->markup && !s->safe) {
        *s = tv_escape(c->r, *s);
    }
    return GW_OK;
}


/* The decimal digits of a float's integer part, exactly, as Python's
 * int() gives them: the float is m * 2^e, so doubling base-10^9 limbs e
 * times from m needs no big-number library (at most 309 digits). */
static size_t
pf_float_digits(double x, char *out)
{
    uint32_t  limb[40];
    uint64_t  m, carry, t;
    size_t    n = 0, k;
    int       e, shift;
    char     *p = out;

    x = fabs(trunc(x));
    if (x < 1) {
        out[0] = '0';
        return 1;
    }
    m = (uint64_t) ldexp(frexp(x, &e), 53);
    e -= 53;
    if (e <= 0) {
        return (size_t) sprintf(out, "%llu",
                                (unsigned long long) (m >> -e));
    }
    while (m > 0) {
        limb[n++] = (uint32_t) (m % 1000000000);
        m /= 1000000000;
    }
    for ( ; e > 0; e -= shift) {
        shift = e < 32 ? e : 32;
        carry = 0;
        for (k = 0; k < n; k++) {
            t = ((uint64_t) limb[k] << shift) + carry;
            limb[k] = (uint32_t) (t % 1000000000);
            carry = t / 1000000000;
        }
        while (carry > 0) {
            limb[n++] = (uint32_t) (carry % 1000000000);
            carry /= 1000000000;
        }
    }
    p += sprintf(p, "%u", limb[n - 1]);
    for (k = n - 1; k-- > 0; ) {
        p += sprintf(p, "%09u", limb[k]);
    }
    return (size_t) (p - out);
}


/* int(s) for a string, as markupsafe's helper asks for %d: decimal, with
 * blanks around, a sign, and underscores between digits. */
static int
pf_str_int(pf_ctx_t *c, tv_t s, int *neg, char *digits, size_t *nd)
{
    size_t  i = 0, e = s.n;
    int     seen = 0;

    while (i < e && strchr(" \t\n\v\f\r", s.u.s[i]) != NULL) {
        i++;
    }
    while (e > i && strchr(" \t\n\v\f\r", s.u.s[e - 1]) != NULL) {
        e--;
    }
    *neg = 0;
    if (i < e && (s.u.s[i] == '-' || s.u.s[i] == '+')) {
        *neg = s.u.s[i++] == '-';
    }
    *nd = 0;
    for ( ; i < e; i++) {
        if (isdigit((unsigned char) s.u.s[i]) && *nd < 400) {
            seen = 1;
            if (*nd > 0 || s.u.s[i] != '0') {
                digits[(*nd)++] = s.u.s[i];
            }
        } else if (!(s.u.s[i] == '_' && seen && i + 1 < e
                     && isdigit((unsigned char) s.u.s[i - 1])
                     && isdigit((unsigned char) s.u.s[i + 1])))
        {
            break;
        }
    }
    if (i < e || !seen) {
        return tmpl_error(c->r, c->n, "ValueError: invalid literal for "
                          "int() with base 10: '%.*s'", (int) s.n, s.u.s);
    }
    if (*nd == 0) {
        digits[(*nd)++] = '0';
        *neg = 0;
    }
    return GW_OK;
}


/* float(s) for a string, as markupsafe's helper asks for %f. */
static int
pf_str_float(pf_ctx_t *c, tv_t s, double *d)
{
    char    buf[128], *end;
    size_t  i, k = 0;

    for (i = 0; i < s.n && k + 1 < sizeof(buf); i++) {
        if (s.u.s[i] == '_' && k > 0 && i + 1 < s.n
            && isdigit((unsigned char) buf[k - 1])
            && isdigit((unsigned char) s.u.s[i + 1]))
        {
            continue;
        }
        if (s.u.s[i] == 'x' || s.u.s[i] == 'X' || s.u.s[i] == '\0') {
            break;          /* strtod's hex floats are not Python's */
        }
        buf[k++] = s.u.s[i];
    }
    buf[k] = '\0';
    errno = 0;
    *d = strtod(buf, &end);
    while (*end != '\0' && strchr(" \t\n\v\f\r", *end) != NULL) {
        end++;
    }
    if (i < s.n || end == buf || *end != '\0') {
        return tmpl_error(c->r, c->n, "ValueError: could not convert "
                          "string to float: '%.*s'", (int) s.n, s.u.s);
    }
    return GW_OK;
}


/*
 * %d %i %u %x %X %o: the number's digits with its sign, the 0x or 0o of
 * the alternate form, and zeros up to the precision, as CPython's
 * _PyUnicode_FormatLong writes them (padding comes later).
 */
static int
pf_int(pf_ctx_t *c, pf_spec_t *sp, tv_t v, gw_buf_t *b)
{
    char         digits[400], *p, *d = digits;
    size_t       nd = 0;
    int          neg = 0, base;
    uint64_t     mag;
    const char  *xd;
    int64_t      k;

    if (v.kind == V_UNDEF && sp->ch != 'x' && sp->ch != 'X'
        && sp->ch != 'o')
    {
        return tmpl_undef_check(c->r, c->n, v);    /* Undefined.__int__ */
    }
    if (c->markup) {
        /* the helper has __int__ (int() of the value) but no __index__ */
        if (sp->ch == 'x' || sp->ch == 'X' || sp->ch == 'o') {
            return tmpl_error(c->r, c->n, "TypeError: %%%c format: an "
                              "integer is required, not "
                              "_MarkupEscapeHelper", (char) sp->ch);
        }
        if (v.kind == V_STR) {
            if (pf_str_int(c, v, &neg, digits, &nd) != GW_OK) {
                return GW_ERROR;
            }
            goto digits;
        }
    }
    if (v.kind == V_FLOAT && (sp->ch == 'x' || sp->ch == 'X'
                              || sp->ch == 'o'))
    {
        return tmpl_error(c->r, c->n, "TypeError: %%%c format: an integer "
                          "is required, not float", (char) sp->ch);
    }
    if (v.kind == V_FLOAT) {
        if (isnan(v.u.f)) {
            return tmpl_error(c->r, c->n, "ValueError: cannot convert "
                              "float NaN to integer");
        }
        if (isinf(v.u.f)) {
            return tmpl_error(c->r, c->n, "OverflowError: cannot convert "
                              "float infinity to integer");
        }
        neg = v.u.f <= -1;
        nd = pf_float_digits(v.u.f, digits);
        goto digits;
    }
    base = sp->ch == 'o' ? 8 : (sp->ch == 'x' || sp->ch == 'X') ? 16 : 10;
    if (v.kind == V_BIGINT) {
        gw_buf_t  bd;

        gw_buf_init(&bd, c->r->a, 64);
        if (tmpl_big_append(c->r, &bd, v, sp->ch == 'X' ? -16 : base)
            != GW_OK)
        {
            return tmpl_error(c->r, c->n, "out of memory");
        }
        neg = bd.data[0] == '-';
        d = bd.data + neg;
        nd = bd.len - neg;
        goto digits;
    }
    if (v.kind != V_INT && v.kind != V_BOOL) {
        return tmpl_error(c->r, c->n, "TypeError: %%%c format: %s is "
                          "required, not %s", (char) sp->ch,
                          sp->ch == 'x' || sp->ch == 'X' || sp->ch == 'o'
                          ? "an integer" : "a real number",
                          c->markup ? "_MarkupEscapeHelper"
                                    : tv_type_name(v));
    }

    neg = v.u.i < 0;
    mag = neg ? 0 - (uint64_t) v.u.i : (uint64_t) v.u.i;
    xd = sp->ch == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    p = digits + sizeof(digits);
    do {
        *--p = xd[mag % base];
        mag /= base;
    } while (mag > 0);
    nd = digits + sizeof(digits) - p;
    memmove(digits, p, nd);

digits:
    if (neg) {
        gw_buf_putc(b, '-');
    }
    if ((sp->flags & F_ALT) && (sp->ch == 'x' || sp->ch == 'X'
                                || sp->ch == 'o'))
    {
        gw_buf_putc(b, '0');
        gw_buf_putc(b, sp->ch == 'o' ? 'o' : (char) sp->ch);
    }
    for (k = (int64_t) nd; k < sp->prec; k++) {
        gw_buf_putc(b, '0');
    }
    return gw_buf_append(b, d, nd) == GW_OK
           ? GW_OK : tmpl_error(c->r, c->n, "out of memory");
}


/* %e %E %f %F %g %G: glibc's rounding is exact, as Python's is; only
 * nan (never signed in Python) needs saying. */
static int
pf_float(pf_ctx_t *c, pf_spec_t *sp, tv_t v, gw_buf_t *b)
{
    double   d;
    char     spec[16], *num;
    size_t   size;
    int      k = 0, prec;

    if (v.kind == V_UNDEF) {
        return tmpl_undef_check(c->r, c->n, v);    /* Undefined.__float__ */
    }
    if (c->markup && v.kind == V_STR) {
        if (pf_str_float(c, v, &d) != GW_OK) {
            return GW_ERROR;
        }
    } else if (v.kind == V_FLOAT) {
        d = v.u.f;
    } else if (tv_is_int(v)) {
        if (tmpl_big_to_float(c->r, c->n, v, &d) != GW_OK) {
            return GW_ERROR;
        }
    } else if (c->markup) {
        return tmpl_error(c->r, c->n, "TypeError: float() argument must be "
                          "a string or a real number, not '%s'",
                          tv_type_name(v));
    } else {
        return tmpl_error(c->r, c->n, "TypeError: must be real number, "
                          "not %s", tv_type_name(v));
    }
    if (isnan(d)) {
        return gw_buf_appends(b, sp->ch >= 'a' ? "nan" : "NAN") == GW_OK
               ? GW_OK : tmpl_error(c->r, c->n, "out of memory");
    }
    prec = sp->prec < 0 ? 6 : (int) sp->prec;
    if ((sp->ch == 'f' || sp->ch == 'F') && !(sp->flags & F_ALT)) {
        /* prices and figures: their digits without printf's bignums */
        char    fixed[40];
        size_t  len = tmpl_fixed_format(d, prec, fixed);

        if (len > 0) {
            return gw_buf_append(b, fixed, len) == GW_OK
                   ? GW_OK : tmpl_error(c->r, c->n, "out of memory");
        }
    }
    spec[k++] = '%';
    if (sp->flags & F_ALT) {
        spec[k++] = '#';
    }
    spec[k++] = '.';
    spec[k++] = '*';
    spec[k++] = (char) sp->ch;
    spec[k] = '\0';
    size = (size_t) prec + 330;
    num = tmpl_alloc(c->r->a, size);
    if (num == NULL) {
        return tmpl_error(c->r, c->n, "out of memory");
    }
    k = snprintf(num, size, spec, prec, d);
    return k >= 0 && gw_buf_append(b, num, (size_t) k) == GW_OK
           ? GW_OK : tmpl_error(c->r, c->n, "out of memory");
}


/* %c: a code point, or a one-character string. */
static int
pf_char(pf_ctx_t *c, tv_t v, gw_buf_t *b)
{
    if (!c->markup && v.kind == V_STR && tmpl_utf8_len(v.u.s, v.n) == 1) {
        return gw_buf_append(b, v.u.s, v.n);
    }
    if (!c->markup && v.kind == V_BIGINT) {
        v = tv_int(-1);             /* out of range, as any big one is */
    }
    if (c->markup || (v.kind != V_INT && v.kind != V_BOOL)) {
        return tmpl_error(c->r, c->n, "TypeError: %%c requires int or "
                          "char");
    }
    if (v.u.i < 0 || v.u.i >= 0x110000) {
        return tmpl_error(c->r, c->n, "OverflowError: %%c arg not in "
                          "range(0x110000)");
    }
    if (v.u.i >= 0xd800 && v.u.i < 0xe000) {
        /* Python makes the string, but no page can be encoded with it */
        return tmpl_error(c->r, c->n, "UnicodeEncodeError: surrogates not "
                          "allowed");
    }
    tmpl_utf8_put(b, (uint32_t) v.u.i);
    return GW_OK;
}


/*
 * Width, sign and the alternate form's prefix around the text s of one
 * conversion, as CPython's unicode_format_arg_output lays them out: with
 * '0' the sign and prefix go before the zeros, with spaces after them.
 */
static int
pf_output(pf_spec_t *sp, const char *s, size_t n, gw_buf_t *out)
{
    int64_t  len, width = sp->width;
    size_t   pi = 0;
    char     fill, signchar = 0;
    int      sign = sp->sign;
    int      prefix = (sp->flags & F_ALT)
                      && (sp->ch == 'x' || sp->ch == 'X' || sp->ch == 'o');

    len = (int64_t) tmpl_utf8_len(s, n);
    if ((width < 0 || width <= len) && (sp->prec < 0 || sp->prec >= len)
        && !(sp->flags & (F_SIGN | F_BLANK)))
    {
        return gw_buf_append(out, s, n);
    }
    if ((sp->ch == 's' || sp->ch == 'r' || sp->ch == 'a')
        && sp->prec >= 0 && len > sp->prec)
    {
        len = sp->prec;
    }
    fill = sign && (sp->flags & F_ZERO) ? '0' : ' ';
    if (sign) {
        if (n > 0 && (s[0] == '-' || s[0] == '+')) {
            signchar = s[0];
            len--;
            pi++;
        } else if (sp->flags & F_SIGN) {
            signchar = '+';
        } else if (sp->flags & F_BLANK) {
            signchar = ' ';
        } else {
            sign = 0;
        }
    }
    if (width < len) {
        width = len;
    }
    if (sign) {
        if (fill != ' ') {
            gw_buf_putc(out, signchar);
        }
        if (width > len) {
            width--;
        }
    }
    if (prefix) {
        if (fill != ' ') {
            gw_buf_append(out, s + pi, 2);
            pi += 2;
        }
        width = width > 2 ? width - 2 : 0;
        len -= 2;
    }
    if (width > len && !(sp->flags & F_LJUST)) {
        for ( ; width > len; width--) {
            gw_buf_putc(out, fill);
        }
    }
    if (fill == ' ') {
        if (sign) {
            gw_buf_putc(out, signchar);
        }
        if (prefix) {
            gw_buf_append(out, s + pi, 2);
            pi += 2;
        }
    }
    gw_buf_append(out, s + pi, pf_cpbytes(s + pi, n - pi, (size_t) len));
    for ( ; width > len; width--) {
        gw_buf_putc(out, ' ');
    }
    return GW_OK;
}


static int
pf_convert(pf_ctx_t *c, pf_spec_t *sp, gw_buf_t *out)
{
    tv_t      v, s;
    gw_buf_t  b;
    size_t    at;
    char      hex[16];

    if (pf_next_arg(c, &v) != GW_OK) {
        return GW_ERROR;
    }
    gw_buf_init(&b, c->r->a, 32);
    switch (sp->ch) {
    case 's':
    case 'r':
    case 'a':
        if (pf_text(c, sp->ch, v, &s) != GW_OK) {
            return GW_ERROR;
        }
        return pf_output(sp, s.u.s, s.n, out);
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        sp->sign = 1;
        if (pf_int(c, sp, v, &b) != GW_OK) {
            return GW_ERROR;
        }
        break;
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
        sp->sign = 1;
        if (pf_float(c, sp, v, &b) != GW_OK) {
            return GW_ERROR;
        }
        break;
    case 'c':
        if (pf_char(c, v, &b) != GW_OK) {
            return GW_ERROR;
        }
        break;
    default:
        /* the index counts code points, as Python's strings do */
        at = tmpl_utf8_len(c->fmt.u.s, c->pos) - 1;
        snprintf(hex, sizeof(hex), "%x", (unsigned) sp->ch);
        return tmpl_error(c->r, c->n, "ValueError: unsupported format "
                          "character '%c' (0x%s) at index %zu",
                          sp->ch >= 32 && sp->ch <= 126 ? (char) sp->ch
                                                        : '?', hex, at);
    }
    return pf_output(sp, b.data, b.len, out);
}


/*
 * fmt % args.  A tuple's items are the arguments; anything else is one
 * argument, and also the mapping %(key) looks in when it is a dict (or a
 * list, which refuses string keys), as in Python.
 */
int
tmpl_percent_format(tmpl_rs_t *r, tmpl_node_t *n, tv_t fmt, tv_t *args,
    size_t nargs, int tuple, tv_t *out)
{
    pf_ctx_t      c;
    pf_spec_t     sp;
    gw_buf_t      b;
    const char   *pct;

    memset(&c, 0, sizeof(c));
    c.r = r;
    c.n = n;
    c.fmt = fmt;
    c.markup = fmt.safe;
    c.args = args;
    if (tuple) {
        c.arglen = (int64_t) nargs;
        c.argidx = 0;
    } else {
        c.arglen = -1;
        c.argidx = -2;
        if (tv_is_map(args[0])
            || (tv_is_seq(args[0]) && args[0].kind != V_STR
                && !args[0].tuple))
        {
            c.dict = args[0];
        }
    }

    gw_buf_init(&b, r->a, fmt.n + 32);
    while (c.pos < fmt.n) {
        pct = memchr(fmt.u.s + c.pos, '%', fmt.n - c.pos);
        if (pct == NULL) {
            gw_buf_append(&b, fmt.u.s + c.pos, fmt.n - c.pos);
            break;
        }
        gw_buf_append(&b, fmt.u.s + c.pos, pct - (fmt.u.s + c.pos));
        c.pos = pct - fmt.u.s + 1;
        if (c.pos < fmt.n && fmt.u.s[c.pos] == '%') {
            gw_buf_putc(&b, '%');
            c.pos++;
            continue;
        }
        if (c.pos < fmt.n && fmt.u.s[c.pos] == '('
            && pf_mapping_key(&c) != GW_OK)
        {
            return GW_ERROR;
        }
        if (pf_parse(&c, &sp) != GW_OK || pf_convert(&c, &sp, &b) != GW_OK)
        {
            return GW_ERROR;
        }
    }
    if (c.argidx < c.arglen && c.dict.kind == V_MISSING) {
        return tmpl_error(r, n, "TypeError: not all arguments converted "
                          "during string formatting");
    }
    if (gw_buf_putc(&b, '\0') != GW_OK) {
        return tmpl_error(r, n, "out of memory");
    }
    *out = tv_str(b.data, b.len - 1, fmt.safe);
    return GW_OK;
}


/* ---- str.format() and format specs ------------------------------------ */

/* Insert thousands separators into the integer digits of num. */
static void
group_digits(char *num, size_t size, char sep)
{
    char    tmp[128];
    size_t  i, k = 0, start, end, nd;

    start = (num[0] == '-' || num[0] == '+' || num[0] == ' ') ? 1 : 0;
    for (end = start; isdigit((unsigned char) num[end]); end++) {
    }
    nd = end - start;
    tmpl_memcpy(tmp, num, start);
    k = start;
    for (i = start; i < end && k < sizeof(tmp) - 2; i++) {
        tmp[k++] = num[i];
        if ((end - i - 1) % 3 == 0 && i + 1 < end) {
            tmp[k++] = sep;
        }
    }
    (void) nd;
    snprintf(tmp + k, sizeof(tmp) - k, "%s", num + end);
    snprintf(num, size, "%s", tmp);
}


/* An integer format of a big integer: sign, the alternate form's prefix,
 * digits grouped by 3 (decimal) or 4 (other bases) */
static int
big_spec(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, char type, char sign,
    int alt, char grp, tv_t *out)
{
    gw_buf_t  digits, b;
    size_t    i, nd, every = type == 'd' || type == 'n' ? 3 : 4;
    int       base = type == 'x' ? 16 : type == 'X' ? -16 : type == 'o' ? 8
                     : type == 'b' ? 2 : 10;
    int       neg;

    gw_buf_init(&digits, r->a, 64);
    if (tmpl_big_append(r, &digits, v, base) != GW_OK) {
        return tmpl_error(r, n, "out of memory");
    }
    neg = digits.data[0] == '-';
    nd = digits.len - neg;
    gw_buf_init(&b, r->a, nd + nd / 3 + 8);
    if (neg || sign != '-') {
        gw_buf_putc(&b, neg ? '-' : sign);
    }
    if (alt && base != 10) {
        gw_buf_putc(&b, '0');
        gw_buf_putc(&b, type);
    }
    for (i = 0; i < nd; i++) {
        gw_buf_putc(&b, digits.data[neg + i]);
        if (grp && i + 1 < nd && (nd - i - 1) % every == 0) {
            gw_buf_putc(&b, grp);
        }
    }
    if (gw_buf_putc(&b, '\0') != GW_OK) {
        return tmpl_error(r, n, "out of memory");
    }
    *out = tv_str(b.data, b.len - 1, 0);
    return GW_OK;
}


/* Python's format-spec mini-language, for the common cases. */
static int
format_spec(tmpl_rs_t *r, tmpl_node_t *n, gw_buf_t *b, tv_t v,
    const char *spec, size_t slen)
{
    char        fill = ' ', align = 0, sign = '-', type = 0, grp = 0;
    int         zero = 0, alt = 0;
    int64_t     width = 0, prec = -1, len, pad, left, i;
    size_t      k = 0;
    char        num[160], fmt[32];
    tv_t        s;

    if (slen >= 2 && strchr("<>^=", spec[1])) {
        fill = spec[0];
        align = spec[1];
        k = 2;
    } else if (slen >= 1 && strchr("<>^=", spec[0])) {
        align = spec[0];
        k = 1;
    }
    if (k < slen && strchr("+- ", spec[k])) {
        sign = spec[k++];
    }
    if (k < slen && spec[k] == '#') {
        alt = 1;
        k++;
    }
    if (k < slen && spec[k] == '0') {
        zero = 1;
        k++;
    }
    while (k < slen && isdigit((unsigned char) spec[k])) {
        width = width * 10 + (spec[k++] - '0');
    }
    if (k < slen && (spec[k] == ',' || spec[k] == '_')) {
        grp = spec[k++];
    }
    if (k < slen && spec[k] == '.') {
        prec = 0;
        k++;
        while (k < slen && isdigit((unsigned char) spec[k])) {
            prec = prec * 10 + (spec[k++] - '0');
        }
    }
    if (k < slen) {
        type = spec[k++];
    }
    if (k != slen || width > 4096 || prec > 100) {
        return tmpl_error(r, n, "Invalid format specifier");
    }
    if (zero && !align) {
        fill = '0';
        align = '=';
    }
    (void) alt;
    if (v.kind == V_STR || (type == 's')) {
        if (v.kind != V_STR) {
            return tmpl_error(r, n, "Unknown format code 's' for object of "
                              "type '%s'", tv_type_name(v));
        }
        s = v;
        if (prec >= 0) {
            size_t  j = 0;

            for (i = 0; i < prec && j < s.n; i++) {
                tmpl_utf8_next(s.u.s, s.n, &j);
            }
            s.n = j;
        }
        if (!align) {
            align = '<';
        }
    } else if (tv_is_num(v)) {
        double  d = v.kind == V_FLOAT ? v.u.f : (double) v.u.i;

        if (type == 0 && v.kind != V_FLOAT && prec < 0) {
            type = 'd';
        }
        if (v.kind == V_BIGINT) {
            if (type && strchr("dnxXob", type)) {
                if (big_spec(r, n, v, type, sign, alt, grp, &s) != GW_OK) {
                    return GW_ERROR;
                }
                align = align ? align : '>';
                goto pad;
            }
            if (tmpl_big_to_float(r, n, v, &d) != GW_OK) {
                return GW_ERROR;
            }
        }
        switch (type) {
        case 'd': case 'n': case 'x': case 'X': case 'o': case 'b':
            if (v.kind == V_FLOAT) {
                return tmpl_error(r, n, "Unknown format code '%c' for "
                                  "object of type 'float'", type);
            }
            if (type == 'b') {
                uint64_t  u = v.u.i < 0 ? -(uint64_t) v.u.i : (uint64_t) v.u.i;
                char      bits[70];
                int       bl = 0;

                do {
                    bits[bl++] = (char) ('0' + (u & 1));
                    u >>= 1;
                } while (u);
                k = 0;
                if (v.u.i < 0) {
                    num[k++] = '-';
                } else if (sign != '-') {
                    num[k++] = sign;
                }
                while (bl > 0) {
                    num[k++] = bits[--bl];
                }
                num[k] = '\0';
            } else {
                snprintf(fmt, sizeof(fmt), "%%%s%sll%c",
                         sign == '+' ? "+" : sign == ' ' ? " " : "",
                         alt ? "#" : "", type == 'n' ? 'd' : type);
                snprintf(num, sizeof(num), fmt, (long long) v.u.i);
            }
            break;
        case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case '%':
        case 0:
            if (type == '%') {
                d *= 100;
            }
            snprintf(fmt, sizeof(fmt), "%%%s.%d%c",
                     sign == '+' ? "+" : sign == ' ' ? " " : "",
                     (int) (prec < 0 ? (type == 0 ? 12 : 6) : prec),
                     type == '%' ? 'f' : type == 0 ? 'g' : type);
            if (type == 0 && prec < 0) {
                tmpl_float_repr(d, num, sizeof(num));
            } else {
                snprintf(num, sizeof(num), fmt, d);
            }
            if (type == '%') {
                strcat(num, "%");
            }
            break;
        default:
            return tmpl_error(r, n, "Unknown format code '%c'", type);
        }
        if (grp) {
            group_digits(num, sizeof(num), grp);
        }
        s = tv_str(num, strlen(num), 0);
        if (!align) {
            align = '>';
        }
    } else {
        s = tv_to_str(r, v);
        if (!align) {
            align = '<';
        }
    }
pad:
    tv_len(r, n, s, &len);
    pad = width > len ? width - len : 0;
    left = align == '<' ? 0 : align == '^' ? pad / 2 : pad;
    if (align == '=' && s.n && strchr("+- ", s.u.s[0])) {
        gw_buf_putc(b, s.u.s[0]);
        s.u.s++;
        s.n--;
    }
    for (i = 0; i < left; i++) {
        gw_buf_putc(b, fill);
    }
    gw_buf_append(b, s.u.s, s.n);
    for (i = 0; i < pad - left; i++) {
        gw_buf_putc(b, fill);
    }
    return GW_OK;
}


/* str.format with {} {0} {name} fields and {{ }} escapes. */
int
tmpl_str_format(tmpl_rs_t *r, tmpl_node_t *n, tv_t fmt, tv_t *args,
    size_t nargs, const char **knames, tv_t *kvals, size_t nkw, tv_t *out)
{
    gw_buf_t  b;
    size_t    i, k, auto_i = 0, e, fe;
    tv_t      v;
    int       found;

    gw_buf_init(&b, r->a, fmt.n + 32);
    for (i = 0; i < fmt.n; i++) {
        char  c = fmt.u.s[i];

        if (c == '}' ) {
            if (i + 1 < fmt.n && fmt.u.s[i + 1] == '}') {
                i++;
            }
            gw_buf_putc(&b, '}');
            continue;
        }
        if (c != '{') {
            gw_buf_putc(&b, c);
            continue;
        }
        if (i + 1 < fmt.n && fmt.u.s[i + 1] == '{') {
            gw_buf_putc(&b, '{');
            i++;
            continue;
        }
        for (e = i + 1; e < fmt.n && fmt.u.s[e] != '}'; e++) {
        }
        if (e >= fmt.n) {
            return tmpl_error(r, n, "Single '{' encountered in format "
                              "string");
        }
        /* split "name:spec" */
        {
            const char  *colon = memchr(fmt.u.s + i + 1, ':', e - i - 1);

            fe = colon ? (size_t) (colon - fmt.u.s) : e;
        }
        if (fe == i + 1) {
            k = auto_i++;
            if (k >= nargs) {
                return tmpl_error(r, n, "Replacement index %zu out of range "
                                  "for positional args tuple", k);
            }
            v = args[k];
        } else if (isdigit((unsigned char) fmt.u.s[i + 1])) {
            k = (size_t) strtoul(fmt.u.s + i + 1, NULL, 10);
            auto_i = k + 1;
            if (k >= nargs) {
                return tmpl_error(r, n, "Replacement index %zu out of range "
                                  "for positional args tuple", k);
            }
            v = args[k];
        } else {
            found = 0;
            for (k = 0; k < nkw; k++) {
                if (strlen(knames[k]) == fe - i - 1
                    && memcmp(knames[k], fmt.u.s + i + 1, fe - i - 1) == 0)
                {
                    v = kvals[k];
                    found = 1;
                    break;
                }
            }
            if (!found) {
                return tmpl_error(r, n, "KeyError: '%.*s'",
                                  (int) (fe - i - 1), fmt.u.s + i + 1);
            }
        }
        if (fe < e) {
            if (format_spec(r, n, &b, v, fmt.u.s + fe + 1, e - fe - 1)
                != GW_OK)
            {
                return GW_ERROR;
            }
        } else if (tv_str_append(r, &b, v) != GW_OK) {
            return GW_ERROR;
        }
        i = e;
    }
    *out = tmpl_str_finish(r, &b, 0);
    return GW_OK;
}
