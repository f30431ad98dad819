/*
 * auth.c: the site's one user (DEMO_USER, DEMO_PASSWORD_HASH in Werkzeug's
 * pbkdf2 format, so Flask's check_password_hash agrees), the login kept in
 * the signed session, and CSRF tokens kept there too, as Flask-WTF does.
 */

#include "demo.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Werkzeug 2.2's count when a hash does not say */
#define DEMO_PBKDF2_ITERATIONS  260000

typedef struct {
    const EVP_MD  *md;
    unsigned long  iterations;
    const char    *salt;
    size_t         salt_len;
    const char    *hex;
} demo_hash_t;


/* "pbkdf2:sha256:600000$salt$hex" (the count may be left out) */
static int
demo_hash_parse(const char *s, demo_hash_t *h)
{
    const char  *p, *salt, *hex;
    char         name[32], *end;
    size_t       n;

    if (strncmp(s, "pbkdf2:", 7) != 0
        || (salt = strchr(s, '$')) == NULL
        || (hex = strchr(salt + 1, '$')) == NULL)
    {
        return GW_ERROR;
    }
    s += 7;
    p = memchr(s, ':', salt - s);
    n = (p ? p : salt) - s;
    if (n == 0 || n >= sizeof(name)) {
        return GW_ERROR;
    }
    memcpy(name, s, n);
    name[n] = '\0';
    h->md = EVP_get_digestbyname(name);

    h->iterations = DEMO_PBKDF2_ITERATIONS;
    if (p != NULL) {
        h->iterations = strtoul(p + 1, &end, 10);
        if (end != salt || h->iterations == 0 || h->iterations > 1u << 30) {
            return GW_ERROR;
        }
    }
    h->salt = salt + 1;
    h->salt_len = hex - h->salt;
    h->hex = hex + 1;
    if (h->md == NULL || h->salt_len == 0
        || strlen(h->hex) != 2 * (size_t) EVP_MD_size(h->md)
        || strspn(h->hex, "0123456789abcdef") != strlen(h->hex))
    {
        return GW_ERROR;
    }
    return GW_OK;
}


int
demo_auth_setup(gw_app_t *app, demo_t *d, char *error, size_t n)
{
    demo_hash_t  h;

    d->user = gw_app_config_get(app, "DEMO_USER");
    d->password_hash = gw_app_config_get(app, "DEMO_PASSWORD_HASH");
    if (d->user == NULL && d->password_hash == NULL) {
        return GW_OK;           /* a read-only site: no one logs in */
    }
    if (d->user == NULL || d->user[0] == '\0' || d->password_hash == NULL
        || demo_hash_parse(d->password_hash, &h) != GW_OK)
    {
        snprintf(error, n, "DEMO_USER and DEMO_PASSWORD_HASH go together; "
                 "the hash is Werkzeug's \"pbkdf2:sha256:ITERATIONS$SALT$"
                 "HEX\" (generate_password_hash)");
        return GW_ERROR;
    }
    return GW_OK;
}


int
demo_check_password(const demo_t *d, const char *user, const char *password)
{
    demo_hash_t    h;
    unsigned char  key[EVP_MAX_MD_SIZE];
    char           hex[2 * EVP_MAX_MD_SIZE + 1];
    int            i, len, same_user;

    if (d->user == NULL || demo_hash_parse(d->password_hash, &h) != GW_OK) {
        return 0;
    }
    len = EVP_MD_size(h.md);
    if (PKCS5_PBKDF2_HMAC(password, strlen(password),
                          (const unsigned char *) h.salt, h.salt_len,
                          h.iterations, h.md, len, key) != 1)
    {
        return 0;
    }
    for (i = 0; i < len; i++) {
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    }
    same_user = strcmp(user, d->user) == 0;
    return CRYPTO_memcmp(hex, h.hex, 2 * len) == 0 && same_user;
}


int
demo_logged_in(gw_request_t *req)
{
    const demo_t  *d = gw_app_data(gw_request_app(req));
    json_t        *user = json_object_get(gw_session(req), "user");

    return d->user != NULL && json_is_string(user)
           && strcmp(json_string_value(user), d->user) == 0;
}


const char *
demo_csrf_token(gw_request_t *req)
{
    json_t         *s = gw_session(req);
    unsigned char   raw[20];
    char            hex[2 * sizeof(raw) + 1];
    size_t          i;

    if (s == NULL) {
        return NULL;
    }
    if (!json_is_string(json_object_get(s, "csrf_token"))) {
        if (RAND_bytes(raw, sizeof(raw)) != 1) {
            return NULL;
        }
        for (i = 0; i < sizeof(raw); i++) {
            snprintf(hex + 2 * i, 3, "%02x", raw[i]);
        }
        if (json_object_set_new(s, "csrf_token", json_string(hex)) != 0) {
            return NULL;
        }
    }
    return json_string_value(json_object_get(s, "csrf_token"));
}


/* Flask-WTF's messages */
int
demo_csrf_check(gw_request_t *req)
{
    const gw_multidict_t  *form;
    const gw_str_t        *sent;
    json_t                *want;

    form = gw_request_form(req);
    if (form == NULL) {
        return GW_ABORT;
    }
    sent = gw_multidict_get(form, "csrf_token");
    if (sent == NULL || sent->len == 0) {
        return gw_abort(req, 400, "The CSRF token is missing.");
    }
    want = json_object_get(gw_session(req), "csrf_token");
    if (!json_is_string(want)) {
        return gw_abort(req, 400, "The CSRF session token is missing.");
    }
    if (sent->len != json_string_length(want)
        || CRYPTO_memcmp(sent->data, json_string_value(want), sent->len)
           != 0)
    {
        return gw_abort(req, 400, "The CSRF tokens do not match.");
    }
    return GW_OK;
}


