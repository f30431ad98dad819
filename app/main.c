/*
 * main.c: the demo site's app object: where its notes live (checked at
 * load time, so a bad data file stops `nginx -t`), each worker's
 * connection to them, and the registration of its blueprints.  The
 * notes as handlers see them are in notes.c.
 */

#include "demo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static void
demo_free(void *p)
{
    demo_t  *d = p;

    notes_close(d->db);
    json_decref(d->seed);
    free(d);
}


/*
 * Load time runs in nginx's master (as root) and in `nginx -t`: it only
 * reads.  The database is created, when missing, by the first worker to
 * start (as the workers' user, so they can write it).
 */
static int
demo_load(gw_app_t *app, char *error, size_t n)
{
    demo_t      *d;
    const char  *db;
    int          missing;
    char         msg[NOTES_ERROR_SIZE];

    d = calloc(1, sizeof(demo_t));
    if (d == NULL) {
        snprintf(error, n, "out of memory");
        return GW_ERROR;
    }
    gw_app_set_data(app, d, demo_free);

    db = gw_app_config_get(app, "DEMO_DATABASE");
    d->db_path = db && db[0] == '/' ? db
                 : gw_app_path(app, db ? db : "data/notes.db");
    if (d->db_path == NULL) {
        snprintf(error, n, "out of memory");
        return GW_ERROR;
    }

    if (notes_check(d->db_path, &missing, msg) != NOTES_OK) {
        snprintf(error, n, "%s", msg);
        return GW_ERROR;
    }
    if (missing) {
        return demo_load_seed(app, d, error, n);
    }
    return GW_OK;
}


static int
demo_worker_init(gw_app_t *app, char *error, size_t n)
{
    demo_t  *d = gw_app_data(app);
    char     msg[NOTES_ERROR_SIZE];

    d->db = notes_open(d->db_path, d->seed, msg);
    if (d->db == NULL) {
        snprintf(error, n, "%s", msg);
        return GW_ERROR;
    }
    return GW_OK;
}


/*
 * `gw-cmd app.so init-db`, as flaskr's `flask init-db`: the notes as
 * data/notes.json has them, whatever the database held (its file, WAL and
 * shared memory are removed first).  Run it as the workers' user, with the
 * site stopped or idle.
 */
static int
demo_init_db(gw_app_t *app, int argc, char **argv)
{
    static const char  *suffix[] = { "", "-wal", "-shm" };
    demo_t             *d = gw_app_data(app);
    char                path[4096], msg[NOTES_ERROR_SIZE];
    size_t              i;

    if (d->seed == NULL
        && demo_load_seed(app, d, msg, sizeof(msg)) != GW_OK)
    {
        fprintf(stderr, "init-db: %s\n", msg);
        return 1;
    }
    for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
        snprintf(path, sizeof(path), "%s%s", d->db_path, suffix[i]);
        if (unlink(path) != 0 && errno != ENOENT) {
            fprintf(stderr, "init-db: %s: %s\n", path, strerror(errno));
            return 1;
        }
    }

    d->db = notes_open(d->db_path, d->seed, msg);
    if (d->db == NULL) {
        fprintf(stderr, "init-db: %s\n", msg);
        return 1;
    }
    notes_close(d->db);
    d->db = NULL;
    printf("Initialized the database.\n");
    return 0;
}


/* A process that never ran the worker hook answers 500, not a crash. */
static int
demo_need_db(gw_request_t *req, gw_response_t *resp)
{
    if (demo_db(req) == NULL) {
        return gw_fail(req, "demo: no database connection in this process "
                       "(the worker start-up hook did not run)");
    }
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
    if (err->status == 404 && demo_db(req) != NULL) {
        return demo_page_not_found(req, resp);
    }
    return gw_error_page(req, resp, err);
}


static int
demo_setup(gw_app_t *app, char *error, size_t n)
{
    demo_t  *d;

    if (demo_load(app, error, n) != GW_OK) {
        return GW_ERROR;
    }
    d = gw_app_data(app);
    if (demo_auth_setup(app, d, error, n) != GW_OK
        || demo_api_register(app, error, n) != GW_OK
        || demo_pages_register(app, error, n) != GW_OK
        || demo_auth_register(app, error, n) != GW_OK)
    {
        return GW_ERROR;
    }

    gw_app_worker_init(app, demo_worker_init);
    gw_app_command(app, "init-db", demo_init_db,
                   "Clear the notes and load data/notes.json again.");
    gw_app_before_request(app, demo_need_db);
    gw_app_errorhandler(app, 404, demo_app_error);
    gw_app_errorhandler(app, 405, demo_app_error);
    return GW_OK;
}


GW_FRAMEWORK_APP("demo", demo_setup);
