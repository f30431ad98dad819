/*
 * tmpl.h: internals of the template engine shared by its files: tokens, the
 * compiled node tree, run-time values and the render state.
 */

#ifndef GW_TMPL_H
#define GW_TMPL_H

#include "gateway.h"

#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif


/* Internal symbols stay inside the library: no PLT on the render path. */
#pragma GCC visibility push(hidden)


/* ---- run-time values ---------------------------------------------------- */

/*
 * A value is small and passed by copy.  JSON arrays and objects from the
 * context stay jansson values (no copy); scalars are converted on access.
 * V_MISSING (zero) marks an argument that was not given.
 */
typedef enum {
    V_MISSING = 0,
    V_UNDEF,        /* u.s: the error message if it is used */
    V_NONE,
    V_BOOL,
    V_INT,
    V_FLOAT,
    V_STR,          /* u.s, n; safe = Markup */
    V_LIST,         /* u.items, n; tuple = printed as a tuple */
    V_DICT,         /* u.d; ns = namespace() */
    V_JLIST,        /* u.j */
    V_JDICT,        /* u.j */
    V_MACRO,        /* u.p: tmpl_macro_t */
    V_LOOP,         /* u.p: tmpl_loop_t */
    V_BUILTIN,      /* n: builtin id, u.p: bound data */
    V_FUNC,         /* u.p: tmpl_func_t */
    V_BLOCKS,       /* self: u.p unused */
    V_BIGINT        /* u.p: tmpl_big_t, an integer outside int64 */
} tmpl_kind_t;

typedef struct tmpl_val_s   tv_t;
typedef struct tmpl_dict_s  tdict_t;
typedef struct tmpl_big_s   tmpl_big_t;

struct tmpl_val_s {
    uint8_t      kind;
    uint8_t      safe;
    uint8_t      tuple;
    uint8_t      ns;
    uint32_t     n;         /* 16 bytes in all: passed in registers */
    union {
        int64_t       i;
        double        f;
        const char   *s;
        tv_t         *items;
        tdict_t      *d;
        json_t       *j;
        void         *p;
    } u;
};

struct tmpl_dict_s {
    tv_t        *keys;
    tv_t        *vals;
    size_t       n;
    size_t       cap;
};


/* ---- tokens ------------------------------------------------------------- */

typedef enum {
    T_EOF = 0,
    T_DATA,
    T_VAR_BEGIN,
    T_VAR_END,
    T_BLOCK_BEGIN,
    T_BLOCK_END,
    T_NAME,
    T_STRING,
    T_INT,
    T_FLOAT,
    T_OP,
    T_ERROR         /* s: the lexer's message, raised when parsed up to */
} tmpl_tok_type_t;

typedef struct {
    int          type;
    uint32_t     line;
    uint32_t     col;
    const char  *s;         /* name, op, decoded string, data */
    size_t       len;
    int64_t      i;
    double       f;
    tv_t         big;       /* T_INT past 64 bits: a V_BIGINT, else 0 */
} tmpl_tok_t;


/* ---- nodes -------------------------------------------------------------- */

typedef enum {
    /* expressions */
    N_CONST = 1, N_NAME, N_ATTR, N_ITEM, N_SLICE, N_BINOP, N_UNARY,
    N_COMPARE, N_AND, N_OR, N_NOT, N_COND, N_LIST, N_TUPLE, N_DICT,
    N_FILTER, N_TEST, N_CALL, N_CONCAT,
    /* statements */
    N_TEXT, N_OUTPUT, N_IF, N_FOR, N_SET, N_SETBLOCK, N_WITH, N_MACRO,
    N_CALLBLOCK, N_INCLUDE, N_IMPORT, N_FROMIMPORT, N_EXTENDS, N_BLOCK,
    N_AUTOESCAPE, N_FILTERBLOCK
} tmpl_node_type_t;

/* binary / unary / compare operators */
enum {
    OP_ADD = 1, OP_SUB, OP_MUL, OP_DIV, OP_FLOORDIV, OP_MOD, OP_POW,
    OP_NEG, OP_POS,
    OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_NOTIN,
    OP_STAR, OP_STARSTAR
};

typedef struct tmpl_node_s  tmpl_node_t;
typedef struct tmpl_s       tmpl_t;
typedef struct tmpl_watch_s tmpl_watch_t;

typedef struct tmpl_rs_s    tmpl_rs_t;

typedef int (*tmpl_filter_pt)(tmpl_rs_t *r, tmpl_node_t *n, tv_t in,
    tv_t *args, tv_t *out);
typedef int (*tmpl_test_pt)(tmpl_rs_t *r, tmpl_node_t *n, tv_t in,
    tv_t *args, int *res);

typedef struct {
    const char      *name;
    const char      *params;    /* "a,b,c": keyword names, in order */
    tmpl_filter_pt   fn;
} tmpl_filter_def_t;

