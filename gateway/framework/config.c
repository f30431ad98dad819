/*
 * config.c: the app's config, string KEY VALUE pairs (Flask's app.config).
 * The operator's gateway_config pairs win over what setup() gives as
 * defaults; setup() may still overwrite explicitly.
 */

#include "fw.h"

#include <string.h>


int
gw_config_put(gw_app_t *app, const char *key, const char *value,
    int from_server, int overwrite)
{
    gw_config_t  *c;
    char         *v;

    v = gw_arena_strdup(app->arena, value);
    if (v == NULL) {
        gw_app_fail(app, "config %s: out of memory", key);
        return GW_ERROR;
    }

    for (c = app->config; c != NULL; c = c->next) {
        if (strcmp(c->key, key) == 0) {
            if (overwrite || !c->from_server) {
                c->value = v;
                c->from_server = from_server;
            }
            return GW_OK;
        }
    }

    c = gw_arena_alloc(app->arena, sizeof(gw_config_t));
    if (c == NULL || (c->key = gw_arena_strdup(app->arena, key)) == NULL) {
        gw_app_fail(app, "config %s: out of memory", key);
        return GW_ERROR;
    }
    c->value = v;
    c->from_server = from_server;
    c->next = app->config;
    app->config = c;
    return GW_OK;
}


const char *
gw_app_config_get(const gw_app_t *app, const char *key)
{
    gw_config_t  *c;

    for (c = app->config; c != NULL; c = c->next) {
        if (strcmp(c->key, key) == 0) {
            return c->value;
        }
    }
    return NULL;
}


int
gw_app_config_set(gw_app_t *app, const char *key, const char *value)
{
    return gw_config_put(app, key, value, 0, 1);
}


int
gw_app_config_default(gw_app_t *app, const char *key, const char *value)
{
    return gw_config_put(app, key, value, 0, 0);
}
