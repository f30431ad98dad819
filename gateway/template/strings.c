/*
 * strings.c: Python's str -- its methods ("s.upper()", "s.split(',')";
 * format() is format.c's) and the helpers the filters share: Unicode case
 * mapping (casing.h), whitespace, strip, split, pad.
 */

#include "tmpl.h"
#include "casing.h"

#include <ctype.h>
#include <wctype.h>
#include <stdio.h>
#include <stdlib.h>


static int is_uspace(uint32_t c);


/* The length of the line break at s[i], or 0: Python's str.splitlines()
 * breaks at \n, \r, \r\n, \v, \f, \x1c-\x1e, U+0085, U+2028 and
 * U+2029. */
static size_t
line_break(const char *s, size_t n, size_t i)
{
    unsigned char  c = (unsigned char) s[i];

    if (c == '\r') {
        return i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
    }
    if (c == '\n' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e)) {
        return 1;
    }
    if (c == 0xc2 && i + 1 < n && (unsigned char) s[i + 1] == 0x85) {
        return 2;
    }
    if (c == 0xe2 && i + 2 < n && (unsigned char) s[i + 1] == 0x80
        && ((unsigned char) s[i + 2] == 0xa8
            || (unsigned char) s[i + 2] == 0xa9))
    {
        return 3;
    }
    return 0;
}


/* The keyword arguments of the str methods that take any (format() aside):
 * split(sep, maxsplit), rsplit(sep, maxsplit), splitlines(keepends),
 * bound to the positions they name; a gap before one is None. */
static int
str_keywords(tmpl_rs_t *r, tmpl_node_t *n, const char *m, size_t nargs,
    const char **knames, tv_t *kvals, size_t nkw, tv_t *a0, tv_t *a1)
{
    static const char  *split[] = { "sep", "maxsplit" };
    static const char  *lines[] = { "keepends", NULL };
    const char        **names;
    tv_t               *slot[2] = { a0, a1 };
    size_t              k, j;

    if (strcmp(m, "split") == 0 || strcmp(m, "rsplit") == 0) {
        names = split;
    } else if (strcmp(m, "splitlines") == 0) {
        names = lines;
    } else {
        return tmpl_error(r, n, "str.%s() takes no keyword arguments", m);
    }
    for (k = 0; k < nkw; k++) {
        for (j = 0; j < 2 && (names[j] == NULL
                              || strcmp(names[j], knames[k]) != 0); j++)
        {
            /* void */
        }
        if (j == 2) {
            return tmpl_error(r, n, "'%s' is an invalid keyword argument "
                              "for %s()", knames[k], m);
        }
        if (j < nargs) {
            return tmpl_error(r, n, "argument for %s() given by name ('%s') "
                              "and position (%zu)", m, knames[k], j + 1);
        }
        *slot[j] = kvals[k];
    }
    if (a1->kind != V_MISSING && a0->kind == V_MISSING) {
        *a0 = tv_none();
    }
    return GW_OK;
}


static int
str_splitlines(tmpl_rs_t *r, tv_t s, int keepends, tv_t *out)
{
    tv_t    *items;
    size_t   i, k = 0, start = 0, nb, count = 0;

    for (i = 0; i < s.n; i += nb ? nb : 1) {
        nb = line_break(s.u.s, s.n, i);
        count += nb != 0;
    }
    items = tmpl_alloc(r->a, (count + 2) * sizeof(tv_t));
    if (items == NULL) {
        return GW_ERROR;
    }
    for (i = 0; i < s.n; ) {
        nb = line_break(s.u.s, s.n, i);
        if (nb == 0) {
            i++;
            continue;
        }
        items[k++] = tv_str(s.u.s + start, i - start + (keepends ? nb : 0),
                            s.safe);
        i += nb;
        start = i;
    }
    if (start < s.n) {
        items[k++] = tv_str(s.u.s + start, s.n - start, s.safe);
    }
    *out = tv_list(items, k);
    return GW_OK;
}


tv_t
tmpl_str_finish(tmpl_rs_t *r, gw_buf_t *b, int safe)
{
    if (gw_buf_putc(b, '\0') != GW_OK) {
        return tv_str("", 0, safe);
    }
    return tv_str(b->data, b->len - 1, safe);
}


