/*
 * parser.c: recursive descent over the token array into the node tree that
 * render.c walks.  The grammar and the precedence follow Jinja's parser.py
 * so that templates mean the same thing; filters and tests are resolved to
 * their functions here, and their arguments bound to parameter slots, so
 * rendering never looks anything up by name but variables.
 */

#include "tmpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>


/* A set of interned names (pointers): open addressing, a power of two at
 * most half full, so that checks over a whole template stay linear. */
typedef struct {
    const char     **slots;
    size_t           n;
    size_t           cap;
} tmpl_name_set_t;


typedef struct {
    gw_tmpl_env_t   *env;
    gw_arena_t      *a;
    tmpl_t          *t;
    tmpl_tok_t      *toks;
    size_t           ntoks;
    size_t           i;
    char            *err;
    size_t           errsz;
    tmpl_node_t    **blocks;
    size_t           nblocks;
    size_t           blocks_cap;
    tmpl_name_set_t  block_names;   /* for "defined twice" */
    int              depth;         /* bounds recursion on hostile input */
    int              scoped;        /* inside a body other than an if's */
    size_t           nextends;
    char            *deferred;      /* the first compile-time error (an
                                       unknown filter), reported once the
                                       whole file parsed, as Jinja does */
    int              deferred_name; /* that error is an unknown filter or
                                       test's */
    int              soft;          /* in an if or a conditional
                                       expression, where Jinja 3 defers an
                                       unknown filter or test to run time */
} parser_t;

#define TMPL_MAX_NESTING  200


static size_t
name_slot(const char **slots, size_t cap, const char *name)
{
    size_t  i = ((uintptr_t) name >> 4) * 0x9e3779b97f4a7c15u;

    for (i &= cap - 1; slots[i] != NULL && slots[i] != name;
         i = (i + 1) & (cap - 1))
    {
        /* linear probing */
    }
    return i;
}


/* 1 if name was added, 0 if it was there, -1 when out of memory. */
static int
name_set_add(gw_arena_t *a, tmpl_name_set_t *set, const char *name)
{
    size_t        i, cap;
    const char  **ns;

    if (set->n >= set->cap / 2) {
        cap = set->cap ? set->cap * 2 : 32;
        ns = gw_arena_calloc(a, cap * sizeof(char *));
        if (ns == NULL) {
            return -1;
        }
        for (i = 0; i < set->cap; i++) {
            if (set->slots[i] != NULL) {
                ns[name_slot(ns, cap, set->slots[i])] = set->slots[i];
            }
        }
        set->slots = ns;
        set->cap = cap;
    }
    i = name_slot(set->slots, set->cap, name);
    if (set->slots[i] != NULL) {
        return 0;
    }
    set->slots[i] = name;
    set->n++;
    return 1;
}


static tmpl_node_t *parse_expr(parser_t *p);
static tmpl_node_t *parse_or(parser_t *p);
static tmpl_node_t *parse_unary(parser_t *p, int with_filter);
static tmpl_node_t *parse_tuple(parser_t *p, int with_cond,
    const char *extra_end);
static tmpl_node_t *parse_body(parser_t *p, const char **ends,
    const char *stmt, size_t *which);
static tmpl_node_t *parse_nodes(parser_t *p, const char **ends,
    const char *stmt, size_t *which);


static size_t
intern_hash(const char *s, size_t len)
{
    size_t  h = 2166136261u;

    while (len--) {
        h = (h ^ (unsigned char) *s++) * 16777619u;
    }
    return h;
}


/*
 * Names are interned in an open-addressing table (a power of two, at most
 * half full), so that a template with many distinct names compiles in time
 * linear in its size.
 */
const char *
tmpl_intern(gw_tmpl_env_t *env, const char *s, size_t len)
{
    size_t   i, k, mask, cap;
    char   **nn, *c;

    if (env->nnames >= env->names_cap / 2) {
        cap = env->names_cap ? env->names_cap * 2 : 64;
        nn = calloc(cap, sizeof(char *));
        if (nn == NULL) {
            return NULL;
        }
        for (k = 0; k < env->names_cap; k++) {
            if (env->names[k] != NULL) {
                i = intern_hash(env->names[k], strlen(env->names[k]));
                while (nn[i & (cap - 1)] != NULL) {
                    i++;
                }
                nn[i & (cap - 1)] = env->names[k];
            }
        }
        free(env->names);
        env->names = nn;
        env->names_cap = cap;
    }

    mask = env->names_cap - 1;
    for (i = intern_hash(s, len) & mask; env->names[i] != NULL;
         i = (i + 1) & mask)
    {
        if (strncmp(env->names[i], s, len) == 0
            && env->names[i][len] == '\0')
        {
            return env->names[i];
        }
    }
    c = gw_arena_strndup(env->arena, s, len);
    if (c == NULL) {
        return NULL;
    }
    env->names[i] = c;
    env->nnames++;
    return c;
}


static const char *
tok_desc(tmpl_tok_t *t, char *buf, size_t size)
{
    switch (t->type) {
    case T_EOF: return "end of template";
    case T_VAR_END: return "end of print statement";
    case T_BLOCK_END: return "end of statement block";
    case T_VAR_BEGIN: return "begin of print statement";
    case T_BLOCK_BEGIN: return "begin of statement block";
    case T_STRING: return "string";
    case T_INT: return "integer";
    case T_FLOAT: return "float";
    case T_DATA: return "template data";
    default:
        snprintf(buf, size, "%.*s", (int) (t->len > 60 ? 60 : t->len), t->s);
        return buf;
    }
}


static void *
perr(parser_t *p, tmpl_tok_t *t, const char *fmt, ...)
{
    va_list  ap;
    int      n;

    if (p->err[0]) {
        return NULL;
    }
    /* the lexer's error, once the parser has read up to it */
    if (t->type != T_ERROR && p->toks[p->i].type == T_ERROR) {
        t = &p->toks[p->i];
    }
    if (t->type == T_ERROR) {
        snprintf(p->err, p->errsz, "%s", t->s);
        return NULL;
    }
    n = snprintf(p->err, p->errsz, "%s:%u:%u: ", p->t->name, t->line,
                 t->col);
    if (n < 0 || (size_t) n >= p->errsz) {
        return NULL;
    }
    va_start(ap, fmt);
    vsnprintf(p->err + n, p->errsz - n, fmt, ap);
    va_end(ap);
    return NULL;
}


/* An error Jinja's code generator raises: after the whole file parsed
 * (a syntax error anywhere wins).  Returns 0 on out of memory. */
static int
defer_err(parser_t *p, tmpl_tok_t *t, const char *fmt, ...)
{
    va_list  ap;
    char     m[256];
    int      n;

    if (p->deferred != NULL) {
        return 1;
    }
    n = snprintf(m, sizeof(m), "%s:%u:%u: ", p->t->name, t->line, t->col);
    if (n < 0 || (size_t) n >= sizeof(m)) {
        n = 0;
    }
    va_start(ap, fmt);
    vsnprintf(m + n, sizeof(m) - n, fmt, ap);
    va_end(ap);
    p->deferred = gw_arena_strdup(p->a, m);
    p->deferred_name = 0;
    return p->deferred != NULL;
}


/* An unknown filter or test: an error at run time where it is soft (the
 * node then has no def), else once the file has parsed. */
static int
defer_unknown(parser_t *p, tmpl_tok_t *t, const char *kind)
{
    if (p->soft || p->deferred != NULL) {
        return 1;
    }
    if (!defer_err(p, t, "No %s named '%.*s'.", kind, (int) t->len, t->s)) {
        return 0;
    }
    p->deferred_name = 1;
    return 1;
}


static tmpl_tok_t *
cur(parser_t *p)
{
    return &p->toks[p->i];
}


static tmpl_tok_t *
peek(parser_t *p, size_t k)
{
    return &p->toks[p->i + k < p->ntoks ? p->i + k : p->ntoks - 1];
}


static int
is_op(tmpl_tok_t *t, const char *op)
{
    return t->type == T_OP && t->len == strlen(op)
           && memcmp(t->s, op, t->len) == 0;
}


static int
is_name(tmpl_tok_t *t, const char *name)
{
    return t->type == T_NAME && t->len == strlen(name)
           && memcmp(t->s, name, t->len) == 0;
}


static int
skip_op(parser_t *p, const char *op)
{
    if (is_op(cur(p), op)) {
        p->i++;
        return 1;
    }
    return 0;
}


static int
skip_name(parser_t *p, const char *name)
{
    if (is_name(cur(p), name)) {
        p->i++;
        return 1;
    }
    return 0;
}


static int
expect_op(parser_t *p, const char *op)
{
    char  b[80];

    if (skip_op(p, op)) {
        return 1;
    }
    perr(p, cur(p), "expected token '%s', got '%s'", op,
         tok_desc(cur(p), b, sizeof(b)));
    return 0;
}


static int
expect_type(parser_t *p, int type, const char *what)
{
    char  b[80];

    if (cur(p)->type == type) {
        p->i++;
        return 1;
    }
    perr(p, cur(p), "expected token '%s', got '%s'", what,
         tok_desc(cur(p), b, sizeof(b)));
    return 0;
}


