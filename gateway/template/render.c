/*
 * render.c: walks the compiled node tree into the output buffer -- the hot
 * evaluation, execution and name lookup, kept in one file for the
 * compiler.  Scopes are small frames of (interned name, value) pairs
 * chained to the page's top-level frame, whose context is the caller's
 * JSON; everything a render allocates comes from its arena, so the
 * environment stays read-only.  Inheritance is in inherit.c, include and
 * import in include.c, the built-in callables in builtins.c.
 */

#include "tmpl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define TMPL_MAX_DEPTH  200

static int exec_dropped(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f,
    gw_buf_t *out);
static inline int eval(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f,
    tv_t *out);
static int eval_node(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f,
    tv_t *out);
static int eval_attr(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f,
    tv_t *out);
static int exec_for_items(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f,
    tv_t iter, int depth, gw_buf_t *out);


/* A statement's body, as the code around it runs (see exec_dropped()) */
static inline int
exec_inner(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, gw_buf_t *out)
{
    return r->drop ? exec_dropped(r, n, f, out) : tmpl_exec_body(r, n, f, out);
}


/* After each statement: one compare.  (The memory cap needs none here:
 * an allocation the arena refused fails the statement, or, where a
 * callee only saw a shorter string, the render at its end.) */
static inline int
capped(tmpl_rs_t *r, tmpl_node_t *n, gw_buf_t *out)
{
    if (__builtin_expect(out->len > r->max_output, 0)) {
        return tmpl_error(r, n, "template output exceeded its cap of %zu "
                          "bytes (TEMPLATE_MAX_OUTPUT)", r->max_output);
    }
    return GW_OK;
}


static int
oom(tmpl_rs_t *r, tmpl_node_t *n)
{
    return tmpl_error(r, n, "out of memory");
}


/*
 * A loop iteration, and entering a macro, a block, an include or an
 * import, count against the step budget, which so bounds the whole render
 * (the statements run between two of them are bounded by the templates'
 * size).  Entries are also bounded in depth.
 */
static inline int
step(tmpl_rs_t *r, tmpl_node_t *n)
{
    if (++r->steps > r->max_steps) {
        return tmpl_error(r, n, "template exceeded its step budget");
    }
    return GW_OK;
}


int
tmpl_enter(tmpl_rs_t *r, tmpl_node_t *n)
{
    if (++r->depth > TMPL_MAX_DEPTH) {
        return tmpl_error(r, n, "maximum recursion depth exceeded");
    }
    return step(r, n);
}


/* ---- frames ------------------------------------------------------------- */

tmpl_frame_t *
tmpl_frame_new(tmpl_rs_t *r, tmpl_frame_t *parent, size_t cap)
{
    tmpl_frame_t  *f;

    f = tmpl_alloc(r->a, sizeof(tmpl_frame_t)
                       + cap * (sizeof(char *) + sizeof(tv_t)));
    if (f == NULL) {
        return NULL;
    }
    f->parent = parent;
    f->vals = (tv_t *) (f + 1);
    f->names = (const char **) (f->vals + cap);
    f->n = 0;
    f->cap = cap;
    f->ctx = NULL;
    return f;
}


int
tmpl_frame_set(tmpl_rs_t *r, tmpl_frame_t *f, const char *name, tv_t v)
{
    size_t         i, ncap;
    const char   **nn;
    tv_t          *nv;

    for (i = 0; i < f->n; i++) {
        if (f->names[i] == name) {
            f->vals[i] = v;
            return GW_OK;
        }
    }
    if (f->n == f->cap) {
        ncap = f->cap ? f->cap * 2 : 8;
        nv = tmpl_alloc(r->a, ncap * (sizeof(tv_t) + sizeof(char *)));
        if (nv == NULL) {
            return GW_ERROR;
        }
        nn = (const char **) (nv + ncap);
        if (f->n) {
            tmpl_memcpy(nv, f->vals, f->n * sizeof(tv_t));
            tmpl_memcpy(nn, f->names, f->n * sizeof(char *));
        }
        f->vals = nv;
        f->names = nn;
        f->cap = ncap;
    }
    f->names[f->n] = name;
    f->vals[f->n] = v;
    f->n++;
    return GW_OK;
}


/* "'name' is undefined", without printf: pages look up undefined names
 * routinely ({{ x | default(...) }}). */
const char *
tmpl_undef_msg(tmpl_rs_t *r, const char *name)
{
    size_t   len = strlen(name);
    char    *m;

    m = tmpl_alloc(r->a, len + sizeof("'' is undefined"));
    if (m == NULL) {
        return NULL;
    }
    m[0] = '\'';
    memcpy(m + 1, name, len);
    memcpy(m + 1 + len, "' is undefined", sizeof("' is undefined"));
    return m;
}


/* The lazy context entry as a whole.  The attributes already handed out
 * alone go into it, so that they stay the same objects ("is sameas"). */
static int
lazy_whole(tmpl_rs_t *r)
{
    size_t   i;
    json_t  *v;

    v = r->lazy(r->render_data, NULL);
    if (v == NULL) {
        return GW_ERROR;
    }
    for (i = 0; i < r->nlazy_attrs; i++) {
        if (json_object_set(v, r->lazy_attrs[i].name, r->lazy_attrs[i].val)
            != 0)
        {
            return GW_ERROR;
        }
    }
    r->lazy_val = v;
    return GW_OK;
}


/* "request.endpoint" without building all of request: n is an N_ATTR on
 * the lazy entry's name.  *done is 0 when the name means something else
 * here or the framework cannot give the attribute alone: eval() goes on
 * as usual. */
static int
lazy_attr(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tv_t *out,
    int *done)
{
    const char    *name = n->a->s;
    size_t         i;
    json_t        *j;
    tmpl_frame_t  *s;

    *done = 0;
    /* as lookup() walks: the name must reach the page's context and
     * miss there */
    for (s = f; s != NULL; s = s->parent) {
        for (i = 0; i < s->n; i++) {
            if (s->names[i] == name) {
                return GW_OK;
            }
        }
        if (s->ctx != NULL) {
            if (json_object_get(s->ctx, name) != NULL) {
                return GW_OK;
            }
            if (s->ctx == r->ctx) {
                break;
            }
        }
    }
    if (s == NULL) {
        return GW_OK;
    }
    for (i = 0; i < r->nlazy_attrs; i++) {
        if (strcmp(r->lazy_attrs[i].name, n->s) == 0) {
            *out = tv_from_json(r->lazy_attrs[i].val);
            *done = 1;
            return GW_OK;
        }
    }
    if (r->nlazy_attrs == TMPL_LAZY_ATTRS) {
        return GW_OK;
    }
    j = r->lazy(r->render_data, n->s);
    if (j == NULL) {
        return GW_OK;
    }
    r->lazy_attrs[r->nlazy_attrs].name = n->s;
    r->lazy_attrs[r->nlazy_attrs].val = j;
    r->nlazy_attrs++;
    *out = tv_from_json(j);
    *done = 1;
    return GW_OK;
}


/* A name's slot in the render's cache of globals: names are interned, so
 * the pointer is the key. */
#define GCACHE_SLOT(name)  (((uintptr_t) (name) >> 3) & (TMPL_GCACHE - 1))


/* The global, function or builtin of that name the render found before,
 * if it did: slot h (GCACHE_SLOT) holds it. */
static inline int
gcache_hit(tmpl_rs_t *r, const char *name, size_t h, tv_t *out)
{
    if (r->gcache[h].name != name) {
        return 0;
    }
    *out = r->gcache[h].val;
    return 1;
}

/* lookup_ctx(): the context does not hold the name */
#define LOOKUP_NOT_FOUND  1


/* A name the context has not been asked for yet this render: the answer,
 * found or not, is remembered in cache slot h. */
static __attribute__((noinline)) int
lookup_ctx(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, const char *name,
    size_t h, tv_t *out)
{
    json_t  *j;

    j = json_object_get(f->ctx, name);
    if (j == NULL && r->lazy != NULL && f->ctx == r->ctx
        && strcmp(name, r->lazy_name) == 0)
    {
        if (r->lazy_val == NULL && lazy_whole(r) != GW_OK) {
            return oom(r, n);
        }
        j = r->lazy_val;
    }
    r->ccache[h].name = name;
    r->ccache[h].ctx = f->ctx;
    r->ccache[h].found = j != NULL;
    if (j == NULL) {
        return LOOKUP_NOT_FOUND;
    }
    *out = tv_from_json(j);
    r->ccache[h].val = *out;
    return GW_OK;
}


/* A global, function or builtin not looked up yet this render. */
static __attribute__((noinline)) int
lookup_global(tmpl_rs_t *r, const char *name, size_t h, tv_t *out)
{
    size_t   i;
    json_t  *j;

    j = json_object_get(r->env->globals, name);
    if (j != NULL) {
        *out = tv_from_json(j);
        r->gcache[h].name = name;
        r->gcache[h].val = *out;
        return GW_OK;
    }
    for (i = 0; i < r->env->nfuncs; i++) {
        if (strcmp(r->env->funcs[i].name, name) == 0) {
            memset(out, 0, sizeof(*out));
            out->kind = V_FUNC;
            out->u.p = &r->env->funcs[i];
            r->gcache[h].name = name;
            r->gcache[h].val = *out;
            return GW_OK;
        }
    }
    if (tmpl_builtin_lookup(r, name, out)) {
        return GW_OK;
    }
    *out = tv_undef(tmpl_undef_msg(r, name));
    if (strcmp(name, "super") != 0) {
        /* undefined for the whole render ({{ x | default(..) }} twice);
         * super() is found once a block runs */
        r->gcache[h].name = name;
        r->gcache[h].val = *out;
    }
    return GW_OK;
}


/* lookup() from the first frame that has a context (or none left): the
 * context, then the environment's globals, functions and builtins.  What
 * each name found is remembered for the render (the context and globals
 * cannot change while a page renders); the first asking is out of line. */
__attribute__((noinline)) int
tmpl_lookup_slow(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f,
    const char *name, tv_t *out)
{
    size_t  i, h;
    int     rc;

    for ( ; f != NULL; f = f->parent) {
        for (i = f->n; i-- > 0; ) {
            if (f->names[i] == name) {
                *out = f->vals[i];
                return GW_OK;
            }
        }
        if (f->ctx != NULL) {
            h = ((uintptr_t) name >> 3) & (TMPL_CCACHE - 1);
            if (r->ccache[h].name == name && r->ccache[h].ctx == f->ctx) {
                if (r->ccache[h].found) {
                    *out = r->ccache[h].val;
                    return GW_OK;
                }
                continue;
            }
            rc = lookup_ctx(r, n, f, name, h, out);
            if (rc != LOOKUP_NOT_FOUND) {
                return rc;
            }
        }
    }
    h = GCACHE_SLOT(name);
    return gcache_hit(r, name, h, out) ? GW_OK
                                       : lookup_global(r, name, h, out);
}


/* A name, innermost scope first.  Names are interned, so the pointer is
 * the key; the local scopes are walked inline, as most names are found
 * there. */
static inline int
lookup(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, const char *name,
    tv_t *out)
{
    size_t  i;

    for ( ; f != NULL && f->ctx == NULL; f = f->parent) {
        for (i = f->n; i-- > 0; ) {
            if (f->names[i] == name) {
                *out = f->vals[i];
                return GW_OK;
            }
        }
    }
    if (f == NULL) {
        /* no context on the way (url_for from an imported macro): the
         * globals straight away */
        i = GCACHE_SLOT(name);
        return gcache_hit(r, name, i, out) ? GW_OK
                                           : lookup_global(r, name, i, out);
    }
    return tmpl_lookup_slow(r, n, f, name, out);
}


/* An expression's value.  Constants and names, half of all the
 * expressions a page evaluates, are done inline, and attributes called
 * directly: a test at each place predicts better than one switch. */
static inline int
eval(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tv_t *out)
{
    if (n->type == N_CONST) {
        *out = n->val;
        return GW_OK;
    }
    if (n->type == N_NAME) {
        return lookup(r, n, f, n->s, out);
    }
    if (n->type == N_ATTR) {
        return eval_attr(r, n, f, out);
    }
    return eval_node(r, n, f, out);
}


