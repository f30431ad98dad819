/*
 * urlmap_build.c: url_for.  Picks the endpoint's first rule whose arguments
 * are all given (rules with more arguments are tried first, as Werkzeug
 * does), fills its converters in, and puts the other values in a query
 * string in the order they were given.
 */

#include "urlmap_internal.h"

#include <stdio.h>
#include <string.h>


/* The endpoint named by the len bytes at name.  Endpoints are sorted as
 * strcmp() has them: by their common bytes, then the shorter first. */
static const gw_endpoint_t *
gw_urlmap_endpointn(const gw_urlmap_t *m, const char *name, size_t len)
{
    const gw_endpoint_t  *e;
    size_t                lo, hi, mid;
    int                   rc;

    lo = 0;
    hi = m->nendpoints;
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        e = &m->endpoints[mid];
        rc = memcmp(e->endpoint, name, e->len < len ? e->len : len);
        if (rc == 0) {
            if (e->len == len) {
                return e;
            }
            rc = e->len < len ? -1 : 1;
        }
        if (rc < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}


/* A null value counts as not given, as Werkzeug drops None values. */
static json_t *
gw_build_value(json_t *values, const char *key)
{
    json_t  *v;

    if (values == NULL) {
        return NULL;
    }
    v = json_object_get(values, key);
    return json_is_null(v) ? NULL : v;
}


static int
gw_rule_is_arg(const gw_rule_t *r, const char *key)
{
    size_t  i;

    for (i = 0; i < r->nconvs; i++) {
        if (strcmp(r->convs[i]->var, key) == 0) {
            return 1;
        }
    }
    return 0;
}


/* quote_plus: the query's safe bytes kept, ' ' as '+'. */
static int
gw_build_quote_plus(gw_buf_t *b, gw_str_t s)
{
    gw_str_t  enc;
    size_t    start, i;

    if (gw_url_encode(b->arena, s, GW_URL_SAFE_QUERY " ", &enc) != GW_OK) {
        return GW_ERROR;
    }

    start = b->len;
    if (gw_buf_append(b, enc.data, enc.len) != GW_OK) {
        return GW_ERROR;
    }
    for (i = start; i < b->len; i++) {
        if (b->data[i] == ' ') {
            b->data[i] = '+';
        }
    }
    return GW_OK;
}


static int
gw_build_pair(const gw_urlmap_t *m, gw_buf_t *b, const char *key,
    json_t *value)
{
    gw_buf_t  t;
    gw_str_t  k;

    gw_buf_init(&t, b->arena, 32);
    if (gw_json_to_text(m, value, &t) != GW_OK) {
        return GW_ERROR;
    }

    k.data = key;
    k.len = strlen(key);

    if (gw_buf_putc(b, b->len ? '&' : '?') != GW_OK
        || gw_build_quote_plus(b, k) != GW_OK
        || gw_buf_putc(b, '=') != GW_OK
        || gw_build_quote_plus(b, gw_buf_str(&t)) != GW_OK)
    {
        return GW_ERROR;
    }
    return GW_OK;
}


static int
gw_build_query(const gw_urlmap_t *m, const gw_rule_t *r, json_t *values,
    gw_buf_t *q, char *msg, size_t msg_size)
{
    const char  *key;
    json_t      *value, *item;
    size_t       i;

    if (values == NULL) {
        return GW_OK;
    }

    json_object_foreach(values, key, value) {
        if (json_is_null(value) || gw_rule_is_arg(r, key)) {
            continue;
        }

        if (json_is_array(value)) {
            json_array_foreach(value, i, item) {
                if (json_is_null(item)) {
                    continue;
                }
                if (gw_build_pair(m, q, key, item) != GW_OK) {
                    goto invalid;
                }
            }
            continue;
        }

        if (gw_build_pair(m, q, key, value) != GW_OK) {
            goto invalid;
        }
    }
    return GW_OK;

invalid:

    snprintf(msg, msg_size, "value for '%s' cannot go in a query string",
             key);
    return GW_ERROR;
}


/* Werkzeug builds "/" + path.lstrip("/"): a value starting with '/', or
 * an empty leading one, must not make "//host/..", a protocol-relative URL
 * that would send redirect(url_for(..)) to another site. */
static void
gw_build_one_slash(gw_buf_t *b, size_t start)
{
    size_t  n;

    for (n = start; n < b->len && b->data[n] == '/'; n++) {
        /* void */
    }
    if (n > start + 1) {
        memmove(b->data + start + 1, b->data + n, b->len - n);
        b->len -= n - start - 1;
    }
}


int
gw_urlmap_build(const gw_urlmap_t *m, gw_arena_t *a, const char *endpoint,
    json_t *values, gw_str_t *out, char *error, size_t error_size)
{
    const gw_endpoint_t  *ep;
    const gw_rule_t      *r, *best;
    const gw_piece_t     *pc;
    const char           *missing;
    char                  msg[256];
    gw_buf_t              b, q;
    size_t                i, j, nmissing, best_missing;

    out->data = NULL;
    out->len = 0;

    if (values != NULL && !json_is_object(values)) {
        snprintf(error, error_size, "could not build url for endpoint '%s': "
                 "values must be an object", endpoint);
        return GW_ERROR;
    }

    ep = gw_urlmap_endpointn(m, endpoint, strlen(endpoint));
    if (ep == NULL) {
        snprintf(error, error_size, "could not build url for endpoint '%s': "
                 "no such endpoint", endpoint);
        return GW_ERROR;
    }

    /* the first rule with every argument given; else report the one that
     * came closest */
    r = best = NULL;
    best_missing = SIZE_MAX;
    missing = NULL;
    for (i = 0; i < ep->nrules && r == NULL; i++) {
        nmissing = 0;
        for (j = 0; j < ep->rules[i]->nconvs; j++) {
            if (gw_build_value(values, ep->rules[i]->convs[j]->var) == NULL) {
                nmissing++;
            }
        }
        if (nmissing == 0) {
            r = ep->rules[i];
        } else if (nmissing < best_missing) {
            best = ep->rules[i];
            best_missing = nmissing;
        }
    }

    if (r == NULL) {
        for (j = 0; j < best->nconvs; j++) {
            if (gw_build_value(values, best->convs[j]->var) == NULL) {
                missing = best->convs[j]->var;
                break;
            }
        }
        snprintf(error, error_size, "could not build url for endpoint '%s': "
                 "missing value for '%s'", endpoint, missing);
        return GW_ERROR;
    }

    gw_buf_init(&b, a, 128);
    gw_buf_init(&q, a, 0);

    for (i = 0; i < r->ntrace; i++) {
        pc = &r->trace[i];
        if (pc->conv == NULL) {
            if (gw_buf_append(&b, pc->text.data, pc->text.len) != GW_OK) {
                goto nomem;
            }
            continue;
        }

        if (gw_conv_to_url(m, pc->conv,
                           gw_build_value(values, pc->conv->var), &b,
                           msg, sizeof(msg)) != GW_OK)
        {
            goto failed;
        }
    }

    gw_build_one_slash(&b, 0);

    if (gw_build_query(m, r, values, &q, msg, sizeof(msg)) != GW_OK) {
        goto failed;
    }

    if (gw_buf_append(&b, q.data, q.len) != GW_OK
        || gw_buf_putc(&b, '\0') != GW_OK)
    {
        goto nomem;
    }

    out->data = b.data;
    out->len = b.len - 1;
    return GW_OK;

nomem:

    snprintf(msg, sizeof(msg), "out of memory");

failed:

    snprintf(error, error_size, "could not build url for endpoint '%s': %s",
             endpoint, msg);
    return GW_ERROR;
}


/* ---- url_for from templates: borrowed arguments, no JSON -------------- */

/* Bytes percent-encoding keeps: unreserved, plus GW_URL_SAFE_VALUE for
 * converter values, plus GW_URL_SAFE_QUERY for the query string. */
static const unsigned char  gw_keep_value[256] = {
    ['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1,
    ['-'] = 1, ['.'] = 1, ['_'] = 1, ['~'] = 1,
    ['!'] = 1, ['$'] = 1, ['\''] = 1, ['('] = 1, [')'] = 1, ['*'] = 1,
    ['+'] = 1, [','] = 1, [';'] = 1, ['/'] = 1, [':'] = 1
};

static const unsigned char  gw_keep_query[256] = {
    ['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1,
    ['-'] = 1, ['.'] = 1, ['_'] = 1, ['~'] = 1,
    ['!'] = 1, ['$'] = 1, ['\''] = 1, ['('] = 1, [')'] = 1, ['*'] = 1,
    [','] = 1, [';'] = 1
};


/* gw_buf_append for the few bytes of a rule's static text. */
static inline int
gw_build_put(gw_buf_t *b, const char *s, size_t n)
{
    if (b->cap - b->len < n && gw_buf_reserve(b, n) != GW_OK) {
        return GW_ERROR;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return GW_OK;
}


/* Percent-encode straight into b; in the query ' ' becomes '+'. */
static int
gw_build_encode(gw_buf_t *b, const char *s, size_t n,
    const unsigned char *keep, int plus)
{
    static const char     hex[] = "0123456789ABCDEF";
    const unsigned char  *p = (const unsigned char *) s, *end = p + n;
    char                 *d;

    if (b->cap - b->len < 3 * n && gw_buf_reserve(b, 3 * n) != GW_OK) {
        return GW_ERROR;
    }
    d = b->data + b->len;
    while (p < end) {
        /* kept bytes, nearly all of a URL, a run at a time */
        const unsigned char  *run = p;

        while (p < end && keep[*p]) {
            p++;
        }
        memcpy(d, run, p - run);
        d += p - run;
        if (p == end) {
            break;
        }
        if (*p == ' ' && plus) {
            *d++ = '+';
        } else {
            *d++ = '%';
            *d++ = hex[*p >> 4];
            *d++ = hex[*p & 0xf];
        }
        p++;
    }
    b->len = d - b->data;
    return GW_OK;
}


/* str() of a scalar argument: "text" points into tmp or the argument. */
static gw_str_t
gw_arg_text(const gw_tmpl_arg_t *a, char *tmp, size_t size)
{
    gw_str_t    t;
    uint64_t    u;
    char       *p;

    switch (a->type) {
    case JSON_STRING:
        t.data = a->s;
        t.len = a->len;
        return t;
    case JSON_TRUE:
        t.data = "True";
        t.len = 4;
        return t;
    case JSON_FALSE:
        t.data = "False";
        t.len = 5;
        return t;
    default:
        /* JSON_INTEGER, the only other type the fast path lets in */
        u = a->i < 0 ? 0 - (uint64_t) a->i : (uint64_t) a->i;
        p = tmp + size;
        do {
            *--p = (char) ('0' + u % 10);
            u /= 10;
        } while (u);
        if (a->i < 0) {
            *--p = '-';
        }
        t.data = p;
        t.len = tmp + size - p;
        return t;
    }
}


static json_t *
gw_arg_json(const gw_tmpl_arg_t *a)
{
    switch (a->type) {
    case JSON_STRING:
        return json_stringn_nocheck(a->s, a->len);
    case JSON_INTEGER:
        return json_integer(a->i);
    case JSON_REAL:
        return json_real(a->f);
    case JSON_TRUE:
        return json_true();
    case JSON_FALSE:
        return json_false();
    case JSON_ARRAY:
    case JSON_OBJECT:
        return json_incref(a->json);
    default:
        return json_null();
    }
}


static const gw_tmpl_arg_t *
gw_arg_find(const gw_tmpl_arg_t *kw, size_t nkw, const char *key)
{
    size_t  i;

    for (i = 0; i < nkw; i++) {
        if (kw[i].type != JSON_NULL && strcmp(kw[i].name, key) == 0) {
            return &kw[i];
        }
    }
    return NULL;
}


/* One converter's value: strings and integers here, the rest (any(),
 * float, numbers given as text) through the converter itself. */
static int
gw_build_arg_conv(const gw_urlmap_t *m, const gw_conv_t *c,
    const gw_tmpl_arg_t *a, gw_buf_t *b, char *msg, size_t msg_size)
{
    char       tmp[24];
    gw_str_t   t;
    json_t    *j;
    size_t     i;
    int        rc;

    if (c->type == GW_CONV_INT && a->type == JSON_INTEGER) {
        /* zfill: zeros go after the sign */
        t = gw_arg_text(a, tmp, sizeof(tmp));
        if (a->i < 0) {
            t.data++;
            t.len--;
            if (gw_buf_putc(b, '-') != GW_OK) {
                goto nomem;
            }
        }
        for (i = t.len + (a->i < 0); (long long) i < c->fixed_digits; i++) {
            if (gw_buf_putc(b, '0') != GW_OK) {
                goto nomem;
            }
        }
        if (gw_build_put(b, t.data, t.len) != GW_OK) {
            goto nomem;
        }
        return GW_OK;
    }

    if (c->type == GW_CONV_STRING || c->type == GW_CONV_PATH
        || c->type == GW_CONV_UUID)
    {
        t = gw_arg_text(a, tmp, sizeof(tmp));
        if (gw_build_encode(b, t.data, t.len, gw_keep_value, 0) != GW_OK) {
            goto nomem;
        }
        return GW_OK;
    }

    j = gw_arg_json(a);
    if (j == NULL) {
        goto nomem;
    }
    rc = gw_conv_to_url(m, c, j, b, msg, msg_size);
    json_decref(j);
    return rc;

nomem:
    snprintf(msg, msg_size, "out of memory");
    return GW_ERROR;
}


/* Anything but plain scalars under distinct names (lists in the query,
 * floats, a name given twice) goes the general way. */
static int
gw_args_simple(const gw_tmpl_arg_t *kw, size_t nkw)
{
    size_t  i, j;

    for (i = 0; i < nkw; i++) {
        if (kw[i].name == NULL) {
            return 0;
        }
        switch (kw[i].type) {
        case JSON_STRING:
        case JSON_INTEGER:
        case JSON_TRUE:
        case JSON_FALSE:
        case JSON_NULL:
            break;
        default:
            return 0;
        }
        for (j = 0; j < i; j++) {
            if (strcmp(kw[i].name, kw[j].name) == 0) {
                return 0;
            }
        }
    }
    return 1;
}


static int
gw_build_args_json(const gw_urlmap_t *m, const char *endpoint,
    const gw_tmpl_arg_t *kw, size_t nkw, gw_buf_t *out, char *error,
    size_t error_size)
{
    json_t    *values, *x;
    gw_str_t   path;
    size_t     i;
    int        rc;

    values = NULL;
    if (nkw) {
        values = json_object();
        if (values == NULL) {
            goto nomem;
        }
        for (i = 0; i < nkw; i++) {
            x = gw_arg_json(&kw[i]);
            if (x == NULL || kw[i].name == NULL
                || json_object_set_new(values, kw[i].name, x) != 0)
            {
                json_decref(values);
                goto nomem;
            }
        }
    }
    rc = gw_urlmap_build(m, out->arena, endpoint, values, &path, error,
                         error_size);
    json_decref(values);
    if (rc != GW_OK) {
        return rc;
    }
    return gw_buf_append(out, path.data, path.len);

nomem:
    snprintf(error, error_size, "could not build url for endpoint '%s': "
             "out of memory", endpoint);
    return GW_ERROR;
}


/* The argument that fills each of r's converters, if all are given. */
static int
gw_args_match(const gw_rule_t *r, const gw_tmpl_arg_t *kw, size_t nkw,
    const gw_tmpl_arg_t **val)
{
    size_t  j;

    for (j = 0; j < r->nconvs; j++) {
        val[j] = gw_arg_find(kw, nkw, r->convs[j]->var);
        if (val[j] == NULL) {
            return 0;
        }
    }
    return 1;
}


int
gw_urlmap_build_args(const gw_urlmap_t *m, const char *endpoint,
    size_t len, const gw_tmpl_arg_t *kw, size_t nkw, gw_buf_t *out,
    char *error, size_t error_size)
{
    const gw_endpoint_t  *ep;
    const gw_rule_t      *r;
    const gw_piece_t     *pc;
    const gw_tmpl_arg_t  *val[GW_RULE_MAX_VARS];
    char                  msg[256], tmp[24];
    gw_str_t              t;
    size_t                i, j, start, nq;
    char                 *name;

    ep = gw_urlmap_endpointn(m, endpoint, len);
    if (ep == NULL && (i = strnlen(endpoint, len)) < len) {
        /* as a C string, the name ends at a NUL */
        len = i;
        ep = gw_urlmap_endpointn(m, endpoint, len);
    }

    /* errors, and the rare argument kinds, as gw_urlmap_build has them */
    r = NULL;
    if (ep != NULL && gw_args_simple(kw, nkw)) {
        for (i = 0; i < ep->nrules && r == NULL; i++) {
            if (gw_args_match(ep->rules[i], kw, nkw, val)) {
                r = ep->rules[i];
            }
        }
    }
    if (r == NULL) {
        name = gw_arena_strndup(out->arena, endpoint, len);
        if (name == NULL) {
            snprintf(error, error_size, "out of memory");
            return GW_ERROR;
        }
        return gw_build_args_json(m, name, kw, nkw, out, error, error_size);
    }

    start = out->len;
    for (i = 0; i < r->ntrace; i++) {
        pc = &r->trace[i];
        if (pc->conv == NULL) {
            if (gw_build_put(out, pc->text.data, pc->text.len) != GW_OK) {
                goto nomem;
            }
            continue;
        }
        for (j = 0; r->convs[j] != pc->conv; j++) {
            /* the trace's converters are the rule's */
        }
        if (gw_build_arg_conv(m, pc->conv, val[j], out, msg, sizeof(msg))
            != GW_OK)
        {
            goto failed;
        }
    }

    gw_build_one_slash(out, start);

    /* the other values, in the order they were given; the names are
     * distinct, so each converter took the one argument val[] holds */
    nq = 0;
    for (i = 0; i < nkw; i++) {
        for (j = 0; j < r->nconvs && val[j] != &kw[i]; j++) {
            /* void */
        }
        if (kw[i].type == JSON_NULL || j < r->nconvs) {
            continue;
        }
        t = gw_arg_text(&kw[i], tmp, sizeof(tmp));
        if (gw_buf_putc(out, nq++ ? '&' : '?') != GW_OK
            || gw_build_encode(out, kw[i].name, strlen(kw[i].name),
                               gw_keep_query, 1) != GW_OK
            || gw_buf_putc(out, '=') != GW_OK
            || gw_build_encode(out, t.data, t.len, gw_keep_query, 1)
               != GW_OK)
        {
            goto nomem;
        }
    }
    return GW_OK;

nomem:

    snprintf(msg, sizeof(msg), "out of memory");

failed:

    out->len = start;
    snprintf(error, error_size, "could not build url for endpoint '%.*s': "
             "%s", (int) len, endpoint, msg);
    return GW_ERROR;
}
