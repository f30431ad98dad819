/*
 * api.c: the demo site's JSON API, blueprint "api" at /api.  Every error
 * under it answers {"error": "..."}, never an HTML page; every answer is
 * serialised per request from what the store returns.
 */

#include "demo.h"

#include <string.h>


int
demo_json_error(gw_request_t *req, gw_response_t *resp,
    const gw_http_error_t *err)
{
    json_t  *body;

    body = json_pack("{ss}", "error", err->description);
    if (body == NULL) {
        return gw_fail(req, "json error: out of memory");
    }
    return gw_jsonify_new(req, resp, body);
}


static int
api_not_found(gw_request_t *req)
{
    char  msg[64];

    snprintf(msg, sizeof(msg), "note %" JSON_INTEGER_FORMAT " not found",
             demo_view_id(req));
    return gw_abort(req, 404, msg);
}


/* GET /api/notes/?tag=x */
static int
api_list_notes(gw_request_t *req, gw_response_t *resp)
{
    const gw_str_t  *tag;
    const char      *t = NULL;
    json_t          *notes;
    char             err[NOTES_ERROR_SIZE];

    tag = gw_request_arg(req, "tag");
    if (tag != NULL) {
        t = gw_arena_strndup(gw_request_arena(req), tag->data, tag->len);
        if (t == NULL) {
            return gw_fail(req, "out of memory");
        }
    }
    if (notes_list(demo_db(req), t, &notes, err) != NOTES_OK) {
        return gw_fail(req, "%s", err);
    }
    return gw_jsonify_new(req, resp, notes);
}


/* The note of the URL's id as the answer, with status. */
static int
api_send_note(gw_request_t *req, gw_response_t *resp, int status)
{
    json_t  *note;
    int      rc;

    rc = demo_note_find(req, &note);
    if (rc == NOTES_NOT_FOUND) {
        return api_not_found(req);
    }
    if (rc != NOTES_OK) {
        return rc;
    }
    rc = gw_jsonify_new(req, resp, note);
    gw_response_set_status(resp, status);
    return rc;
}


/* GET /api/notes/<int:id> */
static int
api_get_note(gw_request_t *req, gw_response_t *resp)
{
    return api_send_note(req, resp, 200);
}


/* POST /api/echo: the body back, parsed and re-serialised */
static int
api_echo(gw_request_t *req, gw_response_t *resp)
{
    json_t  *body;

    body = gw_request_json(req);
    if (body == NULL) {
        return GW_ABORT;
    }
    return gw_jsonify(req, resp, body);
}


/* POST /api/login {"user": ..., "password": ...}: the session cookie */
static int
api_login(gw_request_t *req, gw_response_t *resp)
{
    json_t      *body, *u, *p;
    const char  *user, *password;
    int          rc;

    body = gw_request_json(req);
    if (body == NULL) {
        return GW_ABORT;
    }
    u = json_object_get(body, "user");
    p = json_object_get(body, "password");
    user = json_string_value(u);
    password = json_string_value(p);
    if (user == NULL || password == NULL) {
        return gw_abort(req, 400, "expected {\"user\": string, "
                        "\"password\": string}");
    }
    /* "demo\u0000x" is not "demo" */
    if (strlen(user) != json_string_length(u)
        || strlen(password) != json_string_length(p)
        || !demo_check_password(gw_app_data(gw_request_app(req)), user,
                                password))
    {
        return gw_abort(req, 401, "wrong user or password");
    }
    rc = demo_login(req);
    if (rc != GW_OK) {
        return rc;
    }
    return gw_jsonify_new(req, resp, json_pack("{ss}", "user", user));
}


/*
 * Writes need the session of a login.  Their JSON bodies also need a JSON
 * Content-Type, which a cross-site form cannot send: that is this API's
 * CSRF protection.
 */
static int
api_need_login(gw_request_t *req, gw_response_t *resp)
{
    if (gw_str_eq(gw_request_method(req), "GET")
        || gw_str_eq(gw_request_method(req), "HEAD")
        || gw_str_eq(gw_request_method(req), "OPTIONS")
        || strcmp(gw_request_endpoint(req), "api.login") == 0
        || strcmp(gw_request_endpoint(req), "api.echo") == 0
        || demo_logged_in(req))
    {
        return GW_OK;
    }
    return gw_abort(req, 401, "login required");
}


/*
 * The body's fields, type-checked (400) and validated (422 with
 * {"error", "errors": {field: message}}); partial for PATCH.  *fields is
 * new; NULL when the request has been answered.
 */