int
tmpl_eval(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tv_t *out)
{
    return eval(r, n, f, out);
}


/* ---- attribute and item access ------------------------------------------ */

static const char *
obj_desc(tv_t v)
{
    switch (v.kind) {
    case V_JDICT:
    case V_DICT: return v.ns ? "jinja2.utils.Namespace object"
                             : "dict object";
    case V_JLIST:
    case V_LIST: return v.tuple ? "tuple object" : "list object";
    case V_STR: return v.safe ? "markupsafe.Markup object" : "str object";
    case V_INT:
    case V_BIGINT: return "int object";
    case V_FLOAT: return "float object";
    case V_BOOL: return "bool object";
    case V_NONE: return "None";
    default: return "object";
    }
}


static int
loop_attr(tmpl_rs_t *r, tmpl_loop_t *l, const char *name, size_t len,
    tv_t *out)
{
    /* the length first: the compares are then of a constant size, done
     * inline */
#define LOOP_IS(s)  (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)

    switch (name[0]) {
    case 'i':
        if (LOOP_IS("index")) {
            *out = tv_int((int64_t) l->i + 1);
            return GW_OK;
        }
        if (LOOP_IS("index0")) {
            *out = tv_int((int64_t) l->i);
            return GW_OK;
        }
        break;
    case 'r':
        if (LOOP_IS("revindex")) {
            *out = tv_int((int64_t) (l->n - l->i));
            return GW_OK;
        }
        if (LOOP_IS("revindex0")) {
            *out = tv_int((int64_t) (l->n - l->i - 1));
            return GW_OK;
        }
        break;
    case 'f':
        if (LOOP_IS("first")) {
            *out = tv_bool(l->i == 0);
            return GW_OK;
        }
        break;
    case 'l':
        if (LOOP_IS("last")) {
            *out = tv_bool(l->i + 1 == l->n);
            return GW_OK;
        }
        if (LOOP_IS("length")) {
            *out = tv_int((int64_t) l->n);
            return GW_OK;
        }
        break;
    case 'd':
        if (LOOP_IS("depth")) {
            *out = tv_int(l->depth);
            return GW_OK;
        }
        if (LOOP_IS("depth0")) {
            *out = tv_int(l->depth - 1);
            return GW_OK;
        }
        break;
    case 'p':
        if (LOOP_IS("previtem")) {
            *out = l->i > 0 ? l->items[l->i - 1]
                            : tv_undef("there is no previous item");
            return GW_OK;
        }
        break;
    case 'n':
        if (LOOP_IS("nextitem")) {
            *out = l->i + 1 < l->n ? l->items[l->i + 1]
                                   : tv_undef("there is no next item");
            return GW_OK;
        }
        break;
    case 'c':
        if (LOOP_IS("cycle") || LOOP_IS("changed")) {
            memset(out, 0, sizeof(*out));
            out->kind = V_BUILTIN;
            out->n = name[1] == 'y' ? B_LOOP_CYCLE : B_LOOP_CHANGED;
            out->u.p = l;
            return GW_OK;
        }
        break;
    }
#undef LOOP_IS
    *out = tv_undef(gw_arena_printf(r->a, "'jinja2.runtime.LoopContext "
                                    "object' has no attribute '%s'", name));
    return GW_OK;
}


/* What Jinja's Macro objects tell about themselves. */
static int
macro_attr(tmpl_rs_t *r, tmpl_node_t *n, tmpl_macro_t *m, const char *name,
    tv_t *out)
{
    tmpl_node_t  *d = m->node;
    tv_t         *names;
    size_t        i;

    if (strcmp(name, "name") == 0) {
        /* a call block's caller() is anonymous */
        *out = d->type == N_MACRO ? tv_str(d->s, strlen(d->s), 0) : tv_none();
    } else if (strcmp(name, "arguments") == 0) {
        names = tmpl_alloc(r->a, (d->nnames + 1) * sizeof(tv_t));
        if (names == NULL) {
            return oom(r, n);
        }
        for (i = 0; i < d->nnames; i++) {
            names[i] = tv_str(d->names[i], strlen(d->names[i]), 0);
        }
        *out = tv_list(names, d->nnames);
        out->tuple = 1;
    } else if (strcmp(name, "catch_kwargs") == 0) {
        *out = tv_bool(d->flags & NF_KWARGS);
    } else if (strcmp(name, "catch_varargs") == 0) {
        *out = tv_bool(d->flags & NF_VARARGS);
    } else if (strcmp(name, "caller") == 0) {
        *out = tv_bool(d->flags & NF_CALLER);
    } else {
        *out = tv_undef(gw_arena_printf(r->a, "'jinja2.runtime.Macro "
                                        "object' has no attribute '%s'",
                                        name));
    }
    return GW_OK;
}


int
tmpl_getattr(tmpl_rs_t *r, tmpl_node_t *n, tv_t obj, const char *name,
    size_t len, tv_t *out)
{
    tmpl_method_t  *m;

    switch (obj.kind) {
    case V_UNDEF:
    case V_MISSING:
        return tmpl_undef_check(r, n, obj.kind == V_UNDEF ? obj
                                : tv_undef("undefined value"));
    case V_LOOP:
        return loop_attr(r, obj.u.p, name, len, out);
    case V_MACRO:
        return macro_attr(r, n, obj.u.p, name, out);
    case V_BLOCKS:
        if (tmpl_find_block(r, name) == NULL) {
            *out = tv_undef(gw_arena_printf(r->a, "'jinja2.runtime."
                                            "TemplateReference object' has "
                                            "no attribute '%s'", name));
            return GW_OK;
        }
        memset(out, 0, sizeof(*out));
        out->kind = V_BUILTIN;
        out->n = B_SELF_BLOCK;
        out->u.s = name;
        return GW_OK;
    case V_BUILTIN:
        if (obj.n == B_CYCLER && obj.u.p != NULL) {
            tv_t  *c = obj.u.p;       /* [items list, index int] */

            if (strcmp(name, "current") == 0) {
                *out = c[0].n ? c[0].u.items[c[1].u.i % c[0].n] : tv_none();
                return GW_OK;
            }
            if (strcmp(name, "next") == 0 || strcmp(name, "reset") == 0) {
                memset(out, 0, sizeof(*out));
                out->kind = V_BUILTIN;
                out->n = name[0] == 'n' ? B_CYCLER_NEXT : B_CYCLER_RESET;
                out->u.p = c;
                return GW_OK;
            }
        }
        break;
    case V_LIST:
        if (obj.ns && obj.n == 2) {
            if (strcmp(name, "grouper") == 0) {
                *out = obj.u.items[0];
                return GW_OK;
            }
            if (strcmp(name, "list") == 0) {
                *out = obj.u.items[1];
                return GW_OK;
            }
        }
        break;
    case V_DICT:
        if (obj.ns) {
            if (tv_map_get(r, obj, tv_str(name, len, 0), out)) {
                return GW_OK;
            }
            *out = tv_undef(gw_arena_printf(r->a, "'%s' has no attribute "
                                            "'%s'", obj_desc(obj), name));
            return GW_OK;
        }
        /* fall through */
    default:
        break;
    }
    if (obj.kind != V_DICT && obj.kind != V_JDICT
        && tmpl_has_method(obj, name, len))
    {
        goto method;
    }
    if (obj.kind == V_DICT || obj.kind == V_JDICT) {
        if (tmpl_has_method(obj, name, len)) {
            goto method;
        }
        if (tv_map_get(r, obj, tv_str(name, len, 0), out)) {
            return GW_OK;
        }
    }
    *out = tv_undef(gw_arena_printf(r->a, "'%s' has no attribute '%s'",
                                    obj_desc(obj), name));
    return GW_OK;

method:
    m = tmpl_alloc(r->a, sizeof(*m));
    if (m == NULL) {
        return oom(r, n);
    }
    m->self = obj;
    m->name = name;
    memset(out, 0, sizeof(*out));
    out->kind = V_BUILTIN;
    out->n = B_METHOD;
    out->u.p = m;
    return GW_OK;
}


static int
seq_get(tv_t v, int64_t i, tv_t *out)
{
    int64_t  len = v.kind == V_LIST ? (int64_t) v.n
                                    : (int64_t) json_array_size(v.u.j);

    if (i < 0) {
        i += len;
    }
    if (i < 0 || i >= len) {
        return 0;
    }
    *out = v.kind == V_LIST ? v.u.items[i]
                            : tv_from_json(json_array_get(v.u.j, i));
    return 1;
}


int
tmpl_getitem(tmpl_rs_t *r, tmpl_node_t *n, tv_t obj, tv_t key, tv_t *out)
{
    tv_t     *chars;
    size_t    nc;
    int64_t   i;

    switch (obj.kind) {
    case V_UNDEF:
    case V_MISSING:
        return tmpl_undef_check(r, n, obj.kind == V_UNDEF ? obj
                                : tv_undef("undefined value"));
    case V_JDICT:
    case V_DICT:
        if (tv_map_get(r, obj, key, out)) {
            return GW_OK;
        }
        break;
    case V_LIST:
    case V_JLIST:
        if (key.kind == V_INT || key.kind == V_BOOL) {
            if (seq_get(obj, key.u.i, out)) {
                return GW_OK;
            }
            *out = tv_undef(gw_arena_printf(r->a, "'%s' has no element "
                                            "%lld", obj_desc(obj),
                                            (long long) key.u.i));
            return GW_OK;
        }
        break;
    case V_STR:
        if (key.kind == V_INT) {
            if (tv_to_list(r, obj, &chars, &nc) != GW_OK) {
                return oom(r, n);
            }
            i = key.u.i < 0 ? key.u.i + (int64_t) nc : key.u.i;
            if (i >= 0 && i < (int64_t) nc) {
                *out = chars[i];
                return GW_OK;
            }
            *out = tv_undef(gw_arena_printf(r->a, "'%s' has no element "
                                            "%lld", obj_desc(obj),
                                            (long long) key.u.i));
            return GW_OK;
        }
        break;
    case V_LOOP:
    case V_BLOCKS:
        if (key.kind == V_STR) {
            return tmpl_getattr(r, n, obj, gw_arena_strndup(r->a, key.u.s,
                                key.n), key.n, out);
        }
        break;
    default:
        break;
    }
    if (key.kind == V_STR && memchr(key.u.s, '\0', key.n) == NULL) {
        const char  *name = gw_arena_strndup(r->a, key.u.s, key.n);

        if (name == NULL) {
            return oom(r, n);
        }
        /* obj["name"] falls back to the attribute, as in Jinja */
        return tmpl_getattr(r, n, obj, name, key.n, out);
    }
    {
        gw_buf_t  b;

        gw_buf_init(&b, r->a, 32);
        tv_repr_append(r, &b, key);
        gw_buf_putc(&b, '\0');
        *out = tv_undef(gw_arena_printf(r->a, "'%s' has no element %s",
                                        obj_desc(obj), b.data ? b.data : ""));
    }
    return GW_OK;
}


static int
slice_index(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tmpl_node_t *e,
    int64_t *out, int *given)
{
    tv_t  v;

    *given = 0;
    if (e == NULL) {
        return GW_OK;
    }
    if (eval(r, e, f, &v) != GW_OK) {
        return GW_ERROR;
    }
    if (v.kind == V_NONE) {
        return GW_OK;
    }
    if (!tv_is_int(v)) {
        return tmpl_error(r, n, "slice indices must be integers or None");
    }
    /* past 64 bits, as far as any sequence goes: Python clamps */
    *out = v.kind != V_BIGINT ? v.u.i
           : tmpl_big_sign(v) < 0 ? -INT64_MAX : INT64_MAX;
    *given = 1;
    return GW_OK;
}


/* s[start:stop] of an ASCII string, bounds as Python's slice.indices()
 * has them for a step of 1. */
