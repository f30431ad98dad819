/*
 * session.c: Flask's client-side session, a JSON object in a cookie as
 * Flask's SecureCookieSessionInterface writes it: itsdangerous'
 * URLSafeTimedSerializer (payload.timestamp.signature, base64url, a '.'
 * before a zlib-compressed payload, the key derived from SECRET_KEY with
 * the salt "cookie-session") around Flask's TaggedJSONSerializer.  The
 * HMAC is SHA-256 by default, Flask's SHA-1 with SESSION_DIGEST sha1.  A
 * cookie that does not verify is an empty session.
 */

#include "fw.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#define GW_SESSION_SALT   "cookie-session"
#define GW_SESSION_MAX    (64 * 1024)

static const char  gw_b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";


static int
gw_b64url_encode(gw_buf_t *b, const unsigned char *s, size_t len)
{
    size_t    i;
    unsigned  v;
    char      q[4];

    for (i = 0; i + 2 < len; i += 3) {
        v = (unsigned) s[i] << 16 | (unsigned) s[i + 1] << 8 | s[i + 2];
        q[0] = gw_b64url[v >> 18];
        q[1] = gw_b64url[(v >> 12) & 63];
        q[2] = gw_b64url[(v >> 6) & 63];
        q[3] = gw_b64url[v & 63];
        if (gw_buf_append(b, q, 4) != GW_OK) {
            return GW_ERROR;
        }
    }

    if (len - i == 1) {
        v = (unsigned) s[i] << 16;
        q[0] = gw_b64url[v >> 18];
        q[1] = gw_b64url[(v >> 12) & 63];
        return gw_buf_append(b, q, 2);
    }
    if (len - i == 2) {
        v = (unsigned) s[i] << 16 | (unsigned) s[i + 1] << 8;
        q[0] = gw_b64url[v >> 18];
        q[1] = gw_b64url[(v >> 12) & 63];
        q[2] = gw_b64url[(v >> 6) & 63];
        return gw_buf_append(b, q, 3);
    }
    return GW_OK;
}


static int
gw_b64url_value(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    return -1;
}


/* Into out (room for len * 3 / 4 bytes); -1 when not base64url. */
static long
gw_b64url_decode(const char *s, size_t len, unsigned char *out)
{
    size_t    i, n;
    unsigned  acc;
    int       bits, v;

    if (len % 4 == 1) {
        return -1;
    }

    n = 0;
    acc = 0;
    bits = 0;
    for (i = 0; i < len; i++) {
        v = gw_b64url_value(s[i]);
        if (v < 0) {
            return -1;
        }
        acc = (acc << 6) | (unsigned) v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char) (acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }

    /* the spare bits must be zero: one encoding per value, so a changed
     * signature character can never verify */
    if (acc != 0) {
        return -1;
    }
    return (long) n;
}


/* itsdangerous' derive_key ("hmac"), then the signature of value; the
 * signature's length, or 0 */
static unsigned
gw_session_sign(const char *secret, int digest, const char *value,
    size_t len, unsigned char sig[EVP_MAX_MD_SIZE])
{
    const EVP_MD   *md;
    unsigned char   key[EVP_MAX_MD_SIZE];
    unsigned int    klen, slen;

    md = digest == GW_SESSION_SHA1 ? EVP_sha1() : EVP_sha256();
    if (HMAC(md, secret, (int) strlen(secret),
             (const unsigned char *) GW_SESSION_SALT,
             sizeof(GW_SESSION_SALT) - 1, key, &klen) == NULL
        || HMAC(md, key, (int) klen, (const unsigned char *) value, len, sig,
                &slen) == NULL)
    {
        return 0;
    }
    return slen;
}


/* TaggedJSONSerializer's tags: " " and letters ("di", "t", ...). */
static int
gw_session_is_tag(const char *key)
{
    if (key[0] != ' ' || key[1] == '\0') {
        return 0;
    }
    for (key++; *key; key++) {
        if (!((*key >= 'a' && *key <= 'z') || (*key >= 'A' && *key <= 'Z'))) {
            return 0;
        }
    }
    return 1;
}


