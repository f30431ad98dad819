/*
 * dispatch.c: the framework app's call(), Flask's full_dispatch_request():
 * match the URL, run before_request hooks, the view or the routing answer
 * (404, 405, 308 slash redirect, automatic OPTIONS) behind the view's
 * guards, the error handler for whatever was aborted, then after_request
 * hooks, the session cookie and the teardown functions.
 */

#include "fw.h"

#include <string.h>


/* The last resort: Werkzeug's 500 page, no handler involved. */
static int
gw_plain_500(gw_request_t *req, gw_response_t *resp)
{
    gw_http_error_t  err;

    err.status = 500;
    err.name = gw_http_error_name(500);
    err.description = gw_http_error_description(500);

    gw_response_reset(resp);
    return gw_error_page(req, resp, &err);
}


static int
gw_run_before(gw_request_t *req, gw_response_t *resp, const gw_scope_t *s)
{
    gw_hook_item_t  *h;
    int              rc;

    for (h = s->before.first; h != NULL; h = h->next) {
        rc = h->fn(req, resp);
        if (rc != GW_OK) {
            return rc;
        }
    }
    return GW_OK;
}


static int
gw_run_after(gw_request_t *req, gw_response_t *resp, const gw_scope_t *s)
{
    gw_hook_item_t  *h;

    /* Flask runs after_request functions in reverse registration order */
    for (h = s->after.last; h != NULL; h = h->prev) {
        if (h->fn(req, resp) != GW_OK) {
            if (!req->cause_logged) {
                gw_fail(req, "an after_request hook failed");
            }
            return GW_ERROR;
        }
    }
    return GW_OK;
}


static int
gw_options_response(gw_request_t *req, gw_response_t *resp, unsigned allow)
{
    gw_str_t  methods;

    methods = gw_methods_format(req->arena, allow);
    if (methods.data == NULL
        || gw_response_add_headern(resp, (gw_str_t) gw_string("Allow"),
                                   methods) != GW_OK)
    {
        return gw_fail(req, "OPTIONS: out of memory");
    }
    gw_response_set_status(resp, 200);
    return GW_OK;
}


/* Werkzeug's RequestRedirect: an absolute URL to the path with its slash,
 * under SCRIPT_NAME, keeping the query string. */
static int
gw_slash_redirect(gw_request_t *req, gw_response_t *resp, gw_str_t path)
{
    char  *loc;

    loc = gw_request_url_to(req, path);
    if (loc == NULL) {
        return req->has_error ? GW_ABORT
                              : gw_fail(req, "redirect: out of memory");
    }
    return gw_redirect(req, resp, loc, 308);
}


/* The blueprint's handler for the status, else the app's, else the page. */
static int
gw_handle_error(gw_request_t *req, gw_response_t *resp)
{
    const gw_errh_t  *e;
    gw_str_t          allow;

    e = NULL;
    if (req->route != NULL && req->route->bp != NULL) {
        e = gw_scope_find_errh(&req->route->bp->scope, req->error.status);
    }
    if (e == NULL) {
        e = gw_scope_find_errh(&req->app->scope, req->error.status);
    }

    gw_response_reset(resp);
    gw_response_set_status(resp, req->error.status);

    if (e != NULL) {
        if (e->fn(req, resp, &req->error) != GW_OK) {
            if (!req->cause_logged) {
                gw_fail(req, "the error handler for %d failed",
                        req->error.status);
            }
            return gw_plain_500(req, resp);
        }

    } else if (req->error_json) {
        if (gw_jsonify_new(req, resp, json_pack("{s:s}", "error",
                                                req->error.description))
            != GW_OK)
        {
            return GW_ERROR;
        }
        gw_response_set_status(resp, req->error.status);

    } else if (gw_error_page(req, resp, &req->error) != GW_OK) {
        return GW_ERROR;
    }

    /* RFC 9110 wants Allow on every 405, even from the app's handler
     * (Flask leaves that to the handler) */
    if (req->error.status == 405 && req->allow
        && gw_response_get_header(resp, "Allow") == NULL)
    {
        allow = gw_methods_format(req->arena, req->allow);
        if (allow.data == NULL
            || gw_response_add_headern(resp, (gw_str_t) gw_string("Allow"),
                                       allow) != GW_OK)
        {
            return GW_ERROR;
        }
    }
    return GW_OK;
}