static uint32_t
cp_upper(tmpl_rs_t *r, uint32_t c)
{
    if (c < 0x80) {
        return (uint32_t) toupper((int) c);
    }
    return r->env->loc ? (uint32_t) towupper_l((wint_t) c, r->env->loc) : c;
}


static uint32_t
cp_lower(tmpl_rs_t *r, uint32_t c)
{
    if (c < 0x80) {
        return (uint32_t) tolower((int) c);
    }
    return r->env->loc ? (uint32_t) towlower_l((wint_t) c, r->env->loc) : c;
}


/* Python's \w for the character at s[*i], which is consumed. */
int
tmpl_word_char(tmpl_rs_t *r, const char *s, size_t n, size_t *i)
{
    uint32_t  c;

    if ((unsigned char) s[*i] < 0x80) {
        c = (unsigned char) s[(*i)++];
        return isalnum((int) c) || c == '_';
    }
    c = tmpl_utf8_next(s, n, i);
    return r->env->loc ? iswalnum_l((wint_t) c, r->env->loc) != 0 : 1;
}


static int
tmpl_cp_isalpha(tmpl_rs_t *r, uint32_t c)
{
    if (c < 0x80) {
        return isalpha((int) c);
    }
    return r->env->loc ? iswalpha_l((wint_t) c, r->env->loc) : 1;
}


/* c's row in tmpl_casing, or -1: most characters have none. */
static int
casing_row(uint32_t c)
{
    int  lo = 0, hi = sizeof(tmpl_casing) / sizeof(tmpl_casing[0]), mid;

    if (c < tmpl_casing[0].cp) {
        return -1;
    }
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (tmpl_casing[mid].cp == c) {
            return mid;
        }
        if (tmpl_casing[mid].cp < c) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return -1;
}


/* Python's full mappings: sharp s upper-cases to "SS", U+0130 lower-cases
 * to "i" and a combining dot, U+01C6 titles to U+01C5. */
static void
put_upper(tmpl_rs_t *r, gw_buf_t *b, uint32_t c)
{
    int  k = casing_row(c);

    if (k >= 0 && tmpl_casing[k].upper != NULL) {
        gw_buf_appends(b, tmpl_casing[k].upper);
        return;
    }
    tmpl_utf8_put(b, cp_upper(r, c));
}


/* Cased and case-ignorable as Unicode has them, near enough for the
 * final sigma: the apostrophes, full stop, colon, middle dot, soft hyphen
 * and combining diacritics are what stand between Greek letters. */
static int
cp_cased(tmpl_rs_t *r, uint32_t c)
{
    int  k = casing_row(c);

    return cp_upper(r, c) != c || cp_lower(r, c) != c
           || (k >= 0 && tmpl_casing[k].is_title);
}


static int
cp_case_ignorable(uint32_t c)
{
    return c == '\'' || c == '.' || c == ':' || c == 0xb7 || c == 0xad
           || c == 0x2018 || c == 0x2019 || (c >= 0x300 && c <= 0x36f);
}


/* Whether the capital sigma that s[at..next) holds ends a word, which
 * lower-cases it to the final form (U+03C2), as Python does: a cased
 * letter before it (from s[from] on), none after it, case-ignorables
 * skipped. */
static int
sigma_is_final(tmpl_rs_t *r, const char *s, size_t n, size_t from,
    size_t at, size_t next)
{
    size_t    i, j, k;
    uint32_t  c;

    for (i = at; i > from; i = j) {
        /* back to the start of the character before i */
        for (j = i - 1; j > from && ((unsigned char) s[j] & 0xc0) == 0x80;
             j--)
        {
            /* void */
        }
        k = j;
        c = tmpl_utf8_next(s, n, &k);
        if (!cp_case_ignorable(c)) {
            if (!cp_cased(r, c)) {
                return 0;
            }
            break;
        }
    }
    if (i <= from) {
        return 0;
    }
    for (i = next; i < n; ) {
        c = tmpl_utf8_next(s, n, &i);
        if (!cp_case_ignorable(c)) {
            return !cp_cased(r, c);
        }
    }
    return 1;
}


static void
put_lower(tmpl_rs_t *r, gw_buf_t *b, uint32_t c)
{
    int  k = casing_row(c);

    if (k >= 0 && tmpl_casing[k].lower != NULL) {
        gw_buf_appends(b, tmpl_casing[k].lower);
        return;
    }
    tmpl_utf8_put(b, cp_lower(r, c));
}