static int
slice_ascii(tmpl_rs_t *r, tmpl_node_t *n, tv_t s, int64_t start, int gs,
    int64_t stop, int ge, tv_t *out)
{
    int64_t   len = (int64_t) s.n;
    size_t    k;
    char     *d;

    if (!gs) {
        start = 0;
    } else if (start < 0) {
        start = start + len < 0 ? 0 : start + len;
    } else if (start > len) {
        start = len;
    }
    if (!ge) {
        stop = len;
    } else if (stop < 0) {
        stop = stop + len < 0 ? 0 : stop + len;
    } else if (stop > len) {
        stop = len;
    }
    /* 0 <= stop - start <= len, which the compiler cannot see alone */
    k = stop > start ? (size_t) (stop - start) : 0;
    if (k > s.n) {
        k = 0;
    }
    d = tmpl_alloc(r->a, k + 1);
    if (d == NULL) {
        return oom(r, n);
    }
    tmpl_memcpy(d, s.u.s + start, k);
    d[k] = '\0';
    *out = tv_str(d, k, s.safe);
    return GW_OK;
}


static __attribute__((noinline)) int
eval_slice(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tv_t *out)
{
    tv_t      obj, *items, *res;
    size_t    len, k;
    int64_t   start = 0, stop = 0, step = 1, i;
    int       gs, ge, gt;
    gw_buf_t  b;

    if (eval(r, n->a, f, &obj) != GW_OK
        || slice_index(r, n, f, n->b, &start, &gs) != GW_OK
        || slice_index(r, n, f, n->c, &stop, &ge) != GW_OK
        || slice_index(r, n, f, n->d, &step, &gt) != GW_OK)
    {
        return GW_ERROR;
    }
    if (!gt) {
        step = 1;
    }
    if (step == 0) {
        return tmpl_error(r, n, "slice step cannot be zero");
    }
    if (obj.kind == V_UNDEF) {
        return tmpl_undef_check(r, n, obj);
    }
    if (!tv_is_seq(obj) && obj.kind != V_STR) {
        return tmpl_error(r, n, "'%s' object is not subscriptable",
                          tv_type_name(obj));
    }
    if (obj.kind == V_STR && step == 1) {
        /* s[:10] needs only its first 10 bytes to be ASCII for them to be
         * its first 10 characters */
        len = obj.n;
        if (ge && stop >= 0 && !(gs && start < 0)) {
            len = (size_t) (gs && start > stop ? start : stop);
            len = len < obj.n ? len : obj.n;
        }
        if (tmpl_ascii(obj.u.s, len)) {
            /* characters are bytes: no list of one-character strings */
            return slice_ascii(r, n, obj, start, gs, stop, ge, out);
        }
    }
    if (tv_to_list(r, obj, &items, &len) != GW_OK) {
        return oom(r, n);
    }
    /* Python's slice.indices() */
    if (!gs) {
        start = step > 0 ? 0 : (int64_t) len - 1;
    } else {
        if (start < 0) {
            start += (int64_t) len;
            if (start < 0) {
                start = step > 0 ? 0 : -1;
            }
        } else if (start >= (int64_t) len) {
            start = step > 0 ? (int64_t) len : (int64_t) len - 1;
        }
    }
    if (!ge) {
        stop = step > 0 ? (int64_t) len : -1;
    } else {
        if (stop < 0) {
            stop += (int64_t) len;
            if (stop < 0) {
                stop = step > 0 ? 0 : -1;
            }
        } else if (stop >= (int64_t) len) {
            stop = step > 0 ? (int64_t) len : (int64_t) len - 1;
        }
    }
    res = tmpl_alloc(r->a, (len + 1) * sizeof(tv_t));
    if (res == NULL) {
        return oom(r, n);
    }
    k = 0;
    for (i = start; step > 0 ? i < stop : i > stop; i += step) {
        res[k++] = items[i];
    }
    if (obj.kind == V_STR) {
        gw_buf_init(&b, r->a, obj.n + 1);
        for (i = 0; i < (int64_t) k; i++) {
            gw_buf_append(&b, res[i].u.s, res[i].n);
        }
        if (gw_buf_putc(&b, '\0') != GW_OK) {
            return oom(r, n);
        }
        *out = tv_str(b.data, b.len - 1, obj.safe);
        return GW_OK;
    }
    *out = tv_list(res, k);
    out->tuple = obj.tuple;
    return GW_OK;
}


/* ---- arithmetic ---------------------------------------------------------- */

static const char *
op_sym(int op)
{
    static const char *s[] = { "", "+", "-", "*", "/", "//", "%", "**" };

    return op >= OP_ADD && op <= OP_POW ? s[op] : "?";
}


static int
concat_seq(tmpl_rs_t *r, tmpl_node_t *n, tv_t a, tv_t b, tv_t *out)
{
    tv_t    *ia, *ib, *res;
    size_t   na, nb;

    if (tv_to_list(r, a, &ia, &na) != GW_OK
        || tv_to_list(r, b, &ib, &nb) != GW_OK)
    {
        return oom(r, n);
    }
    res = tmpl_alloc(r->a, (na + nb + 1) * sizeof(tv_t));
    if (res == NULL) {
        return oom(r, n);
    }
    tmpl_memcpy(res, ia, na * sizeof(tv_t));
    tmpl_memcpy(res + na, ib, nb * sizeof(tv_t));
    *out = tv_list(res, na + nb);
    out->tuple = a.tuple;
    return GW_OK;
}


static int
str_concat(tmpl_rs_t *r, tmpl_node_t *n, tv_t a, tv_t b, tv_t *out)
{
    gw_buf_t  buf;
    int       safe = a.safe || b.safe;

    if (safe) {
        a = tv_escape(r, a);
        b = tv_escape(r, b);
    }
    gw_buf_init(&buf, r->a, a.n + b.n + 1);
    if (gw_buf_append(&buf, a.u.s, a.n) != GW_OK
        || gw_buf_append(&buf, b.u.s, b.n) != GW_OK
        || gw_buf_putc(&buf, '\0') != GW_OK)
    {
        return oom(r, n);
    }
    *out = tv_str(buf.data, buf.len - 1, safe);
    return GW_OK;
}


static int
repeat(tmpl_rs_t *r, tmpl_node_t *n, tv_t s, int64_t times, tv_t *out)
{
    gw_buf_t  b;
    tv_t     *items, *res;
    size_t    len, k;
    int64_t   i;

    if (times < 0 || (s.kind == V_STR && s.n == 0)) {
        times = 0;                  /* "" * 10**15 is "" at once */
    }
    if (s.kind == V_STR) {
        if (s.n && (uint64_t) times > (64u << 20) / s.n) {
            return tmpl_error(r, n, "result too large");
        }
        gw_buf_init(&b, r->a, s.n * times + 1);
        for (i = 0; i < times; i++) {
            gw_buf_append(&b, s.u.s, s.n);
        }
        if (gw_buf_putc(&b, '\0') != GW_OK) {
            return oom(r, n);
        }
        *out = tv_str(b.data, b.len - 1, s.safe);
        return GW_OK;
    }
    if (tv_to_list(r, s, &items, &len) != GW_OK) {
        return oom(r, n);
    }
    if (len == 0) {
        times = 0;
    } else if ((uint64_t) times > (1u << 20) / len) {
        return tmpl_error(r, n, "result too large");
    }
    res = tmpl_alloc(r->a, (len * times + 1) * sizeof(tv_t));
    if (res == NULL) {
        return oom(r, n);
    }
    for (i = 0, k = 0; i < times; i++, k += len) {
        tmpl_memcpy(res + k, items, len * sizeof(tv_t));
    }
    *out = tv_list(res, k);
    out->tuple = s.tuple;
    return GW_OK;
}


/* integers up to this are exact as doubles */
#define EXACT53  ((int64_t) 1 << 53)


/* A big integer with another number: with an integer, exactly; with a
 * float, as a float (as Python does).  1: not numbers, binop's turn. */
static int
big_operands(tmpl_rs_t *r, tmpl_node_t *n, int op, tv_t *a, tv_t *b,
    tv_t *out)
{
    double  da, db;

    if (tv_is_int(*a) && tv_is_int(*b)) {
        return tmpl_big_arith(r, n, op, *a, *b, out);
    }
    if (!tv_is_num(*a) || !tv_is_num(*b)) {
        return 1;
    }
    if (tmpl_big_to_float(r, n, *a, &da) != GW_OK
        || tmpl_big_to_float(r, n, *b, &db) != GW_OK)
    {
        return GW_ERROR;
    }
    *a = tv_float(da);
    *b = tv_float(db);
    return 1;
}


static int
binop(tmpl_rs_t *r, tmpl_node_t *n, int op, tv_t a, tv_t b, tv_t *out)
{
    int64_t  ia = 0, ib = 0, q, m;
    double   da, db, x, q_f;
    int      ai, bi;

    if (a.kind == V_UNDEF) {
        return tmpl_undef_check(r, n, a);
    }
    if (b.kind == V_UNDEF) {
        return tmpl_undef_check(r, n, b);
    }
    if (a.kind == V_BIGINT || b.kind == V_BIGINT) {
        ai = big_operands(r, n, op, &a, &b, out);
        if (ai != 1) {
            return ai;
        }
    }
    if (tv_num(a, &ia, &da, &ai) && tv_num(b, &ib, &db, &bi)) {
        int both = ai && bi;

        switch (op) {
        case OP_ADD:
            if (!both) {
                *out = tv_float(da + db);
            } else if (!__builtin_add_overflow(ia, ib, &q)) {
                *out = tv_int(q);
            } else {
                return tmpl_big_arith(r, n, op, a, b, out);
            }
            return GW_OK;
        case OP_SUB:
            if (!both) {
                *out = tv_float(da - db);
            } else if (!__builtin_sub_overflow(ia, ib, &q)) {
                *out = tv_int(q);
            } else {
                return tmpl_big_arith(r, n, op, a, b, out);
            }
            return GW_OK;
        case OP_MUL:
            if (!both) {
                *out = tv_float(da * db);
            } else if (!__builtin_mul_overflow(ia, ib, &q)) {
                *out = tv_int(q);
            } else {
                return tmpl_big_arith(r, n, op, a, b, out);
            }
            return GW_OK;
        case OP_DIV:
            if (db == 0) {
                return tmpl_error(r, n, "division by zero");
            }
            if (both && (ia > EXACT53 || ia < -EXACT53 || ib > EXACT53
                         || ib < -EXACT53))
            {
                /* past 2^53 a double rounds: divide the exact values */
                return tmpl_big_arith(r, n, op, a, b, out);
            }
            *out = tv_float(da / db);
            return GW_OK;
        case OP_FLOORDIV:
        case OP_MOD:
            if ((both && ib == 0) || (!both && db == 0)) {
                return tmpl_error(r, n, op == OP_MOD ? "modulo by zero"
                                  : "integer division or modulo by zero");
            }
            if (both) {
                if (ia == INT64_MIN && ib == -1) {
                    return tmpl_big_arith(r, n, op, a, b, out);
                }
                q = ia / ib;
                m = ia % ib;
                if (m != 0 && ((m < 0) != (ib < 0))) {
                    q--;
                    m += ib;
                }
                *out = tv_int(op == OP_MOD ? m : q);
                return GW_OK;
            }
            /* CPython's float divmod: a zero remainder takes the
             * divisor's sign, the quotient comes from the remainder */
            x = fmod(da, db);
            q_f = (da - x) / db;
            if (x == 0) {
                x = copysign(0.0, db);
            } else if ((x < 0) != (db < 0)) {
                x += db;
                q_f -= 1.0;
            }
            if (op == OP_FLOORDIV) {
                x = q_f == 0 ? copysign(0.0, da / db)
                    : q_f - floor(q_f) > 0.5 ? floor(q_f) + 1.0 : floor(q_f);
            }
            *out = tv_float(x);
            return GW_OK;
        case OP_POW:
            if (both && ib >= 0) {
                int64_t  res = 1, base = ia, e = ib;
                int      ovf = 0;

                while (e > 0 && !ovf) {
                    if (e & 1) {
                        ovf |= __builtin_mul_overflow(res, base, &res);
                    }
                    e >>= 1;
                    if (e) {
                        ovf |= __builtin_mul_overflow(base, base, &base);
                    }
                }
                if (ovf) {
                    return tmpl_big_arith(r, n, op, a, b, out);
                }
                *out = tv_int(res);
                return GW_OK;
            }
            if (da == 0 && db < 0) {
                return tmpl_error(r, n, "0.0 cannot be raised to a negative "
                                  "power");
            }
            x = pow(da, db);
            if (isinf(x) && isfinite(da) && isfinite(db)) {
                return tmpl_error(r, n, "OverflowError: (34, 'Numerical "
                                  "result out of range')");
            }
            *out = tv_float(x);
            return GW_OK;
        }
    }
    if (op == OP_ADD && a.kind == V_STR && b.kind == V_STR) {
        return str_concat(r, n, a, b, out);
    }
    if (op == OP_ADD && tv_is_seq(a) && tv_is_seq(b)) {
        return concat_seq(r, n, a, b, out);
    }
    if (op == OP_MUL && (a.kind == V_BIGINT || b.kind == V_BIGINT)
        && (a.kind == V_STR || tv_is_seq(a) || b.kind == V_STR
            || tv_is_seq(b)))
    {
        return tmpl_error(r, n, "OverflowError: cannot fit 'int' into an "
                          "index-sized integer");
    }
    if (op == OP_MUL && (a.kind == V_STR || tv_is_seq(a))
        && (b.kind == V_INT || b.kind == V_BOOL))
    {
        return repeat(r, n, a, b.u.i, out);
    }
    if (op == OP_MUL && (b.kind == V_STR || tv_is_seq(b))
        && (a.kind == V_INT || a.kind == V_BOOL))
    {
        return repeat(r, n, b, a.u.i, out);
    }
    if (op == OP_MOD && a.kind == V_STR) {
        if (b.kind == V_LIST && b.tuple) {
            return tmpl_percent_format(r, n, a, b.u.items, b.n, 1, out);
        }
        return tmpl_percent_format(r, n, a, &b, 1, 0, out);
    }
    return tmpl_error(r, n, "unsupported operand type(s) for %s: '%s' and "
                      "'%s'", op_sym(op), tv_type_name(a), tv_type_name(b));
}