static tmpl_node_t *
node_new(parser_t *p, int type, tmpl_tok_t *t)
{
    tmpl_node_t  *n;

    n = gw_arena_calloc(p->a, sizeof(tmpl_node_t));
    if (n == NULL) {
        perr(p, t, "out of memory");
        return NULL;
    }
    n->type = (uint16_t) type;
    n->line = t->line;
    n->col = t->col;
    n->tmpl = p->t;
    return n;
}


/* Growable node-pointer arrays while parsing (arena, doubled). */
typedef struct {
    tmpl_node_t  **v;
    const char   **s;
    tmpl_node_t  **w;
    size_t         n;
    size_t         cap;
} nvec_t;


static int
nvec_push(parser_t *p, nvec_t *v, tmpl_node_t *n, const char *s,
    tmpl_node_t *w)
{
    size_t         ncap;
    tmpl_node_t  **nv, **nw;
    const char   **ns;

    if (v->n == v->cap) {
        ncap = v->cap ? v->cap * 2 : 4;
        nv = gw_arena_alloc(p->a, ncap * sizeof(void *));
        ns = gw_arena_alloc(p->a, ncap * sizeof(void *));
        nw = gw_arena_alloc(p->a, ncap * sizeof(void *));
        if (nv == NULL || ns == NULL || nw == NULL) {
            return 0;
        }
        if (v->n) {
            tmpl_memcpy(nv, v->v, v->n * sizeof(void *));
            tmpl_memcpy(ns, v->s, v->n * sizeof(void *));
            tmpl_memcpy(nw, v->w, v->n * sizeof(void *));
        }
        v->v = nv;
        v->s = ns;
        v->w = nw;
        v->cap = ncap;
    }
    v->v[v->n] = n;
    v->s[v->n] = s;
    v->w[v->n] = w;
    v->n++;
    return 1;
}


static const char *
intern_tok(parser_t *p, tmpl_tok_t *t)
{
    const char  *s;

    s = tmpl_intern(p->env, t->s, t->len);
    if (s == NULL) {
        perr(p, t, "out of memory");
    }
    return s;
}


/* ---- expressions -------------------------------------------------------- */

/* Call arguments after "(": positional into pos, keywords into kw. */
static int
parse_call_args(parser_t *p, nvec_t *pos, nvec_t *kw)
{
    tmpl_node_t  *e;
    tmpl_tok_t   *t;
    const char   *name;
    char          b[80];
    int           star = 0, starstar = 0;

    while (!is_op(cur(p), ")")) {
        if (pos->n + kw->n > 0 && !expect_op(p, ",")) {
            return 0;
        }
        if (is_op(cur(p), ")")) {
            break;
        }
        t = cur(p);
        if (is_op(t, "*") || is_op(t, "**")) {
            /* *args / **kwargs: marked by a wrapper node; one of each,
             * *args first, as Jinja's parser has it */
            tmpl_node_t  *w;

            if (starstar || (t->len == 1 && star)) {
                perr(p, t, "invalid syntax for function call expression");
                return 0;
            }
            star |= t->len == 1;
            starstar |= t->len == 2;
            p->i++;
            w = node_new(p, N_UNARY, t);
            if (w == NULL) {
                return 0;
            }
            w->op = t->len == 1 ? OP_STAR : OP_STARSTAR;
            w->a = parse_expr(p);
            if (w->a == NULL) {
                return 0;
            }
            if (t->len == 1) {
                if (!nvec_push(p, pos, w, NULL, NULL)) {
                    return 0;
                }
            } else if (!nvec_push(p, kw, w, "**", NULL)) {
                return 0;
            }
            continue;
        }
        if (t->type == T_NAME && is_op(peek(p, 1), "=")) {
            size_t  k;

            if (starstar) {
                perr(p, t, "invalid syntax for function call expression");
                return 0;
            }
            name = intern_tok(p, t);
            p->i += 2;
            for (k = 0; name != NULL && k < kw->n && kw->s[k] != name; k++) {
                /* names are interned */
            }
            if (name != NULL && k < kw->n
                && !defer_err(p, t, "keyword argument repeated: %s", name))
            {
                return 0;
            }
            e = parse_expr(p);
            if (e == NULL || name == NULL
                || !nvec_push(p, kw, e, name, NULL))
            {
                return 0;
            }
            continue;
        }
        if (kw->n || star) {
            perr(p, t, "invalid syntax for function call expression");
            return 0;
        }
        e = parse_expr(p);
        if (e == NULL || !nvec_push(p, pos, e, NULL, NULL)) {
            return 0;
        }
    }
    if (cur(p)->type == T_EOF) {
        perr(p, cur(p), "unexpected '%s'", tok_desc(cur(p), b, sizeof(b)));
        return 0;
    }
    p->i++;
    return 1;
}


static tmpl_node_t *
parse_call(parser_t *p, tmpl_node_t *callee, tmpl_tok_t *t)
{
    tmpl_node_t  *n;
    nvec_t        pos = { 0 }, kw = { 0 };
    size_t        i;

    n = node_new(p, N_CALL, t);
    if (n == NULL || !parse_call_args(p, &pos, &kw)) {
        return NULL;
    }
    n->a = callee;
    n->args = pos.v;
    n->nargs = pos.n;
    n->names = kw.s;
    n->vals = kw.v;
    n->nnames = kw.n;
    if (n->nargs + n->nnames <= TMPL_PLAIN_ARGS) {
        n->flags |= NF_PLAIN_ARGS;
        for (i = 0; i < n->nargs; i++) {
            if (n->args[i]->type == N_UNARY && n->args[i]->op == OP_STAR) {
                n->flags &= ~NF_PLAIN_ARGS;
            }
        }
        for (i = 0; i < n->nnames; i++) {
            if (n->names[i][0] == '*') {
                n->flags &= ~NF_PLAIN_ARGS;
            }
        }
    }
    return n;
}


/*
 * Bind filter/test arguments to parameter slots now, so the renderer
 * evaluates straight into an array.  params is "a,b,c"; positional
 * arguments beyond it are kept in order (map, select, format).
 */
static int
bind_args(parser_t *p, tmpl_node_t *n, const char *params, nvec_t *pos,
    nvec_t *kw, tmpl_tok_t *t)
{
    tmpl_node_t  **slots;
    size_t         i, k, nslots, np = 0;
    const char    *q, *c, *name;
    int            varargs = 0;
    size_t         nl;
    char           missing[64];

    slots = gw_arena_calloc(p->a, TMPL_MAX_ARGS * sizeof(tmpl_node_t *));
    if (slots == NULL) {
        return 0;
    }
    /* params: "a,b" with "!a" for a required one and "*" for varargs */
    for (q = params; *q; q = *c ? c + 1 : c) {
        c = strchr(q, ',');
        if (c == NULL) {
            c = q + strlen(q);
        }
        if (c - q == 1 && *q == '*') {
            varargs = 1;
        } else {
            np++;
        }
    }
    if (pos->n > TMPL_MAX_ARGS) {
        perr(p, t, "too many arguments for '%s'", n->s);
        return 0;
    }
    for (i = 0; i < pos->n; i++) {
        slots[i] = pos->v[i];
    }
    nslots = pos->n;
    if (pos->n > np && !varargs) {
        /* a TypeError in Jinja, so raised when the node runs */
        n->flags |= NF_ARGERR;
        n->val = tv_str(gw_arena_printf(p->a, "%s() takes %zu positional "
                        "argument%s but %zu were given", n->s, np + 1,
                        np ? "s" : "", pos->n + 1), 0, 0);
    }
    for (i = 0; i < kw->n; i++) {
        k = 0;
        for (q = params; *q; q = *c ? c + 1 : c) {
            c = strchr(q, ',');
            if (c == NULL) {
                c = q + strlen(q);
            }
            name = *q == '!' ? q + 1 : q;
            nl = (size_t) (c - name);
            if (nl == strlen(kw->s[i]) && memcmp(name, kw->s[i], nl) == 0) {
                break;
            }
            k++;
        }
        if (k >= np || k >= TMPL_MAX_ARGS) {
            perr(p, t, "'%s' got an unexpected keyword argument '%s'",
                 n->s, kw->s[i]);
            return 0;
        }
        slots[k] = kw->v[i];
        if (k + 1 > nslots) {
            nslots = k + 1;
        }
    }
    k = 0;
    for (q = params; *q && !(n->flags & NF_ARGERR); q = *c ? c + 1 : c) {
        c = strchr(q, ',');
        if (c == NULL) {
            c = q + strlen(q);
        }
        if (*q == '!' && (k >= TMPL_MAX_ARGS || slots[k] == NULL)) {
            snprintf(missing, sizeof(missing), "%.*s", (int) (c - q - 1),
                     q + 1);
            n->flags |= NF_ARGERR;
            n->val = tv_str(gw_arena_printf(p->a, "%s() missing 1 required "
                            "positional argument: '%s'", n->s, missing),
                            0, 0);
        }
        k++;
    }
    n->args = slots;
    n->nargs = nslots;
    return 1;
}


