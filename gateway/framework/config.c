/*
 * config.c: the app's config, string KEY VALUE pairs (Flask's app.config),
 * where they come from, what is read from it (sizes, paths under
 * ROOT_PATH), and the first error of setup(), which these and every
 * registration call record.  Sources, weakest first: the defaults and
 * setup()'s gw_app_config_default, a JSON file (CONFIG_FILE, Flask's
 * from_file), GATEWAY_* environment variables (Flask's from_prefixed_env),
 * the operator's gateway_config / --config pairs.  A source never replaces
 * a stronger one; setup()'s gw_app_config_set replaces anything.
 */

#include "fw.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char  **environ;


/* Keys the framework reads, some only in some set-ups (STATIC_URL_PATH
 * without a STATIC_FOLDER): never "unknown". */
static const char  *gw_config_known[] = {
    "CONFIG_FILE", "DEBUG", "INSTANCE_PATH", "MAX_CONTENT_LENGTH",
    "PERMANENT_SESSION_LIFETIME", "ROOT_PATH", "SECRET_KEY",
    "SESSION_COOKIE_DOMAIN", "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_NAME", "SESSION_COOKIE_PATH", "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_SECURE", "SESSION_DIGEST", "STATIC_FOLDER",
    "STATIC_URL_PATH", "TEMPLATES_AUTO_RELOAD", "TEMPLATE_MAX_MEMORY",
    "TEMPLATE_MAX_OUTPUT", "TEMPLATE_MAX_STEPS", "TRUSTED_HOSTS", NULL
};


static gw_config_t *
gw_config_find(const gw_app_t *app, const char *key)
{
    gw_config_t  *c;

    for (c = app->config; c != NULL; c = c->next) {
        if (strcmp(c->key, key) == 0) {
            return c;
        }
    }
    return NULL;
}


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
    int level, int overwrite)
{
    gw_config_t  *c;
    char         *v;

    v = gw_arena_strdup(app->arena, value);
    if (v == NULL) {
        gw_app_fail(app, "config %s: out of memory", key);
        return GW_ERROR;
    }

    c = gw_config_find(app, key);
    if (c != NULL) {
        if (overwrite || c->level <= level) {
            c->value = v;
            c->level = level;
        }
        c->declared |= level == GW_CONFIG_DEFAULT;
        return GW_OK;
    }

    c = gw_arena_calloc(app->arena, sizeof(gw_config_t));
    if (c == NULL || (c->key = gw_arena_strdup(app->arena, key)) == NULL) {
        gw_app_fail(app, "config %s: out of memory", key);
        return GW_ERROR;
    }
    c->value = v;
    c->level = level;
    c->declared = level == GW_CONFIG_DEFAULT;
    c->next = app->config;
    app->config = c;
    return GW_OK;
}


const char *
gw_app_config_get(const gw_app_t *app, const char *key)
{
    gw_config_t  *c;

    c = gw_config_find(app, key);
    if (c == NULL) {
        return NULL;
    }
    /* reading a key while loading declares it; afterwards the app is
     * shared by threads and nothing is written */
    if (!app->frozen) {
        c->declared = 1;
    }
    return c->value;
}


int
gw_app_config_set(gw_app_t *app, const char *key, const char *value)
{
    return gw_config_put(app, key, value, GW_CONFIG_DEFAULT, 1);
}


int
gw_app_config_default(gw_app_t *app, const char *key, const char *value)
{
    return gw_config_put(app, key, value, GW_CONFIG_DEFAULT, 0);
}


int
gw_app_config_declare(gw_app_t *app, const char *key)
{
    gw_config_t  *c;

    c = gw_config_find(app, key);
    if (c != NULL) {
        c->declared = 1;
        return GW_OK;
    }
    /* not given yet: remembered as declared, with no value */
    if (gw_config_put(app, key, "", GW_CONFIG_DEFAULT, 0) != GW_OK) {
        return GW_ERROR;
    }
    app->config->value = NULL;
    return GW_OK;
}


/* Flask's from_mapping takes only keys that Python's str.isupper() calls
 * upper case: at least one letter, no lower-case one. */
static int
gw_config_key_upper(const char *k)
{
    int  letter = 0;

    for (; *k; k++) {
        if (islower((unsigned char) *k)) {
            return 0;
        }
        letter |= isupper((unsigned char) *k) != 0;
    }
    return letter;
}


/* A JSON value as config text: strings as they are, numbers and true or
 * false as JSON spells them, lists of strings joined with ", " (as
 * TRUSTED_HOSTS reads them).  NULL for what has no flat form. */
static char *
gw_config_text(gw_app_t *app, json_t *v)
{
    gw_buf_t   b;
    json_t    *item;
    size_t     i;
    char      *s, *copy;

    switch (json_typeof(v)) {
    case JSON_STRING:
        return gw_arena_strndup(app->arena, json_string_value(v),
                                json_string_length(v));
    case JSON_TRUE:
        return gw_arena_strdup(app->arena, "true");
    case JSON_FALSE:
        return gw_arena_strdup(app->arena, "false");
    case JSON_INTEGER:
    case JSON_REAL:
        s = json_dumps(v, JSON_ENCODE_ANY);
        copy = s ? gw_arena_strdup(app->arena, s) : NULL;
        free(s);
        return copy;
    case JSON_ARRAY:
        gw_buf_init(&b, app->arena, 64);
        json_array_foreach(v, i, item) {
            if (!json_is_string(item)
                || (i && gw_buf_append(&b, ", ", 2) != GW_OK)
                || gw_buf_append(&b, json_string_value(item),
                                 json_string_length(item)) != GW_OK)
            {
                return NULL;
            }
        }
        return gw_buf_putc(&b, '\0') == GW_OK ? b.data : NULL;
    default:
        return NULL;
    }
}


