/*
 * pages.c: the demo site's HTML pages, blueprint "pages" at the root: all
 * notes, one note, the notes of a tag, the forms that write, edit and
 * delete a note (POST, then a redirect with a flashed message), and the
 * site's 404 page, each rendered from templates/ with the shared layout.
 */

#include "demo.h"

#include <stdlib.h>
#include <string.h>


/* The note of the URL's id into *note (new reference), or a 404. */
static int
pages_find(gw_request_t *req, json_t **note)
{
    int  rc;

    rc = demo_note_find(req, note);
    return rc == NOTES_NOT_FOUND ? gw_abort(req, 404, NULL) : rc;
}


/* Redirects to endpoint (with values, stolen) after a flashed message. */
static int
pages_done(gw_request_t *req, gw_response_t *resp, const char *message,
    const char *endpoint, json_t *values)
{
    gw_str_t  url;
    int       rc;

    rc = gw_flash(req, message, NULL);
    if (rc == GW_OK) {
        rc = gw_url_for(req, endpoint, values, &url);
    }
    json_decref(values);
    return rc == GW_OK ? gw_redirect(req, resp, url.data, 0) : rc;
}


/* GET / */
static int
pages_index(gw_request_t *req, gw_response_t *resp)
{
    json_t  *notes;
    char     err[NOTES_ERROR_SIZE];

    if (notes_list(demo_db(req), NULL, &notes, err) != NOTES_OK) {
        return gw_fail(req, "%s", err);
    }
    return demo_render(req, resp, "index.html",
                       json_pack("{so}", "notes", notes));
}


/* GET /notes/<int:id> */
static int
pages_note(gw_request_t *req, gw_response_t *resp)
{
    json_t  *note;
    int      rc;

    rc = pages_find(req, &note);
    if (rc != GW_OK) {
        return rc;
    }
    return demo_render(req, resp, "note.html",
                       json_pack("{so}", "note", note));
}


/* GET /tags/<tag> */
static int
pages_tag(gw_request_t *req, gw_response_t *resp)
{
    const char  *tag;
    json_t      *notes;
    char        *heading;
    char         err[NOTES_ERROR_SIZE];

    tag = json_string_value(json_object_get(gw_request_view_args(req),
                                            "tag"));
    if (tag == NULL) {
        return gw_fail(req, "tag: out of memory");
    }
    if (notes_list(demo_db(req), tag, &notes, err) != NOTES_OK) {
        return gw_fail(req, "%s", err);
    }
    if (json_array_size(notes) == 0) {
        json_decref(notes);
        return gw_abort(req, 404, NULL);
    }

    heading = gw_arena_printf(gw_request_arena(req), "Notes tagged #%s", tag);
    return demo_render(req, resp, "index.html",
                       json_pack("{soss}", "notes", notes,
                                 "heading", heading ? heading : tag));
}


/* "a, b": a note's tags as the form's field shows them. */
static json_t *
pages_join_tags(json_t *tags)
{
    json_t  *t;
    size_t   i, len;
    char    *s;

    len = 1;
    json_array_foreach(tags, i, t) {
        len += json_string_length(t) + 2;
    }
    s = calloc(1, len);
    if (s == NULL) {
        return NULL;
    }
    json_array_foreach(tags, i, t) {
        if (i > 0) {
            strcat(s, ", ");
        }
        strcat(s, json_string_value(t));
    }
    t = json_string(s);
    free(s);
    return t;
}


/*
 * The form's fields as the user typed them (for showing the form again)
 * into *form, and as a note's fields into *fields.
 */
static int
pages_read_form(gw_request_t *req, json_t **form, json_t **fields)
{
    static const char      *names[] = { "title", "body", "tags" };
    const gw_multidict_t   *f;
    const gw_str_t         *v;
    gw_str_t                text[3];
    size_t                  i;
    json_t                 *s;

    f = gw_request_form(req);
    if (f == NULL) {
        return GW_ABORT;
    }
    *form = json_object();
    for (i = 0; i < 3; i++) {
        v = gw_multidict_get(f, names[i]);
        text[i] = v ? *v : (gw_str_t) gw_string("");
        s = json_stringn(text[i].data, text[i].len);
        if (s == NULL || json_object_set_new(*form, names[i], s) != 0) {
            json_decref(*form);
            return gw_abort(req, 400, "The form is not valid UTF-8.");
        }
    }
    *fields = json_pack("{sOsOso}", "title", json_object_get(*form, "title"),
                        "body", json_object_get(*form, "body"),
                        "tags", demo_tags_split(text[2]));
    if (*fields == NULL) {
        json_decref(*form);
        return gw_fail(req, "form: out of memory");
    }
    return GW_OK;
}


/*
 * GET shows the form (empty, or the note's fields); POST checks it and
 * writes, or shows it again with the errors and what the user typed.
 * note is the note being edited (stolen), NULL for a new one.
 */
