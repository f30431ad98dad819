/*
 * filters.c: Jinja 3.1's builtin filters, with Python's results.
 *
 * Left out: random (not deterministic).  urlize lives in urlize.c (IPv6
 * hosts are not recognised).  pprint prints repr(), which is what pprint
 * gives for values short enough to fit one line.  Unicode case mapping and
 * \w come from glibc's C.UTF-8 tables (simple case mapping, plus sharp s).
 * Integers past 64 bits are exact (bigint.c), as Python's.
 */

#include "tmpl.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>


#define F(name)  static int name(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, \
                                 tv_t *args, tv_t *out)
#define GIVEN(i)  (args[i].kind != V_MISSING)


static int
oom(tmpl_rs_t *r, tmpl_node_t *n)
{
    return tmpl_error(r, n, "out of memory");
}


/* soft_str(): str() that keeps Markup; Undefined prints empty. */
static tv_t
soft_str(tmpl_rs_t *r, tv_t v)
{
    if (v.kind == V_UNDEF || v.kind == V_MISSING) {
        return tv_str("", 0, 0);
    }
    return tv_to_str(r, v);
}


static tv_t
buf_str(gw_buf_t *b, int safe)
{
    if (gw_buf_putc(b, '\0') != GW_OK) {
        return tv_str("", 0, safe);
    }
    return tv_str(b->data, b->len - 1, safe);
}


static int
iter_items(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, tv_t **items, size_t *len)
{
    if (tv_to_list(r, v, items, len) != GW_OK) {
        return tmpl_error(r, n, "'%s' object is not iterable",
                          tv_type_name(v));
    }
    return GW_OK;
}


/* "a.b.0" as environment.getitem steps (item first, then attribute). */
static int
attr_path(tmpl_rs_t *r, tmpl_node_t *n, tv_t obj, tv_t path, tv_t *out)
{
    const char  *s, *e, *end;
    tv_t         key;
    char        *part;

    if (path.kind == V_INT) {
        return tmpl_getitem(r, n, obj, path, out);
    }
    if (path.kind != V_STR) {
        return tmpl_error(r, n, "attribute must be a string");
    }
    s = path.u.s;
    end = s + path.n;
    *out = obj;
    while (s <= end) {
        e = memchr(s, '.', end - s);
        if (e == NULL) {
            e = end;
        }
        part = gw_arena_strndup(r->a, s, e - s);
        if (part == NULL) {
            return oom(r, n);
        }
        if (e > s && strspn(part, "0123456789") == (size_t) (e - s)) {
            key = tv_int(strtoll(part, NULL, 10));
        } else {
            key = tv_str(part, e - s, 0);
        }
        if (out->kind == V_UNDEF) {
            return GW_OK;
        }
        if (tmpl_getitem(r, n, *out, key, out) != GW_OK) {
            return GW_ERROR;
        }
        s = e + 1;
    }
    return GW_OK;
}


/* ---- sorting: a stable merge sort whose comparison may fail ---------- */

typedef struct {
    tmpl_rs_t    *r;
    tmpl_node_t  *n;
    int           failed;
} sort_ctx_t;


static tv_t
fold(tmpl_rs_t *r, tv_t v, int icase)
{
    tv_t    *items;
    size_t   i;

    if (icase && v.kind == V_LIST && v.ns == 2) {
        /* a multi-attribute sort key */
        items = tmpl_alloc(r->a, (v.n + 1) * sizeof(tv_t));
        if (items == NULL) {
            return v;
        }
        for (i = 0; i < v.n; i++) {
            items[i] = fold(r, v.u.items[i], icase);
        }
        v.u.items = items;
        return v;
    }
    return icase && v.kind == V_STR ? tmpl_str_case(r, v, 0) : v;
}


static int
sort_cmp(sort_ctx_t *c, tv_t a, tv_t b)
{
    int  res = 0;

    if (c->failed) {
        return 0;
    }
    if (tv_cmp(c->r, c->n, a, b, &res) != GW_OK)
    {
        c->failed = 1;
    }
    return res;
}


static void
merge_sort(sort_ctx_t *c, tv_t *keys, tv_t *vals, tv_t *tk, tv_t *tvl,
    size_t n, int rev)
{
    size_t  m, i, j, k;
    int     d;

    if (n < 2) {
        return;
    }
    m = n / 2;
    merge_sort(c, keys, vals, tk, tvl, m, rev);
    merge_sort(c, keys + m, vals + m, tk, tvl, n - m, rev);
    i = 0;
    j = m;
    k = 0;
    while (i < m && j < n) {
        d = sort_cmp(c, keys[j], keys[i]);
        if (rev ? d > 0 : d < 0) {
            tk[k] = keys[j];
            tvl[k++] = vals[j++];
        } else {
            tk[k] = keys[i];
            tvl[k++] = vals[i++];
        }
    }
    while (i < m) {
        tk[k] = keys[i];
        tvl[k++] = vals[i++];
    }
    while (j < n) {
        tk[k] = keys[j];
        tvl[k++] = vals[j++];
    }
    tmpl_memcpy(keys, tk, n * sizeof(tv_t));
    tmpl_memcpy(vals, tvl, n * sizeof(tv_t));
}


/* Sort vals by keys (copies both); stable, reverse keeps stability. */
static int
sort_by(tmpl_rs_t *r, tmpl_node_t *n, tv_t *keys, tv_t *vals, size_t len,
    int icase, int rev, tv_t **out)
{
    sort_ctx_t  c = { r, n, 0 };
    tv_t       *k, *v, *tk, *tvl;
    size_t      i;

    k = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
    v = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
    tk = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
    tvl = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
    if (k == NULL || v == NULL || tk == NULL || tvl == NULL) {
        return oom(r, n);
    }
    /* each key folded once, as Python calls the key function once per
     * item, rather than twice per comparison */
    for (i = 0; i < len; i++) {
        k[i] = fold(r, keys[i], icase);
    }
    tmpl_memcpy(v, vals, len * sizeof(tv_t));
    merge_sort(&c, k, v, tk, tvl, len, rev);
    if (c.failed) {
        return GW_ERROR;
    }
    *out = v;
    return GW_OK;
}


static int
keys_of(tmpl_rs_t *r, tmpl_node_t *n, tv_t *items, size_t len, tv_t attr,
    tv_t **keys)
{
    size_t  i;

    if (attr.kind == V_MISSING || attr.kind == V_NONE) {
        *keys = items;
        return GW_OK;
    }
    *keys = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
    if (*keys == NULL) {
        return oom(r, n);
    }
    if (attr.kind == V_STR && memchr(attr.u.s, ',', attr.n) != NULL) {
        tv_t    parts;
        size_t  k;

        /* sort(attribute="a,b"): a list of keys per item */
        if (tmpl_str_split(r, attr, tv_str(",", 1, 0), -1, &parts)
            != GW_OK)
        {
            return oom(r, n);
        }
        for (i = 0; i < len; i++) {
            tv_t  *kv = tmpl_alloc(r->a, parts.n * sizeof(tv_t));

            if (kv == NULL) {
                return oom(r, n);
            }
            for (k = 0; k < parts.n; k++) {
                if (attr_path(r, n, items[i], tmpl_str_strip(r,
                              parts.u.items[k], tv_none(), 0), &kv[k])
                    != GW_OK)
                {
                    return GW_ERROR;
                }
            }
            (*keys)[i] = tv_list(kv, parts.n);
            (*keys)[i].ns = 2;
        }
        return GW_OK;
    }
    for (i = 0; i < len; i++) {
        if (attr_path(r, n, items[i], attr, &(*keys)[i]) != GW_OK) {
            return GW_ERROR;
        }
    }
    return GW_OK;
}


static int parse_float(tv_t s, double *d);


/* ---- filters ------------------------------------------------------------ */

F(f_abs)
{
    if (tv_is_int(v)) {
        if (tmpl_num_cmp(v, tv_int(0)) < 0) {
            return tmpl_big_arith(r, n, OP_SUB, tv_int(0), v, out);
        }
        *out = v.kind == V_BOOL ? tv_int(v.u.i) : v;
    } else if (v.kind == V_FLOAT) {
        *out = tv_float(fabs(v.u.f));
    } else {
        return tmpl_error(r, n, "bad operand type for abs(): '%s'",
                          tv_type_name(v));
    }
    return GW_OK;
}

F(f_attr)
{
    tv_t  name = args[0];

    if (name.kind != V_STR) {
        return tmpl_error(r, n, "attribute name must be a string");
    }
    if (v.kind == V_UNDEF) {
        *out = v;
        return GW_OK;
    }
    if (tv_is_map(v) && !tmpl_has_method(v, name.u.s, name.n)) {
        *out = tv_undef(gw_arena_printf(r->a, "'dict object' has no "
                                        "attribute '%s'", name.u.s));
        return GW_OK;
    }
    return tmpl_getattr(r, n, v, gw_arena_strndup(r->a, name.u.s, name.n),
                        name.n, out);
}

F(f_batch)
{
    tv_t     *items, *res, *row;
    size_t    len, i, k, per, nrows;

    if (args[0].kind != V_INT || args[0].u.i <= 0) {
        return tmpl_error(r, n, "batch size must be a positive integer");
    }
    if (iter_items(r, n, v, &items, &len) != GW_OK) {
        return GW_ERROR;
    }
    per = (size_t) args[0].u.i;
    nrows = (len + per - 1) / per;
    res = tmpl_alloc(r->a, (nrows + 1) * sizeof(tv_t));
    if (res == NULL) {
        return oom(r, n);
    }
    for (i = 0; i < nrows; i++) {
        row = tmpl_alloc(r->a, per * sizeof(tv_t));
        if (row == NULL) {
            return oom(r, n);
        }
        for (k = 0; k < per; k++) {
            if (i * per + k < len) {
                row[k] = items[i * per + k];
            } else if (GIVEN(1) && args[1].kind != V_NONE) {
                row[k] = args[1];
            } else {
                break;
            }
        }
        res[i] = tv_list(row, k);
    }
    *out = tv_list(res, nrows);
    return GW_OK;
}

