/*
 * tests.c: Jinja's builtin tests ("x is odd").  Each gets its arguments
 * already bound to parameter slots by the parser.
 */

#include "tmpl.h"

#include <math.h>
#include <stdio.h>


#define T(name)  static int name(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, \
                                 tv_t *args, int *res)


T(t_defined) { *res = v.kind != V_UNDEF; return GW_OK; }
T(t_undefined) { *res = v.kind == V_UNDEF; return GW_OK; }
T(t_none) { *res = v.kind == V_NONE; return GW_OK; }
T(t_boolean) { *res = v.kind == V_BOOL; return GW_OK; }
T(t_false) { *res = v.kind == V_BOOL && !v.u.i; return GW_OK; }
T(t_true) { *res = v.kind == V_BOOL && v.u.i; return GW_OK; }
T(t_integer) { *res = v.kind == V_INT || v.kind == V_BIGINT; return GW_OK; }
T(t_float) { *res = v.kind == V_FLOAT; return GW_OK; }
T(t_number) { *res = tv_is_num(v); return GW_OK; }
T(t_string) { *res = v.kind == V_STR; return GW_OK; }
T(t_mapping) { *res = tv_is_map(v); return GW_OK; }
T(t_escaped) { *res = v.kind == V_STR && v.safe; return GW_OK; }

T(t_sequence)
{
    *res = v.kind == V_STR || tv_is_seq(v) || tv_is_map(v);
    return GW_OK;
}

T(t_iterable)
{
    *res = v.kind == V_STR || tv_is_seq(v) || tv_is_map(v)
           || v.kind == V_UNDEF;
    return GW_OK;
}

T(t_callable)
{
    *res = v.kind == V_MACRO || v.kind == V_BUILTIN || v.kind == V_FUNC
           || v.kind == V_LOOP;
    return GW_OK;
}


static int
int_arg(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, int64_t *out)
{
    if (v.kind == V_INT || v.kind == V_BOOL) {
        *out = v.u.i;
        return GW_OK;
    }
    if (v.kind == V_UNDEF) {
        return tmpl_undef_check(r, n, v);
    }
    return tmpl_error(r, n, "unsupported operand type(s) for %%: '%s'",
                      tv_type_name(v));
}


/* Python's x % 2 for a float */
static double
fmod2(double x)
{
    double  m = fmod(x, 2.0);

    return m < 0 ? m + 2.0 : m;
}

T(t_odd)
{
    int64_t  i = 0;

    if (v.kind == V_BIGINT) {
        *res = !tmpl_big_divisible(v, tv_int(2));
        return GW_OK;
    }
    if (v.kind == V_FLOAT) {
        *res = fmod2(v.u.f) == 1.0;
        return GW_OK;
    }
    if (int_arg(r, n, v, &i) != GW_OK) {
        return GW_ERROR;
    }
    *res = (i % 2) != 0;
    return GW_OK;
}

T(t_even)
{
    int64_t  i = 0;

    if (v.kind == V_BIGINT) {
        *res = tmpl_big_divisible(v, tv_int(2));
        return GW_OK;
    }
    if (v.kind == V_FLOAT) {
        *res = fmod2(v.u.f) == 0.0;
        return GW_OK;
    }
    if (int_arg(r, n, v, &i) != GW_OK) {
        return GW_ERROR;
    }
    *res = (i % 2) == 0;
    return GW_OK;
}

T(t_divisibleby)
{
    int64_t  a = 0, b = 1;
    double   x, y;

    if (v.kind == V_FLOAT || args[0].kind == V_FLOAT) {
        if (tmpl_big_to_float(r, n, v, &x) != GW_OK
            || tmpl_big_to_float(r, n, args[0], &y) != GW_OK)
        {
            return GW_ERROR;
        }
        if (y == 0) {
            return tmpl_error(r, n, "float modulo");
        }
        *res = fmod(x, y) == 0;
        return GW_OK;
    }
    if ((v.kind == V_BIGINT || args[0].kind == V_BIGINT)
        && tv_is_int(v) && tv_is_int(args[0]))
    {
        if (args[0].kind != V_BIGINT && args[0].u.i == 0) {
            return tmpl_error(r, n, "integer division or modulo by zero");
        }
        *res = tmpl_big_divisible(v, args[0]);
        return GW_OK;
    }
    if (int_arg(r, n, v, &a) != GW_OK || int_arg(r, n, args[0], &b) != GW_OK)
    {
        return GW_ERROR;
    }
    if (b == 0) {
        return tmpl_error(r, n, "integer division or modulo by zero");
    }
    *res = b == -1 || a % b == 0;
    return GW_OK;
}

T(t_eq) { *res = tv_eq(v, args[0]); return GW_OK; }
T(t_ne) { *res = !tv_eq(v, args[0]); return GW_OK; }

static int
cmp_test(tmpl_rs_t *r, tmpl_node_t *n, tv_t a, tv_t b, int *c)
{
    if (a.kind == V_UNDEF) {
        return tmpl_undef_check(r, n, a);
    }
    if (b.kind == V_UNDEF) {
        return tmpl_undef_check(r, n, b);
    }
    return tv_cmp(r, n, a, b, c);
}

T(t_lt) { int c; if (cmp_test(r, n, v, args[0], &c)) return GW_ERROR;
          *res = c < 0; return GW_OK; }
T(t_le) { int c; if (cmp_test(r, n, v, args[0], &c)) return GW_ERROR;
          *res = c <= 0; return GW_OK; }