/*
 * Flask's TaggedJSONSerializer.tag() for what a json_t holds: an object
 * whose one key is a tag's is escaped as {" di": {"KEY__": value}}, the
 * rest is plain JSON.  Flask escapes only its known tags' keys; any key
 * that reads as a tag is escaped here, which Flask reads alike, so that
 * every session comes back as it was.  A new reference, NULL when out of
 * memory.
 */
static json_t *
gw_session_tag(json_t *v)
{
    json_t      *n, *item, *wrap;
    const char  *key;
    char        *k;
    size_t       i;

    if (json_is_array(v)) {
        n = json_array();
        json_array_foreach(v, i, item) {
            if (n == NULL
                || json_array_append_new(n, gw_session_tag(item)) != 0)
            {
                json_decref(n);
                return NULL;
            }
        }
        return n;
    }
    if (!json_is_object(v)) {
        return json_incref(v);
    }

    n = json_object();
    json_object_foreach(v, key, item) {
        if (n == NULL || json_object_set_new(n, key, gw_session_tag(item))) {
            json_decref(n);
            return NULL;
        }
    }
    if (json_object_size(n) != 1) {
        return n;
    }
    key = json_object_iter_key(json_object_iter(n));
    if (!gw_session_is_tag(key)) {
        return n;
    }
    k = malloc(strlen(key) + 3);
    if (k == NULL) {
        json_decref(n);
        return NULL;
    }
    strcpy(stpcpy(k, key), "__");
    wrap = json_object();
    item = json_incref(json_object_get(n, key));
    json_decref(n);
    n = json_object();
    if (wrap == NULL || n == NULL || json_object_set_new(wrap, k, item)
        || json_object_set_new(n, " di", wrap))
    {
        json_decref(n);
        n = NULL;
    }
    free(k);
    return n;
}


/* base64 with '+', '/' and '=' padding (TagBytes), into out */
static long
gw_b64_decode(const char *s, size_t len, unsigned char *out)
{
    char    *t;
    size_t   i;
    long     n;

    while (len > 0 && s[len - 1] == '=') {
        len--;
    }
    t = malloc(len + 1);
    if (t == NULL) {
        return -1;
    }
    for (i = 0; i < len; i++) {
        t[i] = s[i] == '+' ? '-' : s[i] == '/' ? '_'
               : (s[i] == '-' || s[i] == '_') ? '!' : s[i];
    }
    n = gw_b64url_decode(t, len, out);
    free(t);
    return n;
}


/* uuid.hex, or with dashes, as UUID's canonical text */
static json_t *
gw_session_uuid(const char *s)
{
    char    hex[33], out[37];
    size_t  n, i;

    for (n = 0; *s && n < 33; s++) {
        if (*s == '-') {
            continue;
        }
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')
              || (*s >= 'A' && *s <= 'F')))
        {
            return NULL;
        }
        hex[n++] = (char) (*s | 0x20);
    }
    if (n != 32 || *s) {
        return NULL;
    }
    for (i = 0, n = 0; i < 32; i++) {
        if (i == 8 || i == 12 || i == 16 || i == 20) {
            out[n++] = '-';
        }
        out[n++] = hex[i];
    }
    return json_stringn(out, 36);
}


/* One tagged value, to what a json_t can hold (a new reference); NULL for
 * a tag that is unknown or does not fit. */
static json_t *
gw_session_untag_one(const char *tag, json_t *v)
{
    const char     *key;
    unsigned char  *bytes;
    json_t         *r, *item;
    size_t          klen;
    long            n;

    if (strcmp(tag, " t") == 0) {
        return json_is_array(v) ? json_incref(v) : NULL;
    }
    if (strcmp(tag, " m") == 0 || strcmp(tag, " d") == 0) {
        return json_is_string(v) ? json_incref(v) : NULL;
    }
    if (strcmp(tag, " u") == 0) {
        return json_is_string(v) ? gw_session_uuid(json_string_value(v))
                                 : NULL;
    }
    if (strcmp(tag, " b") == 0) {
        if (!json_is_string(v)) {
            return NULL;
        }
        bytes = malloc(json_string_length(v) + 1);
        if (bytes == NULL) {
            return NULL;
        }
        n = gw_b64_decode(json_string_value(v), json_string_length(v), bytes);
        /* bytes that are not UTF-8 have no json_t: the cookie is refused */
        r = n < 0 ? NULL : json_stringn((char *) bytes, (size_t) n);
        free(bytes);
        return r;
    }
    if (strcmp(tag, " di") == 0) {
        if (!json_is_object(v) || json_object_size(v) != 1) {
            return NULL;
        }
        key = json_object_iter_key(json_object_iter(v));
        item = json_object_get(v, key);
        klen = strlen(key);
        if (klen < 2 || strcmp(key + klen - 2, "__") != 0) {
            return NULL;
        }
        r = json_object();
        if (r == NULL
            || json_object_setn(r, key, klen - 2, item) != 0)
        {
            json_decref(r);
            return NULL;
        }
        return r;
    }
    return NULL;
}