typedef struct {
    const char      *name;
    const char      *params;
    tmpl_test_pt     fn;
} tmpl_test_def_t;

#define TMPL_MAX_ARGS  8
#define TMPL_MAX_WIDTH  (1 << 20)   /* padding a template may ask for */

/*
 * One generic node shape for every kind keeps the parser and walker short.
 * Statement lists are chained through next.  What each field holds, per
 * type (as Jinja's nodes.py names them; a field not listed is unused):
 *
 *   expressions
 *   N_CONST       val: the value
 *   N_NAME        s, len: the (interned) name
 *   N_ATTR        a: node, s, len: attr; op: 1 if attr is a dict method
 *                 (so a context object's key is tried first otherwise)
 *   N_ITEM        a: node, b: arg
 *   N_SLICE       a: node, b, c, d: start, stop, step (each may be NULL)
 *   N_BINOP       op: OP_ADD .. OP_POW, a: left, b: right
 *   N_UNARY       op: OP_NEG, OP_POS, or OP_STAR / OP_STARSTAR for a call's
 *                 *args / **kwargs; a: node
 *   N_AND, N_OR   a: left, b: right
 *   N_NOT         a: node
 *   N_COMPARE     a: expr; args, nargs: the operands after it, ops: their
 *                 operators (OP_EQ .. OP_NOTIN), one each
 *   N_COND        a: test, b: expr1, c: expr2 (NULL: undefined)
 *   N_LIST, N_TUPLE  args, nargs: items
 *   N_DICT        args: keys, vals: values, nargs: how many
 *   N_CONCAT      args, nargs: the operands of ~
 *   N_FILTER      a: node (NULL in a filter block: the block's text), s:
 *                 name, def: tmpl_filter_def_t; args, nargs: arguments
 *                 bound to def->params (NULL: not given); NF_KWARGS:
 *                 format's keywords, one N_DICT; NF_ARGERR: val the error
 *   N_TEST        as N_FILTER (def: tmpl_test_def_t); NF_NEGATE: "is not"
 *   N_CALL        a: node; args, nargs: positional; names, vals, nnames:
 *                 keyword names and values; NF_PLAIN_ARGS
 *
 *   statements
 *   N_TEXT        s, len: the text
 *   N_OUTPUT      a: the expression printed
 *   N_IF          a: test, b: body, c: else body, or the elif's N_IF
 *                 (flag 1 << 30: an elif); NF_EXTENDS
 *   N_FOR         a: target, b: iter, c: body, d: test (the inline if),
 *                 vals[0]: else body (vals NULL: none); NF_RECURSIVE
 *   N_SET         a: target, b: node
 *   N_SETBLOCK    a: target, b: body, c: filter (NULL: none)
 *   N_WITH        args: targets, vals: values, nargs: how many; a: body
 *   N_MACRO       s: name, names, nnames: args, vals: defaults (NULL: none),
 *                 a: body; NF_VARARGS, NF_KWARGS, NF_CALLER
 *   N_CALLBLOCK   b: call (an N_CALL), names, vals, nnames: the caller's
 *                 args and defaults, a: body; flags as N_MACRO
 *   N_INCLUDE     a: template; NF_IGNORE_MISSING, NF_WITH_CONTEXT
 *   N_IMPORT      a: template, s: target; NF_WITH_CONTEXT
 *   N_FROMIMPORT  a: template; args[i]->s: a name, names[i]: what it is
 *                 bound to; nargs: how many; NF_WITH_CONTEXT
 *   N_EXTENDS     a: template
 *   N_BLOCK       s: name, a: body; NF_SCOPED, NF_REQUIRED
 *   N_AUTOESCAPE  a: the setting, b: body
 *   N_FILTERBLOCK b: body, c: filter
 */
struct tmpl_node_s {
    uint16_t         type;
    uint16_t         op;
    uint32_t         line;
    uint32_t         col;
    uint32_t         flags;
    tmpl_node_t     *next;
    tmpl_node_t     *a, *b, *c, *d;
    tmpl_node_t    **args;      /* positional args, list items, dict keys */
    size_t           nargs;
    tmpl_node_t    **vals;      /* dict values, kw values, macro defaults */
    const char     **names;     /* kw names, macro params, for targets */
    size_t           nnames;
    const char      *s;         /* name, attribute, text */
    size_t           len;
    tv_t             val;       /* constant */
    const void      *def;       /* filter/test definition */
    uint8_t         *ops;       /* compare operators */
    tmpl_t          *tmpl;      /* owning template (blocks, macros) */
};