static int
contains(tmpl_rs_t *r, tmpl_node_t *n, tv_t item, tv_t c, int *res)
{
    tv_t    *items, v;
    size_t   len, i;

    *res = 0;
    switch (c.kind) {
    case V_STR:
        if (item.kind != V_STR) {
            return tmpl_error(r, n, "'in <string>' requires string as left "
                              "operand, not %s", tv_type_name(item));
        }
        *res = item.n == 0 || memmem(c.u.s, c.n, item.u.s, item.n) != NULL;
        return GW_OK;
    case V_DICT:
    case V_JDICT:
        *res = tv_map_get(r, c, item, &v);
        return GW_OK;
    case V_LIST:
    case V_JLIST:
        if (tv_to_list(r, c, &items, &len) != GW_OK) {
            return oom(r, n);
        }
        for (i = 0; i < len; i++) {
            if (tv_eq(items[i], item)) {
                *res = 1;
                break;
            }
        }
        return GW_OK;
    case V_UNDEF:
        return GW_OK;
    default:
        return tmpl_error(r, n, "argument of type '%s' is not iterable",
                          tv_type_name(c));
    }
}


static int
compare(tmpl_rs_t *r, tmpl_node_t *n, int op, tv_t a, tv_t b, int *res)
{
    int  c;

    switch (op) {
    case OP_EQ:
        *res = tv_eq(a, b);
        return GW_OK;
    case OP_NE:
        *res = !tv_eq(a, b);
        return GW_OK;
    case OP_IN:
        return contains(r, n, a, b, res);
    case OP_NOTIN:
        if (contains(r, n, a, b, res) != GW_OK) {
            return GW_ERROR;
        }
        *res = !*res;
        return GW_OK;
    default:
        break;
    }
    if (a.kind == V_UNDEF) {
        return tmpl_undef_check(r, n, a);
    }
    if (b.kind == V_UNDEF) {
        return tmpl_undef_check(r, n, b);
    }
    if (tv_is_num(a) && tv_is_num(b)) {
        c = tmpl_num_cmp(a, b);
        if (c == 2) {
            *res = 0;               /* NaN is in no order */
            return GW_OK;
        }
    } else if (tv_cmp(r, n, a, b, &c) != GW_OK) {
        static const char *sym[] = { "<", "<=", ">", ">=" };

        r->failed = 0;
        r->unplaced = 0;
        return tmpl_error(r, n, "'%s' not supported between instances of "
                          "'%s' and '%s'", sym[op - OP_LT], tv_type_name(a),
                          tv_type_name(b));
    }
    switch (op) {
    case OP_LT: *res = c < 0; break;
    case OP_LE: *res = c <= 0; break;
    case OP_GT: *res = c > 0; break;
    default: *res = c >= 0; break;
    }
    return GW_OK;
}


/* ---- calls --------------------------------------------------------------- */

static int
render_to_str(tmpl_rs_t *r, tmpl_node_t *body, tmpl_frame_t *f, int safe,
    tv_t *out)
{
    gw_buf_t  b;

    gw_buf_init(&b, r->a, 256);
    if (exec_inner(r, body, f, &b) != GW_OK) {
        return GW_ERROR;
    }
    if (gw_buf_putc(&b, '\0') != GW_OK) {
        return oom(r, body);
    }
    *out = tv_str(b.data, b.len - 1, safe);
    return GW_OK;
}


/* Whether a macro's result is Markup: as the calling context's eval
 * context says (its template's setting, as changed by enclosing
 * {% autoescape %} blocks), as in Jinja's Macro -- except for caller(),
 * which keeps its definition's. */
static int
macro_safe(tmpl_rs_t *r, tmpl_macro_t *m)
{
    return m->node->type == N_CALLBLOCK ? m->autoescape : *r->ectx;
}


/* A call's scope: the macro's parameters, none given yet. */
static tmpl_frame_t *
macro_frame(tmpl_rs_t *r, tmpl_node_t *n, tmpl_macro_t *m)
{
    tmpl_node_t   *def = m->node;
    tmpl_frame_t  *f;
    size_t         i, np = def->nnames;

    if (tmpl_enter(r, n) != GW_OK) {
        return NULL;
    }
    f = tmpl_frame_new(r, m->closure, np + 2);
    if (f == NULL) {
        oom(r, n);
        return NULL;
    }
    for (i = 0; i < np; i++) {
        f->names[i] = def->names[i];
        f->vals[i].kind = V_MISSING;
    }
    f->n = np;
    return f;
}


/* The macro's body, its arguments bound in f: the defaults of those not
 * given, varargs, kwargs and caller, then the result in *out or, with
 * direct, its text written there. */
static int
macro_run(tmpl_rs_t *r, tmpl_node_t *n, tmpl_macro_t *m, tmpl_frame_t *f,
    tv_t *args, size_t nargs, tdict_t *kw, tv_t caller, tv_t *out,
    gw_buf_t *direct)
{
    tmpl_node_t  *def = m->node;
    tv_t          v;
    size_t        i, np = def->nnames;
    int           rc, ae, safe, drop, *ectx;
    tmpl_t       *saved_tmpl;

    saved_tmpl = r->tmpl;
    r->tmpl = m->tmpl;
    for (i = 0; i < np; i++) {
        if (f->vals[i].kind != V_MISSING) {
            continue;
        }
        if (def->vals[i] != NULL) {
            if (eval(r, def->vals[i], f, &f->vals[i]) != GW_OK) {
                return GW_ERROR;
            }
        } else {
            f->vals[i] = tv_undef(gw_arena_printf(r->a, "parameter '%s' was "
                                                  "not provided",
                                                  def->names[i]));
        }
    }
    if (def->flags & NF_VARARGS) {
        v = tv_list(args + (nargs > np ? np : nargs),
                    nargs > np ? nargs - np : 0);
        v.tuple = 1;
        if (tmpl_frame_set(r, f, r->env->s_varargs, v)
            != GW_OK)
        {
            return oom(r, n);
        }
    }
    if (def->flags & NF_KWARGS) {
        if (kw == NULL && (kw = tv_dict_new(r, 0)) == NULL) {
            return oom(r, n);
        }
        memset(&v, 0, sizeof(v));
        v.kind = V_DICT;
        v.u.d = kw;
        if (tmpl_frame_set(r, f, r->env->s_kwargs, v)
            != GW_OK)
        {
            return oom(r, n);
        }
    }
    if (def->flags & NF_CALLER) {
        if (caller.kind == V_MISSING) {
            caller = tv_undef("'caller' is undefined");
        }
        if (tmpl_frame_set(r, f, r->env->s_caller, caller)
            != GW_OK)
        {
            return oom(r, n);
        }
    }
    /* whether the result is Markup is the caller's eval context's say; the
     * body escapes as its own template says and runs in the context it
     * was defined in (an imported macro in its module's) */
    safe = macro_safe(r, m);
    ae = r->autoescape;
    ectx = r->ectx;
    drop = r->drop;
    r->autoescape = m->autoescape;
    r->ectx = m->ectx;
    r->drop = 0;
    if (direct != NULL) {
        rc = tmpl_exec_body(r, def->a, f, direct);
    } else {
        rc = render_to_str(r, def->a, f, safe, out);
    }
    r->autoescape = ae;
    r->ectx = ectx;
    r->drop = drop;
    r->tmpl = saved_tmpl;
    r->depth--;
    return rc;
}


/* The macro's result in *out, or, with direct, its text written there. */
static int
call_macro(tmpl_rs_t *r, tmpl_node_t *n, tmpl_macro_t *m, tv_t *args,
    size_t nargs, const char **knames, tv_t *kvals, size_t nkw, tv_t *out,
    gw_buf_t *direct)
{
    tmpl_node_t   *def = m->node;
    tmpl_frame_t  *f;
    tv_t           v, caller;
    tdict_t       *kw = NULL;
    size_t         i, k, np = def->nnames;
    const char    *mname = def->s ? def->s : "caller";

    f = macro_frame(r, n, m);
    if (f == NULL) {
        return GW_ERROR;
    }
    if (nargs > np && !(def->flags & NF_VARARGS)) {
        return tmpl_error(r, n, "macro '%s' takes not more than %zu "
                          "argument(s)", mname, np);
    }
    for (i = 0; i < nargs && i < np; i++) {
        f->vals[i] = args[i];
    }
    caller.kind = V_MISSING;
    for (i = 0; i < nkw; i++) {
        for (k = 0; k < np; k++) {
            if (def->names[k] == knames[i]
                || strcmp(def->names[k], knames[i]) == 0)
            {
                break;
            }
        }
        if (k < np) {
            if (k < nargs) {
                return tmpl_error(r, n, "macro '%s' got multiple values for "
                                  "argument '%s'", mname, knames[i]);
            }
            f->vals[k] = kvals[i];
            continue;
        }
        if (strcmp(knames[i], "caller") == 0) {
            caller = kvals[i];
            continue;
        }
        if (!(def->flags & NF_KWARGS)) {
            return tmpl_error(r, n, "macro '%s' takes no keyword argument "
                              "'%s'", mname, knames[i]);
        }
        if (kw == NULL && (kw = tv_dict_new(r, 4)) == NULL) {
            return oom(r, n);
        }
        v.kind = V_DICT;
        v.ns = 0;
        v.u.d = kw;
        if (tv_map_set(r, v, tv_str(knames[i], strlen(knames[i]), 0),
                       kvals[i]) != GW_OK)
        {
            return oom(r, n);
        }
    }
    return macro_run(r, n, m, f, args, nargs, kw, caller, out, direct);
}


/* {{ m(a, b) }} with positional arguments only, no more than m takes:
 * they are evaluated straight into its scope. */
static int
emit_macro(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *cf, tmpl_macro_t *m,
    gw_buf_t *out)
{
    tmpl_frame_t  *f;
    tv_t           caller;
    size_t         i;

    f = macro_frame(r, n, m);
    if (f == NULL) {
        return GW_ERROR;
    }
    for (i = 0; i < n->nargs; i++) {
        if (eval(r, n->args[i], cf, &f->vals[i]) != GW_OK) {
            return GW_ERROR;
        }
    }
    /* no more arguments than parameters: varargs is empty */
    caller.kind = V_MISSING;
    return macro_run(r, n, m, f, f->vals, n->nargs, NULL, caller, NULL, out);
}


static void
json_cleanup(void *data)
{
    json_decref(data);
}


