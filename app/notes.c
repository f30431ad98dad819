/*
 * notes.c: the demo's notes as its load and its handlers see them, above
 * the storage (notes.h): the seed file read and checked at load time, this
 * worker's connection, the note of a URL's id (or a 404), and the tags
 * every page shows in its nav.
 */

#include "demo.h"

#include <stdio.h>
#include <stdlib.h>


static int
demo_check_note(json_t *note, size_t i, char *error, size_t n)
{
    json_t  *tags, *tag;
    size_t   j;

    if (!json_is_object(note)
        || !json_is_integer(json_object_get(note, "id"))
        || !json_is_string(json_object_get(note, "title"))
        || !json_is_string(json_object_get(note, "body"))
        || !json_is_string(json_object_get(note, "created"))
        || !json_is_array(tags = json_object_get(note, "tags")))
    {
        snprintf(error, n, "note #%zu: needs integer id, strings title, "
                 "body, created and an array of tags", i);
        return GW_ERROR;
    }

    json_array_foreach(tags, j, tag) {
        if (!json_is_string(tag)) {
            snprintf(error, n, "note #%zu: tags must be strings", i);
            return GW_ERROR;
        }
    }
    return GW_OK;
}


static int
demo_id_cmp(const void *a, const void *b)
{
    json_int_t  x = *(const json_int_t *) a, y = *(const json_int_t *) b;

    return x < y ? -1 : x > y;
}


int
demo_load_seed(gw_app_t *app, demo_t *d, char *error, size_t n)
{
    const char    *path;
    json_error_t   jerr;
    json_t        *note;
    json_int_t    *ids;
    size_t         i;
    char           msg[256];

    path = gw_app_path(app, "data/notes.json");
    if (path == NULL) {
        snprintf(error, n, "out of memory");
        return GW_ERROR;
    }

    d->seed = json_load_file(path, 0, &jerr);
    if (d->seed == NULL) {
        snprintf(error, n, "%s:%d:%d: %s", path, jerr.line, jerr.column,
                 jerr.text);
        return GW_ERROR;
    }
    if (!json_is_array(d->seed)) {
        snprintf(error, n, "%s: expected an array of notes", path);
        return GW_ERROR;
    }

    json_array_foreach(d->seed, i, note) {
        if (demo_check_note(note, i, msg, sizeof(msg)) != GW_OK) {
            snprintf(error, n, "%s: %s", path, msg);
            return GW_ERROR;
        }
    }

    /* ids sorted: a twice-used id sits beside itself */
    ids = calloc(json_array_size(d->seed) + 1, sizeof(json_int_t));
    if (ids == NULL) {
        snprintf(error, n, "out of memory");
        return GW_ERROR;
    }
    json_array_foreach(d->seed, i, note) {
        ids[i] = json_integer_value(json_object_get(note, "id"));
    }
    qsort(ids, json_array_size(d->seed), sizeof(json_int_t), demo_id_cmp);
    for (i = 1; i < json_array_size(d->seed); i++) {
        if (ids[i] == ids[i - 1]) {
            snprintf(error, n, "%s: two notes have the id %"
                     JSON_INTEGER_FORMAT, path, ids[i]);
            free(ids);
            return GW_ERROR;
        }
    }
    free(ids);
    return GW_OK;
}


notes_db_t *
demo_db(gw_request_t *req)
{
    return ((demo_t *) gw_app_data(gw_request_app(req)))->db;
}


/* Every tag, for the nav of every page; NULL after gw_fail(). */
static json_t *
demo_tags(gw_request_t *req)
{
    json_t  *tags;
    char     err[NOTES_ERROR_SIZE];

    if (notes_tags(demo_db(req), &tags, err) != NOTES_OK) {
        gw_fail(req, "%s", err);
        return NULL;
    }
    return tags;
}


json_int_t
demo_view_id(gw_request_t *req)
{
    return json_integer_value(json_object_get(gw_request_view_args(req),
                                              "id"));
}


int
demo_note_find(gw_request_t *req, json_t **note)
{
    char  err[NOTES_ERROR_SIZE];
    int   rc;

    rc = notes_find(demo_db(req), demo_view_id(req), note, err);
    if (rc == NOTES_ERROR) {
        return gw_fail(req, "%s", err);
    }
    return rc;
}


int
demo_render(gw_request_t *req, gw_response_t *resp, const char *name,
    json_t *ctx)
{
    json_t  *tags;
    int      rc;

    if (ctx == NULL) {
        return gw_fail(req, "%s: out of memory", name);
    }
    tags = demo_tags(req);
    if (tags == NULL) {
        json_decref(ctx);
        return GW_ERROR;
    }
    json_object_set_new(ctx, "tags", tags);
    rc = gw_render(req, resp, name, ctx);
    json_decref(ctx);
    return rc;
}