/* put_lower() of the character s[at..next), lower-cased in s[from..] */
static void
put_lower_in(tmpl_rs_t *r, gw_buf_t *b, uint32_t c, tv_t s, size_t from,
    size_t at, size_t next)
{
    if (c == 0x3a3 && sigma_is_final(r, s.u.s, s.n, from, at, next)) {
        tmpl_utf8_put(b, 0x3c2);
        return;
    }
    put_lower(r, b, c);
}


static void
put_title(tmpl_rs_t *r, gw_buf_t *b, uint32_t c)
{
    int  k = casing_row(c);

    if (k >= 0 && tmpl_casing[k].title != NULL) {
        gw_buf_appends(b, tmpl_casing[k].title);
        return;
    }
    put_upper(r, b, c);
}


/*
 * mode: 0 lower, 1 upper, 2 capitalize, 3 str.title(), 4 swapcase,
 * 5 Jinja's title filter (words start after whitespace and -({[<).
 */
tv_t
tmpl_str_case(tmpl_rs_t *r, tv_t s, int mode)
{
    gw_buf_t  b;
    size_t    i = 0, at, from = 0;
    int       prev = 0, first = 1, k;
    uint32_t  c;
    char     *o;

    if (mode <= 1) {
        /* upper() and lower() of ASCII, the common case, map its letters
         * in the pass that finds it is ASCII, without a branch per letter */
        unsigned char  lo = mode ? 'a' : 'A', acc = 0;
        int            d = mode ? -32 : 32;

        o = tmpl_alloc(r->a, s.n + 1);
        if (o == NULL) {
            return s;
        }
        /* eight bytes at a time while they are ASCII: a byte's top bit,
         * after adding 0x80 - 'a' (or 'A') and 0x80 - 'z' - 1, says
         * whether it is at least 'a' and past 'z'; the letters get their
         * 0x20 bit flipped */
        for ( ; i + 8 <= s.n; i += 8) {
            uint64_t  w, ge, gt;

            memcpy(&w, s.u.s + i, 8);
            if (w & 0x8080808080808080ull) {
                break;
            }
            ge = w + 0x0101010101010101ull * (0x80 - lo);
            gt = w + 0x0101010101010101ull * (0x80 - lo - 26);
            w ^= ((ge & ~gt) & 0x8080808080808080ull) >> 2;
            memcpy(o + i, &w, 8);
        }
        for ( ; i < s.n; i++) {
            unsigned char  ch = (unsigned char) s.u.s[i];

            acc |= ch;
            o[i] = (char) (ch + d * ((unsigned char) (ch - lo) < 26));
        }
        if (acc < 0x80) {
            o[s.n] = '\0';
            return tv_str(o, s.n, s.safe);
        }
    } else if (mode != 4 && tmpl_ascii(s.u.s, s.n)) {
        /* ASCII: one pass, no decoding */
        o = tmpl_alloc(r->a, s.n + 1);
        if (o == NULL) {
            return s;
        }
        for (i = 0; i < s.n; i++) {
            int  ch = (unsigned char) s.u.s[i], up;

            switch (mode) {
            case 2: up = i == 0; break;
            case 3: up = !prev; prev = isalpha(ch); break;
            default:
                if (isspace(ch) || strchr("-({[<", ch) != NULL) {
                    prev = 0;
                    o[i] = (char) ch;
                    continue;
                }
                up = !prev;
                prev = 1;
            }
            o[i] = (char) (up ? toupper(ch) : tolower(ch));
        }
        o[s.n] = '\0';
        return tv_str(o, s.n, s.safe);
    }
    i = 0;
    gw_buf_init(&b, r->a, s.n + 8);
    while (i < s.n) {
        at = i;
        c = tmpl_utf8_next(s.u.s, s.n, &i);
        switch (mode) {
        case 0:
            put_lower_in(r, &b, c, s, 0, at, i);
            break;
        case 1:
            put_upper(r, &b, c);
            break;
        case 2:
            /* str.capitalize() and str.title() title-case, Jinja's title
             * filter upper-cases (item[0].upper()) */
            if (first) {
                put_title(r, &b, c);
            } else {
                put_lower_in(r, &b, c, s, 0, at, i);
            }
            break;
        case 3:
            if (prev) {
                put_lower_in(r, &b, c, s, 0, at, i);
            } else {
                put_title(r, &b, c);
            }
            prev = tmpl_cp_isalpha(r, c);
            break;
        case 5:
            if ((c < 0x80 && (isspace((int) c) || strchr("-({[<", (int) c)))
                || (c >= 0x80 && is_uspace(c)))
            {
                prev = 0;
                tmpl_utf8_put(&b, c);
                break;
            }
            /* Jinja lower-cases each word but its first letter alone */
            if (prev) {
                put_lower_in(r, &b, c, s, from, at, i);
            } else {
                put_upper(r, &b, c);
                from = i;
            }
            prev = 1;
            break;
        default:
            k = casing_row(c);
            if (k >= 0 && tmpl_casing[k].is_title) {
                tmpl_utf8_put(&b, c);   /* neither upper nor lower case */
            } else if (cp_lower(r, c) != c) {
                put_lower_in(r, &b, c, s, 0, at, i);
            } else {
                put_upper(r, &b, c);
            }
        }
        first = 0;
    }
    return tmpl_str_finish(r, &b, s.safe);
}


