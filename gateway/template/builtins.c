/*
 * builtins.c: the callables every template sees (range, dict, namespace,
 * cycler, joiner, lipsum) and the ones values carry (loop.cycle, a bound
 * method), as Jinja's utils and defaults provide them.
 */

#include "tmpl.h"


int
tmpl_builtin_lookup(tmpl_rs_t *r, const char *name, tv_t *out)
{
    static const struct { const char *name; int id; } b[] = {
        { "range", B_RANGE }, { "dict", B_DICT },
        { "namespace", B_NAMESPACE }, { "cycler", B_CYCLER },
        { "joiner", B_JOINER }, { "lipsum", B_LIPSUM },
        { NULL, 0 }
    };
    size_t  i;

    for (i = 0; b[i].name; i++) {
        if (strcmp(b[i].name, name) == 0) {
            memset(out, 0, sizeof(*out));
            out->kind = V_BUILTIN;
            out->n = (size_t) b[i].id;
            return 1;
        }
    }
    if (strcmp(name, "super") == 0 && r->cur_block != NULL) {
        memset(out, 0, sizeof(*out));
        out->kind = V_BUILTIN;
        out->n = B_SUPER;
        out->u.p = r->cur_block;
        out->tuple = (uint8_t) (r->cur_block_def + 1);
        return 1;
    }
    if (strcmp(name, "self") == 0) {
        memset(out, 0, sizeof(*out));
        out->kind = V_BLOCKS;
        return 1;
    }
    return 0;
}


/* range() past 64 bits: its few items made one by one, exactly */
static int
big_range(tmpl_rs_t *r, tmpl_node_t *n, tv_t *args, size_t nargs,
    tv_t *out)
{
    tv_t     start = nargs > 1 ? args[0] : tv_int(0);
    tv_t     stop = nargs > 1 ? args[1] : args[0];
    tv_t     step = nargs > 2 ? args[2] : tv_int(1), cnt, *items;
    int64_t  i, len;

    if (nargs > 3) {
        return tmpl_error(r, n, "range expected at most 3 arguments");
    }
    if (step.kind != V_BIGINT && step.u.i == 0) {
        return tmpl_error(r, n, "range() arg 3 must not be zero");
    }
    /* ceil((stop - start) / step) = -((start - stop) // step) */
    if (tmpl_big_arith(r, n, OP_SUB, start, stop, &cnt) != GW_OK
        || tmpl_big_arith(r, n, OP_FLOORDIV, cnt, step, &cnt) != GW_OK)
    {
        return GW_ERROR;
    }
    if (cnt.kind == V_BIGINT ? tmpl_big_sign(cnt) < 0 : cnt.u.i < -1000000)
    {
        return tmpl_error(r, n, "range too big");
    }
    len = cnt.kind == V_INT && cnt.u.i < 0 ? -cnt.u.i : 0;
    items = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
    if (items == NULL) {
        return tmpl_oom(r, n);
    }
    for (i = 0; i < len; i++) {
        items[i] = start;
        if (tmpl_big_arith(r, n, OP_ADD, start, step, &start) != GW_OK) {
            return GW_ERROR;
        }
    }
    *out = tv_list(items, (size_t) len);
    return GW_OK;
}


