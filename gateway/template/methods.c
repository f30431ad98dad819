/*
 * methods.c: the Python methods templates call on values ("s.upper()",
 * "d.items()", "l.index(x)"): which type has which, found by name in one
 * sorted table, and the dict and list methods (str's are in strings.c,
 * str.format() in format.c).
 */

#include "tmpl.h"

#include <stdlib.h>


/* by name, in strcmp() order (bsearch) */
static const tmpl_method_def_t  methods[] = {
    { "capitalize",  M_CAPITALIZE,  MT_STR | MF_NOARGS },
    { "casefold",    M_CASEFOLD,    MT_STR | MF_NOARGS },
    { "center",      M_CENTER,      MT_STR },
    { "copy",        M_COPY,        MT_SEQ | MT_MAP },
    { "count",       M_COUNT,       MT_STR | MT_SEQ | MF_RANGE },
    { "endswith",    M_ENDSWITH,    MT_STR | MF_RANGE },
    { "find",        M_FIND,        MT_STR | MF_RANGE },
    { "format",      M_FORMAT,      MT_STR },
    { "get",         M_GET,         MT_MAP },
    { "index",       M_INDEX,       MT_STR | MT_SEQ | MF_RANGE },
    { "isalnum",     M_ISALNUM,     MT_STR | MF_NOARGS },
    { "isalpha",     M_ISALPHA,     MT_STR | MF_NOARGS },
    { "isdigit",     M_ISDIGIT,     MT_STR | MF_NOARGS },
    { "islower",     M_ISLOWER,     MT_STR | MF_NOARGS },
    { "isspace",     M_ISSPACE,     MT_STR | MF_NOARGS },
    { "istitle",     M_ISTITLE,     MT_STR | MF_NOARGS },
    { "isupper",     M_ISUPPER,     MT_STR | MF_NOARGS },
    { "items",       M_ITEMS,       MT_MAP },
    { "join",        M_JOIN,        MT_STR },
    { "keys",        M_KEYS,        MT_MAP },
    { "ljust",       M_LJUST,       MT_STR },
    { "lower",       M_LOWER,       MT_STR | MF_NOARGS },
    { "lstrip",      M_LSTRIP,      MT_STR },
    { "partition",   M_PARTITION,   MT_STR },
    { "replace",     M_REPLACE,     MT_STR },
    { "rfind",       M_RFIND,       MT_STR | MF_RANGE },
    { "rjust",       M_RJUST,       MT_STR },
    { "rsplit",      M_RSPLIT,      MT_STR },
    { "rstrip",      M_RSTRIP,      MT_STR },
    { "split",       M_SPLIT,       MT_STR },
    { "splitlines",  M_SPLITLINES,  MT_STR },
    { "startswith",  M_STARTSWITH,  MT_STR | MF_RANGE },
    { "strftime",    M_STRFTIME,    MT_STR },
    { "strip",       M_STRIP,       MT_STR },
    { "swapcase",    M_SWAPCASE,    MT_STR | MF_NOARGS },
    { "title",       M_TITLE,       MT_STR | MF_NOARGS },
    { "update",      M_UPDATE,      MT_MAP },
    { "upper",       M_UPPER,       MT_STR | MF_NOARGS },
    { "values",      M_VALUES,      MT_MAP },
    { "zfill",       M_ZFILL,       MT_STR },
};

typedef struct {
    const char  *name;
    size_t       len;
} method_key_t;


static int
method_cmp(const void *key, const void *elt)
{
    const method_key_t       *k = key;
    const tmpl_method_def_t  *d = elt;
    int                       c;

    c = strncmp(k->name, d->name, k->len);
    if (c != 0) {
        return c;
    }
    return d->name[k->len] == '\0' ? 0 : -1;
}


/* the method self's type has by that name, or NULL */
static const tmpl_method_def_t *
method_find(tv_t self, const char *name, size_t len)
{
    const tmpl_method_def_t  *d;
    method_key_t              k = { name, len };
    unsigned                  type;

    switch (self.kind) {
    case V_STR:
        type = MT_STR;
        break;
    case V_DICT:
        if (self.ns) {
            return NULL;
        }
        type = MT_MAP;
        break;
    case V_JDICT:
        type = MT_MAP;
        break;
    case V_LIST:
    case V_JLIST:
        type = MT_SEQ;
        break;
    default:
        return NULL;
    }
    d = bsearch(&k, methods, sizeof(methods) / sizeof(methods[0]),
                sizeof(methods[0]), method_cmp);
    return d != NULL && (d->flags & type) ? d : NULL;
}


int
tmpl_has_method(tv_t self, const char *name, size_t len)
{
    return method_find(self, name, len) != NULL;
}