/* node flags */
#define NF_IGNORE_MISSING  0x01
#define NF_WITH_CONTEXT    0x02
#define NF_RECURSIVE       0x04
#define NF_SCOPED          0x08
#define NF_REQUIRED        0x10
#define NF_NEGATE          0x20
#define NF_CALLER          0x40
#define NF_VARARGS         0x80
#define NF_KWARGS          0x100    /* also: format's keyword arguments */
#define NF_ARGERR          0x400    /* bad filter/test arguments: n->val */
#define NF_PLAIN_ARGS      0x800    /* a call without * or **, and with no
                                       more than TMPL_PLAIN_ARGS arguments */
#define NF_EXTENDS         0x1000   /* an if holding an {% extends %} */

#define TMPL_PLAIN_ARGS  8

struct tmpl_s {
    const char      *name;
    tmpl_node_t     *body;
    int              autoescape;
    tmpl_node_t    **blocks;    /* every block node in the file */
    size_t           nblocks;
    int              has_extends;
    const char     **locals;    /* top-level names assigned before use */
    size_t           nlocals;
    gw_arena_t      *arena;     /* owns the nodes */
    tmpl_t          *next;      /* env's list */
    tmpl_watch_t    *watch;     /* its file, for auto-reload; NULL if
                                   compiled from memory */
};


/* ---- environment -------------------------------------------------------- */

typedef struct {
    const char      *name;
    gw_tmpl_fn_pt    fn;
    void            *data;
    gw_tmpl_argfn_pt argfn;     /* set instead of fn: the argument form */
} tmpl_func_t;

struct gw_tmpl_env_s {
    char           **paths;
    size_t           npaths;
    json_t          *globals;
    tmpl_func_t     *funcs;
    size_t           nfuncs;
    tmpl_t          *templates;
    /* interned identifiers, so that scopes compare pointers */
    char           **names;
    size_t           nnames;
    size_t           names_cap;
    gw_arena_t      *arena;
    pthread_mutex_t  lock;      /* serialises compiling on demand */
    const char      *s_loop;    /* interned names the renderer binds */
    const char      *s_varargs;
    const char      *s_kwargs;
    const char      *s_caller;
    locale_t         loc;       /* C.UTF-8, for Unicode case mapping */
    uint64_t         max_steps; /* loop iterations and calls one render
                                   may make; 0: the default, a guard
                                   against runaway loops */
    size_t           max_output; /* bytes in any text a render builds;
                                   0: the default */
    size_t           max_memory; /* bytes a render may take from its
                                   arena; 0: the default */
    int              reload;    /* auto-reload: look at the files again */
    int64_t          reload_ns; /* at most this often per template */
};

#define TMPL_DEFAULT_STEPS  GW_TMPL_MAX_STEPS


/* ---- render state ------------------------------------------------------- */

typedef struct tmpl_frame_s  tmpl_frame_t;

#define TMPL_GCACHE  16     /* a power of two */
#define TMPL_CCACHE  64     /* a power of two */
#define TMPL_LAZY_ATTRS  8

struct tmpl_frame_s {
    tmpl_frame_t    *parent;
    const char     **names;
    tv_t            *vals;
    size_t           n;
    size_t           cap;
    json_t          *ctx;       /* a template's top-level frame: context */
};

typedef struct {
    tmpl_node_t     *node;      /* N_MACRO or N_CALLBLOCK */
    tmpl_frame_t    *closure;
    tmpl_t          *tmpl;
    tv_t             caller;
    int              autoescape;
    int             *ectx;      /* the eval context it was defined in */
} tmpl_macro_t;

typedef struct tmpl_loop_s  tmpl_loop_t;

struct tmpl_loop_s {
    tv_t            *items;
    size_t           n;
    size_t           i;
    int              depth;
    tmpl_node_t     *node;
    tmpl_frame_t    *frame;     /* where the for statement ran */
    tv_t             last_changed;
    int              has_changed;
};

typedef struct {
    const char      *name;
    size_t           ndefs;
    tmpl_node_t    **defs;      /* most derived first */
} tmpl_block_slot_t;

