/*
 * blueprint.c: Flask's blueprints, a name and a URL prefix grouping routes
 * with their own hooks, error handlers and template folder.
 */

#include "fw.h"

#include <string.h>


gw_blueprint_t *
gw_blueprint_create(gw_app_t *app, const char *name, const char *url_prefix)
{
    gw_blueprint_t  *bp;
    size_t           len;

    if (name == NULL || name[0] == '\0' || strchr(name, '.') != NULL) {
        gw_app_fail(app, "blueprint '%s': the name must be non-empty and "
                    "hold no '.'", name ? name : "");
        return NULL;
    }

    bp = gw_arena_calloc(app->arena, sizeof(gw_blueprint_t));
    if (bp == NULL) {
        gw_app_fail(app, "blueprint '%s': out of memory", name);
        return NULL;
    }

    /* Flask strips the prefix's trailing '/' and joins with one '/' */
    len = url_prefix ? strlen(url_prefix) : 0;
    while (len > 0 && url_prefix[len - 1] == '/') {
        len--;
    }

    bp->app = app;
    bp->name = gw_arena_strdup(app->arena, name);
    bp->prefix = gw_arena_strndup(app->arena, len ? url_prefix : "", len);
    bp->prefix_raw = gw_arena_strdup(app->arena,
                                     url_prefix ? url_prefix : "");
    if (bp->name == NULL || bp->prefix == NULL || bp->prefix_raw == NULL) {
        gw_app_fail(app, "blueprint '%s': out of memory", name);
        return NULL;
    }
    return bp;
}


int
gw_app_register_blueprint(gw_app_t *app, gw_blueprint_t *bp)
{
    gw_blueprint_t  *b;
    gw_hook_item_t  *h;

    if (bp == NULL) {
        /* gw_blueprint_create() already said why */
        return GW_ERROR;
    }

    for (b = app->blueprints; b != NULL; b = b->next) {
        if (b == bp || strcmp(b->name, bp->name) == 0) {
            gw_app_fail(app, "blueprint '%s' is already registered",
                        bp->name);
            return GW_ERROR;
        }
    }

    /* its before_app_request hooks join the app's now, as in Flask */
    for (h = bp->app_before.first; h != NULL; h = h->next) {
        if (gw_scope_add_hook(app, &app->scope.before, h->fn) != GW_OK) {
            return GW_ERROR;
        }
    }

    bp->registered = 1;
    bp->next = app->blueprints;
    app->blueprints = bp;
    return GW_OK;
}


int
gw_blueprint_route(gw_blueprint_t *bp, const char *rule, unsigned methods,
    gw_handler_t handler, const char *endpoint)
{
    if (bp == NULL) {
        return GW_ERROR;
    }
    return gw_app_add_route(bp->app, bp, rule, methods, handler, endpoint);
}


int
gw_blueprint_before_request(gw_blueprint_t *bp, gw_hook_t hook)
{
    if (bp == NULL) {
        return GW_ERROR;
    }
    return gw_scope_add_hook(bp->app, &bp->scope.before, hook);
}


int
gw_blueprint_after_request(gw_blueprint_t *bp, gw_hook_t hook)
{
    if (bp == NULL) {
        return GW_ERROR;
    }
    return gw_scope_add_hook(bp->app, &bp->scope.after, hook);
}


int
gw_blueprint_errorhandler(gw_blueprint_t *bp, int status,
    gw_error_handler_t h)
{
    if (bp == NULL) {
        return GW_ERROR;
    }
    return gw_scope_add_errh(bp->app, &bp->scope, status, h);
}


int
gw_blueprint_template_folder(gw_blueprint_t *bp, const char *folder)
{
    if (bp == NULL) {
        return GW_ERROR;
    }

    bp->template_folder = gw_app_path(bp->app, folder);
    return bp->template_folder ? GW_OK : GW_ERROR;
}


/* Flask's Blueprint(static_folder=, static_url_path=): the route is
 * joined to the prefix as any rule is. */
int
gw_blueprint_static_folder(gw_blueprint_t *bp, const char *folder,
    const char *url_path)
{
    const char  *rule;

    if (bp == NULL) {
        return GW_ERROR;
    }
    if (folder == NULL || folder[0] == '\0' || bp->static_folder != NULL) {
        gw_app_fail(bp->app, "blueprint '%s': %s", bp->name,
                    bp->static_folder ? "a second static folder"
                                      : "an empty static folder");
        return GW_ERROR;
    }

    rule = gw_static_rule(bp->app->arena, folder, url_path);
    bp->static_folder = gw_app_path(bp->app, folder);
    if (rule == NULL || bp->static_folder == NULL) {
        gw_app_fail(bp->app, "blueprint '%s': out of memory", bp->name);
        return GW_ERROR;
    }
    return gw_app_add_route(bp->app, bp, rule, GW_METHOD_GET, gw_static_view,
                            "static");
}


const char *
gw_blueprint_name(const gw_blueprint_t *bp)
{
    return bp->name;
}
