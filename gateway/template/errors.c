/*
 * errors.c: a render's error, "name:line:col: message", set once; the
 * lowest layer of the engine, so that every file can report through it.
 */

#include "tmpl.h"

#include <stdarg.h>
#include <stdio.h>


int
tmpl_error(tmpl_rs_t *r, tmpl_node_t *n, const char *fmt, ...)
{
    va_list  ap;
    int      k = 0;

    if (r->failed) {
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