struct tmpl_rs_s {
    gw_tmpl_env_t       *env;
    gw_arena_t          *a;
    json_t              *ctx;
    void                *render_data;
    char                *err;
    size_t               errsz;
    int                  failed;
    uint32_t             unplaced;  /* err has no line yet: its message
                                     * starts at err[unplaced - 1] */
    int                  autoescape;
    tmpl_t              *tmpl;
    tmpl_block_slot_t   *blocks;
    size_t               nblocks;
    size_t               blocks_cap;
    int                  depth;
    tmpl_block_slot_t   *cur_block;     /* for super() */
    size_t               cur_block_def;
    tmpl_frame_t        *root;          /* top-level frame of the page */
    tmpl_t              *parent;        /* set by {% extends %} */
    int                  drop;          /* the running code comes after an
                                           extends: text and {{ }} are
                                           dropped unevaluated */
    tv_t                 fb_input;      /* body of a filter block */
    uint64_t             steps;
    uint64_t             max_steps;
    size_t               max_output;
    size_t               max_memory;
    tmpl_frame_t        *cur_block_frame;   /* scope of the block, super() */
    const char          *ctx_name;  /* the template the running context
                                       was made for (`self` prints it) */
    int                 *ectx;      /* the running context's eval context
                                       (its autoescape), as in Jinja: one
                                       per page, include and import,
                                       changed by {% autoescape %} */
    /* globals and functions found by name this render (they cannot
     * change while it runs): url_for on every link is looked up once */
    struct {
        const char      *name;
        tv_t             val;
    }                    gcache[TMPL_GCACHE];
    struct {
        const char      *name;
        json_t          *ctx;
        int              found;
        tv_t             val;
    }                    ccache[TMPL_CCACHE];   /* the context's, likewise */
    const char          *lazy_name;     /* a context entry made on first */
    gw_tmpl_lazy_pt      lazy;          /* use (the framework's request), */
    json_t              *lazy_val;      /* borrowed from the arena */
    size_t               nlazy_attrs;   /* its attributes asked for alone */
    struct {
        const char      *name;
        json_t          *val;
    }                    lazy_attrs[TMPL_LAZY_ATTRS];
    json_t              *fn_args;       /* emptied containers of the JSON */
    json_t              *fn_kwargs;     /* function form, for reuse */
};

/* builtin callables */
enum {
    B_RANGE = 1, B_DICT, B_NAMESPACE, B_CYCLER, B_JOINER, B_LIPSUM,
    B_LOOP_CYCLE, B_LOOP_CHANGED, B_SUPER, B_SELF_BLOCK,
    B_METHOD, B_CYCLER_NEXT, B_CYCLER_RESET, B_JOINER_CALL
};

typedef struct {
    tv_t         self;
    const char  *name;
} tmpl_method_t;


/* lexer.c */
int tmpl_lex(gw_arena_t *a, const char *name, const char *src, size_t len,
    tmpl_tok_t **toks, size_t *ntoks, char *err, size_t errsz);

/* parser.c */
tmpl_t *tmpl_compile(gw_tmpl_env_t *env, const char *name, const char *src,
    size_t len, char *err, size_t errsz);
const char *tmpl_intern(gw_tmpl_env_t *env, const char *s, size_t len);

/* environment.c: the template called name, compiled on first use.  NULL with
 * *missing set when no such file exists, or with a compile error. */
tmpl_t *tmpl_env_get(gw_tmpl_env_t *env, const char *name, size_t len,
    int *missing, char *err, size_t errsz);
void tmpl_env_link(gw_tmpl_env_t *env, tmpl_t *t);
int tmpl_env_add_func(gw_tmpl_env_t *env, const char *name, gw_tmpl_fn_pt fn,
    gw_tmpl_argfn_pt argfn, void *fn_data);

struct stat;

/* reload.c: with the env lock held, remember t's file; the version of t to
 * render now, recompiled if its file changed (NULL as for tmpl_env_get) */
int tmpl_watch_new(gw_tmpl_env_t *env, tmpl_t *t, const char *path,
    const struct stat *st);
tmpl_t *tmpl_reload(gw_tmpl_env_t *env, tmpl_t *t, int *missing, char *err,
    size_t errsz);

/* repr.c: 10^0 .. 10^15, each exact as a double */
extern const double tmpl_pow10[16];

/* repr.c: round(|d| * 10^prec) when it can be told without printf, and
 * "%.{prec}f" of d from it into buf[40] (0: printf's turn) */
int tmpl_round_scaled(double d, int prec, double *m);
size_t tmpl_fixed_format(double d, int prec, char *buf);

/* bigint.c: integers past 64 bits (V_BIGINT), as Python's.  The
 * integer operands are ints, bools or V_BIGINTs; results that fit 64 bits
 * come back as ints.  tmpl_big_parse() returns 1 past Python's 4300
 * digits (or 2**20 bits); tmpl_num_cmp() compares any two numbers
 * exactly (2: NaN). */
int tmpl_big_parse(gw_arena_t *a, const char *digits, int base, tv_t *out);
int tmpl_big_from_float(tmpl_rs_t *r, tmpl_node_t *n, double d, tv_t *out);
/* any number (int, bool, big or float) as a double, as float() */
int tmpl_big_to_float(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, double *d);
int tmpl_big_arith(tmpl_rs_t *r, tmpl_node_t *n, int op, tv_t a, tv_t b,
    tv_t *out);
int tmpl_num_cmp(tv_t a, tv_t b);
int tmpl_big_round(tmpl_rs_t *r, tmpl_node_t *n, tv_t x, int64_t ndigits,
    tv_t *out);