static tmpl_node_t *
parse_filter(parser_t *p, tmpl_node_t *input)
{
    tmpl_tok_t               *t = cur(p);
    tmpl_node_t              *n;
    const tmpl_filter_def_t  *def;
    nvec_t                    pos = { 0 }, kw = { 0 };
    char                      b[80];

    if (t->type != T_NAME) {
        return perr(p, t, "expected token 'name', got '%s'",
                    tok_desc(t, b, sizeof(b)));
    }
    p->i++;
    n = node_new(p, N_FILTER, t);
    if (n == NULL) {
        return NULL;
    }
    n->a = input;
    n->s = gw_arena_strndup(p->a, t->s, t->len);
    def = tmpl_filter_find(t->s, t->len);
    if (def == NULL) {
        if (!defer_unknown(p, t, "filter")
            || (skip_op(p, "(") && !parse_call_args(p, &pos, &kw)))
        {
            return NULL;
        }
        return n;
    }
    n->def = def;
    if (skip_op(p, "(")) {
        if (!parse_call_args(p, &pos, &kw)) {
            return NULL;
        }
    }
    if (strcmp(def->params, "**") == 0 && kw.n) {
        tmpl_node_t  *d, *k;
        size_t        i;

        d = node_new(p, N_DICT, t);
        if (d == NULL) {
            return NULL;
        }
        d->args = gw_arena_alloc(p->a, kw.n * sizeof(tmpl_node_t *));
        d->vals = kw.v;
        d->nargs = kw.n;
        if (d->args == NULL) {
            return NULL;
        }
        for (i = 0; i < kw.n; i++) {
            k = node_new(p, N_CONST, t);
            if (k == NULL) {
                return NULL;
            }
            k->val = tv_str(kw.s[i], strlen(kw.s[i]), 0);
            d->args[i] = k;
        }
        kw.n = 0;
        n->flags |= NF_KWARGS;
        if (pos.n) {
            return perr(p, t, "format() can't mix positional and keyword "
                        "arguments");
        }
        if (!nvec_push(p, &pos, d, NULL, NULL)) {
            return NULL;
        }
    }
    if (!bind_args(p, n, strcmp(def->params, "**") == 0 ? "*" : def->params,
                   &pos, &kw, t))
    {
        return NULL;
    }
    return n;
}


static int
starts_primary(tmpl_tok_t *t)
{
    if (t->type == T_NAME) {
        return !is_name(t, "else") && !is_name(t, "or")
               && !is_name(t, "and") && !is_name(t, "is")
               && !is_name(t, "if") && !is_name(t, "in")
               && !is_name(t, "not") && !is_name(t, "recursive");
    }
    return t->type == T_STRING || t->type == T_INT || t->type == T_FLOAT
           || is_op(t, "(") || is_op(t, "[") || is_op(t, "{");
}


static tmpl_node_t *parse_primary(parser_t *p);
static tmpl_node_t *parse_postfix(parser_t *p, tmpl_node_t *n);


static tmpl_node_t *
parse_test(parser_t *p, tmpl_node_t *input)
{
    tmpl_tok_t             *t;
    tmpl_node_t            *n, *arg;
    const tmpl_test_def_t  *def;
    nvec_t                  pos = { 0 }, kw = { 0 };
    int                     neg;
    char                    b[80];

    neg = skip_name(p, "not");
    t = cur(p);
    if (t->type != T_NAME) {
        return perr(p, t, "expected token 'name', got '%s'",
                    tok_desc(t, b, sizeof(b)));
    }
    p->i++;
    n = node_new(p, N_TEST, t);
    if (n == NULL) {
        return NULL;
    }
    n->a = input;
    n->s = gw_arena_strndup(p->a, t->s, t->len);
    if (neg) {
        n->flags |= NF_NEGATE;
    }
    def = tmpl_test_find(t->s, t->len);
    if (def == NULL && !defer_unknown(p, t, "test")) {
        return NULL;
    }
    n->def = def;
    if (skip_op(p, "(")) {
        if (!parse_call_args(p, &pos, &kw)) {
            return NULL;
        }
    } else if (is_name(cur(p), "is")) {
        return perr(p, cur(p), "You cannot chain multiple tests with is");
    } else if (starts_primary(cur(p))) {
        arg = parse_primary(p);
        if (arg == NULL) {
            return NULL;
        }
        arg = parse_postfix(p, arg);
        if (arg == NULL || !nvec_push(p, &pos, arg, NULL, NULL)) {
            return NULL;
        }
    }
    if (def != NULL && !bind_args(p, n, def->params, &pos, &kw, t)) {
        return NULL;
    }
    return n;
}


static tmpl_node_t *
parse_subscript(parser_t *p)
{
    tmpl_tok_t   *t = cur(p);
    tmpl_node_t  *n, *parts[3] = { NULL, NULL, NULL };
    int           k = 0, slice = 0;

    for ( ;; ) {
        if (is_op(cur(p), ":")) {
            p->i++;
            slice = 1;
            if (++k > 2) {
                return perr(p, cur(p), "invalid slice");
            }
            continue;
        }
        if (is_op(cur(p), "]") || is_op(cur(p), ",")) {
            break;
        }
        if (parts[k] != NULL) {
            return perr(p, cur(p), "expected token ']'");
        }
        parts[k] = parse_expr(p);
        if (parts[k] == NULL) {
            return NULL;
        }
    }
    if (!slice) {
        if (parts[0] == NULL) {
            return perr(p, t, "expected an expression");
        }
        return parts[0];
    }
    n = node_new(p, N_SLICE, t);
    if (n == NULL) {
        return NULL;
    }
    n->b = parts[0];
    n->c = parts[1];
    n->d = parts[2];
    return n;
}


static tmpl_node_t *
parse_postfix(parser_t *p, tmpl_node_t *n)
{
    tmpl_tok_t   *t;
    tmpl_node_t  *m, *sub;

    for ( ;; ) {
        t = cur(p);
        if (is_op(t, ".")) {
            p->i++;
            t = cur(p);
            if (t->type == T_NAME) {
                m = node_new(p, N_ATTR, t);
                if (m == NULL) {
                    return NULL;
                }
                m->a = n;
                m->s = gw_arena_strndup(p->a, t->s, t->len);
                m->len = t->len;
                {
                    tv_t  probe = { .kind = V_JDICT };

                    m->op = (uint16_t) tmpl_has_method(probe, t->s, t->len);
                }
                p->i++;
            } else if (t->type == T_INT) {
                m = node_new(p, N_ITEM, t);
                sub = node_new(p, N_CONST, t);
                if (m == NULL || sub == NULL) {
                    return NULL;
                }
                sub->val = tv_int(t->i);
                m->a = n;
                m->b = sub;
                p->i++;
            } else {
                return perr(p, t, "expected name or number");
            }
            n = m;
        } else if (is_op(t, "[")) {
            p->i++;
            m = node_new(p, N_ITEM, t);
            if (m == NULL) {
                return NULL;
            }
            sub = parse_subscript(p);
            if (sub == NULL) {
                return NULL;
            }
            if (is_op(cur(p), ",")) {
                return perr(p, cur(p), "tuple subscripts are not supported");
            }
            if (!expect_op(p, "]")) {
                return NULL;
            }
            if (sub->type == N_SLICE) {
                sub->a = n;
                n = sub;
            } else {
                m->a = n;
                m->b = sub;
                n = m;
            }
        } else if (is_op(t, "(")) {
            p->i++;
            n = parse_call(p, n, t);
            if (n == NULL) {
                return NULL;
            }
        } else {
            return n;
        }
    }
}


static tmpl_node_t *
parse_seq(parser_t *p, int type, const char *close, tmpl_tok_t *t)
{
    tmpl_node_t  *n, *e, *v;
    nvec_t        items = { 0 };

    n = node_new(p, type, t);
    if (n == NULL) {
        return NULL;
    }
    while (!is_op(cur(p), close)) {
        if (items.n && !expect_op(p, ",")) {
            return NULL;
        }
        if (is_op(cur(p), close)) {
            break;
        }
        e = parse_expr(p);
        if (e == NULL) {
            return NULL;
        }
        v = NULL;
        if (type == N_DICT) {
            if (!expect_op(p, ":")) {
                return NULL;
            }
            v = parse_expr(p);
            if (v == NULL) {
                return NULL;
            }
        }
        if (!nvec_push(p, &items, e, NULL, v)) {
            return NULL;
        }
    }
    p->i++;
    n->args = items.v;
    n->vals = items.w;
    n->nargs = items.n;
    return n;
}


static tmpl_node_t *
parse_primary(parser_t *p)
{
    tmpl_tok_t   *t = cur(p);
    tmpl_node_t  *n;
    gw_buf_t      b;
    char          d[80];

    switch (t->type) {
    case T_NAME:
        p->i++;
        n = node_new(p, N_CONST, t);
        if (n == NULL) {
            return NULL;
        }
        if (is_name(t, "true") || is_name(t, "True")) {
            n->val = tv_bool(1);
        } else if (is_name(t, "false") || is_name(t, "False")) {
            n->val = tv_bool(0);
        } else if (is_name(t, "none") || is_name(t, "None")) {
            n->val = tv_none();
        } else {
            n->type = N_NAME;
            n->s = intern_tok(p, t);
            n->len = t->len;
            if (n->s == NULL) {
                return NULL;
            }
        }
        return n;
    case T_STRING:
        n = node_new(p, N_CONST, t);
        if (n == NULL) {
            return NULL;
        }
        p->i++;
        if (cur(p)->type != T_STRING) {
            n->val = tv_str(t->s, t->len, 0);
            return n;
        }
        /* adjacent literals concatenate, as in Python */
        gw_buf_init(&b, p->a, 64);
        gw_buf_append(&b, t->s, t->len);
        while (cur(p)->type == T_STRING) {
            gw_buf_append(&b, cur(p)->s, cur(p)->len);
            p->i++;
        }
        if (gw_buf_putc(&b, '\0') != GW_OK) {
            return perr(p, t, "out of memory");
        }
        n->val = tv_str(b.data, b.len - 1, 0);
        return n;
    case T_INT:
    case T_FLOAT:
        p->i++;
        n = node_new(p, N_CONST, t);
        if (n == NULL) {
            return NULL;
        }
        n->val = t->type == T_FLOAT ? tv_float(t->f)
                 : t->big.kind ? t->big : tv_int(t->i);
        return n;
    default:
        break;
    }
    if (is_op(t, "(")) {
        p->i++;
        n = parse_tuple(p, 1, NULL);
        if (n == NULL || !expect_op(p, ")")) {
            return NULL;
        }
        return n;
    }
    if (is_op(t, "[")) {
        p->i++;
        return parse_seq(p, N_LIST, "]", t);
    }
    if (is_op(t, "{")) {
        p->i++;
        return parse_seq(p, N_DICT, "}", t);
    }
    return perr(p, t, "unexpected '%s'", tok_desc(t, d, sizeof(d)));
}


