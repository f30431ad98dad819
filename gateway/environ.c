/*
 * environ.c: the request dict a server hands to an application, an ordered
 * array of string pairs.  Environs hold a few dozen keys, so a linear scan
 * that compares lengths first beats hashing for lookups; only the servers'
 * adding of headers, up to a thousand from a client, goes through an index.
 */

#include "gw_core.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>


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

    if (gw_array_grow(env->arena, &env->entries, env->nentries, &env->nalloc,
                      sizeof(gw_env_entry_t))
        != GW_OK)
    {
        return GW_ERROR;
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
gw_environ_set_gateway(gw_environ_t *env, const gw_environ_gateway_t *g)
{
    size_t    i;
    gw_str_t  k[5] = {
        gw_string("gateway.url_scheme"), gw_string("gateway.input"),
        gw_string("gateway.multithread"), gw_string("gateway.multiprocess"),
        gw_string("gateway.errors")
    };
    gw_str_t  v[5] = {
        { g->https ? "https" : "http", g->https ? 5 : 4 },
        { g->input.data ? g->input.data : "", g->input.len },
        { g->multithread ? "true" : "false", g->multithread ? 4 : 5 },
        { g->multiprocess ? "true" : "false", g->multiprocess ? 4 : 5 },
        { g->errors, strlen(g->errors) }
    };

    for (i = 0; i < 5; i++) {
        if (gw_environ_set(env, k[i], v[i]) != GW_OK) {
            return GW_ERROR;
        }
    }
    return GW_OK;
}


/*
 * The index of gw_environ_add_header: an open-addressing table from key to
 * entry, over entries[from..upto), extended lazily to the entries added
 * since (by either add function).  A slot also remembers the buffer it
 * joined a repeated header into and its capacity, so each repeat appends
 * in place and the buffer doubles when full: n repeats copy O(n) bytes.
 */
typedef struct {
    size_t     entry;       /* entries[entry - 1]; 0 for an empty slot */
    uint64_t   hash;
    char      *buf;         /* the joined value, when we built it */
    size_t     cap;
} gw_env_slot_t;

struct gw_env_index_s {
    gw_env_slot_t  *slots;
    size_t          mask;
    size_t          used;
    size_t          from;
    size_t          upto;
    uint64_t        seed;
};

#define GW_ENV_INDEX_MIN  64


/* FNV-1a from a seed the kernel chose at exec (AT_RANDOM), so that header
 * names colliding in every process are hard to pick */
static uint64_t
gw_env_hash(uint64_t seed, const char *key, size_t len)
{
    uint64_t  h;
    size_t    i;

    h = seed;
    for (i = 0; i < len; i++) {
        h = (h ^ (unsigned char) key[i]) * 0x100000001b3ULL;
    }
    return h;
}


static gw_env_slot_t *
gw_env_index_find(const gw_environ_t *env, const struct gw_env_index_s *x,
    uint64_t h, gw_str_t key)
{
    gw_env_slot_t   *s;
    gw_env_entry_t  *e;
    size_t           i;

    for (i = h & x->mask; ; i = (i + 1) & x->mask) {
        s = &x->slots[i];
        if (s->entry == 0) {
            return s;
        }
        e = &env->entries[s->entry - 1];
        if (s->hash == h && e->key.len == key.len
            && memcmp(e->key.data, key.data, key.len) == 0)
        {
            return s;
        }
    }
}


static int
gw_env_index_grow(gw_environ_t *env, struct gw_env_index_s *x)
{
    gw_env_slot_t  *old, *s;
    size_t          i, n, mask;

    old = x->slots;
    n = old ? (x->mask + 1) * 2 : GW_ENV_INDEX_MIN;
    x->slots = gw_arena_calloc(env->arena, n * sizeof(gw_env_slot_t));
    if (x->slots == NULL) {
        x->slots = old;
        return GW_ERROR;
    }
    mask = x->mask;
    x->mask = n - 1;

    for (i = 0; old != NULL && i <= mask; i++) {
        if (old[i].entry == 0) {
            continue;
        }
        for (n = old[i].hash & x->mask; ; n = (n + 1) & x->mask) {
            s = &x->slots[n];
            if (s->entry == 0) {
                *s = old[i];
                break;
            }
        }
    }
    return GW_OK;
}


/* The index over entries[from..], up to date. */
static struct gw_env_index_s *
gw_env_index(gw_environ_t *env, size_t from)
{
    struct gw_env_index_s  *x;
    const unsigned char    *r;
    gw_env_slot_t          *s;
    gw_env_entry_t         *e;
    uint64_t                h;

    x = env->index;
    if (x == NULL || x->from != from) {
        if (x == NULL) {
            x = gw_arena_calloc(env->arena, sizeof(*x));
            if (x == NULL) {
                return NULL;
            }
            x->seed = 0xcbf29ce484222325ULL;
            r = (const unsigned char *) getauxval(AT_RANDOM);
            if (r != NULL) {
                memcpy(&h, r, sizeof(h));
                x->seed ^= h;
            }
            env->index = x;
        } else if (x->slots != NULL) {
            memset(x->slots, 0, (x->mask + 1) * sizeof(gw_env_slot_t));
        }
        x->used = 0;
        x->from = from;
        x->upto = from;
    }

    if (x->slots == NULL && gw_env_index_grow(env, x) != GW_OK) {
        return NULL;
    }

    for ( /* void */ ; x->upto < env->nentries; x->upto++) {
        if ((x->used + 1) * 2 > x->mask + 1
            && gw_env_index_grow(env, x) != GW_OK)
        {
            return NULL;
        }
        e = &env->entries[x->upto];
        h = gw_env_hash(x->seed, e->key.data, e->key.len);
        s = gw_env_index_find(env, x, h, e->key);
        if (s->entry == 0) {
            /* a key seen twice stays with its first entry */
            s->entry = x->upto + 1;
            s->hash = h;
            x->used++;
        }
    }
    return x;
}


int
gw_environ_add_header(gw_environ_t *env, size_t from, gw_str_t key,
    gw_str_t value)
{
    struct gw_env_index_s  *x;
    gw_env_slot_t          *s;
    gw_env_entry_t         *e;
    size_t                  need;
    char                   *p;

    x = gw_env_index(env, from);
    if (x == NULL) {
        return GW_ERROR;
    }

    s = gw_env_index_find(env, x, gw_env_hash(x->seed, key.data, key.len),
                          key);
    if (s->entry == 0) {
        /* indexed on the next call */
        return gw_environ_add(env, key, value);
    }

    e = &env->entries[s->entry - 1];
    need = e->value.len + 2 + value.len;

    /* a value the server handed us, or one gw_environ_set replaced, is
     * copied into a buffer of our own first: with no capacity, the buffer
     * is always made anew from the value before anything is written */
    if (s->buf != e->value.data) {
        s->buf = (char *) e->value.data;
        s->cap = 0;
    }
    if (gw_array_reserve(env->arena, &s->buf, e->value.len, &s->cap, 1,
                         2 + value.len)
        != GW_OK)
    {
        return GW_ERROR;
    }

    p = s->buf + e->value.len;
    p[0] = gw_str_eq(key, "HTTP_COOKIE") ? ';' : ',';
    p[1] = ' ';
    if (value.len) {
        memcpy(p + 2, value.data, value.len);
    }

    e->value.data = s->buf;
    e->value.len = need;
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


/*
 * Control characters of msg[0..n) as \n, \r, \t or \xNN into out (4n bytes
 * at most), so that a message carrying request data (a decoded path, a
 * header) cannot forge or split lines in the log.  Returns out's length.
 */
static size_t
gw_log_escape(const char *msg, size_t n, char *out)
{
    static const char     hex[] = "0123456789abcdef";
    const unsigned char  *p, *end;
    char                 *d;

    d = out;
    end = (const unsigned char *) msg + n;
    for (p = (const unsigned char *) msg; p < end; p++) {
        if (*p >= 0x20 && *p != 0x7f) {
            *d++ = (char) *p;
            continue;
        }
        *d++ = '\\';
        switch (*p) {
        case '\n':
            *d++ = 'n';
            break;
        case '\r':
            *d++ = 'r';
            break;
        case '\t':
            *d++ = 't';
            break;
        default:
            *d++ = 'x';
            *d++ = hex[*p >> 4];
            *d++ = hex[*p & 0xf];
        }
    }
    return d - out;
}


void
gw_log(const gw_environ_t *env, gw_log_level_t level, const char *fmt, ...)
{
    va_list  ap;
    char     msg[2048], esc[4 * sizeof(msg)];
    size_t   len;
    int      n;

    va_start(ap, fmt);
    n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    if (n < 0) {
        return;
    }
    len = (size_t) n < sizeof(msg) ? (size_t) n : sizeof(msg) - 1;
    len = gw_log_escape(msg, len, esc);

    if (env != NULL && env->log != NULL) {
        env->log(env->log_ctx, level, esc, len);
    } else {
        fprintf(stderr, "gateway: %.*s\n", (int) len, esc);
    }
}
