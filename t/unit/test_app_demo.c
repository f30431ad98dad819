/*
 * test_app_demo.c: the demo site's API, loaded from build/app.so through
 * the server's loader exactly as nginx and gateway-fcgi load it, on a
 * site root of its own (a fresh database made from data/notes.json).
 */

#include "fw_test.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char  so_path[PATH_MAX];
static char  root[PATH_MAX];
static char  site[PATH_MAX];

/* generate_password_hash("demo", "pbkdf2:sha256:1000") from Werkzeug */
#define DEMO_HASH  "pbkdf2:sha256:1000$qI32muFevakmIrNB$ad142890837016c0a2" \
                   "2de9548094ccbf1a24969d554f160e4839f7c1a24c1c55"


/* build/t/test_app_demo -> build/app.so, and the repository above build/ */
static void
find_paths(void)
{
    char     exe[PATH_MAX - 32];
    char    *dir;
    ssize_t  n;

    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    assert_true(n > 0);
    exe[n] = '\0';
    dir = dirname(exe);
    snprintf(so_path, sizeof(so_path), "%s/../app.so", dir);
    snprintf(root, sizeof(root), "%s/../..", dir);
    if (access(so_path, R_OK) != 0) {
        fail_msg("%s is missing: make %s first", so_path, "build/app.so");
    }
}


/* site/templates and site/data/notes.json lead to the repository's */
static void
make_site(void)
{
    char  from[PATH_MAX + 32], to[PATH_MAX + 32];

    snprintf(site, sizeof(site), "/tmp/gw-demo-unit-XXXXXX");
    assert_non_null(mkdtemp(site));
    snprintf(from, sizeof(from), "%s/templates", root);
    snprintf(to, sizeof(to), "%s/templates", site);
    assert_int_equal(symlink(from, to), 0);
    snprintf(to, sizeof(to), "%s/data", site);
    assert_int_equal(mkdir(to, 0755), 0);
    snprintf(from, sizeof(from), "%s/data/notes.json", root);
    snprintf(to, sizeof(to), "%s/data/notes.json", site);
    assert_int_equal(symlink(from, to), 0);
}


static void
remove_site(void)
{
    static const char  *files[] = { "templates", "data/notes.json",
        "data/notes.db", "data/notes.db-wal", "data/notes.db-shm", "data",
        "" };
    char                path[PATH_MAX + 32];
    size_t              i;

    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", site, files[i]);
        if (remove(path) != 0 && errno != ENOENT) {
            fail_msg("%s: %s", path, strerror(errno));
        }
    }
}


static gw_loaded_app_t *
load_demo(int worker)
{
    gw_loaded_app_t   *h;
    gw_config_item_t   cfg[] = { { "ROOT_PATH", site },
                                 { "SECRET_KEY", "unit" },
                                 { "DEMO_USER", "demo" },
                                 { "DEMO_PASSWORD_HASH", DEMO_HASH } };
    char               err[512];

    h = calloc(1, sizeof(gw_loaded_app_t));
    assert_non_null(h);
    if (gw_loader_open(h, so_path, cfg, 4, "test", err, sizeof(err))
        != GW_OK)
    {
        fail_msg("load: %s", err);
    }
    if (worker && h->entry->worker_init(h->app, err, sizeof(err)) != GW_OK) {
        fail_msg("worker_init: %s", err);
    }
    return h;
}


static int
open_app(void **state)
{
    find_paths();
    make_site();
    *state = load_demo(1);
    return 0;
}


static int
close_app(void **state)
{
    gw_loader_close(*state);
    free(*state);
    remove_site();
    return 0;
}


static fw_call_t *
req(void **state, const char *method, const char *path, const char *query)
{
    gw_loaded_app_t  *h = *state;
    fw_call_t        *c = fw_new(method, path, query);

    /* through the loader's call, as a server does */
    fw_run(h->app, c);
    return c;
}