static tmpl_node_t *
parse_filter_expr(parser_t *p, tmpl_node_t *n)
{
    tmpl_tok_t  *t;

    for ( ;; ) {
        t = cur(p);
        if (is_op(t, "|")) {
            p->i++;
            n = parse_filter(p, n);
        } else if (is_name(t, "is")) {
            p->i++;
            n = parse_test(p, n);
        } else if (is_op(t, "(")) {
            p->i++;
            n = parse_call(p, n, t);
        } else {
            return n;
        }
        if (n == NULL) {
            return NULL;
        }
    }
}


static tmpl_node_t *
parse_unary(parser_t *p, int with_filter)
{
    tmpl_tok_t   *t = cur(p);
    tmpl_node_t  *n;

    if (is_op(t, "-") || is_op(t, "+")) {
        if (++p->depth > TMPL_MAX_NESTING) {
            return perr(p, t, "expression nested too deeply");
        }
        p->i++;
        n = node_new(p, N_UNARY, t);
        if (n == NULL) {
            return NULL;
        }
        n->op = t->s[0] == '-' ? OP_NEG : OP_POS;
        n->a = parse_unary(p, 0);
        p->depth--;
        if (n->a == NULL) {
            return NULL;
        }
    } else {
        n = parse_primary(p);
        if (n == NULL) {
            return NULL;
        }
    }
    n = parse_postfix(p, n);
    if (n != NULL && with_filter) {
        n = parse_filter_expr(p, n);
    }
    return n;
}


static tmpl_node_t *
binop(parser_t *p, int type, int op, tmpl_node_t *l, tmpl_node_t *r,
    tmpl_tok_t *t)
{
    tmpl_node_t  *n;

    if (l == NULL || r == NULL) {
        return NULL;
    }
    n = node_new(p, type, t);
    if (n == NULL) {
        return NULL;
    }
    n->op = (uint16_t) op;
    n->a = l;
    n->b = r;
    return n;
}


static tmpl_node_t *
parse_pow(parser_t *p)
{
    tmpl_node_t  *n;
    tmpl_tok_t   *t;

    n = parse_unary(p, 1);
    while (n != NULL && is_op(cur(p), "**")) {
        t = cur(p);
        p->i++;
        n = binop(p, N_BINOP, OP_POW, n, parse_unary(p, 1), t);
    }
    return n;
}


static tmpl_node_t *
parse_math2(parser_t *p)
{
    tmpl_node_t  *n;
    tmpl_tok_t   *t;
    int           op;

    n = parse_pow(p);
    while (n != NULL) {
        t = cur(p);
        if (is_op(t, "*")) {
            op = OP_MUL;
        } else if (is_op(t, "/")) {
            op = OP_DIV;
        } else if (is_op(t, "//")) {
            op = OP_FLOORDIV;
        } else if (is_op(t, "%")) {
            op = OP_MOD;
        } else {
            break;
        }
        p->i++;
        n = binop(p, N_BINOP, op, n, parse_pow(p), t);
    }
    return n;
}


static tmpl_node_t *
parse_concat(parser_t *p)
{
    tmpl_node_t  *n, *c;
    tmpl_tok_t   *t;
    nvec_t        v = { 0 };

    n = parse_math2(p);
    if (n == NULL || !is_op(cur(p), "~")) {
        return n;
    }
    t = cur(p);
    if (!nvec_push(p, &v, n, NULL, NULL)) {
        return NULL;
    }
    while (skip_op(p, "~")) {
        n = parse_math2(p);
        if (n == NULL || !nvec_push(p, &v, n, NULL, NULL)) {
            return NULL;
        }
    }
    c = node_new(p, N_CONCAT, t);
    if (c == NULL) {
        return NULL;
    }
    c->args = v.v;
    c->nargs = v.n;
    return c;
}


static tmpl_node_t *
parse_math1(parser_t *p)
{
    tmpl_node_t  *n;
    tmpl_tok_t   *t;

    n = parse_concat(p);
    while (n != NULL && (is_op(cur(p), "+") || is_op(cur(p), "-"))) {
        t = cur(p);
        p->i++;
        n = binop(p, N_BINOP, t->s[0] == '+' ? OP_ADD : OP_SUB, n,
                  parse_concat(p), t);
    }
    return n;
}


static tmpl_node_t *
parse_compare(parser_t *p)
{
    tmpl_node_t  *n, *c, *e;
    tmpl_tok_t   *t;
    nvec_t        v = { 0 };
    uint8_t       ops[64];
    int           op;

    n = parse_math1(p);
    if (n == NULL) {
        return NULL;
    }
    t = cur(p);
    for ( ;; ) {
        if (is_op(cur(p), "==")) {
            op = OP_EQ;
        } else if (is_op(cur(p), "!=")) {
            op = OP_NE;
        } else if (is_op(cur(p), "<")) {
            op = OP_LT;
        } else if (is_op(cur(p), "<=")) {
            op = OP_LE;
        } else if (is_op(cur(p), ">")) {
            op = OP_GT;
        } else if (is_op(cur(p), ">=")) {
            op = OP_GE;
        } else if (is_name(cur(p), "in")) {
            op = OP_IN;
        } else if (is_name(cur(p), "not") && is_name(peek(p, 1), "in")) {
            op = OP_NOTIN;
            p->i++;
        } else {
            break;
        }
        p->i++;
        if (v.n >= sizeof(ops)) {
            return perr(p, t, "comparison chain too long");
        }
        ops[v.n] = (uint8_t) op;
        e = parse_math1(p);
        if (e == NULL || !nvec_push(p, &v, e, NULL, NULL)) {
            return NULL;
        }
    }
    if (v.n == 0) {
        return n;
    }
    c = node_new(p, N_COMPARE, t);
    if (c == NULL) {
        return NULL;
    }
    c->a = n;
    c->args = v.v;
    c->nargs = v.n;
    c->ops = gw_arena_alloc(p->a, v.n);
    if (c->ops == NULL) {
        return NULL;
    }
    tmpl_memcpy(c->ops, ops, v.n);
    return c;
}


static tmpl_node_t *
parse_not(parser_t *p)
{
    tmpl_tok_t   *t = cur(p);
    tmpl_node_t  *n;

    if (is_name(t, "not")) {
        if (++p->depth > TMPL_MAX_NESTING) {
            return perr(p, t, "expression nested too deeply");
        }
        p->i++;
        n = node_new(p, N_NOT, t);
        if (n == NULL) {
            return NULL;
        }
        n->a = parse_not(p);
        p->depth--;
        return n->a ? n : NULL;
    }
    return parse_compare(p);
}


static tmpl_node_t *
parse_and(parser_t *p)
{
    tmpl_node_t  *n;
    tmpl_tok_t   *t;

    n = parse_not(p);
    while (n != NULL && is_name(cur(p), "and")) {
        t = cur(p);
        p->i++;
        n = binop(p, N_AND, 0, n, parse_not(p), t);
    }
    return n;
}


static tmpl_node_t *
parse_or(parser_t *p)
{
    tmpl_node_t  *n;
    tmpl_tok_t   *t;

    n = parse_and(p);
    while (n != NULL && is_name(cur(p), "or")) {
        t = cur(p);
        p->i++;
        n = binop(p, N_OR, 0, n, parse_and(p), t);
    }
    return n;
}


static tmpl_node_t *
parse_condexpr(parser_t *p)
{
    tmpl_node_t  *n, *c;
    tmpl_tok_t   *t;
    char         *deferred = p->deferred;

    n = parse_or(p);
    while (n != NULL && is_name(cur(p), "if")) {
        t = cur(p);
        p->i++;
        /* the whole expression is soft, the part already read too */
        if (deferred == NULL && p->deferred_name) {
            p->deferred = NULL;
            p->deferred_name = 0;
        }
        p->soft++;
        c = node_new(p, N_COND, t);
        if (c == NULL) {
            return NULL;
        }
        c->a = parse_or(p);
        if (c->a == NULL) {
            return NULL;
        }
        c->b = n;
        if (skip_name(p, "else")) {
            c->c = parse_condexpr(p);
            if (c->c == NULL) {
                return NULL;
            }
        }
        p->soft--;
        n = c;
    }
    return n;
}


