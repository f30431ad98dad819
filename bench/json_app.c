/*
 * json_app.c: the bench's jsonify row: GET /notes serialises the demo's 20
 * notes (data/notes.json under ROOT_PATH, read at load) on every request,
 * where the demo itself sends bytes it serialised at load time.
 */

#include <gateway.h>

#include <stdio.h>


static int
notes(gw_request_t *req, gw_response_t *resp)
{
    return gw_jsonify(req, resp, gw_app_data(gw_request_app(req)));
}


static void
notes_free(void *p)
{
    gw_json_thaw_decref(p);
}


static int
setup(gw_app_t *app, char *error, size_t n)
{
    const char    *path;
    json_error_t   jerr;
    json_t        *v;

    path = gw_app_path(app, "data/notes.json");
    v = path ? json_load_file(path, 0, &jerr) : NULL;
    if (v == NULL) {
        snprintf(error, n, "%s: %s", path ? path : "data/notes.json",
                 path ? jerr.text : "out of memory");
        return GW_ERROR;
    }
    /* read by every thread: immortal, so that reading writes nothing */
    gw_json_freeze(v);
    gw_app_set_data(app, v, notes_free);
    return gw_app_route(app, "/notes", GW_METHOD_GET, notes, "notes");
}


GW_FRAMEWORK_APP("json_bench", setup);
