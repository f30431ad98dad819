/*
 * security.c: werkzeug.security's password hashes, in its formats, so a
 * user table written by a Flask app keeps working here and the other way
 * round: "pbkdf2:sha256:600000$SALT$HEX" and "scrypt:32768:8:1$SALT$HEX",
 * computed with OpenSSL's libcrypto and compared in constant time.
 */

#include "fw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

/* What a stored hash may ask for, so that one check costs seconds at
 * most, not minutes, and 256 MB: ten times Werkzeug 3.1's 1,000,000
 * iterations, sixteen times the work of its scrypt (N 2^15, r 8, p 1). */
#define GW_PBKDF2_MAX_ITER   10000000
#define GW_SCRYPT_MAX_NR     (1 << 21)      /* (N + p) * r: memory / 128 */
#define GW_SCRYPT_MAX_WORK   (1 << 22)      /* N * r * p */
#define GW_SCRYPT_MAX_P      16
#define GW_HASH_MAX_BYTES    64
#define GW_SALT_MAX          256


typedef struct {
    int            scrypt;
    const EVP_MD  *md;              /* pbkdf2 */
    const char    *md_name;
    unsigned long  iterations;
    uint64_t       n, r, p;         /* scrypt */
} gw_pw_method_t;


static int
gw_pw_number(const char **s, uint64_t max, uint64_t *v)
{
    char                *end;
    unsigned long long   x;

    if (**s < '0' || **s > '9') {
        return GW_ERROR;
    }
    errno = 0;
    x = strtoull(*s, &end, 10);
    if (errno || x == 0 || x > max) {
        return GW_ERROR;
    }
    *s = end;
    *v = x;
    return GW_OK;
}


/* "pbkdf2[:HASH[:ITERATIONS]]" or "scrypt[:N[:R[:P]]]", the method part
 * of a hash (up to len), with Werkzeug 3's defaults. */
static int
gw_pw_method(const char *s, size_t len, gw_pw_method_t *m)
{
    static const char  *names[] = {
        "sha1", "sha224", "sha256", "sha384", "sha512", NULL
    };
    const char         *end = s + len, *colon;
    uint64_t            it;
    size_t              i, nlen;

    memset(m, 0, sizeof(*m));

    if (len >= 6 && memcmp(s, "scrypt", 6) == 0 && (len == 6 || s[6] == ':'))
    {
        m->scrypt = 1;
        m->n = 1 << 15;
        m->r = 8;
        m->p = 1;
        s += 6;
        if (s < end && (s++, gw_pw_number(&s, GW_SCRYPT_MAX_NR, &m->n)
                                != GW_OK))
        {
            return GW_ERROR;
        }
        if (s < end && (*s++ != ':'
                        || gw_pw_number(&s, GW_SCRYPT_MAX_NR, &m->r)
                           != GW_OK))
        {
            return GW_ERROR;
        }
        if (s < end && (*s++ != ':'
                        || gw_pw_number(&s, GW_SCRYPT_MAX_P, &m->p) != GW_OK))
        {
            return GW_ERROR;
        }
        /* N a power of two above 1, as scrypt wants; memory and work
         * bounded */
        return s == end && m->n > 1 && (m->n & (m->n - 1)) == 0
               && (m->n + m->p) * m->r <= GW_SCRYPT_MAX_NR
               && m->n * m->r * m->p <= GW_SCRYPT_MAX_WORK ? GW_OK : GW_ERROR;
    }

    if (len < 6 || memcmp(s, "pbkdf2", 6) != 0 || (len > 6 && s[6] != ':')) {
        return GW_ERROR;
    }
    s += len > 6 ? 7 : 6;
    m->iterations = 600000;
    m->md_name = "sha256";
    if (s < end) {
        colon = memchr(s, ':', end - s);
        nlen = (colon ? colon : end) - s;
        for (i = 0; names[i] != NULL; i++) {
            if (strlen(names[i]) == nlen && memcmp(s, names[i], nlen) == 0) {
                break;
            }
        }
        if (names[i] == NULL) {
            return GW_ERROR;
        }
        m->md_name = names[i];
        s += nlen;
        if (colon != NULL) {
            s++;
            if (gw_pw_number(&s, GW_PBKDF2_MAX_ITER, &it) != GW_OK
                || s != end)
            {
                return GW_ERROR;
            }
            m->iterations = it;
        }
    }
    m->md = EVP_get_digestbyname(m->md_name);
    return m->md != NULL ? GW_OK : GW_ERROR;
}


/* The hash of password with salt as hex into hex (2 * GW_HASH_MAX_BYTES
 * + 1); its length, or 0 on failure. */