static tmpl_node_t *
parse_expr(parser_t *p)
{
    tmpl_node_t  *n;

    if (++p->depth > TMPL_MAX_NESTING) {
        return perr(p, cur(p), "expression nested too deeply");
    }
    n = parse_condexpr(p);
    p->depth--;
    return n;
}


static int
tuple_ends(parser_t *p, const char *extra_end)
{
    tmpl_tok_t  *t = cur(p);

    return t->type == T_VAR_END || t->type == T_BLOCK_END
           || t->type == T_EOF || is_op(t, ")") || is_op(t, "]")
           || is_op(t, "}") || is_op(t, "=")
           || (extra_end && is_name(t, extra_end));
}


static tmpl_node_t *
parse_tuple(parser_t *p, int with_cond, const char *extra_end)
{
    tmpl_tok_t   *t = cur(p);
    tmpl_node_t  *n, *e;
    nvec_t        v = { 0 };
    int           comma = 0;

    for ( ;; ) {
        if (v.n) {
            if (!is_op(cur(p), ",")) {
                break;
            }
            p->i++;
            comma = 1;
        }
        if (tuple_ends(p, extra_end)) {
            break;
        }
        e = with_cond ? parse_expr(p) : parse_or(p);
        if (e == NULL || !nvec_push(p, &v, e, NULL, NULL)) {
            return NULL;
        }
    }
    if (v.n == 1 && !comma) {
        return v.v[0];
    }
    if (v.n == 0 && !is_op(&p->toks[p->i > 0 ? p->i - 1 : 0], "(")) {
        char  b[80];

        return perr(p, cur(p), "Expected an expression, got '%s'",
                    tok_desc(cur(p), b, sizeof(b)));
    }
    n = node_new(p, N_TUPLE, t);
    if (n == NULL) {
        return NULL;
    }
    n->args = v.v;
    n->nargs = v.n;
    return n;
}


/* ---- statements --------------------------------------------------------- */

static int
expect_block_end(parser_t *p)
{
    return expect_type(p, T_BLOCK_END, "end of statement block");
}


/* true, false, none in either case: constants, not names, to Jinja */
static int
is_const_name(tmpl_tok_t *t)
{
    static const char  *c[] = { "true", "false", "none", "True", "False",
                                "None", NULL };
    size_t              i;

    for (i = 0; c[i] != NULL; i++) {
        if (t->len == strlen(c[i]) && memcmp(t->s, c[i], t->len) == 0) {
            return 1;
        }
    }
    return 0;
}


/* The first name "loop" a for loop's target would assign, or NULL. */
static tmpl_node_t *
assigns_loop(tmpl_node_t *n)
{
    size_t        i;
    tmpl_node_t  *found;

    if (n->type == N_NAME) {
        return strcmp(n->s, "loop") == 0 ? n : NULL;
    }
    for (i = 0; n->type == N_TUPLE && i < n->nargs; i++) {
        if ((found = assigns_loop(n->args[i])) != NULL) {
            return found;
        }
    }
    return NULL;
}


/* An assignment target: name, a, b (tuple) or ns.attr. */
static tmpl_node_t *
parse_target(parser_t *p, int with_ns, const char *extra_end)
{
    tmpl_tok_t   *t = cur(p);
    tmpl_node_t  *n, *e;
    nvec_t        v = { 0 };
    char          b[80];

    if (with_ns && t->type == T_NAME && is_op(peek(p, 1), ".")
        && peek(p, 2)->type == T_NAME)
    {
        n = node_new(p, N_ATTR, t);
        e = node_new(p, N_NAME, t);
        if (n == NULL || e == NULL) {
            return NULL;
        }
        e->s = intern_tok(p, t);
        n->a = e;
        n->s = gw_arena_strndup(p->a, peek(p, 2)->s, peek(p, 2)->len);
        n->len = peek(p, 2)->len;
        p->i += 3;
        return n;
    }
    for ( ;; ) {
        if (v.n && !skip_op(p, ",")) {
            break;
        }
        if (is_op(cur(p), "=") && v.n) {
            /* "=" ends no tuple in Jinja: "b, = 1" reads past it */
            return perr(p, cur(p), "unexpected '='");
        }
        if (tuple_ends(p, extra_end)) {
            break;
        }
        t = cur(p);
        if (skip_op(p, "(")) {
            e = parse_target(p, 0, NULL);
            if (e == NULL || !expect_op(p, ")")) {
                return NULL;
            }
        } else {
            if (t->type != T_NAME) {
                return perr(p, t, "expected token 'name', got '%s'",
                            tok_desc(t, b, sizeof(b)));
            }
            if (is_const_name(t)) {
                return perr(p, t, "can't assign to 'const'");
            }
            e = node_new(p, N_NAME, t);
            if (e == NULL) {
                return NULL;
            }
            e->s = intern_tok(p, t);
            p->i++;
        }
        if (!nvec_push(p, &v, e, NULL, NULL)) {
            return NULL;
        }
    }
    if (v.n == 0) {
        return perr(p, cur(p), "expected token 'name', got '%s'",
                    tok_desc(cur(p), b, sizeof(b)));
    }
    if (v.n == 1) {
        return v.v[0];
    }
    n = node_new(p, N_TUPLE, t);
    if (n == NULL) {
        return NULL;
    }
    n->args = v.v;
    n->nargs = v.n;
    return n;
}


static tmpl_node_t *
parse_for(parser_t *p, tmpl_tok_t *t)
{
    static const char  *ends[] = { "endfor", "else", NULL };
    static const char  *ends2[] = { "endfor", NULL };
    tmpl_node_t        *n;
    size_t              which;

    n = node_new(p, N_FOR, t);
    if (n == NULL) {
        return NULL;
    }
    n->a = parse_target(p, 0, "in");
    if (n->a == NULL) {
        return NULL;
    }
    if (assigns_loop(n->a) != NULL
        && !defer_err(p, &p->toks[p->i - 1], "Can't assign to special loop "
                      "variable in for-loop target"))
    {
        return NULL;
    }
    if (!skip_name(p, "in")) {
        char  b[80];

        return perr(p, cur(p), "expected token 'in', got '%s'",
                    tok_desc(cur(p), b, sizeof(b)));
    }
    n->b = parse_tuple(p, 0, "recursive");
    if (n->b == NULL) {
        return NULL;
    }
    if (skip_name(p, "if")) {
        n->d = parse_expr(p);
        if (n->d == NULL) {
            return NULL;
        }
    }
    if (skip_name(p, "recursive")) {
        n->flags |= NF_RECURSIVE;
    }
    if (!expect_block_end(p)) {
        return NULL;
    }
    n->c = parse_body(p, ends, "for", &which);
    if (p->err[0]) {
        return NULL;
    }
    if (which == 1) {
        n->vals = gw_arena_alloc(p->a, sizeof(tmpl_node_t *));
        if (n->vals == NULL) {
            return NULL;
        }
        n->vals[0] = parse_body(p, ends2, "for", &which);
        if (p->err[0]) {
            return NULL;
        }
    }
    return n;
}


static tmpl_node_t *
parse_if(parser_t *p, tmpl_tok_t *t)
{
    static const char  *ends[] = { "elif", "else", "endif", NULL };
    static const char  *ends2[] = { "endif", NULL };
    tmpl_node_t        *n;
    size_t              which, nextends = p->nextends;

    n = node_new(p, N_IF, t);
    if (n == NULL) {
        return NULL;
    }
    p->soft++;
    n->a = parse_tuple(p, 0, NULL);
    if (n->a == NULL || !expect_block_end(p)) {
        return NULL;
    }
    n->b = parse_body(p, ends, "if", &which);
    if (p->err[0]) {
        return NULL;
    }
    if (which == 0) {
        n->c = parse_if(p, &p->toks[p->i - 1]);
        if (n->c == NULL) {
            return NULL;
        }
        n->c->flags |= 1u << 30;     /* elif: shares the endif */
    } else if (which == 1) {
        n->c = parse_body(p, ends2, "if", &which);
        if (p->err[0]) {
            return NULL;
        }
        /* wrap so an empty else still counts as given */
    }
    if (p->nextends > nextends) {
        n->flags |= NF_EXTENDS;
    }
    p->soft--;
    return n;
}


/* (a, b=1, c) for macros and call blocks */
static int
parse_signature(parser_t *p, tmpl_node_t *n)
{
    nvec_t        v = { 0 };
    tmpl_tok_t   *t;
    tmpl_node_t  *def;
    const char   *name;
    size_t        k;
    char          b[80];

    if (!expect_op(p, "(")) {
        return 0;
    }
    while (!is_op(cur(p), ")")) {
        if (v.n && !expect_op(p, ",")) {
            return 0;
        }
        if (is_op(cur(p), ")")) {
            break;
        }
        t = cur(p);
        if (t->type != T_NAME) {
            perr(p, t, "expected token 'name', got '%s'",
                 tok_desc(t, b, sizeof(b)));
            return 0;
        }
        name = intern_tok(p, t);
        p->i++;
        for (k = 0; name != NULL && k < v.n && v.s[k] != name; k++) {
            /* names are interned */
        }
        if (name != NULL && k < v.n
            && !defer_err(p, t, "duplicate argument '%s' in function "
                          "definition", name))
        {
            return 0;
        }
        def = NULL;
        if (skip_op(p, "=")) {
            def = parse_expr(p);
            if (def == NULL) {
                return 0;
            }
        } else if (v.n && v.w[v.n - 1] != NULL) {
            perr(p, t, "non-default argument follows default argument");
            return 0;
        }
        if (name == NULL || !nvec_push(p, &v, NULL, name, def)) {
            return 0;
        }
    }
    p->i++;
    n->names = v.s;
    n->vals = v.w;
    n->nnames = v.n;
    return 1;
}