/* list.copy() and dict.copy(): a list is never changed in place (an edit
 * binds a new one), a dict is, so it gets its own keys and values */
static int
copy(tmpl_rs_t *r, tmpl_node_t *n, tv_t self, tv_t *out)
{
    tv_t    *items;
    size_t   len;

    if (self.kind == V_LIST && self.tuple) {
        return tmpl_error(r, n, "'tuple object' has no attribute 'copy'");
    }
    if (tv_is_seq(self)) {
        if (tv_to_list(r, self, &items, &len) != GW_OK) {
            return tmpl_oom(r, n);
        }
        *out = tv_list(items, len);
        return GW_OK;
    }
    return tv_dict_copy(r, self, out) == GW_OK ? GW_OK : tmpl_oom(r, n);
}


int
tmpl_method_call(tmpl_rs_t *r, tmpl_node_t *n, tv_t self, const char *m,
    tv_t *args, size_t nargs, const char **knames, tv_t *kvals, size_t nkw,
    tv_t *out)
{
    const tmpl_method_def_t  *d;
    tv_t                     *keys, *vals, *items, *pairs;
    size_t                    len, i, cnt;

    d = method_find(self, m, strlen(m));
    if (d == NULL) {
        return tmpl_error(r, n, "'%s' object has no attribute '%s'",
                          tv_type_name(self), m);
    }
    if (self.kind == V_STR && d->id == M_FORMAT) {
        return tmpl_str_format(r, n, self, args, nargs, knames, kvals, nkw,
                               out);
    }
    if (self.kind == V_STR) {
        return tmpl_str_method(r, n, self, d, args, nargs, knames, kvals, nkw,
                               out);
    }
    if (d->id == M_COPY) {
        return copy(r, n, self, out);
    }
    if (tv_is_map(self)) {
        if (d->id == M_UPDATE) {
            size_t  k;

            if (self.kind != V_DICT) {
                return tmpl_error(r, n, "context data cannot be modified");
            }
            for (k = 0; k < nargs; k++) {
                if (!tv_is_map(args[k])
                    || tv_map_items(r, args[k], &keys, &vals, &len) != GW_OK)
                {
                    return tmpl_error(r, n, "update() needs a mapping");
                }
                for (i = 0; i < len; i++) {
                    if (tv_map_set(r, self, keys[i], vals[i]) != GW_OK) {
                        return tmpl_error(r, n, "out of memory");
                    }
                }
            }
            for (k = 0; k < nkw; k++) {
                if (tv_map_set(r, self, tv_str(knames[k], strlen(knames[k]),
                                               0), kvals[k]) != GW_OK)
                {
                    return tmpl_error(r, n, "out of memory");
                }
            }
            *out = tv_none();
            return GW_OK;
        }
        if (d->id == M_GET) {
            if (nargs < 1) {
                return tmpl_error(r, n, "get expected at least 1 argument");
            }
            if (!tv_map_get(r, self, args[0], out)) {
                *out = nargs > 1 ? args[1] : tv_none();
            }
            return GW_OK;
        }
        if (tv_map_items(r, self, &keys, &vals, &len) != GW_OK) {
            return tmpl_error(r, n, "out of memory");
        }
        if (d->id == M_KEYS) {
            *out = tv_list(keys, len);
            return GW_OK;
        }
        if (d->id == M_VALUES) {
            *out = tv_list(vals, len);
            return GW_OK;
        }
        pairs = tmpl_alloc(r->a, (2 * len + 1) * sizeof(tv_t));
        items = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
        if (pairs == NULL || items == NULL) {
            return tmpl_error(r, n, "out of memory");
        }
        for (i = 0; i < len; i++) {
            pairs[2 * i] = keys[i];
            pairs[2 * i + 1] = vals[i];
            items[i] = tv_list(&pairs[2 * i], 2);
            items[i].tuple = 1;
        }
        *out = tv_list(items, len);
        return GW_OK;
    }
    if (tv_is_seq(self)) {
        if (tv_to_list(r, self, &items, &len) != GW_OK) {
            return tmpl_error(r, n, "out of memory");
        }
        if (nargs < 1) {
            return tmpl_error(r, n, "%s() takes exactly one argument", m);
        }
        cnt = 0;
        for (i = 0; i < len; i++) {
            if (tv_eq(items[i], args[0])) {
                if (d->id == M_INDEX) {
                    *out = tv_int((int64_t) i);
                    return GW_OK;
                }
                cnt++;
            }
        }
        if (d->id == M_INDEX) {
            return tmpl_error(r, n, "value is not in list");
        }
        *out = tv_int((int64_t) cnt);
        return GW_OK;
    }
    return tmpl_error(r, n, "'%s' object has no attribute '%s'",
                      tv_type_name(self), m);
}