static int
call_func(tmpl_rs_t *r, tmpl_node_t *n, tmpl_func_t *fn, tv_t *args,
    size_t nargs, const char **knames, tv_t *kvals, size_t nkw, tv_t *out)
{
    json_t  *ja, *jk, *res = NULL, *x;
    size_t   i;
    char     msg[256];
    int      rc = GW_ERROR;

    if (fn->argfn != NULL) {
        return tmpl_call_argfn(r, n, fn, args, nargs, knames, kvals, nkw,
                               out);
    }
    /* the containers of the last call, emptied, if it left them */
    ja = r->fn_args != NULL ? r->fn_args : json_array();
    jk = r->fn_kwargs != NULL ? r->fn_kwargs : json_object();
    r->fn_args = r->fn_kwargs = NULL;
    if (ja == NULL || jk == NULL) {
        goto done;
    }
    for (i = 0; i < nargs; i++) {
        x = tv_to_json(args[i]);
        if (x == NULL || json_array_append_new(ja, x) != 0) {
            goto done;
        }
    }
    for (i = 0; i < nkw; i++) {
        x = tv_to_json(kvals[i]);
        if (x == NULL || json_object_set_new(jk, knames[i], x) != 0) {
            goto done;
        }
    }
    msg[0] = '\0';
    if (fn->fn(fn->data, r->render_data, ja, jk, &res, msg, sizeof(msg))
        != GW_OK)
    {
        rc = tmpl_error(r, n, "%s(): %s", fn->name,
                        msg[0] ? msg : "failed");
        goto done;
    }
    if (res == NULL) {
        *out = tv_none();
        rc = GW_OK;
        goto done;
    }
    if (gw_arena_cleanup_add(r->a, json_cleanup, res) != GW_OK) {
        json_decref(res);
        goto done;
    }
    *out = tv_from_json(res);
    rc = GW_OK;

done:
    /* kept for the next call unless the function holds a reference: a
     * page calls its functions dozens of times */
    if (ja != NULL && ja->refcount == 1 && r->fn_args == NULL
        && json_array_clear(ja) == 0)
    {
        r->fn_args = ja;
    } else {
        json_decref(ja);
    }
    if (jk != NULL && jk->refcount == 1 && r->fn_kwargs == NULL
        && json_object_clear(jk) == 0)
    {
        r->fn_kwargs = jk;
    } else {
        json_decref(jk);
    }
    if (rc != GW_OK && !r->failed) {
        oom(r, n);
    }
    return rc;
}


static int
tmpl_call(tmpl_rs_t *r, tmpl_node_t *n, tv_t fn, tv_t *args, size_t nargs,
    const char **knames, tv_t *kvals, size_t nkw, tv_t *out)
{
    tmpl_loop_t  *l;
    gw_buf_t      b;

    switch (fn.kind) {
    case V_MACRO:
        return call_macro(r, n, fn.u.p, args, nargs, knames, kvals, nkw, out,
                          NULL);
    case V_BUILTIN:
        return tmpl_builtin_call(r, n, fn, args, nargs, knames, kvals, nkw,
                                 out);
    case V_FUNC:
        return call_func(r, n, fn.u.p, args, nargs, knames, kvals, nkw, out);
    case V_LOOP:
        l = fn.u.p;
        if (!(l->node->flags & NF_RECURSIVE)) {
            return tmpl_error(r, n, "loop() can only be called in a "
                              "recursive loop");
        }
        if (nargs != 1) {
            return tmpl_error(r, n, "loop() takes exactly one argument");
        }
        if (tmpl_enter(r, n) != GW_OK) {
            return GW_ERROR;
        }
        gw_buf_init(&b, r->a, 256);
        if (exec_for_items(r, l->node, l->frame, args[0], l->depth + 1, &b)
            != GW_OK || gw_buf_putc(&b, '\0') != GW_OK)
        {
            return GW_ERROR;
        }
        r->depth--;
        *out = tv_str(b.data, b.len - 1, r->autoescape);
        return GW_OK;
    case V_UNDEF:
        return tmpl_undef_check(r, n, fn);
    default:
        return tmpl_error(r, n, "'%s' object is not callable",
                          tv_type_name(fn));
    }
}


/* The variable name, in the scope that holds it, now holds nv; a context
 * value's copy lives in the page's scope. */
static int
rebind(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, const char *name,
    tv_t nv)
{
    size_t         i;
    tmpl_frame_t  *s;

    for (s = f; s != NULL; s = s->parent) {
        for (i = 0; i < s->n; i++) {
            if (s->names[i] == name) {
                s->vals[i] = nv;
                return GW_OK;
            }
        }
        if (s->parent == NULL || s->ctx != NULL) {
            return tmpl_frame_set(r, s, name, nv) == GW_OK ? GW_OK : oom(r, n);
        }
    }
    return GW_OK;
}


/*
 * name.append(x) / name.extend(seq): values are copied by value, so the
 * grown list is bound again to the variable the call named (in the scope
 * that holds it).  Other copies of the old list keep the old length.
 */
static int
list_grow(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, const char *name,
    tv_t list, int extend, tv_t *args, size_t nargs, tv_t *out)
{
    tv_t           *items, *more, *res;
    size_t          len, nmore;

    if (nargs != 1) {
        return tmpl_error(r, n, "%s() takes exactly one argument",
                          extend ? "extend" : "append");
    }
    if (tv_to_list(r, list, &items, &len) != GW_OK) {
        return oom(r, n);
    }
    if (extend) {
        if (tv_to_list(r, args[0], &more, &nmore) != GW_OK) {
            return tmpl_error(r, n, "'%s' object is not iterable",
                              tv_type_name(args[0]));
        }
    } else {
        more = args;
        nmore = 1;
    }
    res = tmpl_alloc(r->a, (len + nmore + 1) * sizeof(tv_t));
    if (res == NULL) {
        return oom(r, n);
    }
    tmpl_memcpy(res, items, len * sizeof(tv_t));
    tmpl_memcpy(res + len, more, nmore * sizeof(tv_t));
    *out = tv_none();
    return rebind(r, n, f, name, tv_list(res, len + nmore));
}


static int
is_edit(tv_t obj, const char *m)
{
    static const char  *list_m[] = { "pop", "insert", "remove", "reverse",
                                     "clear", NULL };
    static const char  *dict_m[] = { "pop", "popitem", "setdefault",
                                     "clear", NULL };
    const char        **e;

    e = tv_is_seq(obj) ? list_m : tv_is_map(obj) ? dict_m : NULL;
    for ( ; e != NULL && *e != NULL; e++) {
        if (strcmp(*e, m) == 0) {
            return 1;
        }
    }
    return 0;
}


/* A context dict (JSON) about to be changed becomes a template dict of
 * its own, bound to the name in its place, which is then changed. */
static int
own_dict(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, const char *name,
    tv_t *obj)
{
    if (obj->kind != V_JDICT) {
        return GW_OK;
    }
    if (tv_dict_copy(r, *obj, obj) != GW_OK) {
        return oom(r, n);
    }
    return rebind(r, n, f, name, *obj);
}


/* list.sort(reverse=False): Python's stable sort, case-sensitive, the
 * sorted list bound to the name */
static int
list_sort(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, const char *name,
    tv_t list, size_t nargs, const char **knames, tv_t *kvals, size_t nkw,
    tv_t *out)
{
    tv_t    fa[TMPL_MAX_ARGS], sorted;
    size_t  i;

    memset(fa, 0, sizeof(fa));
    fa[1] = tv_bool(1);                 /* case_sensitive */
    for (i = 0; i < nkw; i++) {
        if (strcmp(knames[i], "reverse") != 0) {
            return tmpl_error(r, n, "TypeError: sort() takes no keyword "
                              "'%s' here (only reverse)", knames[i]);
        }
        fa[0] = kvals[i];
    }
    if (nargs) {
        return tmpl_error(r, n, "TypeError: sort() takes no positional "
                          "arguments");
    }
    if (tmpl_filter_find("sort", 4)->fn(r, n, list, fa, &sorted) != GW_OK) {
        return GW_ERROR;
    }
    *out = tv_none();
    return rebind(r, n, f, name, sorted);
}


/* The other methods that change a list or dict named by a variable: a
 * list edited becomes a new one bound to the name, as list_grow() does; a
 * context dict is first made the template's own (own_dict()). */
static int
seq_edit(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, const char *name,
    tv_t obj, const char *m, tv_t *args, size_t nargs, tv_t *out)
{
    tv_t     *items, *res;
    size_t    len, i, k;
    int64_t   at;
    tdict_t  *d;
    gw_buf_t  kb;

    if (tv_is_map(obj)) {
        if (own_dict(r, n, f, name, &obj) != GW_OK) {
            return GW_ERROR;
        }
        d = obj.u.d;
        *out = tv_none();
        if (strcmp(m, "clear") == 0) {
            d->n = 0;
            return GW_OK;
        }
        if (strcmp(m, "popitem") == 0) {
            if (d->n == 0) {
                return tmpl_error(r, n, "KeyError: 'popitem(): dictionary "
                                  "is empty'");
            }
            d->n--;
            res = tmpl_alloc(r->a, 2 * sizeof(tv_t));
            if (res == NULL) {
                return oom(r, n);
            }
            res[0] = d->keys[d->n];
            res[1] = d->vals[d->n];
            *out = tv_list(res, 2);
            out->tuple = 1;
            return GW_OK;
        }
        if (nargs < 1 || nargs > 2) {
            return tmpl_error(r, n, "%s expected at least 1 argument, got "
                              "%zu", m, nargs);
        }
        for (i = 0; i < d->n && !tv_eq(d->keys[i], args[0]); i++) {
            /* find the key */
        }
        if (m[0] == 's') {                  /* setdefault */
            if (i < d->n) {
                *out = d->vals[i];
                return GW_OK;
            }
            *out = nargs > 1 ? args[1] : tv_none();
            return tv_map_set(r, obj, args[0], *out) == GW_OK
                   ? GW_OK : oom(r, n);
        }
        if (i == d->n) {                    /* pop */
            if (nargs > 1) {
                *out = args[1];
                return GW_OK;
            }
            gw_buf_init(&kb, r->a, 32);
            if (tv_repr_append(r, &kb, args[0]) != GW_OK) {
                return oom(r, n);
            }
            return tmpl_error(r, n, "KeyError: %.*s", (int) kb.len, kb.data);
        }
        *out = d->vals[i];
        memmove(d->keys + i, d->keys + i + 1, (d->n - i - 1) * sizeof(tv_t));
        memmove(d->vals + i, d->vals + i + 1, (d->n - i - 1) * sizeof(tv_t));
        d->n--;
        return GW_OK;
    }
    if (tv_to_list(r, obj, &items, &len) != GW_OK
        || (res = tmpl_alloc(r->a, (len + 2) * sizeof(tv_t))) == NULL)
    {
        return oom(r, n);
    }
    tmpl_memcpy(res, items, len * sizeof(tv_t));
    *out = tv_none();
    if (strcmp(m, "clear") == 0) {
        len = 0;
    } else if (strcmp(m, "reverse") == 0) {
        for (i = 0; i < len; i++) {
            res[i] = items[len - 1 - i];
        }
    } else if (strcmp(m, "remove") == 0) {
        for (i = 0; nargs == 1 && i < len && !tv_eq(res[i], args[0]); i++) {
            /* the first equal item */
        }
        if (nargs != 1 || i == len) {
            return tmpl_error(r, n, "ValueError: list.remove(x): x not in "
                              "list");
        }
        memmove(res + i, res + i + 1, (len - i - 1) * sizeof(tv_t));
        len--;
    } else if (strcmp(m, "insert") == 0) {
        if (nargs != 2 || args[0].kind != V_INT) {
            return tmpl_error(r, n, "insert expected 2 arguments, the first "
                              "an integer");
        }
        at = args[0].u.i < 0 ? args[0].u.i + (int64_t) len : args[0].u.i;
        k = at < 0 ? 0 : at > (int64_t) len ? len : (size_t) at;
        memmove(res + k + 1, res + k, (len - k) * sizeof(tv_t));
        res[k] = args[1];
        len++;
    } else {                                /* pop */
        if (nargs > 1 || (nargs && args[0].kind != V_INT)) {
            return tmpl_error(r, n, "pop expected at most 1 integer "
                              "argument");
        }
        at = nargs ? args[0].u.i : -1;
        if (at < 0) {
            at += (int64_t) len;
        }
        if (len == 0 || at < 0 || at >= (int64_t) len) {
            return tmpl_error(r, n, "IndexError: pop %s",
                              len ? "index out of range" : "from empty list");
        }
        *out = res[at];
        memmove(res + at, res + at + 1, (len - at - 1) * sizeof(tv_t));
        len--;
    }
    return rebind(r, n, f, name, tv_list(res, len));
}


