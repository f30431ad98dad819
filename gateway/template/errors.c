/*
 * errors.c: a render's error, "name:line:col: message", set once; the
 * lowest layer of the engine, so that every file can report through it.
 */

#include "tmpl.h"

#include <stdarg.h>
#include <stdio.h>


/* An error raised where no node was at hand (printing a value, say)
 * takes the line of the first caller up the chain that has one. */
static void
place(tmpl_rs_t *r, tmpl_node_t *n)
{
    char    at[256];
    size_t  from = r->unplaced - 1, len = strlen(r->err + from);
    int     k;

    r->unplaced = 0;
    k = snprintf(at, sizeof(at), "%s:%u:%u: ", n->tmpl ? n->tmpl->name : "?",
                 n->line, n->col);
    if (k < 0 || (size_t) k >= sizeof(at) || (size_t) k >= r->errsz) {
        return;
    }
    if ((size_t) k + len >= r->errsz) {
        len = r->errsz - k - 1;
    }
    memmove(r->err + k, r->err + from, len);
    memcpy(r->err, at, (size_t) k);
    r->err[k + len] = '\0';
}


int
tmpl_error(tmpl_rs_t *r, tmpl_node_t *n, const char *fmt, ...)
{
    va_list  ap;
    int      k = 0;

    if (r->failed) {
        if (r->unplaced && n != NULL) {
            place(r, n);
        }
        return GW_ERROR;
    }
    r->failed = 1;
    if (n != NULL) {
        k = snprintf(r->err, r->errsz, "%s:%u:%u: ",
                     n->tmpl ? n->tmpl->name : "?", n->line, n->col);
    } else if (r->tmpl != NULL) {
        k = snprintf(r->err, r->errsz, "%s: ", r->tmpl->name);
    }
    if (k < 0 || (size_t) k >= r->errsz) {
        return GW_ERROR;
    }
    r->unplaced = n == NULL ? (uint32_t) k + 1 : 0;
    if (r->a->over) {
        /* whatever failed, it failed because the arena refused past the
         * cap: say so rather than "out of memory" */
        snprintf(r->err + k, r->errsz - k, "template exceeded its memory "
                 "cap of %zu bytes (TEMPLATE_MAX_MEMORY)", r->max_memory);
        return GW_ERROR;
    }
    va_start(ap, fmt);
    vsnprintf(r->err + k, r->errsz - k, fmt, ap);
    va_end(ap);
    return GW_ERROR;
}


int
tmpl_undef_check(tmpl_rs_t *r, tmpl_node_t *n, tv_t v)
{
    if (v.kind == V_UNDEF) {
        return tmpl_error(r, n, "%s", v.u.s ? v.u.s : "undefined value");
    }
    return GW_OK;
}


int
tmpl_oom(tmpl_rs_t *r, tmpl_node_t *n)
{
    return tmpl_error(r, n, "out of memory");
}