static size_t
gw_pw_hex(const gw_pw_method_t *m, const char *password, size_t plen,
    const char *salt, size_t slen, char *hex)
{
    unsigned char  key[GW_HASH_MAX_BYTES];
    size_t         klen, i;
    int            ok;

    if (m->scrypt) {
        /* Werkzeug: hashlib.scrypt(..., maxmem=132*n*r*p), 64 bytes */
        klen = 64;
        ok = EVP_PBE_scrypt(password, plen, (const unsigned char *) salt,
                            slen, m->n, m->r, m->p,
                            256 * m->r * (m->n + m->p + 2), key, klen);
    } else {
        klen = EVP_MD_get_size(m->md);
        ok = PKCS5_PBKDF2_HMAC(password, plen, (const unsigned char *) salt,
                               slen, m->iterations, m->md, klen, key);
    }
    if (!ok) {
        return 0;
    }
    for (i = 0; i < klen; i++) {
        hex[2 * i] = "0123456789abcdef"[key[i] >> 4];
        hex[2 * i + 1] = "0123456789abcdef"[key[i] & 15];
    }
    hex[2 * klen] = '\0';
    OPENSSL_cleanse(key, sizeof(key));
    return 2 * klen;
}


/* method$salt$hash, split; GW_ERROR when not of that shape. */
static int
gw_pw_split(const char *pwhash, gw_pw_method_t *m, gw_str_t *salt,
    gw_str_t *hash)
{
    const char  *d1, *d2;

    d1 = strchr(pwhash, '$');
    d2 = d1 ? strchr(d1 + 1, '$') : NULL;
    if (d2 == NULL || gw_pw_method(pwhash, d1 - pwhash, m) != GW_OK) {
        return GW_ERROR;
    }
    salt->data = d1 + 1;
    salt->len = d2 - d1 - 1;
    hash->data = d2 + 1;
    hash->len = strlen(d2 + 1);
    return salt->len <= GW_SALT_MAX ? GW_OK : GW_ERROR;
}


int
gw_password_hash_valid(const char *pwhash)
{
    gw_pw_method_t  m;
    gw_str_t        salt, hash;

    return pwhash != NULL && gw_pw_split(pwhash, &m, &salt, &hash) == GW_OK
           && hash.len == (m.scrypt ? 128 : 2 * (size_t) EVP_MD_get_size(m.md))
           && strspn(hash.data, "0123456789abcdef") == hash.len;
}


int
gw_check_password_hash(const char *pwhash, const char *password,
    size_t len)
{
    gw_pw_method_t  m;
    gw_str_t        salt, hash;
    char            hex[2 * GW_HASH_MAX_BYTES + 1];
    size_t          n;

    if (pwhash == NULL || password == NULL
        || gw_pw_split(pwhash, &m, &salt, &hash) != GW_OK)
    {
        return 0;
    }
    n = gw_pw_hex(&m, password, len, salt.data, salt.len, hex);
    /* the length is no secret (the method fixes it); the bytes are */
    return n != 0 && n == hash.len && CRYPTO_memcmp(hex, hash.data, n) == 0;
}


char *
gw_generate_password_hash(gw_arena_t *a, const char *password, size_t len,
    const char *method, size_t salt_length)
{
    static const char  chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "abcdefghijklmnopqrstuvwxyz0123456789";
    gw_pw_method_t     m;
    unsigned char      r;
    char               salt[GW_SALT_MAX + 1];
    char               hex[2 * GW_HASH_MAX_BYTES + 1];
    size_t             i;

    method = method ? method : "pbkdf2:sha256";
    salt_length = salt_length ? salt_length : 16;
    if (password == NULL || salt_length > GW_SALT_MAX
        || gw_pw_method(method, strlen(method), &m) != GW_OK)
    {
        return NULL;
    }

    /* Werkzeug's gen_salt: letters and digits, uniformly (bytes past the
     * last whole multiple of 62 are drawn again) */
    for (i = 0; i < salt_length; ) {
        if (RAND_bytes(&r, 1) != 1) {
            return NULL;
        }
        if (r < 248) {
            salt[i++] = chars[r % 62];
        }
    }
    salt[i] = '\0';

    if (gw_pw_hex(&m, password, len, salt, salt_length, hex) == 0) {
        return NULL;
    }
    /* the method as Werkzeug writes it back: every parameter spelled */
    if (m.scrypt) {
        return gw_arena_printf(a, "scrypt:%llu:%llu:%llu$%s$%s",
                               (unsigned long long) m.n,
                               (unsigned long long) m.r,
                               (unsigned long long) m.p, salt, hex);
    }
    return gw_arena_printf(a, "pbkdf2:%s:%lu$%s$%s", m.md_name, m.iterations,
                           salt, hex);
}