/* A call's arguments, evaluated */
typedef struct {
    tv_t         *args;
    size_t        nargs;
    const char  **knames;
    tv_t         *kvals;
    size_t        nkw;
} call_args_t;


/* The arguments into one block: the values, then room for a caller
 * keyword. */
static int
eval_args(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tv_t caller,
    call_args_t *ca)
{
    tv_t         *args, *kvals;
    const char  **knames;
    size_t        i, k, nargs, nkw = n->nnames;

    nargs = n->nargs;
    args = tmpl_alloc(r->a, (nargs + nkw + 2) * sizeof(tv_t)
                            + (nkw + 1) * sizeof(char *));
    if (args == NULL) {
        return oom(r, n);
    }
    kvals = args + nargs + 1;
    knames = (const char **) (kvals + nkw + 1);
    for (i = 0, k = 0; i < n->nargs; i++) {
        tmpl_node_t  *an = n->args[i];

        if (an->type == N_UNARY && an->op == OP_STAR) {
            /* f(*seq): splice the items in */
            tv_t    sv, *items, *na;
            size_t  len;

            if (eval(r, an->a, f, &sv) != GW_OK) {
                return GW_ERROR;
            }
            if (tv_to_list(r, sv, &items, &len) != GW_OK) {
                return tmpl_error(r, an, "argument after * must be an "
                                  "iterable, not %s", tv_type_name(sv));
            }
            nargs = nargs - 1 + len;
            na = tmpl_alloc(r->a, (nargs + 1) * sizeof(tv_t));
            if (na == NULL) {
                return oom(r, n);
            }
            tmpl_memcpy(na, args, k * sizeof(tv_t));
            tmpl_memcpy(na + k, items, len * sizeof(tv_t));
            args = na;
            k += len;
            continue;
        }
        if (eval(r, an, f, &args[k]) != GW_OK) {
            return GW_ERROR;
        }
        k++;
    }
    for (i = 0, k = 0; i < n->nnames; i++) {
        if (n->names[i][0] == '*') {
            /* f(**mapping): splice the pairs in */
            tv_t          mv, *ks, *vs, *nv;
            const char  **nn;
            size_t        len, j;

            if (eval(r, n->vals[i]->a, f, &mv) != GW_OK) {
                return GW_ERROR;
            }
            if (!tv_is_map(mv)) {
                return tmpl_error(r, n, "argument after ** must be a "
                                  "mapping, not %s", tv_type_name(mv));
            }
            if (tv_map_items(r, mv, &ks, &vs, &len) != GW_OK) {
                return oom(r, n);
            }
            nkw = nkw - 1 + len;
            nv = tmpl_alloc(r->a, (nkw + 1) * sizeof(tv_t));
            nn = tmpl_alloc(r->a, (nkw + 1) * sizeof(char *));
            if (nv == NULL || nn == NULL) {
                return oom(r, n);
            }
            tmpl_memcpy(nv, kvals, k * sizeof(tv_t));
            tmpl_memcpy(nn, knames, k * sizeof(char *));
            for (j = 0; j < len; j++, k++) {
                tv_t  ksv = tv_to_str(r, ks[j]);

                nn[k] = gw_arena_strndup(r->a, ksv.u.s, ksv.n);
                nv[k] = vs[j];
            }
            kvals = nv;
            knames = nn;
            continue;
        }
        knames[k] = n->names[i];
        if (eval(r, n->vals[i], f, &kvals[k]) != GW_OK) {
            return GW_ERROR;
        }
        k++;
    }
    if (caller.kind != V_MISSING) {
        knames[nkw] = "caller";
        kvals[nkw] = caller;
        nkw++;
    }
    ca->args = args;
    ca->nargs = nargs;
    ca->knames = knames;
    ca->kvals = kvals;
    ca->nkw = nkw;
    return GW_OK;
}


static __attribute__((noinline)) int
eval_call(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tv_t caller,
    tv_t *out)
{
    tv_t         fn, obj;
    call_args_t  ca;

    if (eval_args(r, n, f, caller, &ca) != GW_OK) {
        return GW_ERROR;
    }
    /* obj.method(...) without building a bound method first */
    if (n->a->type == N_ATTR) {
        if (eval(r, n->a->a, f, &obj) != GW_OK) {
            return GW_ERROR;
        }
        if (n->a->a->type == N_NAME && tv_is_seq(obj)
            && (strcmp(n->a->s, "append") == 0
                || strcmp(n->a->s, "extend") == 0))
        {
            return list_grow(r, n, f, n->a->a->s, obj, n->a->s[0] == 'e',
                             ca.args, ca.nargs, out);
        }
        if (n->a->a->type == N_NAME && is_edit(obj, n->a->s)) {
            return seq_edit(r, n, f, n->a->a->s, obj, n->a->s, ca.args,
                            ca.nargs, out);
        }
        if (n->a->a->type == N_NAME && tv_is_seq(obj)
            && strcmp(n->a->s, "sort") == 0)
        {
            return list_sort(r, n, f, n->a->a->s, obj, ca.nargs, ca.knames,
                             ca.kvals, ca.nkw, out);
        }
        if (n->a->a->type == N_NAME && obj.kind == V_JDICT
            && strcmp(n->a->s, "update") == 0
            && own_dict(r, n, f, n->a->a->s, &obj) != GW_OK)
        {
            return GW_ERROR;
        }
        if (obj.kind != V_DICT && obj.kind != V_JDICT && obj.kind != V_UNDEF
            && obj.kind != V_LOOP && obj.kind != V_BLOCKS
            && obj.kind != V_BUILTIN
            && tmpl_has_method(obj, n->a->s, n->a->len))
        {
            return tmpl_method_call(r, n, obj, n->a->s, ca.args, ca.nargs,
                                    ca.knames, ca.kvals, ca.nkw, out);
        }
        if (tmpl_getattr(r, n->a, obj, n->a->s, n->a->len, &fn) != GW_OK) {
            return GW_ERROR;
        }
    } else if (eval(r, n->a, f, &fn) != GW_OK) {
        return GW_ERROR;
    }
    return tmpl_call(r, n, fn, ca.args, ca.nargs, ca.knames, ca.kvals,
                     ca.nkw, out);
}


/* ---- expressions --------------------------------------------------------- */

/* The helpers of eval() are kept out of line so that its frame, touched
 * on every recursion, stays small. */
static __attribute__((noinline)) int
eval_filter(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tv_t *out)
{
    tv_t                      in, args[TMPL_MAX_ARGS];
    size_t                    i;
    const tmpl_filter_def_t  *def = n->def;

    if (n->flags & NF_ARGERR) {
        return tmpl_error(r, n, "%s", n->val.u.s);
    }
    if (n->a == NULL) {
        in = r->fb_input;
    } else if (eval(r, n->a, f, &in) != GW_OK) {
        return GW_ERROR;
    }
    for (i = 0; i < TMPL_MAX_ARGS; i++) {
        args[i].kind = V_MISSING;
    }
    for (i = 0; i < n->nargs; i++) {
        if (n->args[i] != NULL && eval(r, n->args[i], f, &args[i]) != GW_OK)
        {
            return GW_ERROR;
        }
    }
    if (def == NULL) {
        /* unknown, where Jinja only fails once it is reached */
        return tmpl_error(r, n, "No filter named '%s' found.", n->s);
    }
    return def->fn(r, n, in, args, out);
}


static __attribute__((noinline)) int
eval_test(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tv_t *out)
{
    tv_t                    in, args[TMPL_MAX_ARGS];
    size_t                  i;
    int                     res;
    const tmpl_test_def_t  *def = n->def;

    if (n->flags & NF_ARGERR) {
        return tmpl_error(r, n, "%s", n->val.u.s);
    }
    if (eval(r, n->a, f, &in) != GW_OK) {
        return GW_ERROR;
    }
    for (i = 0; i < TMPL_MAX_ARGS; i++) {
        args[i].kind = V_MISSING;
    }
    for (i = 0; i < n->nargs; i++) {
        if (n->args[i] != NULL && eval(r, n->args[i], f, &args[i]) != GW_OK)
        {
            return GW_ERROR;
        }
    }
    if (def == NULL) {
        return tmpl_error(r, n, "No test named '%s' found.", n->s);
    }
    if (def->fn(r, n, in, args, &res) != GW_OK) {
        return GW_ERROR;
    }
    *out = tv_bool((n->flags & NF_NEGATE) ? !res : res);
    return GW_OK;
}


static __attribute__((noinline)) int
eval_concat(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tv_t *out)
{
    tv_t      *vals;
    size_t     i;
    int        safe = 0;
    gw_buf_t   b;

    vals = tmpl_alloc(r->a, n->nargs * sizeof(tv_t));
    if (vals == NULL) {
        return oom(r, n);
    }
    for (i = 0; i < n->nargs; i++) {
        if (eval(r, n->args[i], f, &vals[i]) != GW_OK) {
            return GW_ERROR;
        }
        if (vals[i].kind == V_STR && vals[i].safe) {
            safe = r->autoescape;
        }
    }
    gw_buf_init(&b, r->a, 64);
    for (i = 0; i < n->nargs; i++) {
        if (safe && !(vals[i].kind == V_STR && vals[i].safe)) {
            tv_t  s = tv_to_str(r, vals[i]);

            if (tmpl_escape_append(&b, s.u.s, s.n) != GW_OK) {
                return oom(r, n);
            }
        } else if (tv_str_append(r, &b, vals[i]) != GW_OK) {
            return oom(r, n);
        }
    }
    if (gw_buf_putc(&b, '\0') != GW_OK) {
        return oom(r, n);
    }
    *out = tv_str(b.data, b.len - 1, safe);
    return GW_OK;
}


static __attribute__((noinline)) int
eval_seq(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tv_t *out)
{
    tv_t    *items;
    size_t   i;

    items = tmpl_alloc(r->a, (n->nargs + 1) * sizeof(tv_t));
    if (items == NULL) {
        return oom(r, n);
    }
    for (i = 0; i < n->nargs; i++) {
        if (eval(r, n->args[i], f, &items[i]) != GW_OK) {
            return GW_ERROR;
        }
    }
    *out = tv_list(items, n->nargs);
    out->tuple = n->type == N_TUPLE;
    return GW_OK;
}


static __attribute__((noinline)) int
eval_dict(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tv_t *out)
{
    size_t  i;
    tv_t    k, v;

    memset(out, 0, sizeof(*out));
    out->kind = V_DICT;
    out->u.d = tv_dict_new(r, n->nargs);
    if (out->u.d == NULL) {
        return oom(r, n);
    }
    for (i = 0; i < n->nargs; i++) {
        if (eval(r, n->args[i], f, &k) != GW_OK
            || eval(r, n->vals[i], f, &v) != GW_OK)
        {
            return GW_ERROR;
        }
        if (tv_map_set(r, *out, k, v) != GW_OK) {
            return oom(r, n);
        }
    }
    return GW_OK;
}


/* obj.name */
static __attribute__((noinline)) int
eval_attr(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tv_t *out)
{
    tv_t  a;
    int   res;

    if (r->lazy != NULL && r->lazy_val == NULL && !n->op
        && n->a->type == N_NAME && n->a->s[0] == r->lazy_name[0]
        && strcmp(n->a->s, r->lazy_name) == 0)
    {
        if (lazy_attr(r, n, f, out, &res) != GW_OK) {
            return GW_ERROR;
        }
        if (res) {
            return GW_OK;
        }
    }
    if (eval(r, n->a, f, &a) != GW_OK) {
        return GW_ERROR;
    }
    if (a.kind == V_JDICT && !n->op) {
        /* the common case: a context object's key (the parser knew
         * this name is no dict method) */
        json_t  *j = json_object_getn(a.u.j, n->s, n->len);

        if (j != NULL) {
            *out = tv_from_json(j);
            return GW_OK;
        }
    }
    if (a.kind == V_LOOP) {
        return loop_attr(r, a.u.p, n->s, n->len, out);
    }
    return tmpl_getattr(r, n, a, n->s, n->len, out);
}


