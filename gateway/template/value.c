/*
 * value.c: the run-time value type.  Context data stays in jansson and is
 * viewed through these helpers, so a page never copies its context; lists
 * and dicts made by templates live in the render arena.
 */

#include "tmpl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>


int
tv_truthy(tv_t v)
{
    switch (v.kind) {
    case V_MISSING:
    case V_UNDEF:
    case V_NONE:
        return 0;
    case V_BOOL:
    case V_INT:
        return v.u.i != 0;
    case V_FLOAT:
        return v.u.f != 0.0;
    case V_STR:
    case V_LIST:
        return v.n != 0;
    case V_DICT:
        return v.ns || v.u.d->n != 0;
    case V_JLIST:
        return json_array_size(v.u.j) != 0;
    case V_JDICT:
        return json_object_size(v.u.j) != 0;
    default:
        return 1;
    }
}


int
tv_is_seq(tv_t v)
{
    return v.kind == V_LIST || v.kind == V_JLIST;
}


int
tv_is_map(tv_t v)
{
    return (v.kind == V_DICT && !v.ns) || v.kind == V_JDICT;
}


int
tv_is_num(tv_t v)
{
    return v.kind == V_INT || v.kind == V_FLOAT || v.kind == V_BOOL
           || v.kind == V_BIGINT;
}


tdict_t *
tv_dict_new(tmpl_rs_t *r, size_t cap)
{
    tdict_t  *d;

    d = gw_arena_calloc(r->a, sizeof(tdict_t));
    if (d == NULL) {
        return NULL;
    }
    if (cap) {
        d->keys = tmpl_alloc(r->a, cap * sizeof(tv_t));
        d->vals = tmpl_alloc(r->a, cap * sizeof(tv_t));
        if (d->keys == NULL || d->vals == NULL) {
            return NULL;
        }
        d->cap = cap;
    }
    return d;
}


/* A template dict of its own holding m's items (a dict copy()). */
int
tv_dict_copy(tmpl_rs_t *r, tv_t m, tv_t *out)
{
    tv_t     *keys, *vals;
    size_t    len;
    tdict_t  *d;

    if (tv_map_items(r, m, &keys, &vals, &len) != GW_OK
        || (d = tv_dict_new(r, len + 1)) == NULL)
    {
        return GW_ERROR;
    }
    tmpl_memcpy(d->keys, keys, len * sizeof(tv_t));
    tmpl_memcpy(d->vals, vals, len * sizeof(tv_t));
    d->n = len;
    memset(out, 0, sizeof(*out));
    out->kind = V_DICT;
    out->u.d = d;
    return GW_OK;
}


/* Materialise anything iterable as an array: the simplest walk for for
 * loops and filters, and cheap in an arena. */
int
tv_to_list(tmpl_rs_t *r, tv_t v, tv_t **items, size_t *n)
{
    size_t       i, j, k;
    tv_t        *it;
    const char  *key;
    json_t      *val;

    switch (v.kind) {
    case V_LIST:
        *items = v.u.items;
        *n = v.n;
        return GW_OK;
    case V_UNDEF:
    case V_MISSING:
        *items = NULL;
        *n = 0;
        return GW_OK;
    case V_JLIST:
        *n = json_array_size(v.u.j);
        it = tmpl_alloc(r->a, (*n + 1) * sizeof(tv_t));
        if (it == NULL) {
            return GW_ERROR;
        }
        for (i = 0; i < *n; i++) {
            it[i] = tv_from_json(json_array_get(v.u.j, i));
        }
        *items = it;
        return GW_OK;
    case V_JDICT:
        *n = json_object_size(v.u.j);
        it = tmpl_alloc(r->a, (*n + 1) * sizeof(tv_t));
        if (it == NULL) {
            return GW_ERROR;
        }
        i = 0;
        json_object_foreach(v.u.j, key, val) {
            it[i++] = tv_str(key, strlen(key), 0);
        }
        *items = it;
        return GW_OK;
    case V_DICT:
        *items = v.u.d->keys;
        *n = v.u.d->n;
        if (v.ns) {
            return GW_ERROR;
        }
        return GW_OK;
    case V_STR:
        /* one item per UTF-8 character */
        it = tmpl_alloc(r->a, (v.n + 1) * sizeof(tv_t));
        if (it == NULL) {
            return GW_ERROR;
        }
        for (i = 0, k = 0; i < v.n; i = j) {
            j = i;
            tmpl_utf8_next(v.u.s, v.n, &j);
            it[k++] = tv_str(v.u.s + i, j - i, 0);
        }
        *items = it;
        *n = k;
        return GW_OK;
    default:
        return GW_ERROR;
    }
}