int
gw_app_config_from_file(gw_app_t *app, const char *path, int silent)
{
    json_error_t  err;
    json_t       *obj, *v;
    const char   *full, *key;
    char         *text;
    FILE         *f;

    full = gw_app_path(app, path);
    if (full == NULL) {
        return GW_ERROR;
    }

    f = fopen(full, "r");
    if (f == NULL) {
        if (silent) {
            return GW_OK;
        }
        gw_app_fail(app, "config file \"%s\": %m", full);
        return GW_ERROR;
    }
    obj = json_loadf(f, 0, &err);
    fclose(f);
    if (obj == NULL) {
        gw_app_fail(app, "config file \"%s\":%d:%d: %s", full, err.line,
                    err.column, err.text);
        return GW_ERROR;
    }
    if (!json_is_object(obj)) {
        json_decref(obj);
        gw_app_fail(app, "config file \"%s\": not a JSON object", full);
        return GW_ERROR;
    }

    json_object_foreach(obj, key, v) {
        if (!gw_config_key_upper(key) || json_is_null(v)) {
            continue;
        }
        text = gw_config_text(app, v);
        if (text == NULL) {
            gw_app_fail(app, "config file \"%s\": %s: a string, number, "
                        "boolean or list of strings", full, key);
            json_decref(obj);
            return GW_ERROR;
        }
        if (gw_config_put(app, key, text, GW_CONFIG_FILE, 0) != GW_OK) {
            json_decref(obj);
            return GW_ERROR;
        }
    }
    json_decref(obj);
    return GW_OK;
}


int
gw_app_config_from_prefixed_env(gw_app_t *app, const char *prefix)
{
    json_t       *j;
    const char   *eq, *value;
    char        **e, *key, *text;
    size_t        plen;

    prefix = prefix ? prefix : "GATEWAY";
    plen = strlen(prefix);

    for (e = environ; e != NULL && *e != NULL; e++) {
        if (strncmp(*e, prefix, plen) != 0 || (*e)[plen] != '_') {
            continue;
        }
        eq = strchr(*e, '=');
        if (eq == NULL || eq == *e + plen + 1) {
            continue;
        }
        key = gw_arena_strndup(app->arena, *e + plen + 1,
                               eq - (*e + plen + 1));
        if (key == NULL) {
            gw_app_fail(app, "config: out of memory");
            return GW_ERROR;
        }
        /* Flask's nested keys (A__B) have no flat form here */
        if (strstr(key, "__") != NULL) {
            continue;
        }

        /* Flask reads the value as JSON when it parses: "\"x\"" is x, and
         * what is not JSON is taken as it is */
        value = eq + 1;
        j = json_loads(value, JSON_DECODE_ANY, NULL);
        text = json_is_string(j) ? gw_config_text(app, j) : NULL;
        json_decref(j);
        if (gw_config_put(app, key, text ? text : value, GW_CONFIG_ENV, 0)
            != GW_OK)
        {
            return GW_ERROR;
        }
    }
    return GW_OK;
}


int
gw_config_load_operator(gw_app_t *app)
{
    const char  *file;

    if (gw_app_config_from_prefixed_env(app, "GATEWAY") != GW_OK) {
        return GW_ERROR;
    }
    file = gw_app_config_get(app, "CONFIG_FILE");
    if (file != NULL && file[0] != '\0') {
        return gw_app_config_from_file(app, file, 0);
    }
    return GW_OK;
}


void
gw_config_warn_unknown(gw_app_t *app, gw_load_ctx_t *ctx)
{
    const gw_config_t  *c;
    size_t              i;

    for (c = app->config; c != NULL; c = c->next) {
        if (c->declared || c->level == GW_CONFIG_DEFAULT) {
            continue;
        }
        for (i = 0; gw_config_known[i] != NULL; i++) {
            if (strcmp(c->key, gw_config_known[i]) == 0) {
                break;
            }
        }
        if (gw_config_known[i] != NULL) {
            continue;
        }
        /* the servers' logs at load time: nginx's stderr (the terminal,
         * or its error log once running), gateway-fcgi's */
        fprintf(stderr, "gateway: [warn] application \"%s\": unknown config "
                "key \"%s\" (%s): neither the framework nor the app reads "
                "it; a typo? (an app declares keys it reads later with "
                "gw_app_config_declare())\n",
                ctx->path ? ctx->path : app->name, c->key,
                c->level == GW_CONFIG_FILE ? "from CONFIG_FILE"
                : c->level == GW_CONFIG_ENV ? "from the environment"
                : "gateway_config or --config");
    }
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


/* Computed again until the app is loaded (setup() may change INSTANCE_PATH
 * or ROOT_PATH), then kept: threads only read it. */
const char *
gw_app_instance_path(gw_app_t *app)
{
    const char  *v;

    if (!app->frozen) {
        v = gw_app_config_get(app, "INSTANCE_PATH");
        app->instance_path = gw_app_path(app, v && v[0] ? v : "instance");
    }
    return app->instance_path;
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