/*
 * TaggedJSONSerializer.loads: objects untagged inside out, as its
 * object_hook does.  Steals v; a new reference, or NULL when a tag is
 * unknown (a custom tag Flask's app registered) or malformed.
 */
static json_t *
gw_session_untag(json_t *v)
{
    json_t      *item, *r;
    const char  *key;
    void        *it;
    size_t       i;

    if (json_is_array(v)) {
        for (i = 0; i < json_array_size(v); i++) {
            item = gw_session_untag(json_incref(json_array_get(v, i)));
            if (item == NULL || json_array_set_new(v, i, item) != 0) {
                json_decref(v);
                return NULL;
            }
        }
        return v;
    }
    if (!json_is_object(v)) {
        return v;
    }

    for (it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
        item = gw_session_untag(json_incref(json_object_iter_value(it)));
        if (item == NULL || json_object_iter_set_new(v, it, item) != 0) {
            json_decref(v);
            return NULL;
        }
    }
    if (json_object_size(v) != 1) {
        return v;
    }
    key = json_object_iter_key(json_object_iter(v));
    if (!gw_session_is_tag(key)) {
        return v;
    }
    r = gw_session_untag_one(key, json_object_get(v, key));
    json_decref(v);
    return r;
}


/*
 * zlib's memory for one compression, carved from one block of the
 * request's arena: deflate's own four 64 KB mallocs, freed on every
 * cookie, had glibc hand the heap back and fault it in again each time
 * (900 us a cookie; 6 us from one block).  The block is deflate's need at
 * zlib's default windowBits and memLevel, (1 << 17) * 2, and its state.
 */
#define GW_SESSION_ZMEM  (256 * 1024 + 16 * 1024)

typedef struct {
    unsigned char  *p;
    size_t          left;
} gw_zpool_t;


static voidpf
gw_session_zalloc(voidpf opaque, uInt items, uInt size)
{
    gw_zpool_t  *z = opaque;
    size_t       n;
    void        *p;

    n = ((size_t) items * size + 15) & ~(size_t) 15;
    if (n > z->left) {
        return Z_NULL;
    }
    p = z->p;
    z->p += n;
    z->left -= n;
    return p;
}


static void
gw_session_zfree(voidpf opaque, voidpf p)
{
    /* the arena frees the block */
}


/* zlib.compress(json) as Python makes it (level 6, windowBits 15, memLevel
 * 8): the length written to *out, or 0 when it cannot (no memory: the
 * payload then goes uncompressed, which Flask reads as well). */
static size_t
gw_session_deflate(gw_arena_t *a, const char *json, size_t len,
    unsigned char **out)
{
    z_stream    zs;
    gw_zpool_t  pool;
    size_t      n;

    memset(&zs, 0, sizeof(zs));
    pool.p = gw_arena_alloc(a, GW_SESSION_ZMEM);
    pool.left = GW_SESSION_ZMEM;
    zs.zalloc = gw_session_zalloc;
    zs.zfree = gw_session_zfree;
    zs.opaque = &pool;
    if (pool.p == NULL || deflateInit(&zs, Z_DEFAULT_COMPRESSION) != Z_OK) {
        return 0;
    }

    n = deflateBound(&zs, len);
    *out = gw_arena_alloc(a, n);
    zs.next_in = (Bytef *) json;
    zs.avail_in = len;
    zs.next_out = *out;
    zs.avail_out = n;
    n = *out != NULL && deflate(&zs, Z_FINISH) == Z_STREAM_END
        ? zs.total_out : 0;
    deflateEnd(&zs);
    return n;
}


