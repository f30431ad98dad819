/*
 * g.c: Flask's flask.g, a per-request slot for the app's own data (the user
 * a before_request hook loaded, a database handle): C pointers with an
 * optional cleanup, and JSON values that templates also see as g.
 */

#include "fw.h"

#include <string.h>


struct gw_g_item_s {
    const char      *name;
    void            *value;
    gw_g_item_t     *next;
};


int
gw_g_set(gw_request_t *req, const char *name, void *value,
    void (*cleanup)(void *))
{
    gw_g_item_t  *g;

    /* the value is released with the request even when it is replaced:
     * whoever still holds it may use it until then */
    if (cleanup != NULL && value != NULL
        && gw_arena_cleanup_add(req->arena, cleanup, value) != GW_OK)
    {
        cleanup(value);
        return gw_fail(req, "g.%s: out of memory", name);
    }

    for (g = req->g; g != NULL; g = g->next) {
        if (strcmp(g->name, name) == 0) {
            g->value = value;
            return GW_OK;
        }
    }

    g = gw_arena_alloc(req->arena, sizeof(gw_g_item_t));
    if (g == NULL || (g->name = gw_arena_strdup(req->arena, name)) == NULL) {
        return gw_fail(req, "g.%s: out of memory", name);
    }
    g->value = value;
    g->next = req->g;
    req->g = g;
    return GW_OK;
}


void *
gw_g_get(const gw_request_t *req, const char *name)
{
    const gw_g_item_t  *g;

    for (g = req->g; g != NULL; g = g->next) {
        if (strcmp(g->name, name) == 0) {
            return g->value;
        }
    }
    return NULL;
}


int
gw_g_set_json_new(gw_request_t *req, const char *name, json_t *value)
{
    if (value == NULL) {
        return gw_fail(req, "g.%s: no value (out of memory?)", name);
    }
    if (req->g_json == NULL) {
        req->g_json = json_object();
        if (gw_json_arena_own(req->arena, req->g_json) != GW_OK) {
            req->g_json = NULL;
            json_decref(value);
            return gw_fail(req, "g.%s: out of memory", name);
        }
    }
    if (json_object_set_new(req->g_json, name, value) != 0) {
        return gw_fail(req, "g.%s: out of memory or a name that is not "
                       "UTF-8", name);
    }
    return GW_OK;
}


int
gw_g_set_json(gw_request_t *req, const char *name, json_t *value)
{
    return gw_g_set_json_new(req, name, json_incref(value));
}


json_t *
gw_g_get_json(const gw_request_t *req, const char *name)
{
    return req->g_json ? json_object_get(req->g_json, name) : NULL;
}
