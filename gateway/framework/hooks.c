/*
 * hooks.c: the lists of hooks (before/after_request), and the hooks Flask
 * apps reach for beyond those: guards on single views (what a decorator
 * such as @login_required does), teardown_request, and a blueprint's
 * before_app_request.
 */

#include "fw.h"

#include <stdio.h>
#include <string.h>


int
gw_scope_add_hook(gw_app_t *app, gw_hook_list_t *l, gw_hook_t fn)
{
    gw_hook_item_t  *h;

    h = gw_arena_calloc(app->arena, sizeof(gw_hook_item_t));
    if (h == NULL || fn == NULL) {
        gw_app_fail(app, "hook: %s", fn ? "out of memory" : "NULL function");
        return GW_ERROR;
    }

    h->fn = fn;
    h->prev = l->last;
    if (l->last) {
        l->last->next = h;
    } else {
        l->first = h;
    }
    l->last = h;
    return GW_OK;
}


static int
gw_teardown_add(gw_app_t *app, gw_scope_t *s, gw_teardown_t fn)
{
    gw_teardown_item_t  *t;

    t = gw_arena_alloc(app->arena, sizeof(gw_teardown_item_t));
    if (t == NULL || fn == NULL) {
        gw_app_fail(app, "teardown_request: %s",
                    fn ? "out of memory" : "NULL function");
        return GW_ERROR;
    }
    t->fn = fn;
    t->next = s->teardown;
    s->teardown = t;
    return GW_OK;
}


int
gw_app_teardown_request(gw_app_t *app, gw_teardown_t fn)
{
    return gw_teardown_add(app, &app->scope, fn);
}


int
gw_blueprint_teardown_request(gw_blueprint_t *bp, gw_teardown_t fn)
{
    if (bp == NULL) {
        return GW_ERROR;
    }
    return gw_teardown_add(bp->app, &bp->scope, fn);
}


void
gw_run_teardown(gw_request_t *req, const char *cause)
{
    const gw_teardown_item_t  *t;

    if (req->route != NULL && req->route->bp != NULL) {
        for (t = req->route->bp->scope.teardown; t != NULL; t = t->next) {
            t->fn(req, cause);
        }
    }
    for (t = req->app->scope.teardown; t != NULL; t = t->next) {
        t->fn(req, cause);
    }
}


int
gw_blueprint_before_app_request(gw_blueprint_t *bp, gw_hook_t hook)
{
    if (bp == NULL) {
        return GW_ERROR;
    }
    /* Flask records it when the blueprint is registered: it then takes its
     * place among the app's hooks */
    return gw_scope_add_hook(bp->app, bp->registered ? &bp->app->scope.before
                                                     : &bp->app_before,
                             hook);
}


int
gw_app_guard(gw_app_t *app, const char *endpoint, gw_hook_t hook)
{
    gw_guard_t  *g;

    if (endpoint == NULL || hook == NULL) {
        gw_app_fail(app, "guard: needs an endpoint and a function");
        return GW_ERROR;
    }

    g = gw_arena_alloc(app->arena, sizeof(gw_guard_t));
    if (g == NULL
        || (g->endpoint = gw_arena_strdup(app->arena, endpoint)) == NULL)
    {
        gw_app_fail(app, "guard for '%s': out of memory", endpoint);
        return GW_ERROR;
    }
    g->fn = hook;
    g->next = NULL;
    *app->guards_tail = g;
    app->guards_tail = &g->next;
    return GW_OK;
}


int
gw_blueprint_guard(gw_blueprint_t *bp, const char *endpoint, gw_hook_t hook)
{
    const char  *name;

    if (bp == NULL) {
        return GW_ERROR;
    }
    name = gw_arena_printf(bp->app->arena, "%s.%s", bp->name,
                           endpoint ? endpoint : "");
    if (name == NULL) {
        gw_app_fail(bp->app, "guard: out of memory");
        return GW_ERROR;
    }
    return gw_app_guard(bp->app, name, hook);
}


/* Each route gets the array of its guards, so a request follows one
 * pointer instead of comparing endpoint names. */
int
gw_app_resolve_guards(gw_app_t *app, char *error, size_t n)
{
    gw_guard_t  *g;
    gw_route_t  *r;
    gw_hook_t   *a;
    int          found;

    for (g = app->guards; g != NULL; g = g->next) {
        found = 0;
        for (r = app->routes; r != NULL; r = r->next) {
            if (strcmp(r->endpoint, g->endpoint) != 0
                || (r->bp != NULL && !r->bp->registered))
            {
                continue;
            }
            found = 1;
            /* a view has a guard or two: copying is cheaper than code */
            a = gw_arena_alloc(app->arena,
                               (r->nguards + 1) * sizeof(gw_hook_t));
            if (a == NULL) {
                snprintf(error, n, "app '%s': guard: out of memory",
                         app->name);
                return GW_ERROR;
            }
            if (r->nguards) {
                memcpy(a, r->guards, r->nguards * sizeof(gw_hook_t));
            }
            a[r->nguards++] = g->fn;
            r->guards = a;
        }
        if (!found) {
            snprintf(error, n, "app '%s': guard for endpoint '%s': no such "
                     "endpoint", app->name, g->endpoint);
            return GW_ERROR;
        }
    }
    return GW_OK;
}