static void
test_get_note(void **state)
{
    fw_call_t  *c;

    c = req(state, "GET", "/api/notes/1", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(fw_header(c, "Content-Type"), "application/json");
    /* Flask's jsonify(notes[0]) */
    assert_string_equal(c->body, "{\"body\":\"This site is a C application "
        "served by nginx.\",\"created\":\"2026-11-02T09:07:00Z\",\"id\":1,"
        "\"tags\":[\"meta\"],\"title\":\"Welcome to the notes\"}\n");
    fw_free(c);

    c = req(state, "GET", "/api/notes/19", NULL);
    assert_string_equal(c->body, "{\"body\":\"Non-ASCII text such as "
        "caf\\u00e9 and \\u65e5\\u672c is escaped in JSON.\",\"created\":"
        "\"2026-11-20T17:13:00Z\",\"id\":19,\"tags\":[\"json\"],\"title\":"
        "\"Unicode\"}\n");
    fw_free(c);

    c = req(state, "GET", "/api/notes/77", NULL);
    assert_int_equal(c->resp.status, 404);
    assert_string_equal(fw_header(c, "Content-Type"), "application/json");
    assert_string_equal(c->body, "{\"error\":\"note 77 not found\"}\n");
    fw_free(c);
}


static void
test_list_notes(void **state)
{
    fw_call_t  *c;
    json_t     *v;
    size_t      i;
    const int   want[] = { 6, 7, 19 };

    c = req(state, "GET", "/api/notes/", NULL);
    assert_int_equal(c->resp.status, 200);
    v = json_loads(c->body, 0, NULL);
    assert_true(json_is_array(v));
    assert_int_equal(json_array_size(v), 20);
    json_decref(v);
    fw_free(c);

    c = req(state, "GET", "/api/notes/", "tag=json");
    v = json_loads(c->body, 0, NULL);
    assert_int_equal(json_array_size(v), 3);
    for (i = 0; i < 3; i++) {
        assert_int_equal(json_integer_value(json_object_get(
                         json_array_get(v, i), "id")), want[i]);
    }
    json_decref(v);
    fw_free(c);

    c = req(state, "GET", "/api/notes/", "tag=nothing");
    assert_string_equal(c->body, "[]\n");
    fw_free(c);

    c = req(state, "GET", "/api/notes/", "tag=%zz");
    assert_int_equal(c->resp.status, 400);
    assert_string_equal(c->body, "{\"error\":\"The query string holds "
                        "malformed percent-encoding.\"}\n");
    fw_free(c);

    c = req(state, "GET", "/api/notes", NULL);
    assert_int_equal(c->resp.status, 308);
    assert_string_equal(fw_header(c, "Location"),
                        "http://localhost/api/notes/");
    fw_free(c);
}


static void
test_errors_in_json(void **state)
{
    fw_call_t  *c;

    c = req(state, "GET", "/api/nope", NULL);
    assert_int_equal(c->resp.status, 404);
    assert_string_equal(c->body, "{\"error\":\"The requested URL was not "
        "found on the server. If you entered the URL manually please check "
        "your spelling and try again.\"}\n");
    fw_free(c);

    c = req(state, "POST", "/api/notes/1", NULL);
    assert_int_equal(c->resp.status, 405);
    assert_string_equal(c->body, "{\"error\":\"The method is not allowed for "
        "the requested URL.\"}\n");
    assert_non_null(fw_header(c, "Allow"));
    fw_free(c);

    /* outside /api: the site's own 404 page, from templates/404.html */
    c = req(state, "GET", "/nope", NULL);
    assert_int_equal(c->resp.status, 404);
    assert_string_equal(fw_header(c, "Content-Type"),
                        "text/html; charset=utf-8");
    assert_non_null(strstr(c->body, "<title>Not found - gateway demo</title>"));
    assert_non_null(strstr(c->body, "Nothing lives at <code>/nope</code>."));
    fw_free(c);
}


/* The pages were checked byte for byte against Flask 2.2 + Jinja2 3.1
 * rendering the same templates; here the parts that carry logic. */
static void
test_pages(void **state)
{
    fw_call_t   *c;
    const char  *p;
    int          n;

    c = req(state, "GET", "/", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(fw_header(c, "Content-Type"),
                        "text/html; charset=utf-8");
    assert_memory_equal(c->body, "<!doctype html>\n<html lang=\"en\">", 32);
    assert_non_null(strstr(c->body, "<link rel=\"stylesheet\" "
                           "href=\"/static/style.css\">"));
    assert_non_null(strstr(c->body, "<a href=\"/\" class=\"here\">"));
    assert_non_null(strstr(c->body, "<h1>All notes <small>(20)</small>"));
    assert_non_null(strstr(c->body, "<h2><a href=\"/notes/11\">Autoescape"
                           "</a></h2>\n  <p>Values rendered into .html "
                           "templates are escaped: &lt;b&gt;.</p>"));
    assert_non_null(strstr(c->body, "<p>A rule ending in a slash redirects "
                           "the bare URL with 308.</p>"));
    for (n = 0, p = c->body; (p = strstr(p, "<article")) != NULL; p++) {
        n++;
    }
    assert_int_equal(n, 20);
    fw_free(c);

    c = req(state, "GET", "/notes/19", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_non_null(strstr(c->body, "<title>Unicode - gateway demo</title>"));
    assert_non_null(strstr(c->body, "caf\xc3\xa9 and \xe6\x97\xa5"));
    assert_non_null(strstr(c->body, "<a href=\"/api/notes/19\">as JSON"));
    fw_free(c);

    c = req(state, "GET", "/tags/json", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_non_null(strstr(c->body, "<h1>Notes tagged #json <small>(3)"));
    fw_free(c);

    c = req(state, "GET", "/tags/none", NULL);
    assert_int_equal(c->resp.status, 404);
    assert_non_null(strstr(c->body, "Nothing lives at"));
    fw_free(c);

    c = req(state, "GET", "/notes/99", NULL);
    assert_int_equal(c->resp.status, 404);
    assert_non_null(strstr(c->body, "Nothing lives at <code>/notes/99</code>"));
    fw_free(c);
}


static void
test_echo(void **state)
{
    gw_loaded_app_t  *h = *state;
    fw_call_t        *c;

    c = fw_send(h->app, "POST", "/api/echo",
        "application/json", "{\"z\": 1, \"a\": [true, null]}", 27);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "{\"a\":[true,null],\"z\":1}\n");
    fw_free(c);

    c = fw_send(h->app, "POST", "/api/echo", "application/json", "{\"z\": ", 6);
    assert_int_equal(c->resp.status, 400);
    assert_string_equal(fw_header(c, "Content-Type"), "application/json");
    assert_memory_equal(c->body, "{\"error\":\"Failed to decode JSON object: ",
                        40);
    fw_free(c);

    c = req(state, "GET", "/api/echo", NULL);
    assert_int_equal(c->resp.status, 405);
    fw_free(c);
}


/* Writes need the login; the password is checked as Werkzeug checks it.
 * Through the public test client, whose cookie jar carries the session. */
static void
test_login(void **state)
{
    gw_loaded_app_t     *h = *state;
    gw_test_client_t    *c;
    gw_test_response_t  *r;
    gw_test_request_t    req;
    const char          *wrong = "{\"user\": \"demo\", "
                                 "\"password\": \"Demo\"}";
    const char          *right = "{\"user\": \"demo\", "
                                 "\"password\": \"demo\"}";
    const char          *nul = "{\"user\": \"demo\", \"password\": "
                               "\"demo\\u0000x\"}";
    json_t              *notes;

    c = gw_test_client_create(h->entry->call, h->app);
    assert_non_null(c);
    memset(&req, 0, sizeof(req));
    req.content_type = "application/json";

    r = gw_test_client_request(c, "DELETE", "/api/notes/1", NULL);
    assert_int_equal(r->status, 401);
    assert_string_equal(r->body, "{\"error\":\"login required\"}\n");
    gw_test_response_free(r);

    req.data = wrong;
    r = gw_test_client_request(c, "POST", "/api/login", &req);
    assert_int_equal(r->status, 401);
    assert_null(gw_test_response_header(r, "Set-Cookie", 0));
    gw_test_response_free(r);

    /* a NUL does not end the password early */
    req.data = nul;
    r = gw_test_client_request(c, "POST", "/api/login", &req);
    assert_int_equal(r->status, 401);
    gw_test_response_free(r);
    assert_null(gw_test_client_cookie(c, "session"));

    req.data = right;
    r = gw_test_client_request(c, "POST", "/api/login", &req);
    assert_int_equal(r->status, 200);
    assert_string_equal(r->body, "{\"user\":\"demo\"}\n");
    gw_test_response_free(r);
    assert_non_null(gw_test_client_cookie(c, "session"));

    /* the session's CSRF token is in the form; a post without it is not */
    r = gw_test_client_get(c, "/notes/new");
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "name=\"csrf_token\" value=\""));
    gw_test_response_free(r);

    r = gw_test_client_post_form(c, "/notes/new", "title=t&body=b");
    assert_int_equal(r->status, 400);
    assert_non_null(strstr(r->body, "The CSRF token is missing."));
    gw_test_response_free(r);

    r = gw_test_client_get(c, "/api/notes/");
    notes = gw_test_response_json(r);
    assert_int_equal(json_array_size(notes), 20);
    json_decref(notes);
    gw_test_response_free(r);
    gw_test_client_destroy(c);
}


/* A process whose worker start-up hook never ran answers 500, and says
 * why in the log. */
static void
test_no_worker_init(void **state)
{
    gw_loaded_app_t  *h = load_demo(0);
    fw_call_t        *c;

    c = fw_get(h->app, "GET", "/", NULL);
    assert_int_equal(c->resp.status, 500);
    assert_non_null(strstr(c->log, "no database connection"));
    fw_free(c);
    gw_loader_close(h);
    free(h);
}


/* Loaded with the database there, started without it: the worker says
 * so instead of making an empty one. */
static void
test_database_gone_at_worker_start(void **state)
{
    gw_loaded_app_t  *h = load_demo(0);
    char              db[PATH_MAX + 32], away[PATH_MAX + 32], err[512];

    snprintf(db, sizeof(db), "%s/data/notes.db", site);
    snprintf(away, sizeof(away), "%s/data/notes.away", site);
    assert_int_equal(rename(db, away), 0);
    assert_int_equal(h->entry->worker_init(h->app, err, sizeof(err)),
                     GW_ERROR);
    assert_non_null(strstr(err, "notes.db: gone since the application was "
                           "loaded"));
    assert_int_equal(rename(away, db), 0);
    gw_loader_close(h);
    free(h);
}


static void
test_bad_password_hash_fails_load(void **state)
{
    gw_loaded_app_t   h;
    gw_config_item_t  cfg[] = { { "ROOT_PATH", site },
                                { "DEMO_USER", "demo" },
                                { "DEMO_PASSWORD_HASH", "md5$x$y" } };
    char              err[512];

    assert_int_equal(gw_loader_open(&h, so_path, cfg, 3, "test", err,
                                    sizeof(err)), GW_ERROR);
    if (strstr(err, "DEMO_PASSWORD_HASH") == NULL) {
        fail_msg("unclear error: %s", err);
    }
}


static void
test_load_fails_without_data(void **state)
{
    gw_loaded_app_t   h;
    gw_config_item_t  cfg[] = { { "ROOT_PATH", "/nonexistent" } };
    char              err[512];

    assert_int_equal(gw_loader_open(&h, so_path, cfg, 1, "test", err,
                                    sizeof(err)), GW_ERROR);
    if (strstr(err, "/nonexistent/data/notes.json") == NULL) {
        fail_msg("unclear error: %s", err);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_get_note),
        cmocka_unit_test(test_list_notes),
        cmocka_unit_test(test_errors_in_json),
        cmocka_unit_test(test_echo),
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_login),
        cmocka_unit_test(test_no_worker_init),
        cmocka_unit_test(test_database_gone_at_worker_start),
        cmocka_unit_test(test_bad_password_hash_fails_load),
        cmocka_unit_test(test_load_fails_without_data),
    };

    return cmocka_run_group_tests(tests, open_app, close_app);
}