char *
gw_session_encode(gw_arena_t *a, const char *secret, int digest,
    json_t *session, int64_t timestamp)
{
    gw_buf_t        json, out;
    json_t         *tagged;
    unsigned char   ts[8], sig[EVP_MAX_MD_SIZE], *z;
    unsigned        slen;
    size_t          n, i, zlen;
    uint64_t        t;
    int             rc;

    gw_buf_init(&json, a, 128);
    gw_buf_init(&out, a, 256);
    tagged = gw_session_tag(session);
    rc = tagged == NULL ? GW_ERROR : gw_json_dump_buf(&json, tagged);
    json_decref(tagged);
    if (rc != GW_OK) {
        return NULL;
    }

    /* itsdangerous compresses when that saves more than a byte */
    zlen = gw_session_deflate(a, json.data, json.len, &z);
    if (zlen != 0 && zlen + 1 < json.len) {
        rc = gw_buf_putc(&out, '.') || gw_b64url_encode(&out, z, zlen);
    } else {
        rc = gw_b64url_encode(&out, (unsigned char *) json.data, json.len);
    }
    if (rc || gw_buf_putc(&out, '.')) {
        return NULL;
    }

    /* int_to_bytes: big-endian, no leading zero bytes */
    t = timestamp > 0 ? (uint64_t) timestamp : 0;
    for (n = 0; n < 8 && (t >> (8 * n)) != 0; n++) {
        /* void */
    }
    for (i = 0; i < n; i++) {
        ts[i] = (unsigned char) (t >> (8 * (n - 1 - i)));
    }

    if (gw_b64url_encode(&out, ts, n)
        || (slen = gw_session_sign(secret, digest, out.data, out.len, sig))
           == 0
        || gw_buf_putc(&out, '.')
        || gw_b64url_encode(&out, sig, slen)
        || gw_buf_putc(&out, '\0'))
    {
        return NULL;
    }
    return out.data;
}


/* The payload's JSON: base64url, or '.' and base64url of zlib data that
 * inflates to at most GW_SESSION_MAX bytes.  malloc'ed; NULL if not. */
static char *
gw_session_payload(const char *s, size_t len, size_t *out_len)
{
    unsigned char  *raw, *json;
    unsigned long   jlen;
    long            n;
    int             compressed;

    compressed = len > 0 && s[0] == '.';
    s += compressed;
    len -= compressed;

    raw = malloc(len + 1);
    if (raw == NULL) {
        return NULL;
    }
    n = gw_b64url_decode(s, len, raw);
    if (n < 0 || !compressed) {
        if (n < 0) {
            free(raw);
            return NULL;
        }
        *out_len = (size_t) n;
        return (char *) raw;
    }

    jlen = GW_SESSION_MAX;
    json = malloc(jlen);
    if (json == NULL
        || uncompress(json, &jlen, raw, (unsigned long) n) != Z_OK)
    {
        free(json);
        free(raw);
        return NULL;
    }
    free(raw);
    *out_len = jlen;
    return (char *) json;
}


json_t *
gw_session_decode(const char *secret, int digest, gw_str_t cookie,
    int64_t now, int64_t max_age)
{
    const char     *sigpos, *tspos;
    unsigned char   expect[EVP_MAX_MD_SIZE], got[EVP_MAX_MD_SIZE + 1], ts[12];
    unsigned        slen;
    char           *payload;
    json_t         *v;
    uint64_t        t;
    size_t          siglen, plen;
    long            n, i;

    if (cookie.len == 0 || cookie.len > GW_SESSION_MAX || secret == NULL) {
        return NULL;
    }

    sigpos = memrchr(cookie.data, '.', cookie.len);
    if (sigpos == NULL || sigpos == cookie.data) {
        return NULL;
    }
    tspos = memrchr(cookie.data, '.', sigpos - cookie.data);
    if (tspos == NULL) {
        return NULL;
    }

    /* the signature first: nothing else is looked at before it verifies */
    siglen = cookie.data + cookie.len - (sigpos + 1);
    slen = gw_session_sign(secret, digest, cookie.data, sigpos - cookie.data,
                           expect);
    if (slen == 0 || siglen != (slen * 4 + 2) / 3
        || gw_b64url_decode(sigpos + 1, siglen, got) != (long) slen
        || CRYPTO_memcmp(expect, got, slen) != 0)
    {
        return NULL;
    }

    n = sigpos - (tspos + 1);
    if (n > 11) {
        return NULL;
    }
    n = gw_b64url_decode(tspos + 1, n, ts);
    if (n < 0 || n > 8) {
        return NULL;
    }
    t = 0;
    for (i = 0; i < n; i++) {
        t = t << 8 | ts[i];
    }
    if (t > (uint64_t) INT64_MAX || now - (int64_t) t > max_age
        || now - (int64_t) t < 0)
    {
        return NULL;
    }

    payload = gw_session_payload(cookie.data, tspos - cookie.data, &plen);
    if (payload == NULL) {
        return NULL;
    }
    v = gw_json_loadb(payload, plen, NULL);
    free(payload);
    if (v != NULL) {
        v = gw_session_untag(v);
    }

    if (v != NULL && !json_is_object(v)) {
        json_decref(v);
        return NULL;
    }
    return v;
}