int tmpl_big_sign(tv_t v);
int tmpl_big_divisible(tv_t v, tv_t m);
/* the decimal digits into TMPL_BIG_CHARS bytes (GW_ERROR past Python's
 * 4300); in any base from 2 to 36 (negative: upper case) appended to b,
 * past 4300 decimal digits Python's ValueError */
#define TMPL_BIG_CHARS  4302
int tmpl_big_digits(tv_t v, char *buf);
int tmpl_big_append(tmpl_rs_t *r, gw_buf_t *b, tv_t v, int base);
static inline int tv_is_int(tv_t v)
{ return v.kind == V_INT || v.kind == V_BOOL || v.kind == V_BIGINT; }

/* format.c: Python's printf-style fmt % args, shared with |format: a
 * tuple's items, or one argument (also the mapping for "%(key)s"); and
 * str.format() */
int tmpl_percent_format(tmpl_rs_t *r, tmpl_node_t *n, tv_t fmt, tv_t *args,
    size_t nargs, int tuple, tv_t *out);
int tmpl_str_format(tmpl_rs_t *r, tmpl_node_t *n, tv_t fmt, tv_t *args,
    size_t nargs, const char **knames, tv_t *kvals, size_t nkw, tv_t *out);

/* urlize.c */
int tmpl_urlize(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, tv_t *args,
    tv_t *out);

/* filters.c, tests.c */
const tmpl_filter_def_t *tmpl_filter_find(const char *name, size_t len);
/* dates.c: v (an ISO-8601 string or seconds since the epoch) formatted
 * by fmt as Python's strftime() in the C locale */
int tmpl_date_format(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, tv_t fmt,
    tv_t *out);
int tmpl_f_strftime(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, tv_t *args,
    tv_t *out);
int tmpl_f_datetimeformat(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, tv_t *args,
    tv_t *out);
const tmpl_test_def_t *tmpl_test_find(const char *name, size_t len);
/* tests.c: a test by name, as `select` and `reject` apply it */
int tmpl_apply_test(tmpl_rs_t *r, tmpl_node_t *n, const char *name,
    tv_t in, tv_t *args, size_t nargs, int *res);

/* value.c */
static inline tv_t tv_undef(const char *msg)
{ tv_t v = { V_UNDEF, 0, 0, 0, 0, { .s = msg } }; return v; }
static inline tv_t tv_none(void)
{ tv_t v = { V_NONE, 0, 0, 0, 0, { .i = 0 } }; return v; }
static inline tv_t tv_bool(int b)
{ tv_t v = { V_BOOL, 0, 0, 0, 0, { .i = b ? 1 : 0 } }; return v; }
static inline tv_t tv_int(int64_t i)
{ tv_t v = { V_INT, 0, 0, 0, 0, { .i = i } }; return v; }
static inline tv_t tv_float(double f)
{ tv_t v = { V_FLOAT, 0, 0, 0, 0, { .f = f } }; return v; }
/* Lengths are 32 bits, so that a value fits two registers; a longer
 * string (past any page) is an error where it is used.  A copy the arena
 * refused (NULL: the memory cap) is seen as empty, never as n bytes at
 * NULL; the render then fails at its end. */
static inline tv_t tv_str(const char *s, size_t n, int safe)
{
    tv_t  v = { V_STR, (uint8_t) safe, 0, 0, (uint32_t) n, { .s = s } };

    if (__builtin_expect(s == NULL, 0)) {
        v.u.s = "";
        v.n = 0;
    }
    return n > UINT32_MAX ? tv_undef("string longer than 4 GiB") : v;
}
static inline tv_t tv_list(tv_t *items, size_t n)
{
    tv_t  v = { V_LIST, 0, 0, 0, (uint32_t) n, { .items = items } };

    return n > UINT32_MAX ? tv_undef("list longer than 2**32 items") : v;
}

/* A context value as the engine sees it: containers stay jansson's,
 * scalars are viewed in place (inline: a page asks for hundreds). */
static inline tv_t
tv_from_json(json_t *j)
{
    tv_t  v = { V_NONE, 0, 0, 0, 0, { .i = 0 } };

    if (j == NULL) {
        return v;
    }
    switch (json_typeof(j)) {
    case JSON_STRING:
        return tv_str(json_string_value(j), json_string_length(j), 0);
    case JSON_OBJECT:
        v.kind = V_JDICT;
        v.u.j = j;
        return v;
    case JSON_ARRAY:
        v.kind = V_JLIST;
        v.u.j = j;
        v.n = (uint32_t) json_array_size(j);
        return v;
    case JSON_INTEGER:
        return tv_int(json_integer_value(j));
    case JSON_REAL:
        return tv_float(json_real_value(j));
    case JSON_TRUE:
        return tv_bool(1);
    case JSON_FALSE:
        return tv_bool(0);
    default:
        return v;
    }
}