int
demo_login(gw_request_t *req)
{
    const demo_t  *d = gw_app_data(gw_request_app(req));
    json_t        *s = gw_session(req);

    if (s == NULL || demo_csrf_token(req) == NULL
        || json_object_set_new(s, "user", json_string(d->user)) != 0)
    {
        return gw_fail(req, "login: out of memory");
    }
    return GW_OK;
}


int
demo_login_redirect(gw_request_t *req, gw_response_t *resp)
{
    gw_str_t   url, root = gw_request_script_root(req),
               path = gw_request_path(req);
    json_t    *values;
    char      *here;
    int        rc;

    here = gw_arena_printf(gw_request_arena(req), "%.*s%.*s",
                           (int) root.len, root.data, (int) path.len,
                           path.data);
    values = here ? json_pack("{ss}", "next", here) : NULL;
    if (values == NULL) {
        return gw_fail(req, "login: out of memory");
    }
    rc = gw_url_for(req, "auth.login", values, &url);
    json_decref(values);
    return rc == GW_OK ? gw_redirect(req, resp, url.data, 0) : rc;
}


/* A form or query field as a C string ("" when absent); NULL when it is
 * not UTF-8, holds a NUL byte, or there is no memory. */
static const char *
auth_field(gw_request_t *req, const gw_str_t *v)
{
    json_t  *utf8;

    if (v == NULL) {
        return "";
    }
    utf8 = json_stringn(v->data, v->len);
    json_decref(utf8);
    if (utf8 == NULL || memchr(v->data, '\0', v->len) != NULL) {
        return NULL;
    }
    return gw_arena_strndup(gw_request_arena(req), v->data, v->len);
}


/* Only a path on this site ("//host" or "/\\host" would leave it) that
 * fits in a Location header. */
static int
auth_next_ok(const char *next)
{
    const char  *p;

    for (p = next; *p; p++) {
        if ((unsigned char) *p < 0x20 || *p == 0x7f) {
            return 0;
        }
    }
    return next[0] == '/' && next[1] != '/' && next[1] != '\\';
}


/* A form page: the session's CSRF token made first. */
static int
auth_render(gw_request_t *req, gw_response_t *resp, const char *name,
    json_t *ctx)
{
    if (demo_csrf_token(req) == NULL) {
        json_decref(ctx);
        return gw_fail(req, "csrf: out of memory");
    }
    return demo_render(req, resp, name, ctx);
}


/* GET, POST /login */
static int
auth_login(gw_request_t *req, gw_response_t *resp)
{
    const gw_multidict_t  *form;
    const char            *user, *password, *next;
    gw_str_t               index;
    int                    rc;

    if (!gw_str_eq(gw_request_method(req), "POST")) {
        next = auth_field(req, gw_request_arg(req, "next"));
        return auth_render(req, resp, "login.html",
                           json_pack("{ssss}", "next", next ? next : "",
                                     "user", ""));
    }

    rc = demo_csrf_check(req);
    if (rc != GW_OK) {
        return rc;
    }
    form = gw_request_form(req);
    user = auth_field(req, gw_multidict_get(form, "user"));
    password = auth_field(req, gw_multidict_get(form, "password"));
    next = auth_field(req, gw_multidict_get(form, "next"));
    next = next ? next : "";

    if (user == NULL || password == NULL
        || !demo_check_password(gw_app_data(gw_request_app(req)), user,
                                password))
    {
        return auth_render(req, resp, "login.html",
                           json_pack("{ssssss}", "next", next,
                                     "user", user ? user : "",
                                     "error", "Wrong user or password."));
    }

    rc = demo_login(req);
    if (rc == GW_OK) {
        rc = gw_flash(req, "You are logged in.", NULL);
    }
    if (rc == GW_OK && !auth_next_ok(next)) {
        rc = gw_url_for(req, "pages.index", NULL, &index);
        next = index.data;
    }
    return rc == GW_OK ? gw_redirect(req, resp, next, 0) : rc;
}


/* GET, POST /logout */
static int
auth_logout(gw_request_t *req, gw_response_t *resp)
{
    gw_str_t  index;
    int       rc;

    if (!gw_str_eq(gw_request_method(req), "POST")) {
        return auth_render(req, resp, "logout.html", json_object());
    }
    rc = demo_csrf_check(req);
    if (rc != GW_OK) {
        return rc;
    }
    json_object_del(gw_session(req), "user");
    rc = gw_flash(req, "You are logged out.", NULL);
    if (rc == GW_OK) {
        rc = gw_url_for(req, "pages.index", NULL, &index);
    }
    return rc == GW_OK ? gw_redirect(req, resp, index.data, 0) : rc;
}


int
demo_auth_register(gw_app_t *app, char *error, size_t error_size)
{
    gw_blueprint_t  *bp;
    const unsigned   form = GW_METHOD_GET | GW_METHOD_POST;

    bp = gw_blueprint_create(app, "auth", NULL);
    gw_blueprint_route(bp, "/login", form, auth_login, "login");
    gw_blueprint_route(bp, "/logout", form, auth_logout, "logout");
    return gw_app_register_blueprint(app, bp);
}