static int
api_fields(gw_request_t *req, gw_response_t *resp, int partial,
    json_t **fields)
{
    json_t      *body, *v, *errors;
    const char  *key;
    size_t       i;
    int          rc;

    *fields = NULL;
    body = gw_request_json(req);
    if (body == NULL) {
        return GW_ABORT;
    }
    if (!json_is_object(body)) {
        return gw_abort(req, 400, "expected a JSON object");
    }

    *fields = json_object();
    json_object_foreach(body, key, v) {
        if (strcmp(key, "tags") == 0) {
            if (!json_is_array(v)) {
                break;
            }
            for (i = 0; i < json_array_size(v); i++) {
                if (!json_is_string(json_array_get(v, i))) {
                    break;
                }
            }
            if (i < json_array_size(v)) {
                break;
            }
        } else if (strcmp(key, "title") != 0 && strcmp(key, "body") != 0) {
            continue;
        } else if (!json_is_string(v)) {
            break;
        }
        json_object_set_new(*fields, key, json_deep_copy(v));
    }
    if (key != NULL) {
        json_decref(*fields);
        *fields = NULL;
        return gw_abort(req, 400, "title and body must be strings, tags an "
                        "array of strings");
    }

    errors = json_object();
    if (demo_note_clean(*fields, partial, errors) == 0) {
        json_decref(errors);
        return GW_OK;
    }
    json_decref(*fields);
    *fields = NULL;
    rc = gw_jsonify_new(req, resp, json_pack("{ssso}", "error",
                                             "invalid note", "errors",
                                             errors));
    gw_response_set_status(resp, 422);
    return rc == GW_OK ? GW_DONE : rc;
}


/* POST /api/notes/ -> 201, Location: the new note */
static int
api_create_note(gw_request_t *req, gw_response_t *resp)
{
    json_t      *fields, *note, *values;
    json_int_t   id;
    gw_str_t     url;
    char         err[NOTES_ERROR_SIZE];
    int          rc;

    rc = api_fields(req, resp, 0, &fields);
    if (fields == NULL) {
        return rc == GW_DONE ? GW_OK : rc;
    }
    rc = notes_create(demo_db(req), fields, &id, err);
    json_decref(fields);
    if (rc != NOTES_OK) {
        return gw_fail(req, "%s", err);
    }
    if (notes_find(demo_db(req), id, &note, err) != NOTES_OK) {
        return gw_fail(req, "%s", err);
    }

    values = json_pack("{sI}", "id", id);
    rc = gw_url_for(req, "api.get_note", values, &url);
    json_decref(values);
    if (rc == GW_OK) {
        rc = gw_jsonify_new(req, resp, note);
        note = NULL;
    }
    json_decref(note);
    if (rc == GW_OK) {
        gw_response_set_status(resp, 201);
        rc = gw_header_set(req, resp, "Location", url.data);
    }
    return rc;
}


/* PUT (every field) and PATCH (those given) /api/notes/<int:id> */
static int
api_update_note(gw_request_t *req, gw_response_t *resp)
{
    json_t  *fields;
    char     err[NOTES_ERROR_SIZE];
    int      rc;

    rc = api_fields(req, resp, gw_str_eq(gw_request_method(req), "PATCH"),
                    &fields);
    if (fields == NULL) {
        return rc == GW_DONE ? GW_OK : rc;
    }
    rc = notes_update(demo_db(req), demo_view_id(req), fields, err);
    json_decref(fields);
    if (rc == NOTES_NOT_FOUND) {
        return api_not_found(req);
    }
    if (rc != NOTES_OK) {
        return gw_fail(req, "%s", err);
    }
    return api_send_note(req, resp, 200);
}


/* DELETE /api/notes/<int:id> -> 204 */
static int
api_delete_note(gw_request_t *req, gw_response_t *resp)
{
    char  err[NOTES_ERROR_SIZE];

    switch (notes_delete(demo_db(req), demo_view_id(req), err)) {
    case NOTES_OK:
        gw_response_set_status(resp, 204);
        return GW_OK;
    case NOTES_NOT_FOUND:
        return api_not_found(req);
    default:
        return gw_fail(req, "%s", err);
    }
}


int
demo_api_register(gw_app_t *app, char *error, size_t error_size)
{
    static const int   errors[] = { 400, 401, 404, 405, 413, 415, 500 };
    gw_blueprint_t    *bp;
    size_t             i;

    bp = gw_blueprint_create(app, "api", "/api");
    gw_blueprint_before_request(bp, api_need_login);
    gw_blueprint_route(bp, "/notes/", GW_METHOD_GET, api_list_notes,
                       "list_notes");
    gw_blueprint_route(bp, "/notes/<int:id>", GW_METHOD_GET, api_get_note,
                       "get_note");
    gw_blueprint_route(bp, "/echo", GW_METHOD_POST, api_echo, "echo");
    gw_blueprint_route(bp, "/login", GW_METHOD_POST, api_login, "login");
    gw_blueprint_route(bp, "/notes/", GW_METHOD_POST, api_create_note,
                       "create_note");
    gw_blueprint_route(bp, "/notes/<int:id>", GW_METHOD_PUT
                       | GW_METHOD_PATCH, api_update_note, "update_note");
    gw_blueprint_route(bp, "/notes/<int:id>", GW_METHOD_DELETE,
                       api_delete_note, "delete_note");
    for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        gw_blueprint_errorhandler(bp, errors[i], demo_json_error);
    }
    return gw_app_register_blueprint(app, bp);
}
