/*
 * funcs.c: C functions in the argument form (gw_tmpl_argfn_pt): the call
 * hands over borrowed views of the engine's values and takes the result as
 * text in the arena, so url_for() on every link costs no JSON containers
 * and no malloc.
 */

#include "tmpl.h"

#include <stdlib.h>


int
gw_tmpl_env_add_function_args(gw_tmpl_env_t *env, const char *name,
    gw_tmpl_argfn_pt fn, void *fn_data)
{
    return tmpl_env_add_func(env, name, NULL, fn, fn_data);
}


static void
funcs_json_cleanup(void *data)
{
    json_decref(data);
}


/* The view of what is not a string or an integer (tmpl_argfn_arg()'s):
 * other scalars in place; lists and dicts the engine built are converted
 * once, owned by the arena. */
int
tmpl_argfn_other(tmpl_rs_t *r, tv_t v, const char *name, gw_tmpl_arg_t *a)
{
    json_t  *j;

    memset(a, 0, sizeof(*a));
    a->name = name;
    switch (v.kind) {
    case V_BIGINT:
        /* past a C integer: its digits, as a URL shows them */
        {
            gw_buf_t  b;

            gw_buf_init(&b, r->a, 64);
            if (tmpl_big_append(r, &b, v, 10) != GW_OK) {
                return GW_ERROR;
            }
            a->type = JSON_STRING;
            a->s = b.data;
            a->len = b.len;
            return GW_OK;
        }
    case V_FLOAT:
        a->type = JSON_REAL;
        a->f = v.u.f;
        return GW_OK;
    case V_BOOL:
        a->type = v.u.i ? JSON_TRUE : JSON_FALSE;
        return GW_OK;
    case V_JLIST:
    case V_JDICT:
        a->type = json_typeof(v.u.j);
        a->json = v.u.j;
        return GW_OK;
    case V_LIST:
    case V_DICT:
        j = tv_to_json(v);
        if (j == NULL) {
            return GW_ERROR;
        }
        if (gw_arena_cleanup_add(r->a, funcs_json_cleanup, j) != GW_OK) {
            json_decref(j);
            return GW_ERROR;
        }
        a->type = json_typeof(j);
        a->json = j;
        return GW_OK;
    default:
        a->type = JSON_NULL;
        return GW_OK;
    }
}


/* The call, its result a string in the arena. */
static int
argfn_run(tmpl_rs_t *r, tmpl_node_t *n, tmpl_func_t *fn,
    const gw_tmpl_arg_t *av, size_t nav, tv_t *out)
{
    gw_buf_t   b;
    char       msg[256];

    gw_buf_init(&b, r->a, 64);
    msg[0] = '\0';
    if (fn->argfn(fn->data, r->render_data, av, nav, &b, msg, sizeof(msg))
        != GW_OK)
    {
        return tmpl_argfn_failed(r, n, fn, msg);
    }
    /* strings in the engine end in a NUL, as the other builders leave */
    if (gw_buf_putc(&b, '\0') != GW_OK) {
        return tmpl_error(r, n, "out of memory");
    }
    *out = tv_str(b.data, b.len - 1, 0);
    return GW_OK;
}


int
tmpl_call_argfn(tmpl_rs_t *r, tmpl_node_t *n, tmpl_func_t *fn, tv_t *args,
    size_t nargs, const char **knames, tv_t *kvals, size_t nkw, tv_t *out)
{
    gw_tmpl_arg_t   stack[8], *av;
    size_t          i;

    av = stack;
    if (nargs + nkw > sizeof(stack) / sizeof(stack[0])) {
        av = tmpl_alloc(r->a, (nargs + nkw) * sizeof(gw_tmpl_arg_t));
        if (av == NULL) {
            return tmpl_error(r, n, "out of memory");
        }
    }
    for (i = 0; i < nargs; i++) {
        if (tmpl_argfn_arg(r, args[i], NULL, &av[i]) != GW_OK) {
            return tmpl_error(r, n, "out of memory");
        }
    }
    for (i = 0; i < nkw; i++) {
        if (tmpl_argfn_arg(r, kvals[i], knames[i], &av[nargs + i]) != GW_OK) {
            return tmpl_error(r, n, "out of memory");
        }
    }
    return argfn_run(r, n, fn, av, nargs + nkw, out);
}


int
tmpl_argfn_failed(tmpl_rs_t *r, tmpl_node_t *n, tmpl_func_t *fn,
    const char *msg)
{
    return tmpl_error(r, n, "%s(): %s", fn->name, msg[0] ? msg : "failed");
}


/* What a function wrote into the page from start, escaped there from a
 * copy (the text is a plain string, as in the other form). */
int
tmpl_argfn_escape(tmpl_rs_t *r, tmpl_node_t *n, gw_buf_t *to, size_t start)
{
    size_t   len = to->len - start;
    char    *copy;

    copy = tmpl_alloc(r->a, len);
    if (copy == NULL) {
        return tmpl_error(r, n, "out of memory");
    }
    memcpy(copy, to->data + start, len);
    to->len = start;
    if (tmpl_escape_slow(to, copy, len) != GW_OK) {
        return tmpl_error(r, n, "out of memory");
    }
    return GW_OK;
}