static int
gw_dispatch(gw_request_t *req, gw_response_t *resp, gw_match_status_t ms,
    const gw_match_t *m, int trusted)
{
    const gw_route_t  *r;
    size_t             i;
    int                rc;

    rc = gw_run_before(req, resp, &req->app->scope);
    if (rc == GW_OK && req->route != NULL && req->route->bp != NULL) {
        rc = gw_run_before(req, resp, &req->route->bp->scope);
    }
    if (rc != GW_OK) {
        return rc;
    }

    /* Flask 3.1 fails TRUSTED_HOSTS where it routes: after the app's
     * before_request hooks (no route, so no blueprint's), a 400 */
    if (!trusted) {
        return gw_http_error_set(req, 400, NULL);
    }

    switch (ms) {

    case GW_MATCH_OK:
        r = req->route;
        if (gw_str_eq(req->method, "OPTIONS")
            && !(r->methods & GW_METHOD_OPTIONS))
        {
            return gw_options_response(req, resp, m->allow);
        }
        for (i = 0; i < r->nguards; i++) {
            rc = r->guards[i](req, resp);
            if (rc != GW_OK) {
                return rc;
            }
        }
        rc = r->handler(req, resp);

        /* Flask: a view that returns None is a TypeError and a 500; here,
         * one that said GW_OK and set nothing at all */
        if (rc == GW_OK && resp->status == 200 && resp->nheaders == 0
            && resp->nbody == 0)
        {
            return gw_fail(req, "the view did not return a valid "
                           "response: it set no status, header or body");
        }
        return rc;

    case GW_MATCH_METHOD_NOT_ALLOWED:
        req->allow = m->allow;
        return gw_http_error_set(req, 405, NULL);

    case GW_MATCH_REDIRECT:
        return gw_slash_redirect(req, resp, m->redirect);

    default:
        return gw_http_error_set(req, 404, NULL);
    }
}


static int
gw_full_dispatch(gw_request_t *req, gw_response_t *resp)
{
    gw_app_t           *app = req->app;
    gw_match_t          m;
    gw_match_status_t   ms;
    int                 rc, trusted;

    memset(&m, 0, sizeof(m));
    ms = gw_urlmap_match(app->map, req->arena, req->method, req->path, &m);
    if (m.args != NULL && gw_json_arena_own(req->arena, m.args) != GW_OK) {
        return GW_ERROR;
    }
    trusted = app->ntrusted_hosts == 0 || gw_request_host_trusted(req);
    if (ms == GW_MATCH_OK && trusted) {
        req->route = m.data;
        req->view_args = m.args;
    }

    rc = gw_dispatch(req, resp, ms, &m, trusted);

    /* a parse error recorded on the way wins, as Flask's exception would;
     * so does a failure the view was told of but answered anyway (a
     * refused header: Flask's ValueError) */
    if (req->has_error) {
        rc = GW_ABORT;
    } else if (req->cause_logged && (rc == GW_OK || rc == GW_DONE)) {
        rc = GW_ERROR;
    }

    if (rc == GW_ERROR || (rc != GW_OK && rc != GW_DONE && rc != GW_ABORT)) {
        if (!req->cause_logged) {
            gw_fail(req, "the view failed");
        }
        gw_http_error_set(req, 500, NULL);
        rc = GW_ABORT;
    }

    if (rc == GW_ABORT && gw_handle_error(req, resp) != GW_OK) {
        return GW_ERROR;
    }

    /* a Flask Response always has a type: text/html by default; Werkzeug
     * drops it from a 304 with the other entity headers */
    if (resp->status != 304
        && gw_response_get_header(resp, "Content-Type") == NULL
        && gw_response_add_header(resp, "Content-Type",
                                  "text/html; charset=utf-8") != GW_OK)
    {
        return GW_ERROR;
    }

    if ((req->route != NULL && req->route->bp != NULL
         && gw_run_after(req, resp, &req->route->bp->scope) != GW_OK)
        || gw_run_after(req, resp, &app->scope) != GW_OK
        || gw_session_save(req, resp) != GW_OK)
    {
        return gw_plain_500(req, resp);
    }

    return GW_OK;
}


int
gw_framework_call(void *p, gw_environ_t *env, gw_response_t *resp)
{
    gw_request_t  *req;
    int            rc;

    req = gw_arena_alloc(env->arena, sizeof(gw_request_t));
    if (req == NULL) {
        return GW_ERROR;
    }
    gw_request_init(req, p, env);

    rc = gw_full_dispatch(req, resp);

    /* Flask's teardown gets the exception that made the 500, None for an
     * answer, an abort() included */
    gw_run_teardown(req, req->cause_logged
                         ? (req->cause ? req->cause : "out of memory")
                         : rc != GW_OK ? "internal error" : NULL);
    return rc;
}