/* Note which of caller/varargs/kwargs a macro body refers to. */
static void
scan_specials(tmpl_node_t *n, uint32_t *flags)
{
    size_t  i;

    for ( ; n != NULL; n = n->next) {
        if (n->type == N_NAME && n->s) {
            if (strcmp(n->s, "caller") == 0) {
                *flags |= NF_CALLER;
            } else if (strcmp(n->s, "varargs") == 0) {
                *flags |= NF_VARARGS;
            } else if (strcmp(n->s, "kwargs") == 0) {
                *flags |= NF_KWARGS;
            }
        }
        if (n->type == N_MACRO) {
            continue;   /* a nested macro has its own */
        }
        scan_specials(n->a, flags);
        scan_specials(n->b, flags);
        scan_specials(n->c, flags);
        scan_specials(n->d, flags);
        for (i = 0; i < n->nargs; i++) {
            scan_specials(n->args[i], flags);
        }
        if (n->type != N_FILTER && n->type != N_TEST && n->vals) {
            for (i = 0; i < n->nnames; i++) {
                scan_specials(n->vals[i], flags);
            }
        }
        if (n->type == N_DICT) {
            for (i = 0; i < n->nargs; i++) {
                scan_specials(n->vals[i], flags);
            }
        }
        if (n->type == N_FOR && n->vals) {
            scan_specials(n->vals[0], flags);
        }
    }
}


static tmpl_node_t *
parse_macro(parser_t *p, tmpl_tok_t *t)
{
    static const char  *ends[] = { "endmacro", NULL };
    tmpl_node_t        *n;
    tmpl_tok_t         *nt = cur(p);
    size_t              which, i;
    char                b[80];

    n = node_new(p, N_MACRO, t);
    if (n == NULL) {
        return NULL;
    }
    if (nt->type != T_NAME) {
        return perr(p, nt, "expected token 'name', got '%s'",
                    tok_desc(nt, b, sizeof(b)));
    }
    n->s = intern_tok(p, nt);
    p->i++;
    if (!parse_signature(p, n) || !expect_block_end(p)) {
        return NULL;
    }
    n->a = parse_body(p, ends, "macro", &which);
    if (p->err[0]) {
        return NULL;
    }
    scan_specials(n->a, &n->flags);
    for (i = 0; i < n->nnames; i++) {
        if (strcmp(n->names[i], "caller") != 0) {
            continue;
        }
        /* a parameter: the call block's caller fills it like any keyword */
        n->flags &= ~NF_CALLER;
        if (n->vals[i] == NULL
            && !defer_err(p, t, "When defining macros or call blocks the "
                          "special \"caller\" argument must be omitted or "
                          "be given a default."))
        {
            return NULL;
        }
    }
    return n;
}


static tmpl_node_t *
parse_callblock(parser_t *p, tmpl_tok_t *t)
{
    static const char  *ends[] = { "endcall", NULL };
    tmpl_node_t        *n;
    size_t              which;

    n = node_new(p, N_CALLBLOCK, t);
    if (n == NULL) {
        return NULL;
    }
    if (is_op(cur(p), "(")) {
        if (!parse_signature(p, n)) {
            return NULL;
        }
    }
    n->b = parse_expr(p);
    if (n->b == NULL) {
        return NULL;
    }
    if (n->b->type != N_CALL) {
        return perr(p, t, "expected call");
    }
    if (!expect_block_end(p)) {
        return NULL;
    }
    n->a = parse_body(p, ends, "call", &which);
    if (p->err[0]) {
        return NULL;
    }
    scan_specials(n->a, &n->flags);
    return n;
}


static tmpl_node_t *
parse_set(parser_t *p, tmpl_tok_t *t)
{
    static const char  *ends[] = { "endset", NULL };
    tmpl_node_t        *n, *f, *last = NULL;
    size_t              which;

    n = node_new(p, N_SET, t);
    if (n == NULL) {
        return NULL;
    }
    n->a = parse_target(p, 1, NULL);
    if (n->a == NULL) {
        return NULL;
    }
    if (skip_op(p, "=")) {
        n->b = parse_tuple(p, 1, NULL);
        if (n->b == NULL || !expect_block_end(p)) {
            return NULL;
        }
        return n;
    }
    n->type = N_SETBLOCK;
    /* {% set x | upper %}: a filter chain applied to the body */
    while (skip_op(p, "|")) {
        f = parse_filter(p, NULL);
        if (f == NULL) {
            return NULL;
        }
        f = parse_filter_expr(p, f);
        if (f == NULL) {
            return NULL;
        }
        last = f;
    }
    n->c = last;
    if (!expect_block_end(p)) {
        return NULL;
    }
    n->b = parse_body(p, ends, "set", &which);
    return p->err[0] ? NULL : n;
}


/* The innermost filter of a chain gets the body as input at run time. */
static tmpl_node_t *
parse_filterblock(parser_t *p, tmpl_tok_t *t)
{
    static const char  *ends[] = { "endfilter", NULL };
    tmpl_node_t        *n, *f;
    size_t              which;

    n = node_new(p, N_FILTERBLOCK, t);
    if (n == NULL) {
        return NULL;
    }
    f = parse_filter(p, NULL);
    if (f == NULL) {
        return NULL;
    }
    f = parse_filter_expr(p, f);
    if (f == NULL || !expect_block_end(p)) {
        return NULL;
    }
    n->c = f;
    n->b = parse_body(p, ends, "filter", &which);
    return p->err[0] ? NULL : n;
}


static tmpl_node_t *
parse_with(parser_t *p, tmpl_tok_t *t)
{
    static const char  *ends[] = { "endwith", NULL };
    tmpl_node_t        *n, *target, *e;
    nvec_t              v = { 0 };
    size_t              which;

    n = node_new(p, N_WITH, t);
    if (n == NULL) {
        return NULL;
    }
    while (cur(p)->type != T_BLOCK_END) {
        if (v.n && !expect_op(p, ",")) {
            return NULL;
        }
        target = parse_target(p, 0, NULL);
        if (target == NULL || !expect_op(p, "=")) {
            return NULL;
        }
        e = parse_expr(p);
        if (e == NULL || !nvec_push(p, &v, target, NULL, e)) {
            return NULL;
        }
    }
    p->i++;
    n->args = v.v;
    n->vals = v.w;
    n->nargs = v.n;
    n->a = parse_body(p, ends, "with", &which);
    return p->err[0] ? NULL : n;
}


static int
parse_context_mod(parser_t *p, tmpl_node_t *n, int dflt)
{
    if (dflt) {
        n->flags |= NF_WITH_CONTEXT;
    }
    if ((is_name(cur(p), "with") || is_name(cur(p), "without"))
        && is_name(peek(p, 1), "context"))
    {
        if (is_name(cur(p), "with")) {
            n->flags |= NF_WITH_CONTEXT;
        } else {
            n->flags &= ~NF_WITH_CONTEXT;
        }
        p->i += 2;
    }
    return 1;
}


static tmpl_node_t *
parse_block(parser_t *p, tmpl_tok_t *t)
{
    static const char  *ends[] = { "endblock", NULL };
    tmpl_node_t        *n;
    tmpl_tok_t         *nt = cur(p);
    size_t              which;
    char                b[80];

    n = node_new(p, N_BLOCK, t);
    if (n == NULL) {
        return NULL;
    }
    if (nt->type != T_NAME) {
        return perr(p, nt, "expected token 'name', got '%s'",
                    tok_desc(nt, b, sizeof(b)));
    }
    n->s = intern_tok(p, nt);
    p->i++;
    switch (name_set_add(p->a, &p->block_names, n->s)) {
    case 0:
        return perr(p, nt, "block '%s' defined twice", n->s);
    case -1:
        return NULL;
    }
    /* in this order only, as Jinja reads them */
    if (skip_name(p, "scoped")) {
        n->flags |= NF_SCOPED;
    }
    if (skip_name(p, "required")) {
        n->flags |= NF_REQUIRED;
    }
    if (!expect_block_end(p)) {
        return NULL;
    }
    if (gw_array_grow(p->a, &p->blocks, p->nblocks, &p->blocks_cap,
                      sizeof(tmpl_node_t *)) != GW_OK)
    {
        return NULL;
    }
    p->blocks[p->nblocks++] = n;
    n->a = parse_body(p, ends, "block", &which);
    if (p->err[0]) {
        return NULL;
    }
    if (cur(p)->type == T_NAME && cur(p)->len == strlen(n->s)
        && memcmp(cur(p)->s, n->s, cur(p)->len) == 0)
    {
        p->i++;
    }
    if (!expect_block_end(p)) {
        return NULL;
    }
    if (n->flags & NF_REQUIRED) {
        tmpl_node_t  *c;

        for (c = n->a; c; c = c->next) {
            if (c->type != N_TEXT || strspn(c->s, " \t\r\n") != c->len) {
                return perr(p, t, "Required blocks can only contain "
                            "comments or whitespace");
            }
        }
    }
    return n;
}


/* A statement that starts with an expression (the template's name, or
 * autoescape's setting): its node of type type, that expression in a. */