static int
is_uspace(uint32_t c)
{
    return (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20) || c == 0x85
           || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a)
           || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f
           || c == 0x3000;
}


/* Byte length of the Python whitespace character at s[i], else 0. */
size_t
tmpl_space_at(const char *s, size_t n, size_t i)
{
    size_t  j = i;

    if ((unsigned char) s[i] < 0x80) {
        return is_uspace((unsigned char) s[i]) ? 1 : 0;
    }
    if (((unsigned char) s[i] & 0xc0) == 0x80) {
        return 0;       /* inside a character (or a stray byte) */
    }
    return is_uspace(tmpl_utf8_next(s, n, &j)) && j - i > 1 ? j - i : 0;
}


/* Same, for the character ending just before s[e]. */
static size_t
space_before(const char *s, size_t n, size_t e)
{
    size_t  b = e - 1;

    while (b > 0 && ((unsigned char) s[b] & 0xc0) == 0x80 && e - b < 4) {
        b--;
    }
    return tmpl_space_at(s, n, b) == e - b ? e - b : 0;
}


/* mode: 0 both, 1 left, 2 right; chars V_MISSING/None for whitespace */
tv_t
tmpl_str_strip(tmpl_rs_t *r, tv_t s, tv_t chars, int mode)
{
    size_t  a = 0, e = s.n, k;

    if (chars.kind == V_STR) {
        if (mode != 2) {
            while (a < e && memchr(chars.u.s, s.u.s[a], chars.n) != NULL) {
                a++;
            }
        }
        if (mode != 1) {
            while (e > a && memchr(chars.u.s, s.u.s[e - 1], chars.n) != NULL)
            {
                e--;
            }
        }
    } else {
        if (mode != 2) {
            while (a < e && (k = tmpl_space_at(s.u.s, s.n, a)) > 0) {
                a += k;
            }
        }
        if (mode != 1) {
            while (e > a && (k = space_before(s.u.s, s.n, e)) > 0) {
                e -= k;
            }
        }
    }
    return tv_str(gw_arena_strndup(r->a, s.u.s + a, e - a), e - a, s.safe);
}


tv_t
tmpl_str_replace(tmpl_rs_t *r, tv_t s, tv_t old, tv_t new, int64_t count)
{
    gw_buf_t     b;
    size_t       i = 0;
    const char  *p;

    gw_buf_init(&b, r->a, s.n + 16);
    if (old.n == 0) {
        /* Python inserts new between every character */
        for (i = 0; i <= s.n; i++) {
            if (count < 0 || (int64_t) i < count) {
                gw_buf_append(&b, new.u.s, new.n);
            }
            if (i < s.n) {
                gw_buf_putc(&b, s.u.s[i]);
            }
        }
        return tmpl_str_finish(r, &b, s.safe);
    }
    while (i < s.n && count != 0) {
        p = memmem(s.u.s + i, s.n - i, old.u.s, old.n);
        if (p == NULL) {
            break;
        }
        gw_buf_append(&b, s.u.s + i, p - (s.u.s + i));
        gw_buf_append(&b, new.u.s, new.n);
        i = (p - s.u.s) + old.n;
        if (count > 0) {
            count--;
        }
    }
    gw_buf_append(&b, s.u.s + i, s.n - i);
    return tmpl_str_finish(r, &b, s.safe);
}