F(f_capitalize)
{
    *out = tmpl_str_case(r, soft_str(r, v), 2);
    return GW_OK;
}

F(f_center)
{
    int64_t  w = GIVEN(0) && args[0].kind == V_INT ? args[0].u.i : 80;

    if (GIVEN(0) && args[0].kind == V_BIGINT) {
        return tmpl_error(r, n, "OverflowError: Python int too large to "
                          "convert to C ssize_t");
    }
    if (w > TMPL_MAX_WIDTH) {
        return tmpl_error(r, n, "width must be an integer up to %d",
                          TMPL_MAX_WIDTH);
    }
    *out = tmpl_str_pad(r, soft_str(r, v), w, ' ', 0);
    return GW_OK;
}

F(f_default)
{
    int  use = GIVEN(1) && tv_truthy(args[1]) ? !tv_truthy(v)
                                               : v.kind == V_UNDEF;

    *out = use ? (GIVEN(0) ? args[0] : tv_str("", 0, 0)) : v;
    return GW_OK;
}

F(f_dictsort)
{
    tv_t    *keys, *vals, *pairs, *items, *sk, *sorted;
    size_t   len, i;
    int      by_value = 0;

    if (!tv_is_map(v)) {
        /* Python: undefined fails as undefined, the rest has no items() */
        return v.kind == V_UNDEF ? tmpl_undef_check(r, n, v)
               : tmpl_error(r, n, "'%s' object has no attribute 'items'",
                            tv_type_name(v));
    }
    if (GIVEN(1)) {
        if (args[1].kind == V_STR && args[1].n == 5
            && memcmp(args[1].u.s, "value", 5) == 0)
        {
            by_value = 1;
        } else if (!(args[1].kind == V_STR && args[1].n == 3
                     && memcmp(args[1].u.s, "key", 3) == 0))
        {
            return tmpl_error(r, n, "You can only sort by either 'key' or "
                              "'value'");
        }
    }
    if (tv_map_items(r, v, &keys, &vals, &len) != GW_OK) {
        return oom(r, n);
    }
    pairs = tmpl_alloc(r->a, (2 * len + 1) * sizeof(tv_t));
    items = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
    if (pairs == NULL || items == NULL) {
        return oom(r, n);
    }
    for (i = 0; i < len; i++) {
        pairs[2 * i] = keys[i];
        pairs[2 * i + 1] = vals[i];
        items[i] = tv_list(&pairs[2 * i], 2);
        items[i].tuple = 1;
    }
    sk = by_value ? vals : keys;
    if (sort_by(r, n, sk, items, len, !(GIVEN(0) && tv_truthy(args[0])),
                GIVEN(2) && tv_truthy(args[2]), &sorted) != GW_OK)
    {
        return GW_ERROR;
    }
    *out = tv_list(sorted, len);
    return GW_OK;
}

F(f_escape)
{
    *out = tv_escape(r, v);
    return GW_OK;
}

F(f_forceescape)
{
    if (v.kind == V_STR) {
        v.safe = 0;
    }
    *out = tv_escape(r, v);
    return GW_OK;
}

F(f_filesizeformat)
{
    static const char  *dec[] = { "kB", "MB", "GB", "TB", "PB", "EB", "ZB",
                                  "YB" };
    static const char  *bin[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
                                  "ZiB", "YiB" };
    double              bytes, base, unit = 1;
    int                 binary = GIVEN(0) && tv_truthy(args[0]), i;
    char                buf[64];

    if (tv_is_int(v)) {
        if (tmpl_big_to_float(r, n, v, &bytes) != GW_OK) {
            return GW_ERROR;
        }
    } else if (v.kind == V_FLOAT) {
        bytes = v.u.f;
    } else if (v.kind == V_STR) {
        if (!parse_float(v, &bytes)) {
            return tmpl_error(r, n, "could not convert string to float: "
                              "'%.*s'", (int) v.n, v.u.s);
        }
    } else {
        return tmpl_error(r, n, "filesizeformat: not a number");
    }
    base = binary ? 1024 : 1000;
    if (bytes == 1) {
        *out = tv_str("1 Byte", 6, 0);
        return GW_OK;
    }
    if (bytes < base) {
        snprintf(buf, sizeof(buf), "%d Bytes", (int) bytes);
        *out = tv_str(gw_arena_strdup(r->a, buf), strlen(buf), 0);
        return GW_OK;
    }
    for (i = 0; i < 8; i++) {
        unit = pow(base, i + 2);
        if (bytes < unit) {
            break;
        }
    }
    if (i == 8) {
        i = 7;
    }
    snprintf(buf, sizeof(buf), "%.1f %s", base * bytes / unit,
             binary ? bin[i] : dec[i]);
    *out = tv_str(gw_arena_strdup(r->a, buf), strlen(buf), 0);
    return GW_OK;
}

F(f_first)
{
    tv_t    *items;
    size_t   len;

    if (iter_items(r, n, v, &items, &len) != GW_OK) {
        return GW_ERROR;
    }
    *out = len ? items[0] : tv_undef("No first item, sequence was empty.");
    return GW_OK;
}

F(f_last)
{
    tv_t    *items;
    size_t   len;

    if (iter_items(r, n, v, &items, &len) != GW_OK) {
        return GW_ERROR;
    }
    *out = len ? items[len - 1]
               : tv_undef("No last item, sequence was empty.");
    return GW_OK;
}


static int
parse_float(tv_t s, double *d)
{
    char  *end, *c;

    if (s.n == 0) {
        return 0;
    }
    c = strndup(s.u.s, s.n);
    if (c == NULL) {
        return 0;
    }
    *d = strtod(c, &end);
    while (*end && isspace((unsigned char) *end)) {
        end++;
    }
    if (*end != '\0' || end == c || isspace((unsigned char) c[0])
        || strchr(c, 'x') || strchr(c, 'X'))
    {
        /* Python float() allows surrounding spaces, not hex */
        int  ok = *end == '\0' && end != c && !strchr(c, 'x')
                  && !strchr(c, 'X');

        free(c);
        return ok;
    }
    free(c);
    return 1;
}

F(f_float)
{
    double  d;

    if (v.kind == V_UNDEF) {
        return tmpl_undef_check(r, n, v);
    }
    if (v.kind == V_FLOAT) {
        *out = v;
    } else if (tv_is_int(v)) {
        if (tmpl_big_to_float(r, n, v, &d) != GW_OK) {
            return GW_ERROR;
        }
        *out = tv_float(d);
    } else if (v.kind == V_STR && parse_float(v, &d)) {
        *out = tv_float(d);
    } else {
        *out = GIVEN(0) ? args[0] : tv_float(0.0);
    }
    return GW_OK;
}


/* Python's int(s, base): 1 and *out, 0 if s is no integer, GW_ERROR */
static int
parse_int(tmpl_rs_t *r, tv_t s, int base, tv_t *out)
{
    char         stack[128], *buf = stack, *end;
    size_t       i, k = 0, a = 0, e = s.n;
    long long    x;
    int          sign, pfx;

    while (a < e && isspace((unsigned char) s.u.s[a])) {
        a++;
    }
    while (e > a && isspace((unsigned char) s.u.s[e - 1])) {
        e--;
    }
    if (e == a) {
        return 0;
    }
    if (e - a >= sizeof(stack)) {
        buf = tmpl_alloc(r->a, e - a + 1);
        if (buf == NULL) {
            return GW_ERROR;
        }
    }
    for (i = a; i < e; i++) {
        if (s.u.s[i] == '_') {
            if (i == a || i + 1 == e || !isxdigit((unsigned char) s.u.s[i - 1])
                || !isxdigit((unsigned char) s.u.s[i + 1]))
            {
                return 0;
            }
            continue;
        }
        buf[k++] = s.u.s[i];
    }
    buf[k] = '\0';
    /* Python's prefixes, after the sign: base 0 takes its base from them
     * (and then a decimal has no leading zero), 16, 8 and 2 allow theirs */
    sign = buf[0] == '+' || buf[0] == '-';
    pfx = buf[sign] == '0' ? buf[sign + 1] | 0x20 : 0;
    if (base == 0) {
        base = pfx == 'x' ? 16 : pfx == 'o' ? 8 : pfx == 'b' ? 2 : 10;
        if (base == 10 && buf[sign] == '0' && strspn(buf + sign, "0")
                                              != strlen(buf + sign))
        {
            return 0;
        }
    }
    if ((base == 16 && pfx == 'x') || (base == 8 && pfx == 'o')
        || (base == 2 && pfx == 'b'))
    {
        memmove(buf + sign, buf + sign + 2, k - sign - 1);
    }
    if (buf[sign] == '+' || buf[sign] == '-') {
        return 0;
    }
    errno = 0;
    x = strtoll(buf, &end, base);
    if (*end != '\0' || end == buf) {
        return 0;
    }
    if (errno == ERANGE) {
        /* past 64 bits; GMP takes no '+' */
        switch (tmpl_big_parse(r->a, buf + (buf[0] == '+'), base, out)) {
        case GW_OK:
            return 1;
        case 1:
            return 0;               /* past 4300 digits: as Python */
        default:
            return GW_ERROR;
        }
    }
    *out = tv_int(x);
    return 1;
}

