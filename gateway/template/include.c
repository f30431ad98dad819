/*
 * include.c: finding a template a statement names, and running it:
 * {% include %} into the page, {% import %} and {% from %} as a module.
 */

#include "tmpl.h"

#include <stdio.h>
#include <string.h>


int
tmpl_load_template(tmpl_rs_t *r, tmpl_node_t *n, tv_t name, int ignore_missing,
    tmpl_t **out)
{
    tv_t    *items;
    size_t   len, i;
    int      missing;
    char     err[512];

    *out = NULL;
    if (name.kind == V_STR) {
        items = &name;
        len = 1;
    } else if (tv_is_seq(name)) {
        if (tv_to_list(r, name, &items, &len) != GW_OK) {
            return tmpl_oom(r, n);
        }
    } else if (name.kind == V_UNDEF) {
        return tmpl_undef_check(r, n, name);
    } else {
        return tmpl_error(r, n, "template name must be a string, got '%s'",
                          tv_type_name(name));
    }
    for (i = 0; i < len; i++) {
        if (items[i].kind != V_STR) {
            continue;
        }
        err[0] = '\0';
        *out = tmpl_env_get(r->env, items[i].u.s, items[i].n, &missing, err,
                            sizeof(err));
        if (*out != NULL) {
            return GW_OK;
        }
        if (!missing) {
            if (!r->failed) {
                r->failed = 1;
                snprintf(r->err, r->errsz, "%s", err);
            }
            return GW_ERROR;
        }
    }
    if (ignore_missing) {
        return GW_OK;
    }
    if (len == 1 && items[0].kind == V_STR) {
        return tmpl_error(r, n, "template not found: %.*s",
                          (int) items[0].n, items[0].u.s);
    }
    return tmpl_error(r, n, "none of the templates given were found");
}


/* An include or import with context sees the names around it but not a
 * for loop's `loop`, as in Jinja: in its root frame the name is what it
 * is outside the loops. */
static int
hide_loop(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, tmpl_frame_t *root)
{
    const char    *name = r->env->s_loop;
    tmpl_frame_t  *s;
    size_t         i;
    int            hidden = 0;
    tv_t           v;

    for (s = f; s != NULL && s->ctx == NULL; s = s->parent) {
        for (i = s->n; i-- > 0; ) {
            if (s->names[i] != name) {
                continue;
            }
            if (s->vals[i].kind != V_LOOP) {
                /* a {% set loop = ... %} of the template's own */
                return hidden ? tmpl_frame_set(r, root, name, s->vals[i])
                              : GW_OK;
            }
            hidden = 1;
            break;
        }
    }
    if (!hidden) {
        return GW_OK;
    }
    if (tmpl_lookup_slow(r, n, s, name, &v) != GW_OK) {
        return GW_ERROR;
    }
    return tmpl_frame_set(r, root, name, v);
}


/* t run in root as a context of its own (its blocks, extends chain and
 * eval context), the running one's put back after it; ends what
 * tmpl_enter() began. */
static int
run_context(tmpl_rs_t *r, tmpl_t *t, tmpl_frame_t *root, gw_buf_t *out)
{
    tmpl_block_slot_t  *sb = r->blocks, *scb = r->cur_block;
    size_t              snb = r->nblocks, scap = r->blocks_cap;
    tmpl_frame_t       *sroot = r->root;
    tmpl_t             *sparent = r->parent;
    int                 rc, ae = r->autoescape, *ectx = r->ectx;
    int                 drop = r->drop;
    const char         *ctx_name = r->ctx_name;

    r->blocks = NULL;
    r->nblocks = r->blocks_cap = 0;
    r->cur_block = NULL;
    rc = tmpl_exec_template(r, t, root, out);
    r->blocks = sb;
    r->nblocks = snb;
    r->blocks_cap = scap;
    r->cur_block = scb;
    r->root = sroot;
    r->parent = sparent;
    r->drop = drop;
    r->ctx_name = ctx_name;
    r->autoescape = ae;
    r->ectx = ectx;
    r->depth--;
    return rc;
}