static tmpl_node_t *
parse_expr_stmt(parser_t *p, int type, tmpl_tok_t *bt)
{
    tmpl_node_t  *n;

    n = node_new(p, type, bt);
    if (n == NULL) {
        return NULL;
    }
    n->a = parse_expr(p);
    return n->a != NULL ? n : NULL;
}


static tmpl_node_t *
parse_include(parser_t *p, tmpl_tok_t *bt)
{
    tmpl_node_t  *n;

    n = parse_expr_stmt(p, N_INCLUDE, bt);
    if (n == NULL) {
        return NULL;
    }
    if (is_name(cur(p), "ignore") && is_name(peek(p, 1), "missing")) {
        n->flags |= NF_IGNORE_MISSING;
        p->i += 2;
    }
    parse_context_mod(p, n, 1);
    return expect_block_end(p) ? n : NULL;
}


static tmpl_node_t *
parse_extends(parser_t *p, tmpl_tok_t *bt, tmpl_tok_t *t)
{
    tmpl_node_t  *n;

    n = parse_expr_stmt(p, N_EXTENDS, bt);
    if (n == NULL) {
        return NULL;
    }
    p->t->has_extends = 1;
    p->nextends++;
    if (p->scoped
        && !defer_err(p, t, "cannot use extend from a non top-level "
                      "scope"))
    {
        return NULL;
    }
    return expect_block_end(p) ? n : NULL;
}


static tmpl_node_t *
parse_autoescape(parser_t *p, tmpl_tok_t *bt)
{
    static const char  *ends[] = { "endautoescape", NULL };
    tmpl_node_t        *n;
    size_t              which;

    n = parse_expr_stmt(p, N_AUTOESCAPE, bt);
    if (n == NULL || !expect_block_end(p)) {
        return NULL;
    }
    n->b = parse_body(p, ends, "autoescape", &which);
    return p->err[0] ? NULL : n;
}


static tmpl_node_t *
parse_import(parser_t *p, tmpl_tok_t *bt)
{
    tmpl_node_t  *n;
    char          b[80];

    n = parse_expr_stmt(p, N_IMPORT, bt);
    if (n == NULL) {
        return NULL;
    }
    if (!skip_name(p, "as")) {
        return perr(p, cur(p), "expected token 'as', got '%s'",
                    tok_desc(cur(p), b, sizeof(b)));
    }
    if (cur(p)->type != T_NAME) {
        return perr(p, cur(p), "expected token 'name', got '%s'",
                    tok_desc(cur(p), b, sizeof(b)));
    }
    n->s = intern_tok(p, cur(p));
    p->i++;
    parse_context_mod(p, n, 0);
    return expect_block_end(p) ? n : NULL;
}


/* {% from name import a, b as c [with context] %}: the names in args (as
 * N_CONST nodes), what they are bound to in names */
static tmpl_node_t *
parse_fromimport(parser_t *p, tmpl_tok_t *bt, tmpl_tok_t *t)
{
    tmpl_node_t  *n;
    nvec_t        v = { 0 };
    char          b[80];

    n = parse_expr_stmt(p, N_FROMIMPORT, bt);
    if (n == NULL) {
        return NULL;
    }
    if (!skip_name(p, "import")) {
        return perr(p, cur(p), "expected token 'import', got '%s'",
                    tok_desc(cur(p), b, sizeof(b)));
    }
    for ( ;; ) {
        const char  *name, *alias;
        tmpl_node_t *an;

        if ((is_name(cur(p), "with") || is_name(cur(p), "without"))
            && is_name(peek(p, 1), "context"))
        {
            parse_context_mod(p, n, 0);
            break;
        }
        if (cur(p)->type != T_NAME) {
            /* a trailing comma too: Jinja wants a name after it */
            return perr(p, cur(p), "expected token 'name', got '%s'",
                        tok_desc(cur(p), b, sizeof(b)));
        }
        if (cur(p)->len > 0 && cur(p)->s[0] == '_') {
            return perr(p, cur(p), "names starting with an underline "
                        "can not be imported");
        }
        name = intern_tok(p, cur(p));
        alias = name;
        p->i++;
        if (skip_name(p, "as")) {
            if (cur(p)->type != T_NAME) {
                return perr(p, cur(p), "expected token 'name'");
            }
            alias = intern_tok(p, cur(p));
            p->i++;
        }
        an = node_new(p, N_CONST, t);
        if (an == NULL || name == NULL || alias == NULL) {
            return NULL;
        }
        an->s = name;
        if (!nvec_push(p, &v, an, alias, NULL)) {
            return NULL;
        }
        if (!skip_op(p, ",")) {
            if ((is_name(cur(p), "with") || is_name(cur(p), "without"))
                && is_name(peek(p, 1), "context"))
            {
                parse_context_mod(p, n, 0);
            }
            break;
        }
    }
    n->args = v.v;
    n->names = v.s;
    n->nnames = n->nargs = v.n;
    return expect_block_end(p) ? n : NULL;
}


static tmpl_node_t *
parse_statement(parser_t *p)
{
    tmpl_tok_t   *t = cur(p), *bt;

    bt = &p->toks[p->i - 1];
    if (t->type != T_NAME) {
        return perr(p, t, "tag name expected");
    }
    if (++p->depth > TMPL_MAX_NESTING) {
        return perr(p, t, "statements nested too deeply");
    }
    p->i++;
    if (is_name(t, "for")) {
        return parse_for(p, bt);
    }
    if (is_name(t, "if")) {
        return parse_if(p, bt);
    }
    if (is_name(t, "set")) {
        return parse_set(p, bt);
    }
    if (is_name(t, "macro")) {
        return parse_macro(p, bt);
    }
    if (is_name(t, "call")) {
        return parse_callblock(p, bt);
    }
    if (is_name(t, "filter")) {
        return parse_filterblock(p, bt);
    }
    if (is_name(t, "with")) {
        return parse_with(p, bt);
    }
    if (is_name(t, "block")) {
        return parse_block(p, bt);
    }
    if (is_name(t, "do")) {
        return perr(p, t, "Encountered unknown tag 'do'. Jinja was looking "
                    "for the following tags: the 'do' extension.");
    }
    if (is_name(t, "include")) {
        return parse_include(p, bt);
    }
    if (is_name(t, "extends")) {
        return parse_extends(p, bt, t);
    }
    if (is_name(t, "import")) {
        return parse_import(p, bt);
    }
    if (is_name(t, "from")) {
        return parse_fromimport(p, bt, t);
    }
    if (is_name(t, "autoescape")) {
        return parse_autoescape(p, bt);
    }
    return perr(p, t, "Encountered unknown tag '%.*s'.", (int) t->len, t->s);
}


/* "'elif' or 'else' or 'endif'", as Jinja lists what it looked for. */
static const char *
join_tags(parser_t *p, const char **ends)
{
    gw_buf_t  b;
    size_t    k;

    gw_buf_init(&b, p->a, 64);
    for (k = 0; ends[k]; k++) {
        gw_buf_printf(&b, "%s'%s'", k ? " or " : "", ends[k]);
    }
    if (gw_buf_putc(&b, '\0') != GW_OK) {
        return "";
    }
    return b.data;
}


/* A statement's body (stmt "" for the file's top level): an
 * {% extends %} may stand in an if's, as in Jinja, but in no other. */
static tmpl_node_t *
parse_body(parser_t *p, const char **ends, const char *stmt, size_t *which)
{
    tmpl_node_t  *n;
    int           scoped = stmt[0] != '\0' && strcmp(stmt, "if") != 0;
    int           soft = p->soft;

    /* a loop's, macro's or block's body is a frame of its own in Jinja,
     * not a soft one */
    p->soft = scoped ? 0 : soft;
    p->scoped += scoped;
    n = parse_nodes(p, ends, stmt, which);
    p->scoped -= scoped;
    p->soft = soft;
    return n;
}


/*
 * Parse nodes until one of ends (NULL-terminated) opens a tag; *which is
 * the index of the end tag found.  The end tag is consumed up to "%}".
 */
static tmpl_node_t *
parse_nodes(parser_t *p, const char **ends, const char *stmt, size_t *which)
{
    tmpl_node_t   *first = NULL, *last = NULL, *n;
    tmpl_tok_t    *t;
    size_t         k;
    char           b[80];

    for ( ;; ) {
        t = cur(p);
        n = NULL;
        if (t->type == T_EOF) {
            if (ends == NULL) {
                return first;
            }
            return perr(p, t, "Unexpected end of template. Jinja was "
                        "looking for the following tags: %s. The innermost "
                        "block that needs to be closed is '%s'.",
                        join_tags(p, ends), stmt);
        }
        if (t->type == T_DATA) {
            n = node_new(p, N_TEXT, t);
            if (n == NULL) {
                return NULL;
            }
            n->s = t->s;
            n->len = t->len;
            p->i++;
        } else if (t->type == T_VAR_BEGIN) {
            p->i++;
            n = node_new(p, N_OUTPUT, t);
            if (n == NULL) {
                return NULL;
            }
            n->a = parse_tuple(p, 1, NULL);
            if (n->a == NULL) {
                return NULL;
            }
            if (!expect_type(p, T_VAR_END, "end of print statement")) {
                return NULL;
            }
        } else if (t->type == T_BLOCK_BEGIN) {
            p->i++;
            t = cur(p);
            if (ends != NULL && t->type == T_NAME) {
                for (k = 0; ends[k]; k++) {
                    if (is_name(t, ends[k])) {
                        p->i++;
                        *which = k;
                        if (strcmp(ends[k], "elif") != 0
                            && strcmp(ends[k], "endblock") != 0
                            && !expect_block_end(p))
                        {
                            return NULL;
                        }
                        return first;
                    }
                }
            }
            if (t->type == T_NAME && t->len > 3
                && (memcmp(t->s, "end", 3) == 0 || is_name(t, "else")
                    || is_name(t, "elif")))
            {
                if (ends == NULL) {
                    return perr(p, t, "Encountered unknown tag '%.*s'.",
                                (int) t->len, t->s);
                }
                return perr(p, t, "Encountered unknown tag '%.*s'. Jinja "
                            "was looking for the following tags: %s. The "
                            "innermost block that needs to be closed is "
                            "'%s'.", (int) t->len, t->s, join_tags(p, ends),
                            stmt);
            }
            n = parse_statement(p);
            if (n == NULL) {
                return NULL;
            }
            p->depth--;
        } else {
            return perr(p, t, "unexpected '%s'", tok_desc(t, b, sizeof(b)));
        }
        if (last) {
            last->next = n;
        } else {
            first = n;
        }
        last = n;
    }
}