int
tv_map_items(tmpl_rs_t *r, tv_t v, tv_t **keys, tv_t **vals, size_t *n)
{
    size_t       i;
    const char  *key;
    json_t      *val;

    if (v.kind == V_DICT) {
        *keys = v.u.d->keys;
        *vals = v.u.d->vals;
        *n = v.u.d->n;
        return GW_OK;
    }
    *n = json_object_size(v.u.j);
    *keys = tmpl_alloc(r->a, (*n + 1) * sizeof(tv_t));
    *vals = tmpl_alloc(r->a, (*n + 1) * sizeof(tv_t));
    if (*keys == NULL || *vals == NULL) {
        return GW_ERROR;
    }
    i = 0;
    json_object_foreach(v.u.j, key, val) {
        (*keys)[i] = tv_str(key, strlen(key), 0);
        (*vals)[i] = tv_from_json(val);
        i++;
    }
    return GW_OK;
}


/* 1 when found, 0 when not. */
int
tv_map_get(tmpl_rs_t *r, tv_t m, tv_t key, tv_t *out)
{
    size_t   i;
    json_t  *j;

    if (m.kind == V_JDICT) {
        if (key.kind == V_STR) {
            if (memchr(key.u.s, '\0', key.n) != NULL) {
                return 0;
            }
            if (key.u.s[key.n] == '\0') {
                j = json_object_get(m.u.j, key.u.s);
            } else {
                j = json_object_getn(m.u.j, key.u.s, key.n);
            }
        } else {
            /* JSON keys are strings: d[1] finds nothing, as in Python */
            return 0;
        }
        if (j == NULL) {
            return 0;
        }
        *out = tv_from_json(j);
        return 1;
    }
    for (i = 0; i < m.u.d->n; i++) {
        if (tv_eq(m.u.d->keys[i], key)) {
            *out = m.u.d->vals[i];
            return 1;
        }
    }
    return 0;
}


int
tv_map_set(tmpl_rs_t *r, tv_t m, tv_t key, tv_t val)
{
    tdict_t  *d = m.u.d;
    size_t    i, ncap;
    tv_t     *nk, *nv;

    for (i = 0; i < d->n; i++) {
        if (tv_eq(d->keys[i], key)) {
            d->vals[i] = val;
            return GW_OK;
        }
    }
    if (d->n == d->cap) {
        ncap = d->cap ? d->cap * 2 : 8;
        nk = tmpl_alloc(r->a, ncap * sizeof(tv_t));
        nv = tmpl_alloc(r->a, ncap * sizeof(tv_t));
        if (nk == NULL || nv == NULL) {
            return GW_ERROR;
        }
        if (d->n) {
            tmpl_memcpy(nk, d->keys, d->n * sizeof(tv_t));
            tmpl_memcpy(nv, d->vals, d->n * sizeof(tv_t));
        }
        d->keys = nk;
        d->vals = nv;
        d->cap = ncap;
    }
    d->keys[d->n] = key;
    d->vals[d->n] = val;
    d->n++;
    return GW_OK;
}


static int
seq_item(tv_t v, size_t i, tv_t *out)
{
    if (v.kind == V_LIST) {
        *out = v.u.items[i];
    } else {
        *out = tv_from_json(json_array_get(v.u.j, i));
    }
    return 1;
}


static size_t
seq_len(tv_t v)
{
    return v.kind == V_LIST ? v.n : json_array_size(v.u.j);
}


int
tv_eq(tv_t a, tv_t b)
{
    size_t   i, n;
    tv_t     x, y;

    if (tv_is_num(a) && tv_is_num(b)) {
        return tmpl_num_cmp(a, b) == 0;
    }
    if (a.kind == V_STR && b.kind == V_STR) {
        return a.n == b.n && memcmp(a.u.s, b.u.s, a.n) == 0;
    }
    if (a.kind == V_NONE || b.kind == V_NONE) {
        return a.kind == b.kind;
    }
    if (a.kind == V_UNDEF || b.kind == V_UNDEF) {
        return a.kind == b.kind;
    }
    if (tv_is_seq(a) && tv_is_seq(b)) {
        if ((a.kind == V_LIST && b.kind == V_LIST && a.tuple != b.tuple)) {
            return 0;
        }
        n = seq_len(a);
        if (n != seq_len(b)) {
            return 0;
        }
        for (i = 0; i < n; i++) {
            seq_item(a, i, &x);
            seq_item(b, i, &y);
            if (!tv_eq(x, y)) {
                return 0;
            }
        }
        return 1;
    }
    if (a.kind == V_JDICT && b.kind == V_JDICT) {
        return json_equal(a.u.j, b.u.j);
    }
    if (tv_is_map(a) && tv_is_map(b) && a.kind == V_DICT
        && b.kind == V_DICT)
    {
        if (a.u.d->n != b.u.d->n) {
            return 0;
        }
        for (i = 0; i < a.u.d->n; i++) {
            size_t  k;
            int     found = 0;

            for (k = 0; k < b.u.d->n; k++) {
                if (tv_eq(a.u.d->keys[i], b.u.d->keys[k])) {
                    found = tv_eq(a.u.d->vals[i], b.u.d->vals[k]);
                    break;
                }
            }
            if (!found) {
                return 0;
            }
        }
        return 1;
    }
    if (a.kind == b.kind && a.kind >= V_MACRO) {
        return a.u.p == b.u.p && a.n == b.n;
    }
    return 0;
}