int
tmpl_builtin_call(tmpl_rs_t *r, tmpl_node_t *n, tv_t fn, tv_t *args,
    size_t nargs, const char **knames, tv_t *kvals, size_t nkw, tv_t *out)
{
    size_t              i, k;
    int64_t             start, stop, step, cnt, x;
    tv_t               *items, v, *c;
    tdict_t            *d;
    tmpl_loop_t        *l;

    switch (fn.n) {
    case B_RANGE:
        for (i = 0, k = 0; i < nargs; i++) {
            if (!tv_is_int(args[i])) {
                return tmpl_error(r, n, "'%s' object cannot be interpreted "
                                  "as an integer", tv_type_name(args[i]));
            }
            k |= args[i].kind == V_BIGINT;
        }
        if (k) {
            return big_range(r, n, args, nargs, out);
        }
        if (nargs == 1) {
            start = 0;
            stop = args[0].u.i;
            step = 1;
        } else if (nargs == 2 || nargs == 3) {
            start = args[0].u.i;
            stop = args[1].u.i;
            step = nargs == 3 ? args[2].u.i : 1;
        } else {
            return tmpl_error(r, n, "range expected at most 3 arguments");
        }
        if (step == 0) {
            return tmpl_error(r, n, "range() arg 3 must not be zero");
        }
        cnt = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                       : (start > stop ? (start - stop - step - 1) / -step
                                       : 0);
        if (cnt > 1000000) {
            return tmpl_error(r, n, "range too big");
        }
        items = tmpl_alloc(r->a, (cnt + 1) * sizeof(tv_t));
        if (items == NULL) {
            return tmpl_oom(r, n);
        }
        for (x = 0; x < cnt; x++) {
            items[x] = tv_int(start + x * step);
        }
        *out = tv_list(items, (size_t) cnt);
        return GW_OK;

    case B_DICT:
    case B_NAMESPACE:
        d = tv_dict_new(r, nkw + 4);
        if (d == NULL) {
            return tmpl_oom(r, n);
        }
        memset(out, 0, sizeof(*out));
        out->kind = V_DICT;
        out->u.d = d;
        out->ns = fn.n == B_NAMESPACE;
        for (i = 0; i < nargs; i++) {
            tv_t  *ks, *vs;
            size_t m;

            if (!tv_is_map(args[i])) {
                return tmpl_error(r, n, "%s() argument must be a mapping",
                                  fn.n == B_DICT ? "dict" : "namespace");
            }
            if (tv_map_items(r, args[i], &ks, &vs, &m) != GW_OK) {
                return tmpl_oom(r, n);
            }
            for (k = 0; k < m; k++) {
                if (tv_map_set(r, *out, ks[k], vs[k]) != GW_OK) {
                    return tmpl_oom(r, n);
                }
            }
        }
        for (i = 0; i < nkw; i++) {
            if (tv_map_set(r, *out, tv_str(knames[i], strlen(knames[i]), 0),
                           kvals[i]) != GW_OK)
            {
                return tmpl_oom(r, n);
            }
        }
        return GW_OK;

    case B_CYCLER:
        c = tmpl_alloc(r->a, 2 * sizeof(tv_t));
        items = tmpl_alloc(r->a, (nargs + 1) * sizeof(tv_t));
        if (c == NULL || items == NULL) {
            return tmpl_oom(r, n);
        }
        tmpl_memcpy(items, args, nargs * sizeof(tv_t));
        c[0] = tv_list(items, nargs);
        c[1] = tv_int(0);
        memset(out, 0, sizeof(*out));
        out->kind = V_BUILTIN;
        out->n = B_CYCLER;
        out->u.p = c;
        return GW_OK;

    case B_CYCLER_NEXT:
        c = fn.u.p;
        if (c[0].n == 0) {
            *out = tv_none();
            return GW_OK;
        }
        *out = c[0].u.items[c[1].u.i % c[0].n];
        c[1].u.i = (c[1].u.i + 1) % (int64_t) c[0].n;
        return GW_OK;

    case B_CYCLER_RESET:
        c = fn.u.p;
        c[1].u.i = 0;
        *out = tv_none();
        return GW_OK;

    case B_JOINER:
        c = tmpl_alloc(r->a, 2 * sizeof(tv_t));
        if (c == NULL) {
            return tmpl_oom(r, n);
        }
        c[0] = nargs ? args[0] : nkw ? kvals[0] : tv_str(", ", 2, 0);
        c[1] = tv_bool(0);
        memset(out, 0, sizeof(*out));
        out->kind = V_BUILTIN;
        out->n = B_JOINER_CALL;
        out->u.p = c;
        return GW_OK;

    case B_JOINER_CALL:
        c = fn.u.p;
        if (!c[1].u.i) {
            c[1].u.i = 1;
            *out = tv_str("", 0, 0);
        } else {
            *out = c[0];
        }
        return GW_OK;

    case B_LOOP_CYCLE:
        l = fn.u.p;
        if (nargs == 0) {
            return tmpl_error(r, n, "no items for cycling given");
        }
        *out = args[l->i % nargs];
        return GW_OK;

    case B_LOOP_CHANGED:
        l = fn.u.p;
        v = tv_list(args, nargs);
        if (nargs) {
            items = tmpl_alloc(r->a, nargs * sizeof(tv_t));
            if (items == NULL) {
                return tmpl_oom(r, n);
            }
            tmpl_memcpy(items, args, nargs * sizeof(tv_t));
            v.u.items = items;
        }
        if (l->has_changed && tv_eq(l->last_changed, v)) {
            *out = tv_bool(0);
            return GW_OK;
        }
        l->has_changed = 1;
        l->last_changed = v;
        *out = tv_bool(1);
        return GW_OK;

    case B_SUPER:
    case B_SELF_BLOCK:
        return tmpl_block_call(r, n, fn, out);

    case B_METHOD:
        return tmpl_method_call(r, n, ((tmpl_method_t *) fn.u.p)->self,
                                ((tmpl_method_t *) fn.u.p)->name, args, nargs,
                                knames, kvals, nkw, out);

    case B_LIPSUM:
        *out = tv_str("Lorem ipsum dolor sit amet.", 27, 0);
        return GW_OK;

    default:
        return tmpl_error(r, n, "'%s' object is not callable",
                          tv_type_name(fn));
    }
}