static char *
gw_session_serialise(gw_request_t *req)
{
    gw_buf_t  b;

    gw_buf_init(&b, req->arena, 128);
    if (gw_json_dump_buf(&b, req->session) != GW_OK
        || gw_buf_putc(&b, '\0') != GW_OK)
    {
        return NULL;
    }
    return b.data;
}


json_t *
gw_session(gw_request_t *req)
{
    const gw_str_t  *cookie;
    json_t          *s;

    if (req->session_loaded) {
        return req->session;
    }

    s = NULL;
    cookie = gw_request_cookie(req, req->app->session_cookie);
    if (cookie != NULL && req->app->secret_key != NULL) {
        s = gw_session_decode(req->app->secret_key, req->app->session_digest,
                              *cookie, (int64_t) time(NULL),
                              req->app->session_lifetime);
    }
    if (s == NULL) {
        s = json_object();
    }
    if (gw_json_arena_own(req->arena, s) != GW_OK) {
        return NULL;
    }

    req->session = s;
    req->session_orig = gw_session_serialise(req);
    if (req->session_orig == NULL) {
        req->session = NULL;
        return NULL;
    }
    req->session_loaded = 1;
    return s;
}


/* Flask keeps the flag in the session itself, so it lasts. */
void
gw_session_set_permanent(gw_request_t *req, int permanent)
{
    json_t  *s;

    s = gw_session(req);
    if (s == NULL) {
        return;
    }
    if (permanent) {
        json_object_set_new(s, "_permanent", json_true());
    } else {
        json_object_del(s, "_permanent");
    }
}


int
gw_session_save(gw_request_t *req, gw_response_t *resp)
{
    gw_cookie_t   opt;
    const char   *now_json;
    char         *value;
    int64_t       now;
    int           modified, permanent;

    if (!req->session_loaded) {
        return GW_OK;
    }

    /* whatever the outcome, the response depended on the cookie */
    if (gw_response_add_header(resp, "Vary", "Cookie") != GW_OK) {
        return gw_fail(req, "session: out of memory");
    }

    now_json = gw_session_serialise(req);
    if (now_json == NULL) {
        return gw_fail(req, "session: out of memory");
    }
    modified = strcmp(now_json, req->session_orig) != 0;

    opt = req->app->session_opt;

    if (json_object_size(req->session) == 0) {
        if (!modified) {
            return GW_OK;
        }
        return gw_delete_cookie(req, resp, req->app->session_cookie, &opt);
    }

    /* Flask: SESSION_REFRESH_EACH_REQUEST re-sends permanent sessions */
    permanent = json_is_true(json_object_get(req->session, "_permanent"));
    if (!modified && !permanent) {
        return GW_OK;
    }

    if (req->app->secret_key == NULL) {
        return gw_fail(req, "session: the session is unavailable because no "
                       "SECRET_KEY was set");
    }

    now = (int64_t) time(NULL);
    value = gw_session_encode(req->arena, req->app->secret_key,
                              req->app->session_digest, req->session, now);
    if (value == NULL) {
        return gw_fail(req, "session: out of memory");
    }

    if (permanent) {
        opt.expires = now + req->app->session_lifetime;
    }
    return gw_set_cookie(req, resp, req->app->session_cookie, value, &opt);
}