F(f_int)
{
    double   d;
    int      rc;
    int      base = GIVEN(1) && args[1].kind == V_INT ? (int) args[1].u.i
                                                       : 10;

    if (v.kind == V_UNDEF) {
        return tmpl_undef_check(r, n, v);
    }
    if (tv_is_int(v)) {
        *out = v.kind == V_BOOL ? tv_int(v.u.i) : v;
        return GW_OK;
    }
    /* int(s, base), then int(float(s)), as Jinja tries them */
    if (v.kind == V_STR) {
        rc = base == 0 || (base >= 2 && base <= 36)
             ? parse_int(r, v, base, out) : 0;
        if (rc != 0) {
            return rc == 1 ? GW_OK : oom(r, n);
        }
        if (parse_float(v, &d)) {
            v = tv_float(d);
        }
    }
    /* NaN is a ValueError, which Jinja catches; infinity an
     * OverflowError, which it does not */
    if (v.kind == V_FLOAT && !isnan(v.u.f)) {
        if (fabs(v.u.f) < 9.2e18) {
            *out = tv_int((int64_t) v.u.f);
            return GW_OK;
        }
        return tmpl_big_from_float(r, n, v.u.f, out);
    }
    *out = GIVEN(0) ? args[0] : tv_int(0);
    return GW_OK;
}

F(f_indent)
{
    tv_t      s = soft_str(r, v), ind;
    gw_buf_t  b;
    size_t    i, ls;
    int       first = GIVEN(1) && tv_truthy(args[1]);
    int       blank = GIVEN(2) && tv_truthy(args[2]);
    int64_t   k;
    int       line0 = 1;
    char      sp[256];

    if (GIVEN(0) && args[0].kind == V_STR) {
        ind = args[0];
    } else {
        k = GIVEN(0) && args[0].kind == V_INT ? args[0].u.i : 4;
        if (k < 0) {
            k = 0;
        }
        if (k > 255) {
            k = 255;
        }
        memset(sp, ' ', (size_t) k);
        ind = tv_str(gw_arena_strndup(r->a, sp, (size_t) k), (size_t) k, 0);
    }
    gw_buf_init(&b, r->a, s.n * 2 + 16);
    for (ls = 0, i = 0; i <= s.n; i++) {
        if (i < s.n && s.u.s[i] != '\n') {
            continue;
        }
        /* line is s[ls..i) */
        if (line0 ? first : (blank || i > ls))
        {
            gw_buf_append(&b, ind.u.s, ind.n);
        }
        gw_buf_append(&b, s.u.s + ls, i - ls);
        if (i < s.n) {
            gw_buf_putc(&b, '\n');
        }
        ls = i + 1;
        line0 = 0;
    }
    *out = buf_str(&b, s.safe);
    return GW_OK;
}

F(f_items)
{
    if (v.kind == V_UNDEF) {
        *out = tv_list(NULL, 0);
        return GW_OK;
    }
    if (!tv_is_map(v)) {
        return tmpl_error(r, n, "Can only get item pairs from a mapping.");
    }
    return tmpl_method_call(r, n, v, "items", NULL, 0, NULL, NULL, 0, out);
}

F(f_join)
{
    tv_t      *items, s;
    size_t     len, i;
    gw_buf_t   b;
    tv_t       d = GIVEN(0) ? soft_str(r, args[0]) : tv_str("", 0, 0);
    int        safe = 0;

    if (iter_items(r, n, v, &items, &len) != GW_OK) {
        return GW_ERROR;
    }
    if (GIVEN(1) && args[1].kind != V_NONE) {
        tv_t  *mapped = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));

        if (mapped == NULL) {
            return oom(r, n);
        }
        for (i = 0; i < len; i++) {
            if (attr_path(r, n, items[i], args[1], &mapped[i]) != GW_OK) {
                return GW_ERROR;
            }
        }
        items = mapped;
    }
    if (r->autoescape) {
        safe = d.safe;
        for (i = 0; i < len && !safe; i++) {
            safe = items[i].kind == V_STR && items[i].safe;
        }
    }
    gw_buf_init(&b, r->a, 64);
    for (i = 0; i < len; i++) {
        if (i) {
            s = safe ? tv_escape(r, d) : d;
            gw_buf_append(&b, s.u.s, s.n);
        }
        s = safe ? tv_escape(r, items[i]) : soft_str(r, items[i]);
        gw_buf_append(&b, s.u.s, s.n);
    }
    *out = buf_str(&b, safe);
    return GW_OK;
}

F(f_length)
{
    int64_t  len;

    if (tv_len(r, n, v, &len) != GW_OK) {
        return GW_ERROR;
    }
    *out = tv_int(len);
    return GW_OK;
}

F(f_list)
{
    tv_t    *items, *copy;
    size_t   len;

    if (iter_items(r, n, v, &items, &len) != GW_OK) {
        return GW_ERROR;
    }
    copy = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
    if (copy == NULL) {
        return oom(r, n);
    }
    tmpl_memcpy(copy, items, len * sizeof(tv_t));
    *out = tv_list(copy, len);
    return GW_OK;
}

F(f_lower)
{
    *out = tmpl_str_case(r, soft_str(r, v), 0);
    return GW_OK;
}

F(f_upper)
{
    *out = tmpl_str_case(r, soft_str(r, v), 1);
    return GW_OK;
}

F(f_map)
{
    tv_t                      *items, *res, fa[TMPL_MAX_ARGS];
    size_t                     len, i, k;
    const tmpl_filter_def_t   *def;

    if (!tv_truthy(v)) {
        /* Jinja maps over "if value", so None maps to nothing */
        *out = tv_list(NULL, 0);
        return GW_OK;
    }
    if (iter_items(r, n, v, &items, &len) != GW_OK) {
        return GW_ERROR;
    }
    res = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
    if (res == NULL) {
        return oom(r, n);
    }
    if (!GIVEN(0) && GIVEN(1)) {
        for (i = 0; i < len; i++) {
            if (attr_path(r, n, items[i], args[1], &res[i]) != GW_OK) {
                return GW_ERROR;
            }
            if (res[i].kind == V_UNDEF && GIVEN(2)) {
                res[i] = args[2];
            }
        }
        *out = tv_list(res, len);
        return GW_OK;
    }
    if (args[0].kind != V_STR) {
        return tmpl_error(r, n, "map requires a filter argument");
    }
    def = tmpl_filter_find(args[0].u.s, args[0].n);
    if (def == NULL) {
        return tmpl_error(r, n, "No filter named '%.*s'.", (int) args[0].n,
                          args[0].u.s);
    }
    memset(fa, 0, sizeof(fa));
    for (k = 1; k < n->nargs && k < TMPL_MAX_ARGS; k++) {
        fa[k - 1] = args[k];
    }
    if (n->nargs > 1 && strchr(def->params, '*') == NULL) {
        /* the mapped filter's own positional limit */
        size_t       np = def->params[0] != '\0';
        const char  *q;

        for (q = def->params; *q; q++) {
            np += *q == ',';
        }
        if (n->nargs - 1 > np) {
            return tmpl_error(r, n, "%s() takes %zu positional argument%s "
                              "but %zu were given", def->name, np + 1,
                              np ? "s" : "", n->nargs);
        }
    }
    for (i = 0; i < len; i++) {
        if (def->fn(r, n, items[i], fa, &res[i]) != GW_OK) {
            return GW_ERROR;
        }
    }
    *out = tv_list(res, len);
    return GW_OK;
}


static int
minmax(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, tv_t *args, tv_t *out, int max)
{
    tv_t        *items, *keys, kb, ki;
    size_t       len, i, best = 0;
    sort_ctx_t   c = { r, n, 0 };
    int          icase = !(GIVEN(0) && tv_truthy(args[0]));

    if (iter_items(r, n, v, &items, &len) != GW_OK
        || keys_of(r, n, items, len, args[1], &keys) != GW_OK)
    {
        return GW_ERROR;
    }
    if (len == 0) {
        *out = tv_undef(max ? "No aggregated item, sequence was empty."
                            : "No aggregated item, sequence was empty.");
        return GW_OK;
    }
    kb = fold(r, keys[0], icase);
    for (i = 1; i < len; i++) {
        int  d;

        ki = fold(r, keys[i], icase);
        d = sort_cmp(&c, ki, kb);
        if (max ? d > 0 : d < 0) {
            best = i;
            kb = ki;
        }
    }
    if (c.failed) {
        return GW_ERROR;
    }
    *out = items[best];
    return GW_OK;
}

F(f_max) { return minmax(r, n, v, args, out, 1); }
F(f_min) { return minmax(r, n, v, args, out, 0); }


static int
select_impl(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, tv_t *args, tv_t *out,
    int want, int by_attr)
{
    tv_t       *items, *res, x;
    size_t      len, i, k, first = by_attr ? 1 : 0, nt;
    int         ok;
    char        test[64];

    if (!tv_truthy(v)) {
        *out = tv_list(NULL, 0);
        return GW_OK;
    }
    if (iter_items(r, n, v, &items, &len) != GW_OK) {
        return GW_ERROR;
    }
    res = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
    if (res == NULL) {
        return oom(r, n);
    }
    test[0] = '\0';
    if (args[first].kind == V_STR && args[first].n < sizeof(test)) {
        tmpl_memcpy(test, args[first].u.s, args[first].n);
        test[args[first].n] = '\0';
    }
    nt = n->nargs > first + 1 ? n->nargs - first - 1 : 0;
    for (i = 0, k = 0; i < len; i++) {
        x = items[i];
        if (by_attr && attr_path(r, n, x, args[0], &x) != GW_OK) {
            return GW_ERROR;
        }
        if (test[0]) {
            if (tmpl_apply_test(r, n, test, x, args + first + 1, nt, &ok)
                != GW_OK)
            {
                return GW_ERROR;
            }
        } else {
            ok = tv_truthy(x);
        }
        if (ok == want) {
            res[k++] = items[i];
        }
    }
    *out = tv_list(res, k);
    return GW_OK;
}

