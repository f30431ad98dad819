/*
 * environ.c: the request dict a server hands to an application, an ordered
 * array of string pairs.  Environs hold a few dozen keys, so a linear scan
 * that compares lengths first beats hashing.
 */

#include "gw_core.h"

#include <stdio.h>
#include <string.h>


void
gw_environ_init(gw_environ_t *env, gw_arena_t *a, size_t hint)
{
    memset(env, 0, sizeof(*env));
    env->arena = a;

    if (hint) {
        env->entries = gw_arena_alloc(a, hint * sizeof(gw_env_entry_t));
        if (env->entries != NULL) {
            env->nalloc = hint;
        }
    }
}


int
gw_environ_add(gw_environ_t *env, gw_str_t key, gw_str_t value)
{
    gw_env_entry_t  *e;
    size_t           n;

    if (env->nentries == env->nalloc) {
        n = env->nalloc ? env->nalloc * 2 : 32;
        e = gw_arena_alloc(env->arena, n * sizeof(gw_env_entry_t));
        if (e == NULL) {
            return GW_ERROR;
        }
        if (env->nentries) {
            memcpy(e, env->entries, env->nentries * sizeof(gw_env_entry_t));
        }
        env->entries = e;
        env->nalloc = n;
    }

    e = &env->entries[env->nentries++];
    e->key = key;
    e->value = value;
    return GW_OK;
}


static gw_env_entry_t *
gw_environ_find(const gw_environ_t *env, const char *key, size_t len)
{
    gw_env_entry_t  *e, *last;

    last = env->entries + env->nentries;
    for (e = env->entries; e < last; e++) {
        if (e->key.len == len && memcmp(e->key.data, key, len) == 0) {
            return e;
        }
    }
    return NULL;
}


int
gw_environ_set(gw_environ_t *env, gw_str_t key, gw_str_t value)
{
    gw_env_entry_t  *e;

    e = gw_environ_find(env, key.data, key.len);
    if (e != NULL) {
        e->value = value;
        return GW_OK;
    }
    return gw_environ_add(env, key, value);
}


int
gw_environ_add_header(gw_environ_t *env, size_t from, gw_str_t key,
    gw_str_t value)
{
    gw_env_entry_t  *e, *last;
    size_t           len;
    char            *p;

    last = env->entries + env->nentries;
    for (e = env->entries + from; e < last; e++) {
        if (e->key.len == key.len
            && memcmp(e->key.data, key.data, key.len) == 0)
        {
            break;
        }
    }

    if (e == last) {
        return gw_environ_add(env, key, value);
    }

    len = e->value.len + 2 + value.len;
    p = gw_arena_alloc(env->arena, len);
    if (p == NULL) {
        return GW_ERROR;
    }

    memcpy(p, e->value.data, e->value.len);
    p[e->value.len] = gw_str_eq(key, "HTTP_COOKIE") ? ';' : ',';
    p[e->value.len + 1] = ' ';
    memcpy(p + e->value.len + 2, value.data, value.len);

    e->value.data = p;
    e->value.len = len;
    return GW_OK;
}


const gw_str_t *
gw_environ_getn(const gw_environ_t *env, const char *key, size_t len)
{
    gw_env_entry_t  *e;

    e = gw_environ_find(env, key, len);
    return e ? &e->value : NULL;
}


const gw_str_t *
gw_environ_get(const gw_environ_t *env, const char *key)
{
    return gw_environ_getn(env, key, strlen(key));
}


char *
gw_environ_header_key(gw_arena_t *a, const char *name, size_t len,
    size_t *keylen)
{
    size_t   i, off;
    char    *k, c;

    if (len == 0) {
        return NULL;
    }

    /* CGI gives these two their own keys, without the HTTP_ prefix */
    off = 5;
    if ((len == 12 && strncasecmp(name, "Content-Type", 12) == 0)
        || (len == 14 && strncasecmp(name, "Content-Length", 14) == 0))
    {
        off = 0;
    }

    k = gw_arena_alloc(a, off + len + 1);
    if (k == NULL) {
        return NULL;
    }

    memcpy(k, "HTTP_", off);

    for (i = 0; i < len; i++) {
        c = name[i];
        if (c >= 'a' && c <= 'z') {
            c = (char) (c - 'a' + 'A');
        } else if (c == '-') {
            c = '_';
        } else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                     || c == '_'))
        {
            /* a name CGI cannot spell: drop it rather than mangle it */
            return NULL;
        }
        k[off + i] = c;
    }

    k[off + len] = '\0';
    *keylen = off + len;
    return k;
}


void
gw_log(const gw_environ_t *env, gw_log_level_t level, const char *fmt, ...)
{
    va_list  ap;
    char     msg[2048];
    int      n;

    va_start(ap, fmt);
    n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    if (n < 0) {
        return;
    }
    if ((size_t) n >= sizeof(msg)) {
        n = sizeof(msg) - 1;
    }

    if (env != NULL && env->log != NULL) {
        env->log(env->log_ctx, level, msg, (size_t) n);
    } else {
        fprintf(stderr, "gateway: %.*s\n", n, msg);
    }
}