T(t_gt) { int c; if (cmp_test(r, n, v, args[0], &c)) return GW_ERROR;
          *res = c > 0; return GW_OK; }
T(t_ge) { int c; if (cmp_test(r, n, v, args[0], &c)) return GW_ERROR;
          *res = c >= 0; return GW_OK; }

T(t_sameas)
{
    tv_t  o = args[0];

    if (v.kind != o.kind) {
        *res = 0;
    } else if (v.kind == V_NONE || v.kind == V_UNDEF) {
        *res = 1;
    } else if (v.kind == V_BOOL) {
        *res = v.u.i == o.u.i;
    } else if (v.kind == V_INT) {
        /* CPython caches small ints, so "is" holds for them */
        *res = v.u.i == o.u.i && v.u.i >= -5 && v.u.i <= 256;
    } else if (v.kind == V_STR) {
        *res = v.u.s == o.u.s && v.n == o.n;
    } else {
        *res = v.u.p == o.u.p;
    }
    return GW_OK;
}

T(t_in)
{
    tv_t    c = args[0], *items, x;
    size_t  i, len;

    *res = 0;
    if (c.kind == V_STR) {
        if (v.kind != V_STR) {
            return tmpl_error(r, n, "'in <string>' requires string as left "
                              "operand, not %s", tv_type_name(v));
        }
        *res = v.n == 0 || memmem(c.u.s, c.n, v.u.s, v.n) != NULL;
        return GW_OK;
    }
    if (tv_is_map(c)) {
        *res = tv_map_get(r, c, v, &x);
        return GW_OK;
    }
    if (tv_to_list(r, c, &items, &len) != GW_OK) {
        return tmpl_error(r, n, "argument of type '%s' is not iterable",
                          tv_type_name(c));
    }
    for (i = 0; i < len; i++) {
        if (tv_eq(items[i], v)) {
            *res = 1;
            break;
        }
    }
    return GW_OK;
}

static int
case_test(tv_t v, int upper)
{
    size_t  i;
    int     cased = 0;

    if (v.kind != V_STR) {
        return 0;
    }
    for (i = 0; i < v.n; i++) {
        char  c = v.u.s[i];

        if (c >= 'a' && c <= 'z') {
            if (upper) {
                return 0;
            }
            cased = 1;
        } else if (c >= 'A' && c <= 'Z') {
            if (!upper) {
                return 0;
            }
            cased = 1;
        }
    }
    return cased;
}

T(t_lower) { *res = case_test(v, 0); return GW_OK; }
T(t_upper) { *res = case_test(v, 1); return GW_OK; }

T(t_filter)
{
    *res = v.kind == V_STR && tmpl_filter_find(v.u.s, v.n) != NULL;
    return GW_OK;
}

T(t_test)
{
    *res = v.kind == V_STR && tmpl_test_find(v.u.s, v.n) != NULL;
    return GW_OK;
}


static const tmpl_test_def_t  tests[] = {
    { "boolean", "", t_boolean },
    { "callable", "", t_callable },
    { "defined", "", t_defined },
    { "divisibleby", "!num", t_divisibleby },
    { "eq", "!other", t_eq },
    { "equalto", "!other", t_eq },
    { "==", "!other", t_eq },
    { "escaped", "", t_escaped },
    { "even", "", t_even },
    { "false", "", t_false },
    { "filter", "", t_filter },
    { "float", "", t_float },
    { "ge", "!other", t_ge },
    { ">=", "!other", t_ge },
    { "gt", "!other", t_gt },
    { "greaterthan", "!other", t_gt },
    { ">", "!other", t_gt },
    { "in", "!seq", t_in },
    { "integer", "", t_integer },
    { "iterable", "", t_iterable },
    { "le", "!other", t_le },
    { "<=", "!other", t_le },
    { "lower", "", t_lower },
    { "lt", "!other", t_lt },
    { "lessthan", "!other", t_lt },
    { "<", "!other", t_lt },
    { "mapping", "", t_mapping },
    { "ne", "!other", t_ne },
    { "!=", "!other", t_ne },
    { "none", "", t_none },
    { "number", "", t_number },
    { "odd", "", t_odd },
    { "sameas", "!other", t_sameas },
    { "sequence", "", t_sequence },
    { "string", "", t_string },
    { "test", "", t_test },
    { "true", "", t_true },
    { "undefined", "", t_undefined },
    { "upper", "", t_upper },
    { NULL, NULL, NULL }
};


const tmpl_test_def_t *
tmpl_test_find(const char *name, size_t len)
{
    size_t  i;

    for (i = 0; tests[i].name; i++) {
        if (strlen(tests[i].name) == len
            && memcmp(tests[i].name, name, len) == 0)
        {
            return &tests[i];
        }
    }
    return NULL;
}


/* For select/reject: run the test called name. */
int
tmpl_apply_test(tmpl_rs_t *r, tmpl_node_t *n, const char *name, tv_t in,
    tv_t *args, size_t nargs, int *res)
{
    const tmpl_test_def_t  *def;
    tv_t                    a[TMPL_MAX_ARGS];

    def = tmpl_test_find(name, strlen(name));
    if (def == NULL) {
        return tmpl_error(r, n, "No test named '%s'.", name);
    }
    memset(a, 0, sizeof(a));
    if (nargs > TMPL_MAX_ARGS) {
        nargs = TMPL_MAX_ARGS;
    }
    if (nargs) {
        memcpy(a, args, nargs * sizeof(tv_t));
    }
    return def->fn(r, n, in, a, res);
}
