/*
 * config.c: the app's config, string KEY VALUE pairs (Flask's app.config),
 * what is read from it (sizes, paths under ROOT_PATH), and the first error
 * of setup(), which these and every registration call record.  The
 * operator's gateway_config pairs win over what setup() gives as defaults;
 * setup() may still overwrite explicitly.
 */

#include "fw.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void
gw_app_fail(gw_app_t *app, const char *fmt, ...)
{
    va_list  ap;

    if (app->failed) {
        return;
    }
    app->failed = 1;

    va_start(ap, fmt);
    vsnprintf(app->error, sizeof(app->error), fmt, ap);
    va_end(ap);
}


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


const char *
gw_app_path(gw_app_t *app, const char *rel)
{
    const char  *root, *p;

    root = gw_app_config_get(app, "ROOT_PATH");
    if (rel[0] == '/' || root == NULL || root[0] == '\0') {
        p = gw_arena_strdup(app->arena, rel);
    } else {
        p = gw_arena_printf(app->arena, "%s/%s", root, rel);
    }

    if (p == NULL) {
        gw_app_fail(app, "path '%s': out of memory", rel);
    }
    return p;
}


int
gw_app_config_size(gw_app_t *app, const char *key, uint64_t *cap, char *error,
    size_t n)
{
    const char          *v;
    char                *end;
    unsigned long long   x;
    unsigned             shift = 0;

    *cap = 0;
    v = gw_app_config_get(app, key);
    if (v == NULL) {
        return GW_OK;
    }
    errno = 0;
    x = strtoull(v, &end, 10);
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    }
    if (errno || end == v || *end != '\0' || !isdigit((unsigned char) *v)
        || x == 0 || x > (SIZE_MAX >> shift))
    {
        snprintf(error, n, "app '%s': %s '%s' is not a positive number "
                 "(with an optional k, m or g)", app->name, key, v);
        return GW_ERROR;
    }
    *cap = (uint64_t) x << shift;
    return GW_OK;
}