/* str.split(sep=None, maxsplit=-1); from the right when rev. */
int
tmpl_str_split(tmpl_rs_t *r, tv_t s, tv_t sep, int64_t maxsplit, tv_t *out)
{
    tv_t    *items;
    size_t   n = 0, i, a, k, cap = s.n + 2;

    items = tmpl_alloc(r->a, cap * sizeof(tv_t));
    if (items == NULL) {
        return GW_ERROR;
    }
    if (sep.kind != V_STR) {
        i = 0;
        for ( ;; ) {
            while (i < s.n && (k = tmpl_space_at(s.u.s, s.n, i)) > 0) {
                i += k;
            }
            if (i >= s.n) {
                break;
            }
            if (maxsplit >= 0 && (int64_t) n == maxsplit) {
                size_t  e = s.n;

                while (e > i && (k = space_before(s.u.s, s.n, e)) > 0) {
                    e -= k;
                }
                items[n++] = tv_str(gw_arena_strndup(r->a, s.u.s + i, e - i),
                                    e - i, 0);
                break;
            }
            a = i;
            while (i < s.n && tmpl_space_at(s.u.s, s.n, i) == 0) {
                i++;
            }
            items[n++] = tv_str(gw_arena_strndup(r->a, s.u.s + a, i - a),
                                i - a, 0);
        }
    } else {
        const char  *p;

        if (sep.n == 0) {
            return GW_ERROR;
        }
        a = 0;
        for ( ;; ) {
            p = (maxsplit < 0 || (int64_t) n < maxsplit)
                ? memmem(s.u.s + a, s.n - a, sep.u.s, sep.n) : NULL;
            if (p == NULL) {
                items[n++] = tv_str(gw_arena_strndup(r->a, s.u.s + a,
                                                     s.n - a), s.n - a, 0);
                break;
            }
            items[n++] = tv_str(gw_arena_strndup(r->a, s.u.s + a,
                                                 p - (s.u.s + a)),
                                p - (s.u.s + a), 0);
            a = (p - s.u.s) + sep.n;
        }
    }
    *out = tv_list(items, n);
    return GW_OK;
}


/* str.rsplit: as split, but maxsplit counts from the right. */
static int
tmpl_str_rsplit(tmpl_rs_t *r, tv_t s, tv_t sep, int64_t maxsplit, tv_t *out)
{
    tv_t    *items, *rev;
    size_t   n = 0, i, e, k;

    if (maxsplit < 0) {
        return tmpl_str_split(r, s, sep, maxsplit, out);
    }
    items = tmpl_alloc(r->a, (s.n + 2) * sizeof(tv_t));
    if (items == NULL) {
        return GW_ERROR;
    }
    e = s.n;
    if (sep.kind != V_STR) {
        for ( ;; ) {
            while (e > 0 && isspace((unsigned char) s.u.s[e - 1])) {
                e--;
            }
            if (e == 0) {
                break;
            }
            if ((int64_t) n == maxsplit) {
                i = 0;
                while (i < e && isspace((unsigned char) s.u.s[i])) {
                    i++;
                }
                items[n++] = tv_str(gw_arena_strndup(r->a, s.u.s + i, e - i),
                                    e - i, 0);
                break;
            }
            i = e;
            while (i > 0 && !isspace((unsigned char) s.u.s[i - 1])) {
                i--;
            }
            items[n++] = tv_str(gw_arena_strndup(r->a, s.u.s + i, e - i),
                                e - i, 0);
            e = i;
        }
    } else {
        if (sep.n == 0) {
            return GW_ERROR;
        }
        for ( ;; ) {
            size_t  found = (size_t) -1;

            if ((int64_t) n < maxsplit) {
                for (i = e >= sep.n ? e - sep.n + 1 : 0; i-- > 0; ) {
                    if (memcmp(s.u.s + i, sep.u.s, sep.n) == 0) {
                        found = i;
                        break;
                    }
                }
            }
            if (found == (size_t) -1) {
                items[n++] = tv_str(gw_arena_strndup(r->a, s.u.s, e), e, 0);
                break;
            }
            items[n++] = tv_str(gw_arena_strndup(r->a, s.u.s + found + sep.n,
                                                 e - found - sep.n),
                                e - found - sep.n, 0);
            e = found;
        }
    }
    rev = tmpl_alloc(r->a, (n + 1) * sizeof(tv_t));
    if (rev == NULL) {
        return GW_ERROR;
    }
    for (k = 0; k < n; k++) {
        rev[k] = items[n - 1 - k];
    }
    *out = tv_list(rev, n);
    return GW_OK;
}


