/*
 * session.c: Flask's client-side session, a JSON object in a cookie signed
 * the way itsdangerous signs it (payload.timestamp.signature, base64url,
 * the key derived from SECRET_KEY with the salt "cookie-session"), here
 * with HMAC-SHA256.  A cookie that does not verify is an empty session.
 */

#include "fw.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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


/* itsdangerous' derive_key ("hmac"), then the signature of value */
static int
gw_session_sign(const char *secret, const char *value, size_t len,
    unsigned char sig[32])
{
    unsigned char  key[EVP_MAX_MD_SIZE];
    unsigned int   klen, slen;

    if (HMAC(EVP_sha256(), secret, (int) strlen(secret),
             (const unsigned char *) GW_SESSION_SALT,
             sizeof(GW_SESSION_SALT) - 1, key, &klen) == NULL
        || HMAC(EVP_sha256(), key, (int) klen, (const unsigned char *) value,
                len, sig, &slen) == NULL
        || slen != 32)
    {
        return GW_ERROR;
    }
    return GW_OK;
}


char *
gw_session_encode(gw_arena_t *a, const char *secret, json_t *session,
    int64_t timestamp)
{
    gw_buf_t       json, out;
    unsigned char  ts[8], sig[32];
    size_t         n, i;
    uint64_t       t;

    gw_buf_init(&json, a, 128);
    gw_buf_init(&out, a, 256);
    if (gw_json_dump_buf(&json, session) != GW_OK
        || gw_b64url_encode(&out, (unsigned char *) json.data, json.len)
        || gw_buf_putc(&out, '.'))
    {
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
        || gw_session_sign(secret, out.data, out.len, sig)
        || gw_buf_putc(&out, '.')
        || gw_b64url_encode(&out, sig, sizeof(sig))
        || gw_buf_putc(&out, '\0'))
    {
        return NULL;
    }
    return out.data;
}


json_t *
gw_session_decode(const char *secret, gw_str_t cookie, int64_t now,
    int64_t max_age)
{
    const char     *sigpos, *tspos;
    unsigned char   expect[32], got[33], ts[12];
    unsigned char  *payload;
    json_t         *v;
    uint64_t        t;
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
    if (cookie.data + cookie.len - (sigpos + 1) != 43
        || gw_b64url_decode(sigpos + 1, 43, got) != 32
        || gw_session_sign(secret, cookie.data, sigpos - cookie.data,
                           expect) != GW_OK
        || CRYPTO_memcmp(expect, got, 32) != 0)
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

    /* a leading '.' marks a zlib-compressed payload: we never write one */
    n = tspos - cookie.data;
    payload = malloc(n + 1);
    if (payload == NULL) {
        return NULL;
    }
    n = gw_b64url_decode(cookie.data, n, payload);
    v = n < 0 ? NULL : gw_json_loadb((char *) payload, n, NULL);
    free(payload);

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
        s = gw_session_decode(req->app->secret_key, *cookie,
                              (int64_t) time(NULL),
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
    value = gw_session_encode(req->arena, req->app->secret_key, req->session,
                              now);
    if (value == NULL) {
        return gw_fail(req, "session: out of memory");
    }

    if (permanent) {
        opt.expires = now + req->app->session_lifetime;
    }
    return gw_set_cookie(req, resp, req->app->session_cookie, value, &opt);
}
