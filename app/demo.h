/*
 * demo.h: what the demo site's blueprints share: the notes, loaded once at
 * start-up, each already serialised as its JSON answer.
 */

#ifndef DEMO_H
#define DEMO_H

#include "gateway.h"

typedef struct {
    json_int_t   id;
    json_t      *note;          /* borrowed from demo_data_t.notes */
    gw_str_t     json;          /* jsonify(note), ready to send */
} demo_note_t;

typedef struct {
    json_t       *notes;        /* the array read from data/notes.json */
    demo_note_t  *byid;         /* sorted by id */
    size_t        n;
    gw_str_t      list_json;    /* jsonify(notes) */
    json_t       *tags;         /* every tag once, sorted, for the nav */
} demo_data_t;

const demo_note_t *demo_note_find(const demo_data_t *d, json_int_t id);
int demo_api_register(gw_app_t *app, char *error, size_t error_size);
int demo_pages_register(gw_app_t *app, char *error, size_t error_size);
/* The 404 page for the site (outside /api). */
int demo_page_not_found(gw_request_t *req, gw_response_t *resp);
int demo_json_error(gw_request_t *req, gw_response_t *resp,
    const gw_http_error_t *err);

#endif /* DEMO_H */