/* str.center/ljust/rjust: where 0 center, 1 left, 2 right */
tv_t
tmpl_str_pad(tmpl_rs_t *r, tv_t s, int64_t width, char fill, int where)
{
    gw_buf_t  b;
    int64_t   len = (int64_t) tmpl_utf8_len(s.u.s, s.n), pad, left, i;

    if (width <= len) {
        return s;
    }
    if (width > TMPL_MAX_WIDTH) {
        width = TMPL_MAX_WIDTH;     /* callers refuse more; a guard */
    }
    pad = width - len;
    left = where == 0 ? pad / 2 + (pad & width & 1) : where == 1 ? 0 : pad;
    gw_buf_init(&b, r->a, s.n + pad + 1);
    for (i = 0; i < left; i++) {
        gw_buf_putc(&b, fill);
    }
    gw_buf_append(&b, s.u.s, s.n);
    for (i = 0; i < pad - left; i++) {
        gw_buf_putc(&b, fill);
    }
    return tmpl_str_finish(r, &b, s.safe);
}


static int
want_str(tmpl_rs_t *r, tmpl_node_t *n, const char *m, tv_t v)
{
    if (v.kind != V_STR) {
        return tmpl_error(r, n, "%s arg must be str, not %s", m,
                          tv_type_name(v));
    }
    return GW_OK;
}