static int
eval_node(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tv_t *out)
{
    tv_t    a, b;
    size_t  i;
    int     res;

    /* constants, names and attributes are eval()'s */
    switch (n->type) {
    case N_ITEM:
        if (eval(r, n->a, f, &a) != GW_OK || eval(r, n->b, f, &b) != GW_OK) {
            return GW_ERROR;
        }
        return tmpl_getitem(r, n, a, b, out);
    case N_SLICE:
        return eval_slice(r, n, f, out);
    case N_BINOP:
        if (eval(r, n->a, f, &a) != GW_OK || eval(r, n->b, f, &b) != GW_OK) {
            return GW_ERROR;
        }
        return binop(r, n, n->op, a, b, out);
    case N_UNARY:
        if (eval(r, n->a, f, &a) != GW_OK) {
            return GW_ERROR;
        }
        if ((a.kind == V_INT && a.u.i != INT64_MIN) || a.kind == V_BOOL) {
            *out = tv_int(n->op == OP_NEG ? -a.u.i : a.u.i);
            return GW_OK;
        }
        if (a.kind == V_INT || a.kind == V_BIGINT) {
            if (n->op == OP_POS) {
                *out = a;
                return GW_OK;
            }
            return tmpl_big_arith(r, n, OP_SUB, tv_int(0), a, out);
        }
        if (a.kind == V_FLOAT) {
            *out = tv_float(n->op == OP_NEG ? -a.u.f : a.u.f);
            return GW_OK;
        }
        if (a.kind == V_UNDEF) {
            return tmpl_undef_check(r, n, a);
        }
        return tmpl_error(r, n, "bad operand type for unary %c: '%s'",
                          n->op == OP_NEG ? '-' : '+', tv_type_name(a));
    case N_COMPARE:
        if (eval(r, n->a, f, &a) != GW_OK) {
            return GW_ERROR;
        }
        res = 1;
        for (i = 0; i < n->nargs && res; i++) {
            if (eval(r, n->args[i], f, &b) != GW_OK
                || compare(r, n, n->ops[i], a, b, &res) != GW_OK)
            {
                return GW_ERROR;
            }
            a = b;
        }
        *out = tv_bool(res);
        return GW_OK;
    case N_AND:
        if (eval(r, n->a, f, &a) != GW_OK) {
            return GW_ERROR;
        }
        if (!tv_truthy(a)) {
            *out = a;
            return GW_OK;
        }
        return eval(r, n->b, f, out);
    case N_OR:
        if (eval(r, n->a, f, &a) != GW_OK) {
            return GW_ERROR;
        }
        if (tv_truthy(a)) {
            *out = a;
            return GW_OK;
        }
        return eval(r, n->b, f, out);
    case N_NOT:
        if (eval(r, n->a, f, &a) != GW_OK) {
            return GW_ERROR;
        }
        *out = tv_bool(!tv_truthy(a));
        return GW_OK;
    case N_COND:
        if (eval(r, n->a, f, &a) != GW_OK) {
            return GW_ERROR;
        }
        if (tv_truthy(a)) {
            return eval(r, n->b, f, out);
        }
        if (n->c == NULL) {
            *out = tv_undef("the inline if-expression on line evaluated to "
                            "false and no else section was defined.");
            return GW_OK;
        }
        return eval(r, n->c, f, out);
    case N_LIST:
    case N_TUPLE:
        return eval_seq(r, n, f, out);
    case N_DICT:
        return eval_dict(r, n, f, out);
    case N_FILTER:
        return eval_filter(r, n, f, out);
    case N_TEST:
        return eval_test(r, n, f, out);
    case N_CALL:
        a.kind = V_MISSING;
        return eval_call(r, n, f, a, out);
    case N_CONCAT:
        return eval_concat(r, n, f, out);
    default:
        return tmpl_error(r, n, "not an expression");
    }
}


/* ---- statements ---------------------------------------------------------- */

/* Printing a value other than a string. */
static __attribute__((noinline)) int
write_other(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, gw_buf_t *out)
{
    char  num[32];
    int   k;

    switch (v.kind) {
    case V_INT:
        {
            uint64_t  u = v.u.i < 0 ? -(uint64_t) v.u.i : (uint64_t) v.u.i;

            k = sizeof(num);
            do {
                num[--k] = (char) ('0' + u % 10);
                u /= 10;
            } while (u);
            if (v.u.i < 0) {
                num[--k] = '-';
            }
            return gw_buf_append(out, num + k, sizeof(num) - k);
        }
    case V_UNDEF:
    case V_MISSING:
        return GW_OK;
    default:
        v = tv_to_str(r, v);
        if (r->failed) {
            return oom(r, n);       /* places what printing it raised */
        }
        if (r->autoescape) {
            return tmpl_escape_append(out, v.u.s, v.n);
        }
        return gw_buf_append(out, v.u.s, v.n);
    }
}


/* Printing a value: strings, most of what a page prints, inline. */
static inline int
write_value(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, gw_buf_t *out)
{
    if (v.kind != V_STR) {
        return write_other(r, n, v, out);
    }
    if (r->autoescape && !v.safe) {
        return tmpl_escape_append(out, v.u.s, v.n);
    }
    return tmpl_out(out, v.u.s, v.n);
}


/* Bind a value to a target: a name, a tuple of targets, or ns.attr. */
static int
assign(tmpl_rs_t *r, tmpl_node_t *t, tmpl_frame_t *f, tv_t v)
{
    tv_t    *items, ns;
    size_t   n, i;

    if (t->type == N_NAME) {
        if (tmpl_frame_set(r, f, t->s, v) != GW_OK) {
            return oom(r, t);
        }
        return GW_OK;
    }
    if (t->type == N_ATTR) {
        if (lookup(r, t, f, t->a->s, &ns) != GW_OK) {
            return GW_ERROR;
        }
        if (ns.kind != V_DICT || !ns.ns) {
            return tmpl_error(r, t, "cannot assign attribute on "
                              "non-namespace object");
        }
        if (tv_map_set(r, ns, tv_str(t->s, t->len, 0), v) != GW_OK) {
            return oom(r, t);
        }
        return GW_OK;
    }
    if (v.kind == V_UNDEF) {
        return tmpl_undef_check(r, t, v);
    }
    if (tv_to_list(r, v, &items, &n) != GW_OK) {
        return tmpl_error(r, t, "cannot unpack non-iterable %s object",
                          tv_type_name(v));
    }
    if (n != t->nargs) {
        return tmpl_error(r, t, n > t->nargs
                          ? "too many values to unpack (expected %zu)"
                          : "not enough values to unpack (expected %zu)",
                          t->nargs);
    }
    for (i = 0; i < n; i++) {
        if (assign(r, t->args[i], f, items[i]) != GW_OK) {
            return GW_ERROR;
        }
    }
    return GW_OK;
}


static int
exec_for_items(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tv_t iter,
    int depth, gw_buf_t *out)
{
    tv_t          *items, *kept, lv;
    size_t         len, i, k;
    tmpl_frame_t  *lf;
    tmpl_loop_t   *l;
    const char    *loop_name;
    int            simple, drop;

    if (iter.kind == V_UNDEF || iter.kind == V_MISSING) {
        items = NULL;
        len = 0;
    } else if (tv_to_list(r, iter, &items, &len) != GW_OK) {
        return tmpl_error(r, n, "'%s' object is not iterable",
                          tv_type_name(iter));
    }
    /* loop, the targets, and room for a set in the body */
    lf = tmpl_frame_new(r, f, 4);
    l = tmpl_alloc(r->a, sizeof(tmpl_loop_t));
    if (lf == NULL || l == NULL) {
        return oom(r, n);
    }
    memset(l, 0, sizeof(tmpl_loop_t));
    if (n->d != NULL && len > 0) {
        /* the inline filter runs first so loop.length counts what stays */
        kept = tmpl_alloc(r->a, len * sizeof(tv_t));
        if (kept == NULL) {
            return oom(r, n);
        }
        for (i = 0, k = 0; i < len; i++) {
            tv_t  c;

            lf->n = 0;
            if (assign(r, n->a, lf, items[i]) != GW_OK
                || eval(r, n->d, lf, &c) != GW_OK)
            {
                return GW_ERROR;
            }
            if (tv_truthy(c)) {
                kept[k++] = items[i];
            }
        }
        items = kept;
        len = k;
        lf->n = 0;
    }
    l->items = items;
    l->n = len;
    l->depth = depth;
    l->node = n;
    l->frame = f;
    memset(&lv, 0, sizeof(lv));
    lv.kind = V_LOOP;
    lv.u.p = l;
    loop_name = r->env->s_loop;
    /* the scope starts afresh each time: loop, then the target's names */
    simple = n->a->type == N_NAME && n->a->s != loop_name;
    /* no extends can stand in a loop: its bodies all run alike */
    drop = r->drop;
    lf->names[0] = loop_name;
    lf->names[1] = n->a->s;
    for (i = 0; i < len; i++) {
        if (step(r, n) != GW_OK) {
            return GW_ERROR;
        }
        l->i = i;
        lf->vals[0] = lv;
        if (simple) {
            lf->vals[1] = items[i];
            lf->n = 2;
        } else {
            lf->n = 1;
            if (assign(r, n->a, lf, items[i]) != GW_OK) {
                return GW_ERROR;
            }
        }
        if ((drop ? exec_dropped(r, n->c, lf, out)
                  : tmpl_exec_body(r, n->c, lf, out)) != GW_OK)
        {
            return GW_ERROR;
        }
    }
    if (len == 0 && n->vals != NULL) {
        /* the else body has a scope of its own, as in Jinja */
        lf = tmpl_frame_new(r, f, 4);
        if (lf == NULL) {
            return oom(r, n);
        }
        return exec_inner(r, n->vals[0], lf, out);
    }
    return GW_OK;
}


/* {{ url_for(...) }}: each argument is viewed as the function takes it
 * as soon as it is evaluated, and the function writes into the page. */
static int
emit_argfn(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tmpl_func_t *fu,
    gw_buf_t *out)
{
    gw_tmpl_arg_t   av[TMPL_PLAIN_ARGS];
    tv_t            v;
    size_t          i, k, start;
    char            msg[256];

    for (i = 0; i < n->nargs; i++) {
        if (eval(r, n->args[i], f, &v) != GW_OK
            || tmpl_argfn_arg(r, v, NULL, &av[i]) != GW_OK)
        {
            return oom(r, n);
        }
    }
    for (k = 0; k < n->nnames; k++, i++) {
        if (eval(r, n->vals[k], f, &v) != GW_OK
            || tmpl_argfn_arg(r, v, n->names[k], &av[i]) != GW_OK)
        {
            return oom(r, n);
        }
    }
    start = out->len;
    msg[0] = '\0';
    if (fu->argfn(fu->data, r->render_data, av, i, out, msg, sizeof(msg))
        != GW_OK)
    {
        return tmpl_argfn_failed(r, n, fu, msg);
    }
    if (r->autoescape
        && tmpl_needs_escape(out->data + start, out->len - start))
    {
        return tmpl_argfn_escape(r, n, out, start);
    }
    return GW_OK;
}


/*
 * {{ name(...) }}, the call of a macro or function by name, printed: a
 * macro renders straight into the page and a function of the argument form
 * (url_for) writes there, instead of each making a string that is then
 * copied and scanned again.  Anything else is evaluated and printed.
 */
