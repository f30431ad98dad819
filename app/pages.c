/*
 * pages.c: the demo site's HTML pages, blueprint "pages" at the root: all
 * notes, one note, the notes of a tag, and the site's 404 page, each
 * rendered from templates/ with the shared base layout.
 */

#include "demo.h"

#include <string.h>


static int
pages_render(gw_request_t *req, gw_response_t *resp, const char *name,
    json_t *ctx)
{
    int  rc;

    if (ctx == NULL) {
        return gw_fail(req, "%s: out of memory", name);
    }
    rc = gw_render(req, resp, name, ctx);
    json_decref(ctx);
    return rc;
}


/* GET / */
static int
pages_index(gw_request_t *req, gw_response_t *resp)
{
    const demo_data_t  *d = gw_app_data(gw_request_app(req));

    return pages_render(req, resp, "index.html",
                        json_pack("{sOsO}", "notes", d->notes,
                                  "tags", d->tags));
}


/* GET /notes/<int:id> */
static int
pages_note(gw_request_t *req, gw_response_t *resp)
{
    const demo_data_t  *d = gw_app_data(gw_request_app(req));
    const demo_note_t  *note;
    json_int_t          id;

    id = json_integer_value(json_object_get(gw_request_view_args(req), "id"));
    note = demo_note_find(d, id);
    if (note == NULL) {
        return gw_abort(req, 404, NULL);
    }
    return pages_render(req, resp, "note.html",
                        json_pack("{sOsO}", "note", note->note,
                                  "tags", d->tags));
}


/* GET /tags/<tag> */
static int
pages_tag(gw_request_t *req, gw_response_t *resp)
{
    const demo_data_t  *d = gw_app_data(gw_request_app(req));
    const char         *tag;
    json_t             *notes, *tags, *t;
    size_t              i, j;
    char               *heading;

    tag = json_string_value(json_object_get(gw_request_view_args(req),
                                            "tag"));
    notes = json_array();
    if (tag == NULL || notes == NULL) {
        json_decref(notes);
        return gw_fail(req, "tag: out of memory");
    }

    for (i = 0; i < d->n; i++) {
        tags = json_object_get(d->byid[i].note, "tags");
        json_array_foreach(tags, j, t) {
            if (strcmp(json_string_value(t), tag) == 0) {
                json_array_append(notes, d->byid[i].note);
                break;
            }
        }
    }

    if (json_array_size(notes) == 0) {
        json_decref(notes);
        return gw_abort(req, 404, NULL);
    }

    heading = gw_arena_printf(gw_request_arena(req), "Notes tagged #%s", tag);
    return pages_render(req, resp, "index.html",
                        json_pack("{sosOss}", "notes", notes,
                                  "tags", d->tags, "heading",
                                  heading ? heading : tag));
}


/* nginx serves /static/ itself (location /static/ { alias ...; }); the
 * route only exists so that templates can say url_for('static', ...) as
 * in Flask. */
static int
pages_static(gw_request_t *req, gw_response_t *resp)
{
    return gw_abort(req, 404, NULL);
}


int
demo_page_not_found(gw_request_t *req, gw_response_t *resp)
{
    const demo_data_t  *d = gw_app_data(gw_request_app(req));
    int                 rc;

    rc = pages_render(req, resp, "404.html",
                      json_pack("{sO}", "tags", d->tags));
    gw_response_set_status(resp, 404);
    return rc;
}


int
demo_pages_register(gw_app_t *app, char *error, size_t error_size)
{
    gw_blueprint_t  *bp;

    gw_app_route(app, "/static/<path:filename>", GW_METHOD_GET,
                 pages_static, "static");

    bp = gw_blueprint_create(app, "pages", NULL);
    gw_blueprint_route(bp, "/", GW_METHOD_GET, pages_index, "index");
    gw_blueprint_route(bp, "/notes/<int:id>", GW_METHOD_GET, pages_note,
                       "note");
    gw_blueprint_route(bp, "/tags/<tag>", GW_METHOD_GET, pages_tag, "tag");
    return gw_app_register_blueprint(app, bp);
}