/*
 * Python scoping, as Jinja compiles it: a name whose first top-level
 * reference is an assignment is a local of the template from its start,
 * undefined until assigned, hiding the context's value even from loops and
 * macros that run earlier.  Collect those names.
 */
typedef struct scan_level_s  scan_level_t;

/* The names met so far: one set per if branch being read, each above the
 * sets of the branches it is in, so that a branch starts from what came
 * before it without a copy. */
struct scan_level_s {
    tmpl_name_set_t   seen;
    scan_level_t     *up;
};

typedef struct {
    parser_t         *p;
    scan_level_t      root;
    scan_level_t     *cur;
    size_t            locals_cap;
    tmpl_t           *t;
} scope_scan_t;


static int
name_set_has(const tmpl_name_set_t *set, const char *name)
{
    return set->cap && set->slots[name_slot(set->slots, set->cap, name)]
                       != NULL;
}


static void
scan_ref(scope_scan_t *sc, const char *name, int store)
{
    scan_level_t   *l;

    for (l = sc->cur->up; name != NULL && l != NULL; l = l->up) {
        if (name_set_has(&l->seen, name)) {
            return;
        }
    }
    if (name == NULL || name_set_add(sc->p->a, &sc->cur->seen, name) != 1) {
        return;
    }
    if (store) {
        if (gw_array_grow(sc->p->a, &sc->t->locals, sc->t->nlocals,
                          &sc->locals_cap, sizeof(char *)) != GW_OK)
        {
            return;
        }
        sc->t->locals[sc->t->nlocals++] = name;
    }
}


static void
scan_loads(scope_scan_t *sc, tmpl_node_t *e)
{
    size_t  i;

    if (e == NULL) {
        return;
    }
    if (e->type == N_NAME) {
        scan_ref(sc, e->s, 0);
        return;
    }
    scan_loads(sc, e->a);
    scan_loads(sc, e->b);
    scan_loads(sc, e->c);
    scan_loads(sc, e->d);
    for (i = 0; i < e->nargs; i++) {
        scan_loads(sc, e->args[i]);
    }
    if (e->type == N_DICT) {
        for (i = 0; i < e->nargs; i++) {
            scan_loads(sc, e->vals[i]);
        }
    } else if (e->type == N_CALL) {
        for (i = 0; i < e->nnames; i++) {
            scan_loads(sc, e->vals[i]);
        }
    }
}


static void
scan_stores(scope_scan_t *sc, tmpl_node_t *t)
{
    size_t  i;

    if (t->type == N_NAME) {
        scan_ref(sc, t->s, 1);
    } else if (t->type == N_ATTR) {
        scan_ref(sc, t->a->s, 0);
    } else {
        for (i = 0; i < t->nargs; i++) {
            scan_stores(sc, t->args[i]);
        }
    }
}


static void scan_root(scope_scan_t *sc, tmpl_node_t *n);


/*
 * An if's branches, as Jinja's branch_update() sees them: a name first
 * assigned inside is a local from the start only when every branch (the
 * body and the elif/else chain) assigns it; otherwise, while no taken
 * branch has assigned it, it is the context's.
 */
static void
scan_branches(scope_scan_t *sc, tmpl_node_t *body, tmpl_node_t *other)
{
    size_t            i, k, base = sc->t->nlocals;
    scan_level_t      lv[2];
    tmpl_name_set_t   in_body;

    memset(lv, 0, sizeof(lv));
    memset(&in_body, 0, sizeof(in_body));
    lv[0].up = lv[1].up = sc->cur;
    sc->cur = &lv[0];
    scan_root(sc, body);
    for (i = base; i < sc->t->nlocals; i++) {
        (void) name_set_add(sc->p->a, &in_body, sc->t->locals[i]);
    }
    sc->t->nlocals = base;
    sc->cur = &lv[1];
    scan_root(sc, other);
    sc->cur = lv[0].up;
    for (i = k = base; i < sc->t->nlocals; i++) {
        if (name_set_has(&in_body, sc->t->locals[i])) {
            sc->t->locals[k++] = sc->t->locals[i];
        }
    }
    sc->t->nlocals = k;
    /* what either branch met counts as met after the if */
    for (k = 0; k < 2; k++) {
        for (i = 0; i < lv[k].seen.cap; i++) {
            if (lv[k].seen.slots[i] != NULL) {
                (void) name_set_add(sc->p->a, &sc->cur->seen,
                                    lv[k].seen.slots[i]);
            }
        }
    }
}


static void
scan_root(scope_scan_t *sc, tmpl_node_t *n)
{
    size_t  i;

    for ( ; n != NULL; n = n->next) {
        switch (n->type) {
        case N_OUTPUT:
        case N_INCLUDE:
        case N_EXTENDS:
        case N_AUTOESCAPE:
            scan_loads(sc, n->a);
            break;
        case N_IF:
            scan_loads(sc, n->a);
            scan_branches(sc, n->b, n->c);
            break;
        case N_FOR:
            scan_loads(sc, n->b);
            break;
        case N_SET:
            scan_loads(sc, n->b);
            scan_stores(sc, n->a);
            break;
        case N_SETBLOCK:
            scan_stores(sc, n->a);
            break;
        case N_WITH:
            for (i = 0; i < n->nargs; i++) {
                scan_loads(sc, n->vals[i]);
            }
            break;
        case N_MACRO:
            scan_ref(sc, n->s, 1);
            break;
        case N_CALLBLOCK:
            scan_loads(sc, n->b);
            break;
        case N_IMPORT:
            scan_loads(sc, n->a);
            scan_ref(sc, n->s, 1);
            break;
        case N_FROMIMPORT:
            scan_loads(sc, n->a);
            for (i = 0; i < n->nnames; i++) {
                scan_ref(sc, n->names[i], 1);
            }
            break;
        default:
            break;
        }
    }
}


static int
ends_with(const char *s, const char *suffix)
{
    size_t  a = strlen(s), b = strlen(suffix);

    return a >= b && strcmp(s + a - b, suffix) == 0;
}


tmpl_t *
tmpl_compile(gw_tmpl_env_t *env, const char *name, const char *src,
    size_t len, char *err, size_t errsz)
{
    parser_t     p;
    gw_arena_t  *a;
    tmpl_t      *t;
    size_t       which;

    a = gw_arena_create(16384);
    if (a == NULL) {
        snprintf(err, errsz, "%s: out of memory", name);
        return NULL;
    }
    t = gw_arena_calloc(a, sizeof(tmpl_t));
    if (t == NULL) {
        goto failed;
    }
    t->arena = a;
    t->name = gw_arena_strdup(a, name);
    if (t->name == NULL) {
        goto failed;
    }
    t->autoescape = ends_with(name, ".html") || ends_with(name, ".htm")
                    || ends_with(name, ".xml") || ends_with(name, ".xhtml");

    memset(&p, 0, sizeof(p));
    p.env = env;
    p.a = a;
    p.t = t;
    p.err = err;
    p.errsz = errsz;
    err[0] = '\0';
    if (tmpl_lex(a, t->name, src, len, &p.toks, &p.ntoks, err, errsz)
        != GW_OK)
    {
        if (err[0] == '\0') {
            snprintf(err, errsz, "%s: out of memory", name);
        }
        goto failed;
    }
    t->body = parse_body(&p, NULL, "", &which);
    if (err[0]) {
        goto failed;
    }
    if (p.ntoks && p.toks[p.ntoks - 1].type == T_ERROR) {
        snprintf(err, errsz, "%s", p.toks[p.ntoks - 1].s);
        goto failed;
    }
    if (p.deferred != NULL) {
        snprintf(err, errsz, "%s", p.deferred);
        goto failed;
    }
    t->blocks = p.blocks;
    t->nblocks = p.nblocks;
    {
        scope_scan_t  sc;

        memset(&sc, 0, sizeof(sc));
        sc.p = &p;
        sc.t = t;
        sc.cur = &sc.root;
        scan_root(&sc, t->body);
    }
    return t;

failed:
    if (err[0] == '\0') {
        snprintf(err, errsz, "%s: out of memory", name);
    }
    gw_arena_destroy(a);
    return NULL;
}
