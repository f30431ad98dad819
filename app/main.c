/*
 * main.c: the demo site's app object: its config, the notes it serves
 * (read and checked at load time, so a bad data file stops `nginx -t`),
 * and the registration of its blueprints.
 */

#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int
demo_note_cmp(const void *a, const void *b)
{
    json_int_t  x = ((const demo_note_t *) a)->id;
    json_int_t  y = ((const demo_note_t *) b)->id;

    return x < y ? -1 : x > y;
}


const demo_note_t *
demo_note_find(const demo_data_t *d, json_int_t id)
{
    demo_note_t  key;

    key.id = id;
    return bsearch(&key, d->byid, d->n, sizeof(demo_note_t), demo_note_cmp);
}


static void
demo_data_free(void *p)
{
    demo_data_t  *d = p;
    size_t        i;

    for (i = 0; i < d->n; i++) {
        free((char *) d->byid[i].json.data);
    }
    free((char *) d->list_json.data);
    free(d->byid);
    gw_json_thaw_decref(d->notes);
    gw_json_thaw_decref(d->tags);
    free(d);
}


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
demo_tag_cmp(const void *a, const void *b)
{
    return strcmp(*(const char **) a, *(const char **) b);
}


static int
demo_collect_tags(demo_data_t *d)
{
    const char  **all;
    json_t       *tags, *t;
    size_t        i, j, n, cap;

    cap = 0;
    for (i = 0; i < d->n; i++) {
        cap += json_array_size(json_object_get(d->byid[i].note, "tags"));
    }

    all = calloc(cap + 1, sizeof(char *));
    d->tags = json_array();
    if (all == NULL || d->tags == NULL) {
        free(all);
        return GW_ERROR;
    }

    n = 0;
    for (i = 0; i < d->n; i++) {
        tags = json_object_get(d->byid[i].note, "tags");
        json_array_foreach(tags, j, t) {
            all[n++] = json_string_value(t);
        }
    }
    qsort(all, n, sizeof(char *), demo_tag_cmp);

    for (i = 0; i < n; i++) {
        if ((i == 0 || strcmp(all[i], all[i - 1]) != 0)
            && json_array_append_new(d->tags, json_string(all[i])) != 0)
        {
            free(all);
            return GW_ERROR;
        }
    }
    free(all);
    return GW_OK;
}


static int
demo_load_notes(gw_app_t *app, char *error, size_t n)
{
    demo_data_t   *d;
    const char    *path;
    json_error_t   jerr;
    json_t        *note;
    size_t         i;
    char           msg[256];

    path = gw_app_path(app, "data/notes.json");
    if (path == NULL) {
        snprintf(error, n, "out of memory");
        return GW_ERROR;
    }

    d = calloc(1, sizeof(demo_data_t));
    if (d == NULL) {
        snprintf(error, n, "out of memory");
        return GW_ERROR;
    }
    gw_app_set_data(app, d, demo_data_free);

    d->notes = json_load_file(path, 0, &jerr);
    if (d->notes == NULL) {
        snprintf(error, n, "%s:%d:%d: %s", path, jerr.line, jerr.column,
                 jerr.text);
        return GW_ERROR;
    }
    if (!json_is_array(d->notes)) {
        snprintf(error, n, "%s: expected an array of notes", path);
        return GW_ERROR;
    }

    d->byid = calloc(json_array_size(d->notes) + 1, sizeof(demo_note_t));
    if (d->byid == NULL) {
        snprintf(error, n, "out of memory");
        return GW_ERROR;
    }

    json_array_foreach(d->notes, i, note) {
        if (demo_check_note(note, i, msg, sizeof(msg)) != GW_OK) {
            snprintf(error, n, "%s: %s", path, msg);
            return GW_ERROR;
        }
        d->byid[i].id = json_integer_value(json_object_get(note, "id"));
        d->byid[i].note = note;
        d->byid[i].json.data = gw_json_dumps(note, &d->byid[i].json.len);
        d->n = i + 1;
        if (d->byid[i].json.data == NULL) {
            snprintf(error, n, "out of memory");
            return GW_ERROR;
        }
    }

    qsort(d->byid, d->n, sizeof(demo_note_t), demo_note_cmp);
    for (i = 1; i < d->n; i++) {
        if (d->byid[i].id == d->byid[i - 1].id) {
            snprintf(error, n, "%s: two notes have the id %"
                     JSON_INTEGER_FORMAT, path, d->byid[i].id);
            return GW_ERROR;
        }
    }

    if (demo_collect_tags(d) != GW_OK) {
        snprintf(error, n, "out of memory");
        return GW_ERROR;
    }

    d->list_json.data = gw_json_dumps(d->notes, &d->list_json.len);
    if (d->list_json.data == NULL) {
        snprintf(error, n, "out of memory");
        return GW_ERROR;
    }

    /* read by every thread from now on */
    gw_json_freeze(d->notes);
    gw_json_freeze(d->tags);
    return GW_OK;
}


/* Unmatched URLs and wrong methods reach the app's handlers (as in Flask):
 * answer in JSON under /api, with the default page elsewhere. */
static int
demo_app_error(gw_request_t *req, gw_response_t *resp,
    const gw_http_error_t *err)
{
    gw_str_t  path = gw_request_path(req);

    if (path.len >= 4 && memcmp(path.data, "/api", 4) == 0
        && (path.len == 4 || path.data[4] == '/'))
    {
        return demo_json_error(req, resp, err);
    }
    if (err->status == 404) {
        return demo_page_not_found(req, resp);
    }
    return gw_error_page(req, resp, err);
}


static int
demo_setup(gw_app_t *app, char *error, size_t n)
{
    if (demo_load_notes(app, error, n) != GW_OK
        || demo_api_register(app, error, n) != GW_OK
        || demo_pages_register(app, error, n) != GW_OK)
    {
        return GW_ERROR;
    }

    gw_app_errorhandler(app, 404, demo_app_error);
    gw_app_errorhandler(app, 405, demo_app_error);
    return GW_OK;
}


GW_FRAMEWORK_APP("demo", demo_setup);
