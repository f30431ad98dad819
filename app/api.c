/*
 * api.c: the demo site's JSON API, blueprint "api" at /api.  Every error
 * under it answers {"error": "..."}, never an HTML page.
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


/* GET /api/notes/?tag=x */
static int
api_list_notes(gw_request_t *req, gw_response_t *resp)
{
    const demo_data_t  *d = gw_app_data(gw_request_app(req));
    const gw_str_t     *tag;
    json_t             *out, *tags, *t;
    size_t              i, j;

    tag = gw_request_arg(req, "tag");
    if (tag == NULL) {
        /* the common case was serialised at load time */
        return gw_json_send(req, resp, d->list_json);
    }

    out = json_array();
    if (out == NULL) {
        return gw_fail(req, "out of memory");
    }
    for (i = 0; i < d->n; i++) {
        tags = json_object_get(d->byid[i].note, "tags");
        json_array_foreach(tags, j, t) {
            if (json_string_length(t) == tag->len
                && memcmp(json_string_value(t), tag->data, tag->len) == 0)
            {
                json_array_append(out, d->byid[i].note);
                break;
            }
        }
    }
    return gw_jsonify_new(req, resp, out);
}


/* GET /api/notes/<int:id> */
static int
api_get_note(gw_request_t *req, gw_response_t *resp)
{
    const demo_data_t  *d = gw_app_data(gw_request_app(req));
    const demo_note_t  *note;
    json_int_t          id;
    char                msg[64];

    id = json_integer_value(json_object_get(gw_request_view_args(req), "id"));
    note = demo_note_find(d, id);
    if (note == NULL) {
        snprintf(msg, sizeof(msg), "note %" JSON_INTEGER_FORMAT " not found",
                 id);
        return gw_abort(req, 404, msg);
    }
    return gw_json_send(req, resp, note->json);
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


int
demo_api_register(gw_app_t *app, char *error, size_t error_size)
{
    static const int   errors[] = { 400, 404, 405, 413, 415, 500 };
    gw_blueprint_t    *bp;
    size_t             i;

    bp = gw_blueprint_create(app, "api", "/api");
    gw_blueprint_route(bp, "/notes/", GW_METHOD_GET, api_list_notes,
                       "list_notes");
    gw_blueprint_route(bp, "/notes/<int:id>", GW_METHOD_GET, api_get_note,
                       "get_note");
    gw_blueprint_route(bp, "/echo", GW_METHOD_POST, api_echo, "echo");
    for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        gw_blueprint_errorhandler(bp, errors[i], demo_json_error);
    }
    return gw_app_register_blueprint(app, bp);
}