static __attribute__((noinline)) int
emit_call(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tv_t caller,
    gw_buf_t *out)
{
    tv_t          fn, v;
    call_args_t   ca;
    tmpl_func_t  *fu;

    /* the callee first, as Python has it */
    if (lookup(r, n->a, f, n->a->s, &fn) != GW_OK) {
        return GW_ERROR;
    }
    if (fn.kind == V_FUNC && (fu = fn.u.p)->argfn != NULL
        && caller.kind == V_MISSING && (n->flags & NF_PLAIN_ARGS))
    {
        return emit_argfn(r, n, f, fu, out);
    }
    if (fn.kind == V_MACRO && (!r->autoescape || macro_safe(r, fn.u.p))) {
        if (caller.kind == V_MISSING && (n->flags & NF_PLAIN_ARGS)
            && n->nnames == 0
            && n->nargs <= ((tmpl_macro_t *) fn.u.p)->node->nnames)
        {
            return emit_macro(r, n, f, fn.u.p, out);
        }
        if (eval_args(r, n, f, caller, &ca) != GW_OK) {
            return GW_ERROR;
        }
        return call_macro(r, n, fn.u.p, ca.args, ca.nargs, ca.knames,
                          ca.kvals, ca.nkw, NULL, out);
    }
    if (eval_args(r, n, f, caller, &ca) != GW_OK) {
        return GW_ERROR;
    }
    if (tmpl_call(r, n, fn, ca.args, ca.nargs, ca.knames, ca.kvals, ca.nkw,
                  &v)
        != GW_OK)
    {
        return GW_ERROR;
    }
    return write_value(r, n, v, out) == GW_OK ? GW_OK : oom(r, n);
}


/* {{ expr }} */
static int
exec_output(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, gw_buf_t *out)
{
    tv_t  v;

    if (n->a->type == N_CALL && n->a->a->type == N_NAME) {
        v.kind = V_MISSING;
        return emit_call(r, n->a, f, v, out);
    }
    /* {{ x | f }}, a third of what pages print, past eval_node()'s switch */
    if ((n->a->type == N_FILTER ? eval_filter(r, n->a, f, &v)
                                : eval(r, n->a, f, &v)) != GW_OK)
    {
        return GW_ERROR;
    }
    return write_value(r, n, v, out) == GW_OK ? GW_OK : oom(r, n);
}


/* Whether a condition holds: `not` is undone here, so that neither it
 * nor the condition's value needs a tv_bool of its own. */
static inline int
eval_truth(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, int *res)
{
    tv_t  v;
    int   neg = 0;

    while (n->type == N_NOT) {
        neg ^= 1;
        n = n->a;
    }
    if (eval(r, n, f, &v) != GW_OK) {
        return GW_ERROR;
    }
    *res = tv_truth(v) ^ neg;
    return GW_OK;
}


/* {% if %} with its elifs; tmpl_exec_body() calls it itself, with plain
 * bodies, as a page has many small ones (`{% if not loop.last %},{%
 * endif %}`). */
static inline int
exec_if(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, gw_buf_t *out,
    int plain)
{
    int  res;

    for ( ;; ) {
        if (eval_truth(r, n->a, f, &res) != GW_OK) {
            return GW_ERROR;
        }
        if (res) {
            return plain ? tmpl_exec_body(r, n->b, f, out)
                         : exec_inner(r, n->b, f, out);
        }
        if (n->c != NULL && n->c->type == N_IF
            && (n->c->flags & (1u << 30)))
        {
            n = n->c;
            continue;
        }
        return plain ? tmpl_exec_body(r, n->c, f, out)
                     : exec_inner(r, n->c, f, out);
    }
}


static int
exec_stmt(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, gw_buf_t *out)
{
    tv_t                v, c;
    tmpl_macro_t       *m;
    tmpl_frame_t       *wf;
    size_t              i;
    int                 ae, cae, rc, drop;

    switch (n->type) {
    case N_TEXT:
        return gw_buf_append(out, n->s, n->len) == GW_OK ? GW_OK
                                                         : oom(r, n);
    case N_OUTPUT:
        return exec_output(r, n, f, out);
    case N_IF:
        return exec_if(r, n, f, out, 0);
    case N_FOR:
        if (eval(r, n->b, f, &v) != GW_OK) {
            return GW_ERROR;
        }
        return exec_for_items(r, n, f, v, 1, out);
    case N_SET:
        if (eval(r, n->b, f, &v) != GW_OK) {
            return GW_ERROR;
        }
        return assign(r, n->a, f, v);
    case N_SETBLOCK:
        /* block bodies (set, filter, autoescape) get their own scope */
        wf = tmpl_frame_new(r, f, 4);
        if (wf == NULL) {
            return oom(r, n);
        }
        /* a set block keeps its text even after an extends, as Jinja's */
        drop = r->drop;
        r->drop = 0;
        rc = render_to_str(r, n->b, wf, r->autoescape, &v);
        r->drop = drop;
        if (rc != GW_OK) {
            return GW_ERROR;
        }
        if (n->c != NULL) {
            c = r->fb_input;
            r->fb_input = v;
            rc = eval(r, n->c, f, &v);
            r->fb_input = c;
            if (rc != GW_OK) {
                return GW_ERROR;
            }
        }
        return assign(r, n->a, f, v);
    case N_FILTERBLOCK:
        wf = tmpl_frame_new(r, f, 4);
        if (wf == NULL) {
            return oom(r, n);
        }
        if (render_to_str(r, n->b, wf, r->autoescape, &v) != GW_OK) {
            return GW_ERROR;
        }
        c = r->fb_input;
        r->fb_input = v;
        rc = eval(r, n->c, f, &v);
        r->fb_input = c;
        if (rc != GW_OK) {
            return GW_ERROR;
        }
        return write_value(r, n, v, out) == GW_OK ? GW_OK : oom(r, n);
    case N_WITH:
        wf = tmpl_frame_new(r, f, n->nargs + 4);
        if (wf == NULL) {
            return oom(r, n);
        }
        for (i = 0; i < n->nargs; i++) {
            if (eval(r, n->vals[i], f, &v) != GW_OK
                || assign(r, n->args[i], wf, v) != GW_OK)
            {
                return GW_ERROR;
            }
        }
        return exec_inner(r, n->a, wf, out);
    case N_MACRO:
    case N_CALLBLOCK:
        m = gw_arena_calloc(r->a, sizeof(tmpl_macro_t));
        if (m == NULL) {
            return oom(r, n);
        }
        m->node = n;
        m->closure = f;
        m->tmpl = n->tmpl;
        m->autoescape = r->autoescape;
        m->ectx = r->ectx;
        memset(&v, 0, sizeof(v));
        v.kind = V_MACRO;
        v.u.p = m;
        if (n->type == N_MACRO) {
            return tmpl_frame_set(r, f, n->s, v) == GW_OK ? GW_OK : oom(r, n);
        }
        if (n->b->a->type == N_NAME) {
            return emit_call(r, n->b, f, v, out);
        }
        if (eval_call(r, n->b, f, v, &c) != GW_OK) {
            return GW_ERROR;
        }
        return write_value(r, n, c, out) == GW_OK ? GW_OK : oom(r, n);
    case N_INCLUDE:
        return tmpl_exec_include(r, n, f, out);
    case N_IMPORT:
    case N_FROMIMPORT:
        return tmpl_exec_import(r, n, f);
    case N_EXTENDS:
        return tmpl_exec_extends(r, n, f);
    case N_BLOCK:
        return tmpl_exec_block(r, n, f, out);
    case N_AUTOESCAPE:
        if (eval(r, n->a, f, &v) != GW_OK) {
            return GW_ERROR;
        }
        wf = tmpl_frame_new(r, f, 4);
        if (wf == NULL) {
            return oom(r, n);
        }
        ae = r->autoescape;
        cae = *r->ectx;
        r->autoescape = *r->ectx = tv_truthy(v);
        rc = exec_inner(r, n->b, wf, out);
        r->autoescape = ae;
        *r->ectx = cae;
        return rc;
    default:
        return tmpl_error(r, n, "not a statement");
    }
}


int
tmpl_exec_body(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, gw_buf_t *out)
{
    for ( ; n != NULL; n = n->next) {
        /* text and output, most of a page, without exec_stmt()'s frame */
        if (n->type == N_TEXT) {
            if (tmpl_out(out, n->s, n->len) != GW_OK) {
                return oom(r, n);
            }
            if (capped(r, n, out) != GW_OK) {
                return GW_ERROR;
            }
            continue;
        }
        if (n->type == N_OUTPUT) {
            if (exec_output(r, n, f, out) != GW_OK
                || capped(r, n, out) != GW_OK)
            {
                return GW_ERROR;
            }
            continue;
        }
        /* no extends has run before tmpl_exec_body()'s code: an if that holds
         * one goes through exec_stmt(), and once one ran, exec_dropped()
         * has the rest */
        if (n->type == N_IF && !(n->flags & NF_EXTENDS)) {
            if (exec_if(r, n, f, out, 1) != GW_OK
                || capped(r, n, out) != GW_OK)
            {
                return GW_ERROR;
            }
            continue;
        }
        if (exec_stmt(r, n, f, out) != GW_OK || capped(r, n, out) != GW_OK) {
            return GW_ERROR;
        }
        if (r->drop) {
            /* that was (or held) the {% extends %} */
            return exec_dropped(r, n->next, f, out);
        }
    }
    return GW_OK;
}


/*
 * Code after an {% extends %} ran: Jinja runs its statements but drops
 * their text and {{ }} unevaluated, and renders blocks only from the
 * parent.  What includes and {% call %} write still reaches the page.
 */
static int
exec_dropped(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, gw_buf_t *out)
{
    for ( ; n != NULL; n = n->next) {
        if (n->type == N_TEXT || n->type == N_OUTPUT || n->type == N_BLOCK) {
            continue;
        }
        if (exec_stmt(r, n, f, out) != GW_OK || capped(r, n, out) != GW_OK) {
            return GW_ERROR;
        }
    }
    return GW_OK;
}


static int
render_page(gw_tmpl_env_t *env, const char *name, json_t *context,
    const char *lazy_name, gw_tmpl_lazy_pt lazy, void *render_data,
    gw_arena_t *arena, gw_buf_t *out, char *error, size_t error_size)
{
    tmpl_rs_t      r;
    tmpl_t        *t;
    tmpl_frame_t  *root;
    int            missing, rc, over;
    size_t         limit;

    error[0] = '\0';
    t = tmpl_env_get(env, name, strlen(name), &missing, error, error_size);
    if (t == NULL) {
        if (missing) {
            snprintf(error, error_size, "%s: template not found", name);
        }
        return GW_ERROR;
    }
    memset(&r, 0, sizeof(r));
    r.env = env;
    r.a = arena;
    r.ctx = context;
    r.render_data = render_data;
    r.lazy_name = lazy_name;
    r.lazy = lazy;
    r.err = error;
    r.errsz = error_size;
    r.tmpl = t;
    r.max_steps = env->max_steps ? env->max_steps : TMPL_DEFAULT_STEPS;
    r.max_output = env->max_output ? env->max_output : GW_TMPL_MAX_OUTPUT;
    r.max_memory = env->max_memory ? env->max_memory : GW_TMPL_MAX_MEMORY;

    /* the memory cap is the arena's, for this render only (a cap the
     * caller set already is kept if it is lower) */
    limit = arena->limit;
    over = arena->over;
    if (limit == 0
        || (limit > arena->allocated
            && limit - arena->allocated > r.max_memory))
    {
        arena->limit = arena->allocated + r.max_memory;
    }
    arena->over = 0;

    root = tmpl_frame_new(&r, NULL, 16);
    if (root == NULL) {
        rc = tmpl_error(&r, NULL, "out of memory");
    } else {
        root->ctx = json_is_object(context) ? context : NULL;
        rc = tmpl_exec_template(&r, t, root, out);
        if (rc == GW_OK && arena->over) {
            rc = tmpl_error(&r, NULL, "out of memory");
        }
        if (r.failed) {
            rc = GW_ERROR;          /* raised where a caller saw no error */
        }
    }
    json_decref(r.fn_args);
    json_decref(r.fn_kwargs);
    arena->limit = limit;
    arena->over = over;
    return rc;
}


int
gw_tmpl_render(gw_tmpl_env_t *env, const char *name, json_t *context,
    void *render_data, gw_arena_t *arena, gw_buf_t *out, char *error,
    size_t error_size)
{
    return render_page(env, name, context, NULL, NULL, render_data, arena,
                       out, error, error_size);
}


int
gw_tmpl_render_lazy(gw_tmpl_env_t *env, const char *name, json_t *context,
    const char *lazy_name, gw_tmpl_lazy_pt lazy, void *render_data,
    gw_arena_t *arena, gw_buf_t *out, char *error, size_t error_size)
{
    return render_page(env, name, context, lazy_name, lazy, render_data,
                       arena, out, error, error_size);
}