static int
pages_form(gw_request_t *req, gw_response_t *resp, json_t *note)
{
    json_t      *form, *fields, *errors, *tags;
    json_int_t   id;
    char         err[NOTES_ERROR_SIZE];
    int          rc;

    if (demo_csrf_token(req) == NULL) {
        json_decref(note);
        return gw_fail(req, "csrf: out of memory");
    }

    errors = json_object();
    if (!gw_str_eq(gw_request_method(req), "POST")) {
        tags = note ? json_object_get(note, "tags") : NULL;
        form = json_pack("{s:s, s:s, s:o}",
            "title", note ? json_string_value(json_object_get(note, "title"))
                          : "",
            "body", note ? json_string_value(json_object_get(note, "body"))
                         : "",
            "tags", tags ? pages_join_tags(tags) : json_string(""));
        goto show;
    }

    rc = demo_csrf_check(req);
    if (rc == GW_OK) {
        rc = pages_read_form(req, &form, &fields);
    }
    if (rc != GW_OK) {
        json_decref(note);
        json_decref(errors);
        return rc;
    }

    if (demo_note_clean(fields, 0, errors) > 0) {
        json_decref(fields);
        goto show;
    }
    json_decref(form);
    json_decref(errors);

    if (note == NULL) {
        rc = notes_create(demo_db(req), fields, &id, err);
        json_decref(fields);
        if (rc != NOTES_OK) {
            return gw_fail(req, "%s", err);
        }
        return pages_done(req, resp, "Note created.", "pages.index", NULL);
    }

    id = json_integer_value(json_object_get(note, "id"));
    json_decref(note);
    rc = notes_update(demo_db(req), id, fields, err);
    json_decref(fields);
    if (rc == NOTES_NOT_FOUND) {
        return gw_abort(req, 404, NULL);
    }
    if (rc != NOTES_OK) {
        return gw_fail(req, "%s", err);
    }
    return pages_done(req, resp, "Note saved.", "pages.note",
                      json_pack("{sI}", "id", id));

show:
    return demo_render(req, resp, "note_form.html",
                       json_pack("{sososo*}", "form", form,
                                 "errors", errors, "note", note));
}


/* GET, POST /notes/new */
static int
pages_new_note(gw_request_t *req, gw_response_t *resp)
{
    if (!demo_logged_in(req)) {
        return demo_login_redirect(req, resp);
    }
    return pages_form(req, resp, NULL);
}


/* GET, POST /notes/<int:id>/edit */
static int
pages_edit_note(gw_request_t *req, gw_response_t *resp)
{
    json_t  *note;
    int      rc;

    if (!demo_logged_in(req)) {
        return demo_login_redirect(req, resp);
    }
    rc = pages_find(req, &note);
    if (rc != GW_OK) {
        return rc;
    }
    return pages_form(req, resp, note);
}


/* POST /notes/<int:id>/delete */
static int
pages_delete_note(gw_request_t *req, gw_response_t *resp)
{
    char  err[NOTES_ERROR_SIZE];
    int   rc;

    if (!demo_logged_in(req)) {
        return demo_login_redirect(req, resp);
    }
    rc = demo_csrf_check(req);
    if (rc != GW_OK) {
        return rc;
    }
    switch (notes_delete(demo_db(req), demo_view_id(req), err)) {
    case NOTES_OK:
        return pages_done(req, resp, "Note deleted.", "pages.index", NULL);
    case NOTES_NOT_FOUND:
        return gw_abort(req, 404, NULL);
    default:
        return gw_fail(req, "%s", err);
    }
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
    int  rc;

    rc = demo_render(req, resp, "404.html", json_object());
    gw_response_set_status(resp, 404);
    return rc;
}


int
demo_pages_register(gw_app_t *app, char *error, size_t error_size)
{
    gw_blueprint_t  *bp;
    const unsigned   form = GW_METHOD_GET | GW_METHOD_POST;

    gw_app_route(app, "/static/<path:filename>", GW_METHOD_GET,
                 pages_static, "static");

    bp = gw_blueprint_create(app, "pages", NULL);
    gw_blueprint_route(bp, "/", GW_METHOD_GET, pages_index, "index");
    gw_blueprint_route(bp, "/notes/<int:id>", GW_METHOD_GET, pages_note,
                       "note");
    gw_blueprint_route(bp, "/tags/<tag>", GW_METHOD_GET, pages_tag, "tag");
    gw_blueprint_route(bp, "/notes/new", form, pages_new_note, "new_note");
    gw_blueprint_route(bp, "/notes/<int:id>/edit", form, pages_edit_note,
                       "edit_note");
    gw_blueprint_route(bp, "/notes/<int:id>/delete", GW_METHOD_POST,
                       pages_delete_note, "delete_note");
    return gw_app_register_blueprint(app, bp);
}
