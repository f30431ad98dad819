/*
 * inherit.c: template inheritance -- a page's extends chain, its blocks
 * resolved most-derived first, and super() and self.name() that render them.
 */

#include "tmpl.h"

#include <string.h>


tmpl_block_slot_t *
tmpl_find_block(tmpl_rs_t *r, const char *name)
{
    size_t  i;

    for (i = 0; i < r->nblocks; i++) {
        if (r->blocks[i].name == name
            || strcmp(r->blocks[i].name, name) == 0)
        {
            return &r->blocks[i];
        }
    }
    return NULL;
}


static int
render_block(tmpl_rs_t *r, tmpl_node_t *n, tmpl_block_slot_t *slot,
    size_t def, tmpl_frame_t *f, gw_buf_t *out)
{
    tmpl_block_slot_t  *saved_block = r->cur_block;
    size_t              saved_def = r->cur_block_def;
    tmpl_frame_t       *saved_frame = r->cur_block_frame;
    tmpl_t             *saved_tmpl = r->tmpl;
    tmpl_node_t        *b = slot->defs[def];
    tmpl_frame_t       *bf;
    int                 rc, ae, drop;

    if (b->flags & NF_REQUIRED) {
        return tmpl_error(r, n, "Required block '%s' not found",
                          slot->name);
    }
    if (tmpl_enter(r, n) != GW_OK) {
        return GW_ERROR;
    }
    bf = tmpl_frame_new(r, f, 4);
    if (bf == NULL) {
        return tmpl_oom(r, n);
    }
    r->cur_block = slot;
    r->cur_block_def = def;
    r->cur_block_frame = f;
    r->tmpl = b->tmpl;
    ae = r->autoescape;
    drop = r->drop;
    r->autoescape = b->tmpl->autoescape;
    r->drop = 0;
    rc = tmpl_exec_body(r, b->a, bf, out);
    r->autoescape = ae;
    r->drop = drop;
    r->cur_block = saved_block;
    r->cur_block_def = saved_def;
    r->cur_block_frame = saved_frame;
    r->tmpl = saved_tmpl;
    r->depth--;
    return rc;
}


static int
add_blocks(tmpl_rs_t *r, tmpl_t *t)
{
    size_t              i;
    tmpl_block_slot_t  *slot;
    tmpl_node_t       **nd;

    for (i = 0; i < t->nblocks; i++) {
        slot = tmpl_find_block(r, t->blocks[i]->s);
        if (slot == NULL) {
            if (gw_array_grow(r->a, &r->blocks, r->nblocks, &r->blocks_cap,
                              sizeof(tmpl_block_slot_t)) != GW_OK)
            {
                return GW_ERROR;
            }
            slot = &r->blocks[r->nblocks++];
            slot->name = t->blocks[i]->s;
            slot->ndefs = 0;
            slot->defs = NULL;
        }
        nd = tmpl_alloc(r->a, (slot->ndefs + 1) * sizeof(tmpl_node_t *));
        if (nd == NULL) {
            return GW_ERROR;
        }
        if (slot->ndefs) {
            tmpl_memcpy(nd, slot->defs, slot->ndefs * sizeof(tmpl_node_t *));
        }
        nd[slot->ndefs++] = t->blocks[i];
        slot->defs = nd;
    }
    return GW_OK;
}


/* The template's assigned-before-used names start out undefined (a child
 * template's values, already in the shared frame, are kept). */
static int
bind_locals(tmpl_rs_t *r, tmpl_t *t, tmpl_frame_t *root)
{
    size_t  i, k;

    for (i = 0; i < t->nlocals; i++) {
        for (k = 0; k < root->n; k++) {
            if (root->names[k] == t->locals[i]) {
                break;
            }
        }
        if (k < root->n) {
            continue;
        }
        if (tmpl_frame_set(r, root, t->locals[i],
                      tv_undef(tmpl_undef_msg(r, t->locals[i]))) != GW_OK)
        {
            return GW_ERROR;
        }
    }
    return GW_OK;
}


/*
 * A page: the template's top level, then, if it extended another, the
 * parent's with the same top-level frame, blocks resolved most-derived
 * first.  After {% extends %} a child's own output is dropped, as Jinja
 * does, but its assignments, macros and imports still run.
 */
int
tmpl_exec_template(tmpl_rs_t *r, tmpl_t *t, tmpl_frame_t *root, gw_buf_t *out)
{
    int           levels = 0;

    /* a new context, with an eval context of its own */
    r->ectx = tmpl_alloc(r->a, sizeof(int));
    if (r->ectx == NULL) {
        return tmpl_oom(r, NULL);
    }
    *r->ectx = t->autoescape;
    r->ctx_name = t->name;
    r->root = root;
    r->parent = NULL;
    while (t != NULL) {
        if (++levels > 50) {
            return tmpl_error(r, NULL, "too many levels of extends");
        }
        if (add_blocks(r, t) != GW_OK) {
            return tmpl_oom(r, NULL);
        }
        if (bind_locals(r, t, root) != GW_OK) {
            return tmpl_oom(r, NULL);
        }
        r->tmpl = t;
        r->autoescape = t->autoescape;
        r->parent = NULL;
        r->drop = 0;
        if (tmpl_exec_body(r, t->body, root, out) != GW_OK) {
            return GW_ERROR;
        }
        t = r->parent;
    }
    return GW_OK;
}


/* {% extends %}: the parent runs once this template's top level is done;
 * until then the rest of it is dropped (see exec_dropped()). */
int
tmpl_exec_extends(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f)
{
    tv_t  v;

    if (r->parent != NULL) {
        return tmpl_error(r, n, "extended multiple times");
    }
    if (tmpl_eval(r, n->a, f, &v) != GW_OK
        || tmpl_load_template(r, n, v, 0, &r->parent) != GW_OK)
    {
        return GW_ERROR;
    }
    r->drop = 1;
    return GW_OK;
}


/* {% block %}: its most derived definition, in the page's scope unless
 * the block is scoped. */
int
tmpl_exec_block(tmpl_rs_t *r, tmpl_node_t *n, tmpl_frame_t *f, gw_buf_t *out)
{
    tmpl_block_slot_t  *slot;

    slot = tmpl_find_block(r, n->s);
    if (slot == NULL) {
        return tmpl_error(r, n, "block '%s' not found", n->s);
    }
    return render_block(r, n, slot, 0, (n->flags & NF_SCOPED) ? f
                        : r->root, out);
}


/* super() and self.name(): the block's text, as Markup if the context
 * escapes. */
int
tmpl_block_call(tmpl_rs_t *r, tmpl_node_t *n, tv_t fn, tv_t *out)
{
    tmpl_block_slot_t  *slot;
    tmpl_frame_t       *f;
    size_t              def;
    gw_buf_t            b;

    if (fn.n == B_SUPER) {
        slot = fn.u.p;
        if (fn.tuple >= slot->ndefs) {
            return tmpl_error(r, n, "there is no parent block called '%s'.",
                              slot->name);
        }
        def = fn.tuple;
        f = r->cur_block_frame ? r->cur_block_frame : r->root;
    } else {
        slot = tmpl_find_block(r, fn.u.s);
        if (slot == NULL) {
            return tmpl_error(r, n, "'self' has no block '%s'", fn.u.s);
        }
        def = 0;
        f = r->root;
    }
    gw_buf_init(&b, r->a, 256);
    if (render_block(r, n, slot, def, f, &b) != GW_OK
        || gw_buf_putc(&b, '\0') != GW_OK)
    {
        return GW_ERROR;
    }
    *out = tv_str(b.data, b.len - 1, *r->ectx);
    return GW_OK;
}