int tv_truthy(tv_t v);

/* tv_truthy() of the kinds conditions mostly test, inline */
static inline int
tv_truth(tv_t v)
{
    if (v.kind == V_BOOL || v.kind == V_INT) {
        return v.u.i != 0;
    }
    if (v.kind == V_STR) {
        return v.n != 0;
    }
    return tv_truthy(v);
}

/* A number's value, as *i too when *isint (int and bool); 0 if v is no
 * number.  Inline: arithmetic and comparisons ask it of both operands. */
static inline int
tv_num(tv_t v, int64_t *i, double *d, int *isint)
{
    if (v.kind == V_INT || v.kind == V_BOOL) {
        *i = v.u.i;
        *d = (double) v.u.i;
        *isint = 1;
        return 1;
    }
    if (v.kind == V_FLOAT) {
        *d = v.u.f;
        *isint = 0;
        return 1;
    }
    return 0;
}

int tv_is_seq(tv_t v);
int tv_is_map(tv_t v);
int tv_is_num(tv_t v);
int tv_to_list(tmpl_rs_t *r, tv_t v, tv_t **items, size_t *n);
int tv_map_items(tmpl_rs_t *r, tv_t v, tv_t **keys, tv_t **vals, size_t *n);
int tv_map_get(tmpl_rs_t *r, tv_t m, tv_t key, tv_t *out);
int tv_map_set(tmpl_rs_t *r, tv_t m, tv_t key, tv_t val);
tdict_t *tv_dict_new(tmpl_rs_t *r, size_t cap);
int tv_dict_copy(tmpl_rs_t *r, tv_t m, tv_t *out);
int tv_eq(tv_t a, tv_t b);
int tv_cmp(tmpl_rs_t *r, tmpl_node_t *n, tv_t a, tv_t b, int *res);
int tv_len(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, int64_t *len);
const char *tv_type_name(tv_t v);
json_t *tv_to_json(tv_t v);

/* repr.c: Python's str() and repr() */
int tv_str_append(tmpl_rs_t *r, gw_buf_t *b, tv_t v);
int tv_repr_append(tmpl_rs_t *r, gw_buf_t *b, tv_t v);
tv_t tv_to_str(tmpl_rs_t *r, tv_t v);
void tmpl_float_repr(double f, char *buf, size_t size);

/* repr.c: escaping as markupsafe does */
int tmpl_escape_slow(gw_buf_t *b, const char *s, size_t n);
tv_t tv_escape(tmpl_rs_t *r, tv_t v);

/* errors.c: the render's error at n (or the template), set once; both
 * return GW_ERROR.  tmpl_undef_check() fails on an undefined value. */
int tmpl_error(tmpl_rs_t *r, tmpl_node_t *n, const char *fmt, ...)
    GW_PRINTF(3, 4);
int tmpl_undef_check(tmpl_rs_t *r, tmpl_node_t *n, tv_t v);
int tmpl_oom(tmpl_rs_t *r, tmpl_node_t *n);

/* render.c: evaluation and execution, and the scopes they run in; what
 * the files below need of it */
int tmpl_eval(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tv_t *out);
int tmpl_exec_body(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f,
    gw_buf_t *out);
/* counts a macro, block, include or import against the depth and step
 * caps; the caller decrements r->depth when it returns */
int tmpl_enter(tmpl_rs_t *r, tmpl_node_t *n);
tmpl_frame_t *tmpl_frame_new(tmpl_rs_t *r, tmpl_frame_t *parent, size_t cap);
int tmpl_frame_set(tmpl_rs_t *r, tmpl_frame_t *f, const char *name, tv_t v);
/* name in f and the scopes around it, the context, the globals */
int tmpl_lookup_slow(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f,
    const char *name, tv_t *out);
const char *tmpl_undef_msg(tmpl_rs_t *r, const char *name);
int tmpl_getattr(tmpl_rs_t *r, tmpl_node_t *n, tv_t obj, const char *name,
    size_t len, tv_t *out);
int tmpl_getitem(tmpl_rs_t *r, tmpl_node_t *n, tv_t obj, tv_t key,
    tv_t *out);

/* builtins.c: range, dict, ... by name (0 if name is none of them), and
 * calling one (a V_BUILTIN) */
int tmpl_builtin_lookup(tmpl_rs_t *r, const char *name, tv_t *out);
int tmpl_builtin_call(tmpl_rs_t *r, tmpl_node_t *n, tv_t fn, tv_t *args,
    size_t nargs, const char **knames, tv_t *kvals, size_t nkw, tv_t *out);

/* inherit.c: a template run as a page or context, its extends chain
 * followed; {% extends %}, {% block %}, and super() / self.name() */