F(f_select) { return select_impl(r, n, v, args, out, 1, 0); }
F(f_reject) { return select_impl(r, n, v, args, out, 0, 0); }
F(f_selectattr) { return select_impl(r, n, v, args, out, 1, 1); }
F(f_rejectattr) { return select_impl(r, n, v, args, out, 0, 1); }

F(f_replace)
{
    tv_t  s = soft_str(r, v), old, new;

    old = soft_str(r, args[0]);
    new = soft_str(r, args[1]);
    if (r->autoescape && (s.safe || old.safe || new.safe)) {
        /* Markup.replace escapes its arguments */
        s = tv_escape(r, s);
        old = tv_escape(r, old);
        new = tv_escape(r, new);
    }
    *out = tmpl_str_replace(r, s, old, new, GIVEN(2) && args[2].kind == V_INT
                            ? args[2].u.i : -1);
    return GW_OK;
}

F(f_reverse)
{
    tv_t    *items, *res;
    size_t   len, i;

    if (v.kind == V_STR) {
        gw_buf_t  b;

        if (tv_to_list(r, v, &items, &len) != GW_OK) {
            return oom(r, n);
        }
        gw_buf_init(&b, r->a, v.n + 1);
        for (i = len; i-- > 0; ) {
            gw_buf_append(&b, items[i].u.s, items[i].n);
        }
        *out = buf_str(&b, v.safe);
        return GW_OK;
    }
    if (iter_items(r, n, v, &items, &len) != GW_OK) {
        return GW_ERROR;
    }
    res = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
    if (res == NULL) {
        return oom(r, n);
    }
    for (i = 0; i < len; i++) {
        res[i] = items[len - 1 - i];
    }
    *out = tv_list(res, len);
    return GW_OK;
}

F(f_round)
{
    int64_t      prec = GIVEN(0) && args[0].kind == V_INT ? args[0].u.i : 0;
    const char  *method = GIVEN(1) && args[1].kind == V_STR ? args[1].u.s
                                                             : "common";
    double       d, m;
    char         buf[400];

    if (tv_is_int(v)) {
        if (strcmp(method, "common") == 0) {
            if (prec >= 0) {
                *out = v.kind == V_BOOL ? tv_int(v.u.i) : v;
                return GW_OK;
            }
            return tmpl_big_round(r, n, v, prec, out);
        }
        if (tmpl_big_to_float(r, n, v, &d) != GW_OK) {
            return GW_ERROR;
        }
    } else if (v.kind == V_FLOAT) {
        d = v.u.f;
    } else {
        return tmpl_error(r, n, "type %s doesn't define __round__ method",
                          tv_type_name(v));
    }
    if (strcmp(method, "common") == 0) {
        if (prec >= 0 && prec < 300 && isfinite(d)) {
            if (tmpl_round_scaled(d, (int) prec, &m)) {
                *out = tv_float(copysign(m / tmpl_pow10[prec], d));
                return GW_OK;
            }
            /* printf rounds the exact binary value, half to even, as
             * Python's round() does */
            snprintf(buf, sizeof(buf), "%.*f", (int) prec, d);
            *out = tv_float(strtod(buf, NULL));
        } else {
            m = pow(10, (double) -prec);
            *out = tv_float(nearbyint(d / m) * m);
        }
        return GW_OK;
    }
    if (strcmp(method, "floor") != 0 && strcmp(method, "ceil") != 0) {
        return tmpl_error(r, n, "method must be common, ceil or floor");
    }
    m = pow(10, (double) prec);
    *out = tv_float((method[0] == 'f' ? floor(d * m) : ceil(d * m)) / m);
    return GW_OK;
}

F(f_safe)
{
    *out = soft_str(r, v);
    out->safe = 1;
    return GW_OK;
}

F(f_slice)
{
    tv_t      *items, *res, *col;
    size_t     len, i, k, per, extra, off = 0, nslices, cnt;

    if (args[0].kind != V_INT || args[0].u.i <= 0) {
        return tmpl_error(r, n, "slice count must be a positive integer");
    }
    if (iter_items(r, n, v, &items, &len) != GW_OK) {
        return GW_ERROR;
    }
    nslices = (size_t) args[0].u.i;
    per = len / nslices;
    extra = len % nslices;
    res = tmpl_alloc(r->a, (nslices + 1) * sizeof(tv_t));
    if (res == NULL) {
        return oom(r, n);
    }
    for (i = 0; i < nslices; i++) {
        cnt = per + (i < extra);
        col = tmpl_alloc(r->a, (cnt + 2) * sizeof(tv_t));
        if (col == NULL) {
            return oom(r, n);
        }
        for (k = 0; k < cnt; k++) {
            col[k] = items[off + k];
        }
        off += cnt;
        if (GIVEN(1) && args[1].kind != V_NONE && extra && i >= extra) {
            col[k++] = args[1];
        }
        res[i] = tv_list(col, k);
    }
    *out = tv_list(res, nslices);
    return GW_OK;
}

F(f_sort)
{
    tv_t    *items, *keys, *sorted;
    size_t   len;

    if (iter_items(r, n, v, &items, &len) != GW_OK
        || keys_of(r, n, items, len, args[2], &keys) != GW_OK
        || sort_by(r, n, keys, items, len,
                   !(GIVEN(1) && tv_truthy(args[1])),
                   GIVEN(0) && tv_truthy(args[0]), &sorted) != GW_OK)
    {
        return GW_ERROR;
    }
    *out = tv_list(sorted, len);
    return GW_OK;
}

F(f_string)
{
    *out = soft_str(r, v);
    return GW_OK;
}