int
tmpl_exec_include(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, gw_buf_t *out)
{
    tv_t           name;
    tmpl_t        *t;
    tmpl_frame_t  *root;

    if (tmpl_eval(r, n->a, f, &name) != GW_OK
        || tmpl_load_template(r, n, name, n->flags & NF_IGNORE_MISSING, &t)
           != GW_OK)
    {
        return GW_ERROR;
    }
    if (t == NULL) {
        return GW_OK;
    }
    if (tmpl_enter(r, n) != GW_OK) {
        return GW_ERROR;
    }
    root = tmpl_frame_new(r, (n->flags & NF_WITH_CONTEXT) ? f : NULL, 8);
    if (root == NULL) {
        return tmpl_oom(r, n);
    }
    if ((n->flags & NF_WITH_CONTEXT) && hide_loop(r, n, f, root) != GW_OK) {
        return tmpl_oom(r, n);
    }
    return run_context(r, t, root, out);
}


/* Run a template as a module (import): its top-level names, output
 * discarded. */
static int
import_module(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f,
    tmpl_frame_t **mod)
{
    tv_t       name;
    tmpl_t    *t;
    gw_buf_t   sink;

    if (tmpl_eval(r, n->a, f, &name) != GW_OK
        || tmpl_load_template(r, n, name, 0, &t) != GW_OK)
    {
        return GW_ERROR;
    }
    if (tmpl_enter(r, n) != GW_OK) {
        return GW_ERROR;
    }
    *mod = tmpl_frame_new(r, (n->flags & NF_WITH_CONTEXT) ? f : NULL, 8);
    if (*mod == NULL) {
        return tmpl_oom(r, n);
    }
    if ((n->flags & NF_WITH_CONTEXT) && hide_loop(r, n, f, *mod) != GW_OK) {
        return tmpl_oom(r, n);
    }
    if (!(n->flags & NF_WITH_CONTEXT)) {
        /* globals only; the context stays with the caller */
        (*mod)->ctx = NULL;
    }
    gw_buf_init(&sink, r->a, 256);
    return run_context(r, t, *mod, &sink);
}


int
tmpl_exec_import(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f)
{
    tmpl_frame_t  *mod = NULL;
    tv_t           v, m;
    size_t         i, k;

    if (import_module(r, n, f, &mod) != GW_OK) {
        return GW_ERROR;
    }
    if (n->type == N_IMPORT) {
        memset(&m, 0, sizeof(m));
        m.kind = V_DICT;
        m.ns = 0;
        m.u.d = tv_dict_new(r, mod->n + 1);
        if (m.u.d == NULL) {
            return tmpl_oom(r, n);
        }
        for (i = 0; i < mod->n; i++) {
            if (mod->names[i][0] == '_') {
                continue;
            }
            if (tv_map_set(r, m, tv_str(mod->names[i],
                                        strlen(mod->names[i]), 0),
                           mod->vals[i]) != GW_OK)
            {
                return tmpl_oom(r, n);
            }
        }
        return tmpl_frame_set(r, f, n->s, m) == GW_OK ? GW_OK : tmpl_oom(r, n);
    }
    for (i = 0; i < n->nargs; i++) {
        for (k = 0; k < mod->n; k++) {
            if (mod->names[k] == n->args[i]->s) {
                break;
            }
        }
        if (k < mod->n && n->args[i]->s[0] != '_') {
            v = mod->vals[k];
        } else {
            /* Jinja binds an undefined that explains itself when used */
            v = tv_undef(gw_arena_printf(r->a, "the template does not "
                                         "export the requested name '%s'",
                                         n->args[i]->s));
        }
        if (tmpl_frame_set(r, f, n->names[i], v) != GW_OK) {
            return tmpl_oom(r, n);
        }
    }
    return GW_OK;
}