int tmpl_exec_template(tmpl_rs_t *r, tmpl_t *t, tmpl_frame_t *root,
    gw_buf_t *out);
int tmpl_exec_extends(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f);
int tmpl_exec_block(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f,
    gw_buf_t *out);
int tmpl_block_call(tmpl_rs_t *r, tmpl_node_t *n, tv_t fn, tv_t *out);
tmpl_block_slot_t *tmpl_find_block(tmpl_rs_t *r, const char *name);

/* include.c: the template a name (or the first found of a list) names,
 * *out NULL if missing and ignore_missing; {% include %}, {% import %} and
 * {% from ... import %} */
int tmpl_load_template(tmpl_rs_t *r, tmpl_node_t *n, tv_t name,
    int ignore_missing, tmpl_t **out);
int tmpl_exec_include(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f,
    gw_buf_t *out);
int tmpl_exec_import(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f);

/* funcs.c: C functions of the argument form.  tmpl_argfn_arg() makes
 * the view of one argument; tmpl_call_argfn() calls, with the result in
 * *out.  Called to write into the page (render.c), a failure is reported
 * by tmpl_argfn_failed() and the text escaped by tmpl_argfn_escape(). */
int tmpl_call_argfn(tmpl_rs_t *r, tmpl_node_t *n, tmpl_func_t *fn,
    tv_t *args, size_t nargs, const char **knames, tv_t *kvals, size_t nkw,
    tv_t *out);
int tmpl_argfn_other(tmpl_rs_t *r, tv_t v, const char *name,
    gw_tmpl_arg_t *a);
int tmpl_argfn_failed(tmpl_rs_t *r, tmpl_node_t *n, tmpl_func_t *fn,
    const char *msg);
int tmpl_argfn_escape(tmpl_rs_t *r, tmpl_node_t *n, gw_buf_t *to,
    size_t start);

/* strings and integers, what url_for() is given, are viewed inline */
static inline int
tmpl_argfn_arg(tmpl_rs_t *r, tv_t v, const char *name, gw_tmpl_arg_t *a)
{
    if (v.kind != V_STR && v.kind != V_INT) {
        return tmpl_argfn_other(r, v, name, a);
    }
    a->name = name;
    a->type = v.kind == V_STR ? JSON_STRING : JSON_INTEGER;
    a->s = v.kind == V_STR ? v.u.s : NULL;
    a->len = v.kind == V_STR ? v.n : 0;
    a->i = v.kind == V_INT ? v.u.i : 0;
    a->f = 0;
    a->json = NULL;
    return GW_OK;
}

/* utf8.c: the character at s[*i] (a bad byte stands for itself), *i
 * moved past it; characters in s[0..n); c written to o (4 bytes of room),
 * its length; c appended to b */
uint32_t tmpl_utf8_next(const char *s, size_t n, size_t *i);
size_t tmpl_utf8_len(const char *s, size_t n);
size_t tmpl_utf8_encode(char *o, uint32_t c);
void tmpl_utf8_put(gw_buf_t *b, uint32_t c);

/* methods.c: the Python methods values have, in one table by name */
enum {
    M_CAPITALIZE = 1, M_CASEFOLD, M_CENTER, M_COUNT, M_ENDSWITH, M_FIND,
    M_FORMAT, M_GET, M_INDEX,
    M_ISALNUM, M_ISALPHA, M_ISDIGIT, M_ISLOWER, M_ISSPACE, M_ISTITLE,
    M_ISUPPER,      /* M_ISALNUM .. M_ISUPPER: the str.is*() tests */
    M_ITEMS, M_JOIN, M_KEYS, M_LJUST, M_LOWER, M_LSTRIP, M_PARTITION,
    M_REPLACE, M_RFIND, M_RJUST, M_RSPLIT, M_RSTRIP, M_SPLIT, M_SPLITLINES,
    M_STARTSWITH, M_STRFTIME, M_STRIP, M_SWAPCASE, M_TITLE, M_UPDATE,
    M_UPPER, M_VALUES, M_ZFILL, M_COPY
};

#define MT_STR     0x01     /* a method of str */
#define MT_MAP     0x02     /* of dict */
#define MT_SEQ     0x04     /* of list and tuple */
#define MF_NOARGS  0x08     /* takes no arguments */
#define MF_RANGE   0x10     /* str's takes [start[, end]] after its own */

typedef struct {
    const char  *name;
    uint8_t      id;
    uint8_t      flags;
} tmpl_method_def_t;

int tmpl_has_method(tv_t self, const char *name, size_t len);
int tmpl_method_call(tmpl_rs_t *r, tmpl_node_t *n, tv_t self,
    const char *name, tv_t *args, size_t nargs, const char **knames,
    tv_t *kvals, size_t nkw, tv_t *out);

/* strings.c: str's methods (but format()), and the string helpers the
 * filters share */