int
tmpl_str_method(tmpl_rs_t *r, tmpl_node_t *n, tv_t s,
    const tmpl_method_def_t *d, tv_t *args, size_t nargs,
    const char **knames, tv_t *kvals, size_t nkw, tv_t *out)
{
    tv_t         a0 = nargs > 0 ? args[0] : (tv_t) { 0 };
    tv_t         a1 = nargs > 1 ? args[1] : (tv_t) { 0 };
    size_t       i, cnt;
    const char  *p, *m = d->name;
    int          ok;

    if (nkw > 0) {
        if (str_keywords(r, n, m, nargs, knames, kvals, nkw, &a0, &a1)
            != GW_OK)
        {
            return GW_ERROR;
        }
        nargs = a1.kind != V_MISSING ? 2 : 1;
        nkw = 0;
    }

    if ((d->flags & MF_NOARGS) && nargs + nkw > 0) {
        return tmpl_error(r, n, "str.%s() takes no arguments (%zu given)",
                          m, nargs + nkw);
    }
    /* count/find/rfind/index/startswith/endswith take [start[, end]]:
     * work on that slice (character indexes, Python's clamping) */
    if (nargs >= 2 && (d->flags & MF_RANGE)) {
        int64_t  len, st, en;
        size_t   bs, be;
        tv_t     sub;

        tv_len(r, n, s, &len);
        st = args[1].kind == V_INT ? args[1].u.i : 0;
        en = nargs > 2 && args[2].kind == V_INT ? args[2].u.i : len;
        if (st < 0) {
            st = st + len < 0 ? 0 : st + len;
        }
        if (en < 0) {
            en = en + len < 0 ? 0 : en + len;
        }
        if (st > len) {
            st = len;
        }
        if (en > len) {
            en = len;
        }
        if (en < st) {
            en = st;
        }
        for (bs = 0, i = 0; (int64_t) i < st; i++) {
            tmpl_utf8_next(s.u.s, s.n, &bs);
        }
        for (be = bs; (int64_t) i < en; i++) {
            tmpl_utf8_next(s.u.s, s.n, &be);
        }
        sub = tv_str(s.u.s + bs, be - bs, 0);
        if (tmpl_str_method(r, n, sub, d, args, 1, knames, kvals, nkw, out)
            != GW_OK)
        {
            return GW_ERROR;
        }
        if (out->kind == V_INT && d->id != M_COUNT && out->u.i >= 0)
        {
            /* a position in the slice: back to one in s, in characters */
            int64_t  k = 0;
            size_t   j = bs;

            while (j < bs + (size_t) out->u.i) {
                tmpl_utf8_next(s.u.s, s.n, &j);
                k++;
            }
            out->u.i = st + k;
        }
        return GW_OK;
    }

    if (d->id == M_STRFTIME) {
        /* not Python's str, but a date's: context dates are ISO strings,
         * so flaskr's post['created'].strftime('%Y-%m-%d') works as is */
        if (nargs != 1) {
            return tmpl_error(r, n, "strftime() takes exactly one argument "
                              "(%zu given)", nargs);
        }
        return tmpl_date_format(r, n, s, a0, out);
    } else if (d->id == M_UPPER) {
        *out = tmpl_str_case(r, s, 1);
    } else if (d->id == M_LOWER || d->id == M_CASEFOLD) {
        *out = tmpl_str_case(r, s, 0);
    } else if (d->id == M_CAPITALIZE) {
        *out = tmpl_str_case(r, s, 2);
    } else if (d->id == M_TITLE) {
        *out = tmpl_str_case(r, s, 3);
    } else if (d->id == M_SWAPCASE) {
        *out = tmpl_str_case(r, s, 4);
    } else if (d->id == M_STRIP || d->id == M_LSTRIP || d->id == M_RSTRIP) {
        *out = tmpl_str_strip(r, s, a0, m[0] == 's' ? 0 : m[0] == 'l' ? 1
                                                                     : 2);
    } else if (d->id == M_STARTSWITH || d->id == M_ENDSWITH) {
        tv_t    *cands = &a0;
        size_t   nc = 1;

        if (a0.kind == V_LIST) {
            cands = a0.u.items;
            nc = a0.n;
        } else if (want_str(r, n, m, a0) != GW_OK) {
            return GW_ERROR;
        }
        ok = 0;
        for (i = 0; i < nc; i++) {
            tv_t  c = cands[i];

            if (c.kind != V_STR || c.n > s.n) {
                continue;
            }
            if (memcmp(m[0] == 's' ? s.u.s : s.u.s + s.n - c.n, c.u.s, c.n)
                == 0)
            {
                ok = 1;
                break;
            }
        }
        *out = tv_bool(ok);
    } else if (d->id == M_SPLIT || d->id == M_RSPLIT) {
        if (a0.kind == V_STR && a0.n == 0) {
            return tmpl_error(r, n, "empty separator");
        }
        if ((m[0] == 'r' ? tmpl_str_rsplit(r, s, a0, a1.kind == V_INT
                                             ? a1.u.i : -1, out)
                         : tmpl_str_split(r, s, a0, a1.kind == V_INT
                                          ? a1.u.i : -1, out)) != GW_OK)
        {
            return tmpl_error(r, n, "out of memory");
        }
    } else if (d->id == M_SPLITLINES) {
        if (str_splitlines(r, s, nargs > 0 && tv_truthy(a0), out) != GW_OK) {
            return tmpl_error(r, n, "out of memory");
        }
    } else if (d->id == M_REPLACE) {
        if (want_str(r, n, m, a0) != GW_OK || want_str(r, n, m, a1) != GW_OK)
        {
            return GW_ERROR;
        }
        *out = tmpl_str_replace(r, s, a0, a1, nargs > 2
                                && args[2].kind == V_INT ? args[2].u.i : -1);
    } else if (d->id == M_JOIN) {
        tv_t     *items;
        size_t    len;
        gw_buf_t  b;

        if (tv_to_list(r, a0, &items, &len) != GW_OK) {
            return tmpl_error(r, n, "can only join an iterable");
        }
        gw_buf_init(&b, r->a, 64);
        for (i = 0; i < len; i++) {
            if (items[i].kind != V_STR) {
                return tmpl_error(r, n, "sequence item %zu: expected str "
                                  "instance, %s found", i,
                                  tv_type_name(items[i]));
            }
            if (i) {
                gw_buf_append(&b, s.u.s, s.n);
            }
            gw_buf_append(&b, items[i].u.s, items[i].n);
        }
        *out = tmpl_str_finish(r, &b, 0);
    } else if (d->id == M_FIND || d->id == M_RFIND || d->id == M_INDEX) {
        int64_t  pos = -1;

        if (want_str(r, n, m, a0) != GW_OK) {
            return GW_ERROR;
        }
        if (m[0] == 'r') {
            for (i = s.n + 1; i-- > 0; ) {
                if (i + a0.n <= s.n && memcmp(s.u.s + i, a0.u.s, a0.n) == 0) {
                    pos = (int64_t) i;
                    break;
                }
            }
        } else {
            p = a0.n ? memmem(s.u.s, s.n, a0.u.s, a0.n) : s.u.s;
            pos = p ? p - s.u.s : -1;
        }
        if (pos < 0 && m[0] == 'i') {
            return tmpl_error(r, n, "substring not found");
        }
        *out = tv_int(pos);
    } else if (d->id == M_COUNT) {
        if (want_str(r, n, m, a0) != GW_OK) {
            return GW_ERROR;
        }
        cnt = 0;
        if (a0.n == 0) {
            cnt = tmpl_utf8_len(s.u.s, s.n) + 1;
        } else {
            for (i = 0; i + a0.n <= s.n; ) {
                p = memmem(s.u.s + i, s.n - i, a0.u.s, a0.n);
                if (p == NULL) {
                    break;
                }
                cnt++;
                i = (p - s.u.s) + a0.n;
            }
        }
        *out = tv_int((int64_t) cnt);
    } else if (d->id >= M_ISALNUM && d->id <= M_ISUPPER) {
        ok = s.n > 0;
        for (i = 0; i < s.n && ok; i++) {
            unsigned char  c = (unsigned char) s.u.s[i];

            if (d->id == M_ISDIGIT) {
                ok = isdigit(c);
            } else if (d->id == M_ISALPHA) {
                ok = isalpha(c);
            } else if (d->id == M_ISALNUM) {
                ok = isalnum(c);
            } else if (d->id == M_ISSPACE) {
                ok = isspace(c);
            } else {
                break;
            }
        }
        if (d->id == M_ISLOWER || d->id == M_ISUPPER) {
            int  cased = 0;

            ok = 1;
            for (i = 0; i < s.n; i++) {
                unsigned char  c = (unsigned char) s.u.s[i];

                if (islower(c)) {
                    cased = 1;
                    ok &= m[2] == 'l';
                } else if (isupper(c)) {
                    cased = 1;
                    ok &= m[2] == 'u';
                }
            }
            ok = ok && cased;
        } else if (d->id == M_ISTITLE) {
            tv_t  t = tmpl_str_case(r, s, 3);

            ok = s.n && t.n == s.n && memcmp(t.u.s, s.u.s, s.n) == 0;
        }
        *out = tv_bool(ok);
    } else if (d->id == M_CENTER || d->id == M_LJUST || d->id == M_RJUST) {
        if (a0.kind != V_INT || a0.u.i > TMPL_MAX_WIDTH) {
            return tmpl_error(r, n, "width must be an integer up to %d",
                              TMPL_MAX_WIDTH);
        }
        *out = tmpl_str_pad(r, s, a0.u.i, a1.kind == V_STR && a1.n
                            ? a1.u.s[0] : ' ', m[0] == 'c' ? 0
                            : m[0] == 'l' ? 1 : 2);
    } else if (d->id == M_ZFILL) {
        if (a0.kind != V_INT || a0.u.i > TMPL_MAX_WIDTH) {
            return tmpl_error(r, n, "width must be an integer up to %d",
                              TMPL_MAX_WIDTH);
        }
        *out = tmpl_str_pad(r, s, a0.u.i, '0', 2);
        if (out->n > s.n && s.n && (s.u.s[0] == '-' || s.u.s[0] == '+')) {
            char  *c = (char *) out->u.s;

            c[out->n - s.n] = '0';
            c[0] = s.u.s[0];
        }
    } else if (d->id == M_PARTITION) {
        tv_t  *items;

        if (want_str(r, n, m, a0) != GW_OK || a0.n == 0) {
            return tmpl_error(r, n, "empty separator");
        }
        items = tmpl_alloc(r->a, 3 * sizeof(tv_t));
        if (items == NULL) {
            return tmpl_error(r, n, "out of memory");
        }
        p = memmem(s.u.s, s.n, a0.u.s, a0.n);
        if (p == NULL) {
            items[0] = s;
            items[1] = items[2] = tv_str("", 0, 0);
        } else {
            items[0] = tv_str(gw_arena_strndup(r->a, s.u.s, p - s.u.s),
                              p - s.u.s, 0);
            items[1] = a0;
            items[2] = tv_str(p + a0.n, s.n - (p - s.u.s) - a0.n, 0);
        }
        *out = tv_list(items, 3);
        out->tuple = 1;
    } else {
        return tmpl_error(r, n, "'str' object has no attribute '%s'", m);
    }
    return GW_OK;
}