F(f_striptags)
{
    tv_t         s = soft_str(r, v);
    gw_buf_t     nc, nt, o;
    size_t       i, k;
    const char  *e;
    int          space = 0, open_only = 0;

    /* markupsafe: drop <!--.*?--> then <.*?>, join split() words with
     * single spaces, then unescape.  Once a search for the closing "-->"
     * or ">" fails, every later one would fail too: open_only remembers
     * that, so an unclosed "<a " repeated stays linear. */
    gw_buf_init(&nc, r->a, s.n + 1);
    for (i = 0; i < s.n; i++) {
        if (!open_only && s.u.s[i] == '<' && i + 3 < s.n
            && memcmp(s.u.s + i, "<!--", 4) == 0)
        {
            e = memmem(s.u.s + i + 4, s.n - i - 4, "-->", 3);
            if (e != NULL) {
                i = (e - s.u.s) + 2;
                continue;
            }
            open_only = 1;
        }
        gw_buf_putc(&nc, s.u.s[i]);
    }
    open_only = 0;
    gw_buf_init(&nt, r->a, nc.len + 1);
    for (i = 0; i < nc.len; i++) {
        if (!open_only && nc.data[i] == '<') {
            e = memchr(nc.data + i + 1, '>', nc.len - i - 1);
            if (e != NULL) {
                i = e - nc.data;
                continue;
            }
            open_only = 1;
        }
        gw_buf_putc(&nt, nc.data[i]);
    }
    gw_buf_init(&o, r->a, nt.len + 1);
    for (i = 0; i < nt.len; ) {
        if ((k = tmpl_space_at(nt.data, nt.len, i)) > 0) {
            space = o.len > 0;
            i += k;
            continue;
        }
        if (space) {
            gw_buf_putc(&o, ' ');
            space = 0;
        }
        if (nt.data[i] == '&') {
            static const struct { const char *e; const char *c; } ents[] = {
                { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
                { "&quot;", "\"" }, { "&apos;", "'" },
                { "&nbsp;", "\xc2\xa0" }, { "&copy;", "\xc2\xa9" },
                { "&reg;", "\xc2\xae" }, { "&mdash;", "\xe2\x80\x94" },
                { "&ndash;", "\xe2\x80\x93" }, { "&hellip;", "\xe2\x80\xa6" },
                { "&laquo;", "\xc2\xab" }, { "&raquo;", "\xc2\xbb" },
                { "&middot;", "\xc2\xb7" }, { "&euro;", "\xe2\x82\xac" },
                { NULL, NULL }
            };
            size_t  el;

            for (k = 0; ents[k].e; k++) {
                el = strlen(ents[k].e);
                if (i + el <= nt.len && memcmp(nt.data + i, ents[k].e, el) == 0)
                {
                    break;
                }
            }
            if (ents[k].e) {
                gw_buf_appends(&o, ents[k].c);
                i += strlen(ents[k].e);
                continue;
            }
            if (i + 3 < nt.len && nt.data[i + 1] == '#') {
                /* numeric character reference: &#65; &#x41; */
                size_t    j = i + 2;
                uint32_t  cp = 0;
                int       hex = 0, digits = 0;

                if (nt.data[j] == 'x' || nt.data[j] == 'X') {
                    hex = 1;
                    j++;
                }
                while (j < nt.len
                       && (hex ? isxdigit((unsigned char) nt.data[j])
                               : isdigit((unsigned char) nt.data[j]))
                       && cp < 0x110000)
                {
                    int  dv = isdigit((unsigned char) nt.data[j])
                              ? nt.data[j] - '0'
                              : (nt.data[j] | 0x20) - 'a' + 10;

                    cp = cp * (hex ? 16 : 10) + (uint32_t) dv;
                    digits++;
                    j++;
                }
                if (digits && j < nt.len && nt.data[j] == ';' && cp > 0
                    && cp < 0x110000)
                {
                    tmpl_utf8_put(&o, cp);
                    i = j + 1;
                    continue;
                }
            }
        }
        gw_buf_putc(&o, nt.data[i]);
        i++;
    }
    *out = buf_str(&o, 0);
    return GW_OK;
}

/* sum(start=[]) over sequences, as Python's sum() adds lists: one copy of
 * every item rather than a new list per step */
static int
sum_seqs(tmpl_rs_t *r, tmpl_node_t *n, tv_t start, tv_t *seqs, size_t len,
    tv_t *out)
{
    tv_t    *items, *res, *lists;
    size_t   total, k, i;

    lists = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
    if (lists == NULL || tv_to_list(r, start, &items, &total) != GW_OK) {
        return oom(r, n);
    }
    lists[len] = tv_list(items, total);
    for (i = 0; i < len; i++) {
        if (!tv_is_seq(seqs[i]) || seqs[i].tuple != start.tuple) {
            return tmpl_error(r, n, "can only concatenate %s (not \"%s\") "
                              "to %s", tv_type_name(start),
                              tv_type_name(seqs[i]), tv_type_name(start));
        }
        if (tv_to_list(r, seqs[i], &items, &k) != GW_OK
            || __builtin_add_overflow(total, k, &total))
        {
            return oom(r, n);
        }
        lists[i] = tv_list(items, k);
    }
    res = tmpl_alloc(r->a, (total + 1) * sizeof(tv_t));
    if (res == NULL) {
        return oom(r, n);
    }
    k = lists[len].n;
    tmpl_memcpy(res, lists[len].u.items, k * sizeof(tv_t));
    for (i = 0; i < len; i++) {
        tmpl_memcpy(res + k, lists[i].u.items, lists[i].n * sizeof(tv_t));
        k += lists[i].n;
    }
    *out = tv_list(res, k);
    out->tuple = start.tuple;
    return GW_OK;
}


F(f_sum)
{
    tv_t    *items, *keys, acc = GIVEN(1) ? args[1] : tv_int(0);
    size_t   len, i;

    if (iter_items(r, n, v, &items, &len) != GW_OK
        || keys_of(r, n, items, len, args[0], &keys) != GW_OK)
    {
        return GW_ERROR;
    }
    if (tv_is_seq(acc)) {
        return sum_seqs(r, n, acc, keys, len, out);
    }
    for (i = 0; i < len; i++) {
        tv_t     x = keys[i];
        int64_t  s;
        double   da, dx;

        if (tv_is_num(acc) && tv_is_num(x)) {
            if (tv_is_int(acc) && tv_is_int(x)) {
                /* exact, past 64 bits too, as Python's sum() */
                if (acc.kind != V_BIGINT && x.kind != V_BIGINT
                    && !__builtin_add_overflow(acc.u.i, x.u.i, &s))
                {
                    acc = tv_int(s);
                } else if (tmpl_big_arith(r, n, OP_ADD, acc, x, &acc)
                           != GW_OK)
                {
                    return GW_ERROR;
                }
                continue;
            }
            if (tmpl_big_to_float(r, n, acc, &da) != GW_OK
                || tmpl_big_to_float(r, n, x, &dx) != GW_OK)
            {
                return GW_ERROR;
            }
            acc = tv_float(da + dx);
            continue;
        }
        return tmpl_error(r, n, "unsupported operand type(s) for +: '%s' "
                          "and '%s'", tv_type_name(acc),
                          tv_type_name(keys[i]));
    }
    *out = acc;
    return GW_OK;
}

F(f_title)
{
    *out = tmpl_str_case(r, soft_str(r, v), 5);
    out->safe = 0;
    return GW_OK;
}


static int
json_dump(tmpl_rs_t *r, tmpl_node_t *n, gw_buf_t *b, tv_t v, int64_t indent,
    int level)
{
    tv_t      *items, *keys, *vals, *sorted;
    size_t     len, i, k;
    char       num[64];
    int        d;

    switch (v.kind) {
    case V_NONE:
        return gw_buf_appends(b, "null");
    case V_BOOL:
        return gw_buf_appends(b, v.u.i ? "true" : "false");
    case V_INT:
        return gw_buf_printf(b, "%lld", (long long) v.u.i);
    case V_BIGINT:
        return tmpl_big_append(r, b, v, 10);
    case V_FLOAT:
        if (isnan(v.u.f)) {
            return gw_buf_appends(b, "NaN");
        }
        if (isinf(v.u.f)) {
            return gw_buf_appends(b, v.u.f < 0 ? "-Infinity" : "Infinity");
        }
        tmpl_float_repr(v.u.f, num, sizeof(num));
        return gw_buf_appends(b, num);
    case V_STR:
        gw_buf_putc(b, '"');
        for (i = 0; i < v.n; i++) {
            unsigned char  c = (unsigned char) v.u.s[i];
            uint32_t       cp;

            if (c == '"' || c == '\\') {
                gw_buf_putc(b, '\\');
                gw_buf_putc(b, (char) c);
            } else if (c == '\n') {
                gw_buf_appends(b, "\\n");
            } else if (c == '\r') {
                gw_buf_appends(b, "\\r");
            } else if (c == '\t') {
                gw_buf_appends(b, "\\t");
            } else if (c == '\b') {
                gw_buf_appends(b, "\\b");
            } else if (c == '\f') {
                gw_buf_appends(b, "\\f");
            } else if (c == '<' || c == '>' || c == '&' || c == '\''
                       || c < 0x20 || c == 0x7f)
            {
                gw_buf_printf(b, "\\u%04x", c);
            } else if (c < 0x80) {
                gw_buf_putc(b, (char) c);
            } else {
                /* ensure_ascii: \uXXXX, surrogate pairs above BMP */
                k = i;
                cp = tmpl_utf8_next(v.u.s, v.n, &k);
                i = k - 1;
                if (cp >= 0x10000) {
                    cp -= 0x10000;
                    gw_buf_printf(b, "\\u%04x\\u%04x", 0xd800 + (cp >> 10),
                                  0xdc00 + (cp & 0x3ff));
                } else {
                    gw_buf_printf(b, "\\u%04x", cp);
                }
            }
        }
        return gw_buf_putc(b, '"');
    case V_LIST:
    case V_JLIST:
        if (tv_to_list(r, v, &items, &len) != GW_OK) {
            return GW_ERROR;
        }
        if (len == 0) {
            return gw_buf_appends(b, "[]");
        }
        gw_buf_putc(b, '[');
        for (i = 0; i < len; i++) {
            if (i) {
                gw_buf_appends(b, indent >= 0 ? "," : ", ");
            }
            if (indent >= 0) {
                gw_buf_printf(b, "\n%*s", (int) (indent * (level + 1)), "");
            }
            if (json_dump(r, n, b, items[i], indent, level + 1) != GW_OK) {
                return GW_ERROR;
            }
        }
        if (indent >= 0) {
            gw_buf_printf(b, "\n%*s", (int) (indent * level), "");
        }
        return gw_buf_putc(b, ']');
    case V_DICT:
    case V_JDICT:
        if (tv_map_items(r, v, &keys, &vals, &len) != GW_OK) {
            return GW_ERROR;
        }
        if (len == 0) {
            return gw_buf_appends(b, "{}");
        }
        /* sort_keys=True: sort indexes by key */
        sorted = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
        if (sorted == NULL) {
            return GW_ERROR;
        }
        for (i = 0; i < len; i++) {
            sorted[i] = tv_int((int64_t) i);
        }
        for (i = 1; i < len; i++) {
            for (k = i; k > 0; k--) {
                if (tv_cmp(r, n, keys[sorted[k - 1].u.i],
                           keys[sorted[k].u.i], &d) != GW_OK)
                {
                    return GW_ERROR;
                }
                if (d <= 0) {
                    break;
                }
                tv_t  t = sorted[k];

                sorted[k] = sorted[k - 1];
                sorted[k - 1] = t;
            }
        }
        gw_buf_putc(b, '{');
        for (i = 0; i < len; i++) {
            k = (size_t) sorted[i].u.i;
            if (i) {
                gw_buf_appends(b, indent >= 0 ? "," : ", ");
            }
            if (indent >= 0) {
                gw_buf_printf(b, "\n%*s", (int) (indent * (level + 1)), "");
            }
            if (keys[k].kind == V_STR) {
                json_dump(r, n, b, keys[k], indent, level + 1);
            } else {
                gw_buf_putc(b, '"');
                tv_str_append(r, b, keys[k]);
                gw_buf_putc(b, '"');
            }
            gw_buf_appends(b, ": ");
            if (json_dump(r, n, b, vals[k], indent, level + 1) != GW_OK) {
                return GW_ERROR;
            }
        }
        if (indent >= 0) {
            gw_buf_printf(b, "\n%*s", (int) (indent * level), "");
        }
        return gw_buf_putc(b, '}');
    default:
        return tmpl_error(r, n, "Object of type %s is not JSON "
                          "serializable", tv_type_name(v));
    }
}

F(f_tojson)
{
    gw_buf_t  b;

    gw_buf_init(&b, r->a, 64);
    if (json_dump(r, n, &b, v, GIVEN(0) && args[0].kind == V_INT
                  ? args[0].u.i : -1, 0) != GW_OK)
    {
        return oom(r, n);          /* or places the error raised */
    }
    *out = buf_str(&b, 1);
    return GW_OK;
}

F(f_trim)
{
    *out = tmpl_str_strip(r, soft_str(r, v), GIVEN(0) ? args[0]
                          : tv_none(), 0);
    return GW_OK;
}

/* Byte offset of character index k in s (UTF-8). */
static size_t
char_offset(tv_t s, size_t k)
{
    size_t  i = 0;

    while (k > 0 && i < s.n && (unsigned char) s.u.s[i] < 0x80) {
        i++;
        k--;
    }
    while (k > 0 && i < s.n) {
        tmpl_utf8_next(s.u.s, s.n, &i);
        k--;
    }
    return i;
}

F(f_truncate)
{
    tv_t      s = soft_str(r, v);
    int64_t   length = GIVEN(0) && args[0].kind == V_INT ? args[0].u.i : 255;
    int       killwords = GIVEN(1) && tv_truthy(args[1]);
    tv_t      end = GIVEN(2) ? soft_str(r, args[2]) : tv_str("...", 3, 0);
    int64_t   leeway = GIVEN(3) && args[3].kind == V_INT ? args[3].u.i : 5;
    size_t    cut, sp;
    gw_buf_t  b;
    int64_t   endlen, slen;

    /* Jinja asserts these before it looks at s */
    tv_len(r, n, end, &endlen);
    if (length < endlen) {
        return tmpl_error(r, n, "expected length >= %lld, got %lld",
                          (long long) endlen, (long long) length);
    }
    if (leeway < 0) {
        return tmpl_error(r, n, "expected leeway >= 0, got %lld",
                          (long long) leeway);
    }
    /* no more bytes than that: no more characters either, uncounted */
    if ((int64_t) s.n <= length + leeway) {
        *out = s;
        return GW_OK;
    }
    tv_len(r, n, s, &slen);
    if (slen <= length + leeway) {
        *out = s;
        return GW_OK;
    }
    cut = char_offset(s, (size_t) (length - endlen));
    if (!killwords) {
        /* s[:length - len(end)].rsplit(" ", 1)[0] */
        for (sp = cut; sp > 0 && s.u.s[sp - 1] != ' '; sp--) {
        }
        if (sp > 0) {
            cut = sp - 1;
        }
    }
    gw_buf_init(&b, r->a, cut + end.n + 1);
    gw_buf_append(&b, s.u.s, cut);
    gw_buf_append(&b, end.u.s, end.n);
    *out = buf_str(&b, 0);
    return GW_OK;
}

F(f_unique)
{
    tv_t    *items, *keys, *res, *seen;
    size_t   len, i, k, m, ns = 0;
    int      icase = !(GIVEN(0) && tv_truthy(args[0]));

    if (iter_items(r, n, v, &items, &len) != GW_OK
        || keys_of(r, n, items, len, args[1], &keys) != GW_OK)
    {
        return GW_ERROR;
    }
    res = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
    seen = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
    if (res == NULL || seen == NULL) {
        return oom(r, n);
    }
    for (i = 0, k = 0; i < len; i++) {
        tv_t  key = fold(r, keys[i], icase);

        for (m = 0; m < ns; m++) {
            if (tv_eq(seen[m], key)) {
                break;
            }
        }
        if (m < ns) {
            continue;
        }
        seen[ns++] = key;
        res[k++] = items[i];
    }
    *out = tv_list(res, k);
    return GW_OK;
}


static void
url_quote(gw_buf_t *b, tv_t s, int for_qs)
{
    size_t  i;

    for (i = 0; i < s.n; i++) {
        unsigned char  c = (unsigned char) s.u.s[i];

        if (isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~'
            || (c == '/' && !for_qs))
        {
            gw_buf_putc(b, (char) c);
        } else if (c == ' ' && for_qs) {
            gw_buf_putc(b, '+');
        } else {
            gw_buf_printf(b, "%%%02X", c);
        }
    }
}

F(f_urlencode)
{
    gw_buf_t  b;
    tv_t     *keys, *vals, *items;
    size_t    len, i;

    gw_buf_init(&b, r->a, 64);
    if (v.kind == V_STR) {
        url_quote(&b, v, 0);
    } else if (tv_is_map(v) || tv_is_seq(v)) {
        if (tv_is_map(v)) {
            if (tv_map_items(r, v, &keys, &vals, &len) != GW_OK) {
                return oom(r, n);
            }
        } else {
            if (tv_to_list(r, v, &items, &len) != GW_OK) {
                return oom(r, n);
            }
            keys = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
            vals = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
            if (keys == NULL || vals == NULL) {
                return oom(r, n);
            }
            for (i = 0; i < len; i++) {
                tv_t    *pair;
                size_t   pn;

                if (tv_to_list(r, items[i], &pair, &pn) != GW_OK || pn != 2) {
                    return tmpl_error(r, n, "urlencode expects pairs");
                }
                keys[i] = pair[0];
                vals[i] = pair[1];
            }
        }
        for (i = 0; i < len; i++) {
            if (i) {
                gw_buf_putc(&b, '&');
            }
            url_quote(&b, tv_to_str(r, keys[i]), 1);
            gw_buf_putc(&b, '=');
            url_quote(&b, tv_to_str(r, vals[i]), 1);
        }
    } else {
        url_quote(&b, soft_str(r, v), 0);
    }
    *out = buf_str(&b, 0);
    return GW_OK;
}

F(f_wordcount)
{
    tv_t    s = soft_str(r, v);
    size_t  i = 0;
    int64_t k = 0;
    int     in = 0, w;

    /* len(re.findall(r"\w+", s)) */
    while (i < s.n) {
        w = tmpl_word_char(r, s.u.s, s.n, &i);
        if (w && !in) {
            k++;
        }
        in = w;
    }
    *out = tv_int(k);
    return GW_OK;
}

/* textwrap's chunks: whitespace runs, words, and (break_on_hyphens)
 * word pieces ending in a hyphen between letters. */
typedef struct {
    const char  *s;
    size_t       n;
    int64_t      chars;
    int          space;
} chunk_t;


static int
ww_letter(const char *w, size_t n, size_t i)
{
    return i < n && (isalpha((unsigned char) w[i])
                     || (unsigned char) w[i] >= 0x80);
}


/* textwrap's whitespace is ASCII only: "\t\n\x0b\x0c\r " */
static size_t
ww_space(const char *s, size_t n, size_t i)
{
    return i < n && s[i] != '\0' && strchr(" \t\n\v\f\r", s[i]) != NULL;
}


/* Splits line into c; with c NULL only counts the chunks. */
static size_t
ww_chunks(tv_t line, int hyphens, chunk_t *c)
{
    size_t  i = 0, a, k, nc = 0;

    while (i < line.n) {
        a = i;
        if (ww_space(line.u.s, line.n, i) > 0) {
            while (i < line.n && (k = ww_space(line.u.s, line.n, i)) > 0) {
                i += k;
            }
            if (c != NULL) {
                c[nc].space = 1;
            }
        } else {
            while (i < line.n && ww_space(line.u.s, line.n, i) == 0) {
                if (hyphens && line.u.s[i] == '-' && i > a
                    && ((i >= 2 && ww_letter(line.u.s, line.n, i - 1)
                         && ww_letter(line.u.s, line.n, i - 2))
                        || (i >= 3 && ww_letter(line.u.s, line.n, i - 1)
                            && line.u.s[i - 2] == '-'
                            && ww_letter(line.u.s, line.n, i - 3)))
                    && ww_letter(line.u.s, line.n, i + 1)
                    && (ww_letter(line.u.s, line.n, i + 2)
                        || (i + 2 < line.n && line.u.s[i + 2] == '-'
                            && ww_letter(line.u.s, line.n, i + 3))))
                {
                    i++;
                    break;
                }
                i++;
            }
            if (c != NULL) {
                c[nc].space = 0;
            }
        }
        if (c != NULL) {
            c[nc].s = line.u.s + a;
            c[nc].n = i - a;
            c[nc].chars = (int64_t) tmpl_utf8_len(c[nc].s, c[nc].n);
        }
        nc++;
    }
    return nc;
}


/* Whether s[0..h) is all hyphens (strspn() would read the whole word). */
static int
ww_all_hyphens(const char *s, size_t h)
{
    while (h > 0 && *s == '-') {
        s++;
        h--;
    }
    return h == 0;
}


/* Byte length of the first k characters of c. */
static size_t
ww_prefix(const chunk_t *c, int64_t k)
{
    size_t  i = 0;

    while (k > 0 && i < c->n) {
        tmpl_utf8_next(c->s, c->n, &i);
        k--;
    }
    return i;
}


F(f_wordwrap)
{
    tv_t      s = soft_str(r, v), wrap, paras;
    int64_t   width = GIVEN(0) && args[0].kind == V_INT ? args[0].u.i : 79;
    int       breaklong = !GIVEN(1) || tv_truthy(args[1]);
    int       hyphens = !GIVEN(3) || tv_truthy(args[3]);
    gw_buf_t  b;
    size_t    p, nc, ci, nlines, k, first, last;
    chunk_t  *c, *line;
    int64_t   cur, space;
    int       keep_ws = 0;
    tv_t      nl = tv_str("\n", 1, 0);

    wrap = GIVEN(2) && args[2].kind == V_STR ? args[2] : nl;
    if (width <= 0) {
        return tmpl_error(r, n, "invalid width %lld (must be > 0)",
                          (long long) width);
    }
    if (tmpl_str_split(r, s, nl, -1, &paras) != GW_OK) {
        return oom(r, n);
    }
    if (paras.n && paras.u.items[paras.n - 1].n == 0) {
        paras.n--;          /* splitlines() drops a final empty line */
    }
    gw_buf_init(&b, r->a, s.n + 16);
    for (p = 0; p < paras.n; p++) {
        tv_t  ln = paras.u.items[p];

        if (p) {
            gw_buf_append(&b, wrap.u.s, wrap.n);
        }
        /* a line holds whole chunks and at most one piece of another */
        nc = ww_chunks(ln, hyphens, NULL);
        c = tmpl_alloc(r->a, (nc + 1) * sizeof(chunk_t));
        line = tmpl_alloc(r->a, (nc + 2) * sizeof(chunk_t));
        if (c == NULL || line == NULL) {
            return oom(r, n);
        }
        ww_chunks(ln, hyphens, c);
        ci = 0;
        nlines = 0;
        while (ci < nc) {
            k = 0;
            cur = 0;
            if (c[ci].space && nlines > 0) {
                ci++;
                continue;
            }
            while (ci < nc && cur + c[ci].chars <= width) {
                cur += c[ci].chars;
                line[k++] = c[ci++];
            }
            if (ci < nc && c[ci].chars > width) {
                space = width - cur;
                if (breaklong) {
                    int64_t  end = space < 1 ? 1 : space;
                    size_t   bl;

                    if (hyphens && c[ci].chars > space) {
                        /* prefer breaking after the last hyphen */
                        size_t  lim = ww_prefix(&c[ci], space), h;

                        for (h = lim; h-- > 0; ) {
                            if (c[ci].s[h] == '-') {
                                break;
                            }
                        }
                        if (h != (size_t) -1 && h > 0
                            && !ww_all_hyphens(c[ci].s, h))
                        {
                            end = 0;
                            bl = h + 1;
                            goto split;
                        }
                    }
                    if (space < 1 && k > 0) {
                        /* textwrap appends an empty piece here and drops
                         * only that, keeping the line's trailing space */
                        keep_ws = 1;
                        goto flush;
                    }
                    bl = ww_prefix(&c[ci], end);
                split:
                    line[k].s = c[ci].s;
                    line[k].n = bl;
                    line[k].space = 0;
                    line[k].chars = 0;
                    k++;
                    /* what is left of a long word loses the piece's
                     * characters: counting them again each time would
                     * be quadratic in the word */
                    c[ci].chars -= (int64_t) tmpl_utf8_len(c[ci].s, bl);
                    c[ci].s += bl;
                    c[ci].n -= bl;
                } else if (k == 0) {
                    line[k++] = c[ci++];
                }
            }
        flush:
            if (!keep_ws && k > 0 && line[k - 1].space) {
                k--;
            }
            keep_ws = 0;
            if (k > 0) {
                if (nlines) {
                    gw_buf_append(&b, wrap.u.s, wrap.n);
                }
                first = 0;
                for (last = first; last < k; last++) {
                    gw_buf_append(&b, line[last].s, line[last].n);
                }
                nlines++;
            }
        }
    }
    *out = buf_str(&b, 0);
    return GW_OK;
}

/* Jinja 3.1.4 (CVE-2024-22195, CVE-2024-34064): a name holding ASCII
 * whitespace, "/", ">" or "=" would let a key from outside write other
 * attributes; a key that is not a string fails as its regex search does. */
static int
xmlattr_key_check(tmpl_rs_t *r, tmpl_node_t *n, tv_t key)
{
    gw_buf_t  b;
    size_t    i;

    if (key.kind != V_STR) {
        return tmpl_error(r, n, "TypeError: expected string or bytes-like "
                          "object, got '%s'", tv_type_name(key));
    }
    for (i = 0; i < key.n; i++) {
        if (strchr(" \t\n\r\f\v/>=", key.u.s[i]) != NULL
            && key.u.s[i] != '\0')
        {
            gw_buf_init(&b, r->a, key.n + 3);
            if (tv_repr_append(r, &b, key) != GW_OK) {
                return oom(r, n);
            }
            return tmpl_error(r, n, "ValueError: Invalid character in "
                              "attribute name: %.*s", (int) b.len, b.data);
        }
    }
    return GW_OK;
}

F(f_xmlattr)
{
    tv_t     *keys, *vals, val;
    size_t    len, i;
    gw_buf_t  b;
    int       autospace = !GIVEN(0) || tv_truthy(args[0]);

    if (!tv_is_map(v)) {
        return tmpl_error(r, n, "xmlattr: value must be a dict");
    }
    if (tv_map_items(r, v, &keys, &vals, &len) != GW_OK) {
        return oom(r, n);
    }
    gw_buf_init(&b, r->a, 64);
    for (i = 0; i < len; i++) {
        if (vals[i].kind == V_NONE || vals[i].kind == V_UNDEF) {
            continue;
        }
        if (xmlattr_key_check(r, n, keys[i]) != GW_OK) {
            return GW_ERROR;
        }
        if (b.len || autospace) {
            gw_buf_putc(&b, ' ');
        }
        val = tv_escape(r, keys[i]);
        gw_buf_append(&b, val.u.s, val.n);
        gw_buf_appends(&b, "=\"");
        val = tv_escape(r, vals[i]);
        gw_buf_append(&b, val.u.s, val.n);
        gw_buf_putc(&b, '"');
    }
    *out = buf_str(&b, r->autoescape);
    return GW_OK;
}

/*
 * pprint is Python's pprint.pformat(): dicts with their keys sorted (when
 * they compare: all strings or all numbers), and what does not fit in 80
 * characters broken over lines as PrettyPrinter._format() does it.
 */
#define PP_WIDTH  80

static int
pp_plain(tv_t v)
{
    return !((tv_is_seq(v) || tv_is_map(v)) && !v.ns);
}


/* The items of a dict, by sorted key where the keys compare. */
static int
pp_items(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, tv_t **keys, tv_t **vals,
    size_t *len)
{
    tv_t    *idx, *sorted, *k, *w;
    size_t   i, nstr = 0, nnum = 0;

    if (tv_map_items(r, v, keys, vals, len) != GW_OK) {
        return oom(r, n);
    }
    for (i = 0; i < *len; i++) {
        nstr += (*keys)[i].kind == V_STR;
        nnum += tv_is_num((*keys)[i]);
    }
    if (*len < 2 || (nstr != *len && nnum != *len)) {
        return GW_OK;
    }
    idx = tmpl_alloc(r->a, *len * sizeof(tv_t));
    k = tmpl_alloc(r->a, *len * sizeof(tv_t));
    w = tmpl_alloc(r->a, *len * sizeof(tv_t));
    if (idx == NULL || k == NULL || w == NULL) {
        return oom(r, n);
    }
    for (i = 0; i < *len; i++) {
        idx[i] = tv_int((int64_t) i);
    }
    if (sort_by(r, n, *keys, idx, *len, 0, 0, &sorted) != GW_OK) {
        return GW_ERROR;
    }
    for (i = 0; i < *len; i++) {
        k[i] = (*keys)[sorted[i].u.i];
        w[i] = (*vals)[sorted[i].u.i];
    }
    *keys = k;
    *vals = w;
    return GW_OK;
}


/* repr(), with every dict's keys sorted: pprint's _safe_repr() */
static int
pp_repr(tmpl_rs_t *r, tmpl_node_t *n, gw_buf_t *b, tv_t v)
{
    tv_t    *keys, *vals;
    size_t   i, len;

    if (pp_plain(v)) {
        return tv_repr_append(r, b, v) == GW_OK ? GW_OK : oom(r, n);
    }
    if (tv_is_seq(v)) {
        if (tv_to_list(r, v, &vals, &len) != GW_OK) {
            return oom(r, n);
        }
        gw_buf_putc(b, v.tuple ? '(' : '[');
        for (i = 0; i < len; i++) {
            if ((i && gw_buf_append(b, ", ", 2) != GW_OK)
                || pp_repr(r, n, b, vals[i]) != GW_OK)
            {
                return GW_ERROR;
            }
        }
        gw_buf_appends(b, v.tuple ? (len == 1 ? ",)" : ")") : "]");
        return GW_OK;
    }
    if (pp_items(r, n, v, &keys, &vals, &len) != GW_OK) {
        return GW_ERROR;
    }
    gw_buf_putc(b, '{');
    for (i = 0; i < len; i++) {
        if ((i && gw_buf_append(b, ", ", 2) != GW_OK)
            || pp_repr(r, n, b, keys[i]) != GW_OK
            || gw_buf_append(b, ": ", 2) != GW_OK
            || pp_repr(r, n, b, vals[i]) != GW_OK)
        {
            return GW_ERROR;
        }
    }
    return gw_buf_putc(b, '}') == GW_OK ? GW_OK : oom(r, n);
}


/* Python's len(): code points */
static size_t
pp_len(const char *s, size_t n)
{
    int64_t  len = 0;

    /* a string's length needs no render state */
    (void) tv_len(NULL, NULL, tv_str(s, n, 0), &len);
    return (size_t) len;
}


static int pp_format(tmpl_rs_t *r, tmpl_node_t *n, gw_buf_t *b, tv_t v,
    size_t indent, size_t allowance, int level);


/* _pprint_str(): a long string as adjacent literals, split after
 * whitespace, one per line (in parentheses at the top level) */
static int
pp_str(tmpl_rs_t *r, tmpl_node_t *n, gw_buf_t *b, tv_t v, size_t indent,
    size_t allowance, int level)
{
    gw_buf_t     rep;
    tv_t         cur;
    size_t       ls, le, ps, pe, nchunks = 0, width, width1;
    const char  *s = v.u.s;

    if (level == 1) {
        indent++;
        allowance++;
    }
    width = PP_WIDTH > indent ? PP_WIDTH - indent : 0;
    gw_buf_init(&rep, r->a, 128);
    for (ls = 0; ls < v.n; ls = le) {
        for (le = ls; le < v.n && s[le] != '\n'; le++) {
            /* lines, each with its "\n" (splitlines(True), close enough) */
        }
        le += le < v.n;
        width1 = le == v.n && width > allowance ? width - allowance : width;
        cur = tv_str(s + ls, le - ls, 0);
        rep.len = 0;
        pp_repr(r, n, &rep, cur);
        if (pp_len(rep.data, rep.len) <= width1) {
            if (nchunks++) {
                gw_buf_printf(b, "\n%*s", (int) indent, "");
            }
            gw_buf_append(b, rep.data, rep.len);
            continue;
        }
        /* parts \S*\s*, joined while their repr fits */
        cur.n = 0;
        for (ps = ls; ps < le; ps = pe) {
            for (pe = ps; pe < le && !isspace((unsigned char) s[pe]); pe++) {
            }
            for ( ; pe < le && isspace((unsigned char) s[pe]); pe++) {
            }
            width1 = pe == le && le == v.n && width > allowance
                     ? width - allowance : width;
            rep.len = 0;
            pp_repr(r, n, &rep, tv_str(cur.u.s, cur.n + (pe - ps), 0));
            if (pp_len(rep.data, rep.len) > width1 && cur.n) {
                rep.len = 0;
                pp_repr(r, n, &rep, cur);
                if (nchunks++) {
                    gw_buf_printf(b, "\n%*s", (int) indent, "");
                }
                gw_buf_append(b, rep.data, rep.len);
                cur = tv_str(s + ps, pe - ps, 0);
            } else {
                cur = tv_str(cur.n ? cur.u.s : s + ps, cur.n + (pe - ps), 0);
            }
        }
        if (cur.n) {
            rep.len = 0;
            pp_repr(r, n, &rep, cur);
            if (nchunks++) {
                gw_buf_printf(b, "\n%*s", (int) indent, "");
            }
            gw_buf_append(b, rep.data, rep.len);
        }
    }
    return GW_OK;
}


static int
pp_format(tmpl_rs_t *r, tmpl_node_t *n, gw_buf_t *b, tv_t v, size_t indent,
    size_t allowance, int level)
{
    gw_buf_t     rep, part;
    tv_t        *keys, *vals;
    size_t       i, len, start;
    const char  *end;

    gw_buf_init(&rep, r->a, 64);
    if (pp_repr(r, n, &rep, v) != GW_OK) {
        return GW_ERROR;
    }
    if (pp_len(rep.data, rep.len) + indent + allowance <= PP_WIDTH
        || (pp_plain(v) && (v.kind != V_STR || v.safe || v.n == 0)))
    {
        return gw_buf_append(b, rep.data, rep.len) == GW_OK ? GW_OK
                                                            : oom(r, n);
    }
    level++;
    if (v.kind == V_STR) {
        /* the parenthesised form only when it takes more than one line */
        gw_buf_init(&part, r->a, rep.len + 16);
        if (pp_str(r, n, &part, v, indent, allowance, level) != GW_OK) {
            return GW_ERROR;
        }
        if (level == 1 && memchr(part.data, '\n', part.len) != NULL) {
            gw_buf_putc(b, '(');
            gw_buf_append(b, part.data, part.len);
            return gw_buf_putc(b, ')') == GW_OK ? GW_OK : oom(r, n);
        }
        return gw_buf_append(b, part.data, part.len) == GW_OK ? GW_OK
                                                              : oom(r, n);
    }
    if (tv_is_seq(v)) {
        if (tv_to_list(r, v, &vals, &len) != GW_OK) {
            return oom(r, n);
        }
        end = v.tuple ? (len == 1 ? ",)" : ")") : "]";
        gw_buf_putc(b, v.tuple ? '(' : '[');
        for (i = 0; i < len; i++) {
            if (i) {
                gw_buf_printf(b, ",\n%*s", (int) indent + 1, "");
            }
            if (pp_format(r, n, b, vals[i], indent + 1,
                          i + 1 == len ? allowance + strlen(end) : 1,
                          level) != GW_OK)
            {
                return GW_ERROR;
            }
        }
        return gw_buf_appends(b, end) == GW_OK ? GW_OK : oom(r, n);
    }
    if (pp_items(r, n, v, &keys, &vals, &len) != GW_OK) {
        return GW_ERROR;
    }
    gw_buf_putc(b, '{');
    for (i = 0; i < len; i++) {
        if (i) {
            gw_buf_printf(b, ",\n%*s", (int) indent + 1, "");
        }
        start = b->len;
        if (pp_repr(r, n, b, keys[i]) != GW_OK) {
            return GW_ERROR;
        }
        gw_buf_append(b, ": ", 2);
        if (pp_format(r, n, b, vals[i],
                      indent + 1 + pp_len(b->data + start, b->len - start),
                      i + 1 == len ? allowance + 1 : 1, level) != GW_OK)
        {
            return GW_ERROR;
        }
    }
    return gw_buf_putc(b, '}') == GW_OK ? GW_OK : oom(r, n);
}

F(f_pprint)
{
    gw_buf_t  b;

    gw_buf_init(&b, r->a, 64);
    if (pp_format(r, n, &b, v, 0, 0, 0) != GW_OK) {
        return GW_ERROR;
    }
    *out = buf_str(&b, 0);
    return GW_OK;
}

F(f_groupby)
{
    tv_t     *items, *keys, *sorted, *sk, *groups, *pair, *members;
    size_t    len, i, j, ng = 0;
    int       icase = GIVEN(2) ? !tv_truthy(args[2]) : 1;

    if (iter_items(r, n, v, &items, &len) != GW_OK
        || keys_of(r, n, items, len, args[0], &keys) != GW_OK)
    {
        return GW_ERROR;
    }
    if (GIVEN(1)) {
        for (i = 0; i < len; i++) {
            if (keys[i].kind == V_UNDEF) {
                keys[i] = args[1];
            }
        }
    }
    /* sort items by key (case-folded), keep the sorted keys alongside */
    if (sort_by(r, n, keys, items, len, icase, 0, &sorted) != GW_OK
        || sort_by(r, n, keys, keys, len, icase, 0, &sk) != GW_OK)
    {
        return GW_ERROR;
    }
    groups = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
    if (groups == NULL) {
        return oom(r, n);
    }
    for (i = 0; i < len; i = j) {
        tv_t  k0 = fold(r, sk[i], icase);

        for (j = i + 1; j < len && tv_eq(fold(r, sk[j], icase), k0); j++) {
        }
        pair = tmpl_alloc(r->a, 2 * sizeof(tv_t));
        members = tmpl_alloc(r->a, (j - i) * sizeof(tv_t));
        if (pair == NULL || members == NULL) {
            return oom(r, n);
        }
        tmpl_memcpy(members, sorted + i, (j - i) * sizeof(tv_t));
        pair[0] = sk[i];
        pair[1] = tv_list(members, j - i);
        groups[ng] = tv_list(pair, 2);
        groups[ng].tuple = 1;
        groups[ng].ns = 1;      /* a _GroupTuple: .grouper and .list */
        ng++;
    }
    *out = tv_list(groups, ng);
    return GW_OK;
}


F(f_format)
{
    /* Jinja's soft_str(value) % (kwargs or args): keyword arguments came
     * as one dict, the mapping */
    return tmpl_percent_format(r, n, soft_str(r, v), args, n->nargs,
                               !(n->flags & NF_KWARGS), out);
}


static const tmpl_filter_def_t  filters[] = {
    { "abs", "", f_abs },
    { "attr", "!name", f_attr },
    { "batch", "!linecount,fill_with", f_batch },
    { "capitalize", "", f_capitalize },
    { "center", "width", f_center },
    { "count", "", f_length },
    { "d", "default_value,boolean", f_default },
    { "datetimeformat", "format", tmpl_f_datetimeformat },
    { "default", "default_value,boolean", f_default },
    { "dictsort", "case_sensitive,by,reverse", f_dictsort },
    { "e", "", f_escape },
    { "escape", "", f_escape },
    { "filesizeformat", "binary", f_filesizeformat },
    { "first", "", f_first },
    { "float", "default", f_float },
    { "forceescape", "", f_forceescape },
    { "format", "**", f_format },
    { "groupby", "!attribute,default,case_sensitive", f_groupby },
    { "indent", "width,first,blank", f_indent },
    { "int", "default,base", f_int },
    { "items", "", f_items },
    { "join", "d,attribute", f_join },
    { "last", "", f_last },
    { "length", "", f_length },
    { "list", "", f_list },
    { "lower", "", f_lower },
    { "map", "_filter,attribute,default,*", f_map },
    { "max", "case_sensitive,attribute", f_max },
    { "min", "case_sensitive,attribute", f_min },
    { "pprint", "", f_pprint },
    { "reject", "*", f_reject },
    { "rejectattr", "*", f_rejectattr },
    { "replace", "!old,!new,count", f_replace },
    { "reverse", "", f_reverse },
    { "round", "precision,method", f_round },
    { "safe", "", f_safe },
    { "select", "*", f_select },
    { "selectattr", "*", f_selectattr },
    { "slice", "!slices,fill_with", f_slice },
    { "sort", "reverse,case_sensitive,attribute", f_sort },
    { "strftime", "!format", tmpl_f_strftime },
    { "string", "", f_string },
    { "striptags", "", f_striptags },
    { "sum", "attribute,start", f_sum },
    { "title", "", f_title },
    { "tojson", "indent", f_tojson },
    { "trim", "chars", f_trim },
    { "truncate", "length,killwords,end,leeway", f_truncate },
    { "unique", "case_sensitive,attribute", f_unique },
    { "upper", "", f_upper },
    { "urlencode", "", f_urlencode },
    { "urlize", "trim_url_limit,nofollow,target,rel,extra_schemes",
      tmpl_urlize },
    { "wordcount", "", f_wordcount },
    { "wordwrap", "width,break_long_words,wrapstring,break_on_hyphens",
      f_wordwrap },
    { "xmlattr", "autospace", f_xmlattr },
    { NULL, NULL, NULL }
};


const tmpl_filter_def_t *
tmpl_filter_find(const char *name, size_t len)
{
    size_t  i;

    for (i = 0; filters[i].name; i++) {
        if (strlen(filters[i].name) == len
            && memcmp(filters[i].name, name, len) == 0)
        {
            return &filters[i];
        }
    }
    return NULL;
}