int tmpl_str_method(tmpl_rs_t *r, tmpl_node_t *n, tv_t s,
    const tmpl_method_def_t *d, tv_t *args, size_t nargs,
    const char **knames, tv_t *kvals, size_t nkw, tv_t *out);
tv_t tmpl_str_finish(tmpl_rs_t *r, gw_buf_t *b, int safe);
tv_t tmpl_str_case(tmpl_rs_t *r, tv_t s, int mode);
tv_t tmpl_str_strip(tmpl_rs_t *r, tv_t s, tv_t chars, int mode);
tv_t tmpl_str_replace(tmpl_rs_t *r, tv_t s, tv_t old, tv_t new,
    int64_t count);
size_t tmpl_space_at(const char *s, size_t n, size_t i);
int tmpl_word_char(tmpl_rs_t *r, const char *s, size_t n, size_t *i);
int tmpl_str_split(tmpl_rs_t *r, tv_t s, tv_t sep, int64_t maxsplit,
    tv_t *out);
tv_t tmpl_str_pad(tmpl_rs_t *r, tv_t s, int64_t width, char fill,
    int where);

/* memcpy that accepts (NULL, 0), as empty lists have no items array. */
static inline void
tmpl_memcpy(void *d, const void *s, size_t n)
{
    if (n) {
        memcpy(d, s, n);
    }
}


/* The engine's allocations: the arena's inline fast path. */
static inline void *
tmpl_alloc(gw_arena_t *a, size_t size)
{
    return gw_arena_alloc_fast(a, size);
}


/* gw_buf_append with the common case inlined. */
static inline int
tmpl_out(gw_buf_t *b, const char *s, size_t n)
{
    if (b->cap - b->len >= n && n) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
        return GW_OK;
    }
    return gw_buf_append(b, s, n);
}

/* Whether s is all ASCII (its characters are its bytes), a word at a
 * time. */
static inline int
tmpl_ascii(const char *s, size_t n)
{
    uint64_t  w, acc = 0;
    size_t    i;

    for (i = 0; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        acc |= w;
    }
    for ( ; i < n; i++) {
        acc |= (unsigned char) s[i];
    }
    return (acc & 0x8080808080808080ull) == 0;
}


/*
 * Whether s holds one of & < > " ' -- asked of nearly every value a page
 * prints, most of them short and clean.  Every load stays inside s: up to
 * 16 bytes are gathered into one vector from overlapping reads, longer
 * strings are read 16 bytes at a time, the last block overlapping.
 */
#ifdef __SSE2__
static inline int
tmpl_esc_vec(__m128i v)
{
    __m128i  hit;

    hit = _mm_or_si128(
              _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('&')),
                           _mm_cmpeq_epi8(v, _mm_set1_epi8('<'))),
              _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('>')),
                                        _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))),
                           _mm_cmpeq_epi8(v, _mm_set1_epi8('\''))));
    return _mm_movemask_epi8(hit) != 0;
}


static inline int
tmpl_needs_escape(const char *s, size_t n)
{
    uint64_t  h, t;
    uint32_t  h4, t4;
    size_t    i;

    if (n == 0) {
        return 0;
    }
    if (n < 4) {
        h4 = (uint32_t) (unsigned char) s[0]
             | (uint32_t) (unsigned char) s[n >> 1] << 8
             | (uint32_t) (unsigned char) s[n - 1] << 16;
        return tmpl_esc_vec(_mm_cvtsi32_si128((int) h4));
    }
    if (n < 8) {
        memcpy(&h4, s, 4);
        memcpy(&t4, s + n - 4, 4);
        return tmpl_esc_vec(_mm_set_epi32(0, 0, (int) t4, (int) h4));
    }
    if (n <= 16) {
        memcpy(&h, s, 8);
        memcpy(&t, s + n - 8, 8);
        return tmpl_esc_vec(_mm_set_epi64x((long long) t, (long long) h));
    }
    for (i = 0; i + 16 < n; i += 16) {
        if (tmpl_esc_vec(_mm_loadu_si128((const __m128i *) (s + i)))) {
            return 1;
        }
    }
    return tmpl_esc_vec(_mm_loadu_si128((const __m128i *) (s + n - 16)));
}
#else
static inline int
tmpl_needs_escape(const char *s, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': case '<': case '>': case '"': case '\'':
            return 1;
        }
    }
    return 0;
}
#endif


/* Appends s, escaped as markupsafe does. */
static inline int
tmpl_escape_append(gw_buf_t *b, const char *s, size_t n)
{
    if (!tmpl_needs_escape(s, n)) {
        return tmpl_out(b, s, n);
    }
    return tmpl_escape_slow(b, s, n);
}

#pragma GCC visibility pop

#endif /* GW_TMPL_H */