/* Python ordering: numbers with numbers, strings with strings, lists
 * item by item; anything else is a TypeError. */
int
tv_cmp(tmpl_rs_t *r, tmpl_node_t *n, tv_t a, tv_t b, int *res)
{
    int      c;
    size_t   i, la, lb, m;
    tv_t     x, y;

    if (tv_is_num(a) && tv_is_num(b)) {
        c = tmpl_num_cmp(a, b);
        *res = c == 2 ? 0 : c;      /* NaN: in no order, as sort sees it */
        return GW_OK;
    }
    if (a.kind == V_STR && b.kind == V_STR) {
        m = a.n < b.n ? a.n : b.n;
        c = memcmp(a.u.s, b.u.s, m);
        *res = c < 0 ? -1 : c > 0 ? 1 : a.n < b.n ? -1 : a.n > b.n;
        return GW_OK;
    }
    if (tv_is_seq(a) && tv_is_seq(b)) {
        la = seq_len(a);
        lb = seq_len(b);
        for (i = 0; i < la && i < lb; i++) {
            seq_item(a, i, &x);
            seq_item(b, i, &y);
            if (tv_eq(x, y)) {
                continue;
            }
            return tv_cmp(r, n, x, y, res);
        }
        *res = la < lb ? -1 : la > lb;
        return GW_OK;
    }
    return tmpl_error(r, n, "'<' not supported between instances of '%s' "
                      "and '%s'", tv_type_name(a), tv_type_name(b));
}


int
tv_len(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, int64_t *len)
{
    switch (v.kind) {
    case V_STR:
        /* characters, not bytes */
        *len = (int64_t) tmpl_utf8_len(v.u.s, v.n);
        return GW_OK;
    case V_LIST:
        *len = (int64_t) v.n;
        return GW_OK;
    case V_JLIST:
        *len = (int64_t) json_array_size(v.u.j);
        return GW_OK;
    case V_JDICT:
        *len = (int64_t) json_object_size(v.u.j);
        return GW_OK;
    case V_DICT:
        *len = (int64_t) v.u.d->n;
        return GW_OK;
    case V_UNDEF:
        *len = 0;
        return GW_OK;
    default:
        return tmpl_error(r, n, "object of type '%s' has no len()",
                          tv_type_name(v));
    }
}


const char *
tv_type_name(tv_t v)
{
    switch (v.kind) {
    case V_UNDEF: return "Undefined";
    case V_NONE: return "NoneType";
    case V_BOOL: return "bool";
    case V_INT:
    case V_BIGINT: return "int";
    case V_FLOAT: return "float";
    case V_STR: return v.safe ? "Markup" : "str";
    case V_LIST: return v.tuple ? "tuple" : "list";
    case V_JLIST: return "list";
    case V_DICT: return v.ns ? "Namespace" : "dict";
    case V_JDICT: return "dict";
    case V_MACRO: return "Macro";
    case V_LOOP: return "LoopContext";
    default: return "function";
    }
}


/* A new reference, for C functions called from templates. */
json_t *
tv_to_json(tv_t v)
{
    json_t  *j, *x;
    size_t   i;
    char    *k;

    switch (v.kind) {
    case V_BOOL:
        return json_boolean(v.u.i);
    case V_INT:
        return json_integer(v.u.i);
    case V_BIGINT:
        /* past jansson's integers: the digits, as a URL or text shows them */
        {
            char  digits[TMPL_BIG_CHARS];

            return tmpl_big_digits(v, digits) == GW_OK ? json_string(digits)
                                                       : NULL;
        }
    case V_FLOAT:
        return json_real(v.u.f);
    case V_STR:
        return json_stringn_nocheck(v.u.s, v.n);
    case V_JLIST:
    case V_JDICT:
        return json_incref(v.u.j);
    case V_LIST:
        j = json_array();
        for (i = 0; j != NULL && i < v.n; i++) {
            x = tv_to_json(v.u.items[i]);
            if (x == NULL || json_array_append_new(j, x) != 0) {
                json_decref(j);
                return NULL;
            }
        }
        return j;
    case V_DICT:
        j = json_object();
        for (i = 0; j != NULL && i < v.u.d->n; i++) {
            if (v.u.d->keys[i].kind != V_STR) {
                continue;
            }
            k = strndup(v.u.d->keys[i].u.s, v.u.d->keys[i].n);
            x = tv_to_json(v.u.d->vals[i]);
            if (k == NULL || x == NULL
                || json_object_set_new(j, k, x) != 0)
            {
                free(k);
                json_decref(j);
                return NULL;
            }
            free(k);
        }
        return j;
    default:
        return json_null();
    }
}
