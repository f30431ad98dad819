/*
 * demo.h: what the demo site's files share: the app's state (where the
 * notes live, who may write them, this worker's connection) and the
 * helpers every blueprint uses.
 */

#ifndef DEMO_H
#define DEMO_H

#include "gateway.h"
#include "notes.h"

typedef struct {
    const char  *db_path;       /* DEMO_DATABASE under ROOT_PATH */
    json_t      *seed;          /* data/notes.json, read only when the
                                   database is missing */
    const char  *user;          /* DEMO_USER; NULL: no one can log in */
    const char  *password_hash; /* DEMO_PASSWORD_HASH, Werkzeug's format */
    notes_db_t  *db;            /* this worker's connection */
} demo_t;

/* notes.c: the notes as the load and the handlers see them. */
/* The notes a new database starts with (data/notes.json), read into
 * d->seed and checked. */
int demo_load_seed(gw_app_t *app, demo_t *d, char *error, size_t n);
/* This worker's connection (the app's before_request hook made sure there
 * is one). */
notes_db_t *demo_db(gw_request_t *req);
/* The URL's <int:id>. */
json_int_t demo_view_id(gw_request_t *req);
/* The note of the URL's id into *note (a new reference): NOTES_OK,
 * NOTES_NOT_FOUND, or GW_ERROR after gw_fail(). */
int demo_note_find(gw_request_t *req, json_t **note);
/* Renders name with ctx (stolen, NULL: out of memory) plus the nav's
 * tags. */
int demo_render(gw_request_t *req, gw_response_t *resp, const char *name,
    json_t *ctx);

/*
 * A note's fields from a form or a JSON body, checked and cleaned in
 * place: title and body stripped and required (unless partial, for PATCH),
 * tags deduplicated.  Each problem goes into errors as field -> message;
 * returns how many there are.
 */
size_t demo_note_clean(json_t *fields, int partial, json_t *errors);
/* "a, b c" -> ["a", "b", "c"]: the form's tags field; NULL on bad UTF-8. */
json_t *demo_tags_split(gw_str_t text);

/* auth.c: the one user, the login session and CSRF tokens. */
int demo_auth_setup(gw_app_t *app, demo_t *d, char *error,
    size_t error_size);
int demo_auth_register(gw_app_t *app, char *error, size_t error_size);
int demo_check_password(const demo_t *d, const char *user,
    const char *password);
/* Logs the session in as d->user (with a fresh CSRF token). */
int demo_login(gw_request_t *req);
int demo_logged_in(gw_request_t *req);
/* The session's CSRF token, made on first use; NULL on OOM. */
const char *demo_csrf_token(gw_request_t *req);
/* GW_OK when the form's csrf_token matches the session's, else a 400. */
int demo_csrf_check(gw_request_t *req);
/* For page writes without a login: 302 to /login?next=this page. */
int demo_login_redirect(gw_request_t *req, gw_response_t *resp);

int demo_api_register(gw_app_t *app, char *error, size_t error_size);
int demo_pages_register(gw_app_t *app, char *error, size_t error_size);
/* The 404 page for the site (outside /api). */
int demo_page_not_found(gw_request_t *req, gw_response_t *resp);
int demo_json_error(gw_request_t *req, gw_response_t *resp,
    const gw_http_error_t *err);

#endif /* DEMO_H */
