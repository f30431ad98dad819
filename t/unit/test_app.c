/*
 * test_app.c: the framework app: routing answers (404, 405, 308, OPTIONS,
 * HEAD), blueprints and endpoints, hook order, error handler precedence,
 * abort and 500s, config and load-time failures.
 */

#include "fw_test.h"

#include <sys/stat.h>
#include <unistd.h>


static int
add_order(gw_response_t *resp, const char *what)
{
    return gw_response_add_header(resp, "X-Order", what);
}

static int h_app_before(gw_request_t *q, gw_response_t *r)
{
    return add_order(r, "app-before");
}

static int h_app_after1(gw_request_t *q, gw_response_t *r)
{
    return add_order(r, "app-after-1");
}

static int h_app_after2(gw_request_t *q, gw_response_t *r)
{
    return add_order(r, "app-after-2");
}

static int h_bp_after1(gw_request_t *q, gw_response_t *r)
{
    return add_order(r, "bp-after-1");
}

static int h_bp_after2(gw_request_t *q, gw_response_t *r)
{
    return add_order(r, "bp-after-2");
}

static int
h_bp_before(gw_request_t *q, gw_response_t *r)
{
    if (gw_str_eq(gw_request_path(q), "/shop/stop")) {
        gw_response_write(r, "stopped", 7);
        gw_response_set_status(r, 202);
        return GW_DONE;
    }
    return add_order(r, "bp-before");
}


static int
v_index(gw_request_t *q, gw_response_t *r)
{
    return gw_response_write(r, "index", 5);
}


static int
v_item(gw_request_t *q, gw_response_t *r)
{
    json_int_t   id;
    const char  *s;

    add_order(r, "view");
    id = json_integer_value(json_object_get(gw_request_view_args(q), "id"));
    if (id == 99) {
        return gw_abort(q, 404, NULL);
    }
    if (id == 409) {
        return gw_abort(q, 409, NULL);
    }
    s = gw_arena_printf(gw_request_arena(q), "item %d %s %s %.*s",
                        (int) id, gw_request_endpoint(q),
                        gw_request_blueprint(q),
                        (int) gw_request_method(q).len,
                        gw_request_method(q).data);
    return gw_response_write(r, s, strlen(s));
}


static int
v_root(gw_request_t *q, gw_response_t *r)
{
    return gw_response_write(r, "root", 4);
}


static int
v_teapot(gw_request_t *q, gw_response_t *r)
{
    return gw_abort(q, 418, "short & <stout>");
}


static int
v_forbid(gw_request_t *q, gw_response_t *r)
{
    return gw_abort(q, 403, NULL);
}


static int
v_boom(gw_request_t *q, gw_response_t *r)
{
    gw_response_write(r, "partial", 7);
    return GW_ERROR;
}


static int
v_fail(gw_request_t *q, gw_response_t *r)
{
    return gw_fail(q, "database %s is down", "notes");
}


static int
v_config(gw_request_t *q, gw_response_t *r)
{
    const char  *v;

    v = gw_app_config_get(gw_request_app(q), "GREETING");
    return gw_response_write(r, v, strlen(v));
}


static int
v_options(gw_request_t *q, gw_response_t *r)
{
    return gw_response_write(r, "own options", 11);
}


static int
e_text(gw_response_t *r, const char *s)
{
    return gw_response_write(r, s, strlen(s));
}

static int e_app_404(gw_request_t *q, gw_response_t *r,
    const gw_http_error_t *e)
{
    return e_text(r, "app 404");
}

static int e_shop_404(gw_request_t *q, gw_response_t *r,
    const gw_http_error_t *e)
{
    return e_text(r, "shop 404");
}

static int e_app_403(gw_request_t *q, gw_response_t *r,
    const gw_http_error_t *e)
{
    char  *s = gw_arena_printf(gw_request_arena(q), "app %d %s: %s",
                               e->status, e->name, e->description);
    return e_text(r, s);
}

static int e_shop_409(gw_request_t *q, gw_response_t *r,
    const gw_http_error_t *e)
{
    e_text(r, "half");
    return GW_ERROR;
}

static int e_app_500(gw_request_t *q, gw_response_t *r,
    const gw_http_error_t *e)
{
    gw_response_add_header(r, "X-Handled", "500");
    return e_text(r, "app 500");
}


/* The app with handlers: precedence and hooks. */
static int
setup_full(gw_app_t *app, char *err, size_t n)
{
    gw_blueprint_t  *bp;

    gw_app_config_default(app, "GREETING", "from code");
    gw_app_route(app, "/", GW_METHOD_GET, v_index, "index");
    gw_app_route(app, "/forbid", GW_METHOD_GET, v_forbid, "forbid");
    gw_app_route(app, "/boom", GW_METHOD_GET, v_boom, "boom");
    gw_app_route(app, "/config", GW_METHOD_GET, v_config, "config");
    gw_app_before_request(app, h_app_before);
    gw_app_after_request(app, h_app_after1);
    gw_app_after_request(app, h_app_after2);
    gw_app_errorhandler(app, 404, e_app_404);
    gw_app_errorhandler(app, 403, e_app_403);
    gw_app_errorhandler(app, 500, e_app_500);

    bp = gw_blueprint_create(app, "shop", "/shop/");
    gw_blueprint_route(bp, "/items/<int:id>",
                       GW_METHOD_GET | GW_METHOD_POST, v_item, "item");
    gw_blueprint_route(bp, "", GW_METHOD_GET, v_root, "root");
    gw_blueprint_route(bp, "/stop", GW_METHOD_GET, v_root, "stop");
    gw_blueprint_before_request(bp, h_bp_before);
    gw_blueprint_after_request(bp, h_bp_after1);
    gw_blueprint_after_request(bp, h_bp_after2);
    gw_blueprint_errorhandler(bp, 404, e_shop_404);
    gw_blueprint_errorhandler(bp, 409, e_shop_409);
    return gw_app_register_blueprint(app, bp);
}


/* No handlers at all: Werkzeug's default pages. */
static int
setup_bare(gw_app_t *app, char *err, size_t n)
{
    gw_blueprint_t  *bp;

    gw_app_route(app, "/", GW_METHOD_GET, v_index, "index");
    gw_app_route(app, "/teapot", GW_METHOD_GET, v_teapot, "teapot");
    gw_app_route(app, "/boom", GW_METHOD_GET, v_boom, "boom");
    gw_app_route(app, "/fail", GW_METHOD_GET, v_fail, "fail");
    gw_app_route(app, "/own", GW_METHOD_GET | GW_METHOD_OPTIONS, v_options,
                 "own");

    bp = gw_blueprint_create(app, "api", "/api");
    gw_blueprint_route(bp, "/notes/<int:id>", GW_METHOD_GET, v_item,
                       "get_note");
    gw_blueprint_route(bp, "/notes/", GW_METHOD_GET, v_root, "notes");
    return gw_app_register_blueprint(app, bp);
}


static void
test_route_and_endpoint(void **state)
{
    void       *app = fw_load(setup_bare, NULL, 0);
    fw_call_t  *c;

    c = fw_get(app, "GET", "/api/notes/7", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "item 7 api.get_note api GET");
    assert_string_equal(fw_header(c, "Content-Type"),
                        "text/html; charset=utf-8");
    fw_free(c);

    c = fw_get(app, "GET", "/", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "index");
    fw_free(c);

    gw_framework_unload(app);
}


static int
v_nothing(gw_request_t *req, gw_response_t *resp)
{
    return GW_OK;
}


static int
v_no_content(gw_request_t *req, gw_response_t *resp)
{
    gw_response_set_status(resp, 204);
    return GW_OK;
}


static int
setup_nothing(gw_app_t *app, char *error, size_t error_size)
{
    gw_app_route(app, "/nothing", 0, v_nothing, "nothing");
    gw_app_route(app, "/204", 0, v_no_content, "no_content");
    return GW_OK;
}


/* Flask: a view that returns None is a 500 ("did not return a valid
 * response"), where a 204 it set is an answer */
static void
test_view_that_answers_nothing_is_500(void **state)
{
    void       *app = fw_load(setup_nothing, NULL, 0);
    fw_call_t  *c;

    c = fw_get(app, "GET", "/nothing", NULL);
    assert_int_equal(c->resp.status, 500);
    assert_non_null(strstr(c->log, "nothing /nothing: the view did not "
                                   "return a valid response"));
    fw_free(c);

    c = fw_get(app, "GET", "/204", NULL);
    assert_int_equal(c->resp.status, 204);
    fw_free(c);

    gw_framework_unload(app);
}


static int
v_static_url(gw_request_t *req, gw_response_t *resp)
{
    json_t    *v;
    gw_str_t   url;
    int        rc;

    v = json_pack("{s:s}", "filename", "img/x y.png");
    rc = gw_url_for(req, "static", v, &url);
    json_decref(v);
    return rc != GW_OK ? rc : gw_response_write(resp, url.data, url.len);
}


static int
setup_static(gw_app_t *app, char *error, size_t error_size)
{
    return gw_app_route(app, "/u", 0, v_static_url, "u");
}


/* Flask's static endpoint: ROOT_PATH/static at /static/<path:filename>,
 * nothing outside it, url_for('static', ...) builds */
static void
test_static_endpoint(void **state)
{
    char               root[] = "/tmp/gw-static-XXXXXX", dir[256];
    gw_config_item_t   cfg[2];
    void              *app;
    fw_call_t         *c;

    assert_non_null(mkdtemp(root));
    snprintf(dir, sizeof(dir), "%s/static", root);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(dir, sizeof(dir), "%s/static/img", root);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(dir, sizeof(dir), "%s/static", root);
    write_file(dir, "a.css", "body{}");
    write_file(root, "secret.txt", "no");

    cfg[0].key = "ROOT_PATH";
    cfg[0].value = root;
    app = fw_load(setup_static, cfg, 1);

    c = fw_get(app, "GET", "/u", NULL);
    assert_string_equal(c->body, "/static/img/x%20y.png");
    fw_free(c);

    c = fw_get(app, "GET", "/static/a.css", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "body{}");
    assert_string_equal(fw_header(c, "Content-Type"),
                        "text/css; charset=utf-8");
    assert_non_null(fw_header(c, "Last-Modified"));
    fw_free(c);

    /* outside the folder, a directory, a missing file: 404 */
    c = fw_get(app, "GET", "/static/../secret.txt", NULL);
    assert_int_equal(c->resp.status, 404);
    fw_free(c);
    c = fw_get(app, "GET", "/static/img", NULL);
    assert_int_equal(c->resp.status, 404);
    fw_free(c);
    c = fw_get(app, "GET", "/static/none.css", NULL);
    assert_int_equal(c->resp.status, 404);
    fw_free(c);
    gw_framework_unload(app);

    /* STATIC_URL_PATH loses a trailing '/', as Flask's static_url_path */
    cfg[1].key = "STATIC_URL_PATH";
    cfg[1].value = "/s/";
    app = fw_load(setup_static, cfg, 2);
    c = fw_get(app, "GET", "/u", NULL);
    assert_string_equal(c->body, "/s/img/x%20y.png");
    fw_free(c);
    c = fw_get(app, "GET", "/s/a.css", NULL);
    assert_string_equal(c->body, "body{}");
    fw_free(c);
    gw_framework_unload(app);

    /* STATIC_FOLDER "" turns it off: nothing to build, nothing served */
    cfg[1].key = "STATIC_FOLDER";
    cfg[1].value = "";
    app = fw_load(setup_static, cfg, 2);
    c = fw_get(app, "GET", "/u", NULL);
    assert_int_equal(c->resp.status, 500);
    fw_free(c);
    c = fw_get(app, "GET", "/static/a.css", NULL);
    assert_int_equal(c->resp.status, 404);
    fw_free(c);
    gw_framework_unload(app);

    snprintf(dir, sizeof(dir), "%s/static/a.css", root);
    unlink(dir);
    snprintf(dir, sizeof(dir), "%s/static/img", root);
    rmdir(dir);
    snprintf(dir, sizeof(dir), "%s/static", root);
    rmdir(dir);
    snprintf(dir, sizeof(dir), "%s/secret.txt", root);
    unlink(dir);
    rmdir(root);
}


/* DEBUG: a 500 page says why, escaped; never without it */
static void
test_debug_shows_the_cause(void **state)
{
    gw_config_item_t  on[] = { { "DEBUG", "true" } };
    void             *app;
    fw_call_t        *c;

    app = fw_load(setup_nothing, on, 1);
    c = fw_get(app, "GET", "/nothing", "<x>");
    assert_int_equal(c->resp.status, 500);
    assert_non_null(strstr(c->body, "<h2>Cause (DEBUG is on)</h2>\n<pre>"
                                    "nothing /nothing: the view did not "
                                    "return a valid response"));
    fw_free(c);
    gw_framework_unload(app);

    app = fw_load(setup_nothing, NULL, 0);
    c = fw_get(app, "GET", "/nothing", NULL);
    assert_int_equal(c->resp.status, 500);
    assert_null(strstr(c->body, "Cause"));
    assert_null(strstr(c->body, "valid response"));
    fw_free(c);
    gw_framework_unload(app);
}


static void
test_default_404_405(void **state)
{
    void       *app = fw_load(setup_bare, NULL, 0);
    fw_call_t  *c;

    c = fw_get(app, "GET", "/nope", NULL);
    assert_int_equal(c->resp.status, 404);
    assert_string_equal(c->body, FW_404_BODY);
    assert_string_equal(fw_header(c, "Content-Type"),
                        "text/html; charset=utf-8");
    fw_free(c);

    /* an int converter that does not match is a 404 too */
    c = fw_get(app, "GET", "/api/notes/x", NULL);
    assert_int_equal(c->resp.status, 404);
    fw_free(c);

    c = fw_get(app, "POST", "/api/notes/7", NULL);
    assert_int_equal(c->resp.status, 405);
    assert_string_equal(c->body,
        "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed"
        "</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed "
        "for the requested URL.</p>\n");
    assert_non_null(fw_header(c, "Allow"));
    assert_non_null(strstr(fw_header(c, "Allow"), "GET"));
    assert_non_null(strstr(fw_header(c, "Allow"), "HEAD"));
    assert_non_null(strstr(fw_header(c, "Allow"), "OPTIONS"));
    assert_null(strstr(fw_header(c, "Allow"), "POST"));
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_strict_slash_redirect(void **state)
{
    void       *app = fw_load(setup_bare, NULL, 0);
    fw_call_t  *c;

    c = fw_new("GET", "/api/notes", "tag=a%20b&x=1");
    gw_environ_set(&c->env, (gw_str_t) gw_string("SCRIPT_NAME"),
                   (gw_str_t) gw_string("/pre"));
    fw_add(c, "HTTP_HOST", "example.org:8080");
    fw_run(app, c);
    assert_int_equal(c->resp.status, 308);
    assert_string_equal(fw_header(c, "Location"),
                        "http://example.org:8080/pre/api/notes/"
                        "?tag=a%20b&x=1");
    assert_string_equal(c->body,
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
        "<h1>Redirecting...</h1>\n<p>You should be redirected automatically "
        "to the target URL: <a href=\"http://example.org:8080/pre/api/notes/"
        "?tag=a%20b&amp;x=1\">http://example.org:8080/pre/api/notes/"
        "?tag=a%20b&amp;x=1</a>. If not, click the link.\n");
    fw_free(c);

    /* without a Host header: SERVER_NAME, and the port unless default */
    c = fw_get(app, "GET", "/api/notes", NULL);
    assert_int_equal(c->resp.status, 308);
    assert_string_equal(fw_header(c, "Location"),
                        "http://localhost/api/notes/");
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_options_and_head(void **state)
{
    void       *app = fw_load(setup_bare, NULL, 0);
    fw_call_t  *c;

    c = fw_get(app, "OPTIONS", "/api/notes/3", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "");
    assert_non_null(strstr(fw_header(c, "Allow"), "GET"));
    assert_non_null(strstr(fw_header(c, "Allow"), "OPTIONS"));
    assert_string_equal(fw_header(c, "Content-Type"),
                        "text/html; charset=utf-8");
    fw_free(c);

    /* a route listing OPTIONS itself gets its own view */
    c = fw_get(app, "OPTIONS", "/own", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "own options");
    fw_free(c);

    /* HEAD runs the GET view; the server drops the body */
    c = fw_get(app, "HEAD", "/api/notes/3", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "item 3 api.get_note api HEAD");
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_abort_default_page(void **state)
{
    void       *app = fw_load(setup_bare, NULL, 0);
    fw_call_t  *c;

    c = fw_get(app, "GET", "/teapot", NULL);
    assert_int_equal(c->resp.status, 418);
    assert_string_equal(c->body,
        "<!doctype html>\n<html lang=en>\n<title>418 I&#39;m a teapot"
        "</title>\n<h1>I&#39;m a teapot</h1>\n<p>short &amp; &lt;stout&gt;"
        "</p>\n");
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_500_logs_cause(void **state)
{
    void       *app = fw_load(setup_bare, NULL, 0);
    fw_call_t  *c;

    c = fw_get(app, "GET", "/boom", NULL);
    assert_int_equal(c->resp.status, 500);
    assert_string_equal(c->body, FW_500_BODY);
    assert_non_null(strstr(c->log, "boom /boom: the view failed"));
    fw_free(c);

    c = fw_get(app, "GET", "/fail", NULL);
    assert_int_equal(c->resp.status, 500);
    assert_string_equal(c->body, FW_500_BODY);
    assert_string_equal(c->log, "fail /fail: database notes is down\n");
    assert_null(strstr(c->body, "database"));
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_hook_order(void **state)
{
    void       *app = fw_load(setup_full, NULL, 0);
    fw_call_t  *c;
    const char *want[] = { "app-before", "bp-before", "view", "bp-after-2",
                           "bp-after-1", "app-after-2", "app-after-1" };
    size_t      i;

    c = fw_get(app, "GET", "/shop/items/1", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "item 1 shop.item shop GET");
    for (i = 0; i < 7; i++) {
        assert_string_equal(fw_header_n(c, "X-Order", i), want[i]);
    }
    assert_null(fw_header_n(c, "X-Order", 7));
    fw_free(c);

    /* an unmatched URL only runs the app's hooks, as in Flask */
    c = fw_get(app, "GET", "/shop/nope", NULL);
    assert_int_equal(c->resp.status, 404);
    assert_string_equal(fw_header_n(c, "X-Order", 0), "app-after-2");
    assert_string_equal(fw_header_n(c, "X-Order", 1), "app-after-1");
    assert_null(fw_header_n(c, "X-Order", 2));
    fw_free(c);

    /* before_request answering short-circuits the view, not after hooks */
    c = fw_get(app, "GET", "/shop/stop", NULL);
    assert_int_equal(c->resp.status, 202);
    assert_string_equal(c->body, "stopped");
    assert_string_equal(fw_header_n(c, "X-Order", 0), "app-before");
    assert_string_equal(fw_header_n(c, "X-Order", 1), "bp-after-2");
    fw_free(c);

    /* the rule "" maps to the prefix as given */
    c = fw_get(app, "GET", "/shop/", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "root");
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_error_handler_precedence(void **state)
{
    void       *app = fw_load(setup_full, NULL, 0);
    fw_call_t  *c;

    /* aborted inside the blueprint: the blueprint's handler */
    c = fw_get(app, "GET", "/shop/items/99", NULL);
    assert_int_equal(c->resp.status, 404);
    assert_string_equal(c->body, "shop 404");
    fw_free(c);

    /* no route: the app's handler, even under the blueprint's prefix */
    c = fw_get(app, "GET", "/shop/nope", NULL);
    assert_int_equal(c->resp.status, 404);
    assert_string_equal(c->body, "app 404");
    fw_free(c);

    /* an app route: the app's handler gets status, name, description */
    c = fw_get(app, "GET", "/forbid", NULL);
    assert_int_equal(c->resp.status, 403);
    assert_string_equal(c->body, "app 403 Forbidden: You don't have the "
        "permission to access the requested resource. It is either "
        "read-protected or not readable by the server.");
    fw_free(c);

    /* a failing handler: plain 500, no half-written body */
    c = fw_get(app, "GET", "/shop/items/409", NULL);
    assert_int_equal(c->resp.status, 500);
    assert_string_equal(c->body, FW_500_BODY);
    assert_non_null(strstr(c->log, "the error handler for 409 failed"));
    fw_free(c);

    /* a 500 from a view goes to the app's 500 handler */
    c = fw_get(app, "GET", "/boom", NULL);
    assert_int_equal(c->resp.status, 500);
    assert_string_equal(c->body, "app 500");
    assert_string_equal(fw_header(c, "X-Handled"), "500");
    assert_non_null(strstr(c->log, "the view failed"));
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_config(void **state)
{
    gw_config_item_t  cfg[] = { { "GREETING", "from nginx" },
                                { "ROOT_PATH", "/var/www" } };
    void             *app;
    fw_call_t        *c;

    app = fw_load(setup_full, NULL, 0);
    assert_string_equal(gw_app_config_get(app, "GREETING"), "from code");
    assert_string_equal(gw_app_config_get(app, "ROOT_PATH"), "/srv/site");
    assert_string_equal(gw_app_config_get(app,
                        "PERMANENT_SESSION_LIFETIME"), "2678400");
    assert_null(gw_app_config_get(app, "NOPE"));
    assert_string_equal(gw_app_path(app, "data/x.json"),
                        "/srv/site/data/x.json");
    gw_framework_unload(app);

    /* the operator's gateway_config wins over the code's default */
    app = fw_load(setup_full, cfg, 2);
    c = fw_get(app, "GET", "/config", NULL);
    assert_string_equal(c->body, "from nginx");
    assert_string_equal(gw_app_path(app, "templates"), "/var/www/templates");
    fw_free(c);
    gw_framework_unload(app);
}


static int
setup_bad_rule(gw_app_t *app, char *err, size_t n)
{
    gw_app_route(app, "/x/<bad:y>", GW_METHOD_GET, v_index, "x");
    return GW_OK;
}


static int
setup_fails(gw_app_t *app, char *err, size_t n)
{
    snprintf(err, n, "data/notes.json: no such file");
    return GW_ERROR;
}


static int
setup_dup_bp(gw_app_t *app, char *err, size_t n)
{
    gw_app_register_blueprint(app, gw_blueprint_create(app, "a", NULL));
    gw_app_register_blueprint(app, gw_blueprint_create(app, "a", "/b"));
    return GW_OK;
}


static int
setup_bad_errh(gw_app_t *app, char *err, size_t n)
{
    gw_app_errorhandler(app, 200, e_app_404);
    return GW_OK;
}


static void
expect_load_error(gw_setup_t setup, const gw_config_item_t *cfg,
    size_t ncfg, const char *want)
{
    gw_load_ctx_t  ctx;
    char           err[512];
    void          *app = NULL;

    memset(&ctx, 0, sizeof(ctx));
    ctx.path = "app.so";
    ctx.config = cfg;
    ctx.nconfig = ncfg;
    ctx.error = err;
    ctx.error_size = sizeof(err);
    assert_int_equal(gw_framework_load(&ctx, "t", setup, &app), GW_ERROR);
    assert_null(app);
    if (strstr(err, want) == NULL) {
        fail_msg("error '%s' lacks '%s'", err, want);
    }
}


static int
v_bp_static_url(gw_request_t *req, gw_response_t *resp)
{
    json_t    *v;
    gw_str_t   a, b, c;
    char      *s;
    int        rc;

    v = json_pack("{s:s}", "filename", "img/x y.png");
    rc = gw_url_for(req, ".static", v, &a);
    if (rc == GW_OK) {
        rc = gw_url_for(req, "docs.static", v, &b);
    }
    if (rc == GW_OK) {
        rc = gw_url_for(req, "static", v, &c);
    }
    json_decref(v);
    if (rc != GW_OK) {
        return rc;
    }
    s = gw_arena_printf(gw_request_arena(req), "%s %s %s", a.data, b.data, c.data);
    return gw_response_write(resp, s, strlen(s));
}


static int
setup_bp_static(gw_app_t *app, char *error, size_t error_size)
{
    gw_blueprint_t  *admin, *docs;

    admin = gw_blueprint_create(app, "admin", "/admin");
    docs = gw_blueprint_create(app, "docs", "/docs/");
    gw_blueprint_static_folder(admin, "admin/files", "/assets/");
    gw_blueprint_static_folder(docs, "docs/pub", NULL);
    gw_blueprint_route(admin, "/u", 0, v_bp_static_url, "u");
    gw_app_register_blueprint(app, admin);
    return gw_app_register_blueprint(app, docs);
}


static int
setup_bp_static_twice(gw_app_t *app, char *error, size_t error_size)
{
    gw_blueprint_t  *bp = gw_blueprint_create(app, "admin", NULL);

    gw_blueprint_static_folder(bp, "a", NULL);
    gw_blueprint_static_folder(bp, "b", NULL);
    return gw_app_register_blueprint(app, bp);
}


static int
setup_bp_static_empty(gw_app_t *app, char *error, size_t error_size)
{
    gw_blueprint_t  *bp = gw_blueprint_create(app, "admin", NULL);

    gw_blueprint_static_folder(bp, "", NULL);
    return gw_app_register_blueprint(app, bp);
}


/* Flask's Blueprint(static_folder=, static_url_path=): "bp.static" under
 * the prefix, its own folder only, built by url_for from inside and out */
static void
test_blueprint_static(void **state)
{
    char               root[] = "/tmp/gw-bpstatic-XXXXXX", dir[256];
    gw_config_item_t   cfg[1];
    void              *app;
    fw_call_t         *c;
    const char        *dirs[] = { "static", "admin", "admin/files", "docs",
                                  "docs/pub" };
    static const struct { const char *date; int inm, status; }  conds[] = {
        { "Sun, 06 Nov 2999 08:49:37 GMT", 0, 304 },
        { "Sunday, 06-Nov-68 08:49:37 GMT", 0, 304 },
        { "Sunday, 06-Nov-69 08:49:37 GMT", 0, 200 },
        { "Sun Nov  6 08:49:37 2999", 0, 304 },
        { "Sun Nov 16 08:49:37 2999", 0, 304 },
        { "Sun, 06 Nov 2999 08:49:37 GMT", 1, 200 },
        { "Sun, 06 Nov 1994 08:49:37 GMT", 0, 200 },
        { "Sunday, 06-Nov-94 08:49:37 GMT", 0, 200 },
        { "Sun Nov  6 08:49:37 1994", 0, 200 },
        { "Sun, 06 Nov 2999 08:49:37 UTC", 0, 200 },
        { "Sun, 06 Xyz 2999 08:49:37 GMT", 0, 200 },
        { "Sun, 06 Nov 2999 28:49:37 GMT", 0, 200 },
        { "Sunday, 06-Nov-x9 08:49:37 GMT", 0, 200 },
        { "Sun Nov 1x 08:49:37 2999", 0, 200 },
        { "tomorrow", 0, 200 },
        { "", 0, 200 }
    };
    const char        *files[] = { "admin/files/a.js", "admin/secret.txt",
                                   "docs/pub/r.txt", "static/app.css" };
    size_t             i;

    assert_non_null(mkdtemp(root));
    for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        snprintf(dir, sizeof(dir), "%s/%s", root, dirs[i]);
        assert_int_equal(mkdir(dir, 0700), 0);
    }
    snprintf(dir, sizeof(dir), "%s/admin/files", root);
    write_file(dir, "a.js", "let a;");
    snprintf(dir, sizeof(dir), "%s/admin", root);
    write_file(dir, "secret.txt", "no");
    snprintf(dir, sizeof(dir), "%s/docs/pub", root);
    write_file(dir, "r.txt", "readme");
    snprintf(dir, sizeof(dir), "%s/static", root);
    write_file(dir, "app.css", "body{}");

    cfg[0].key = "ROOT_PATH";
    cfg[0].value = root;
    app = fw_load(setup_bp_static, cfg, 1);

    c = fw_get(app, "GET", "/admin/u", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "/admin/assets/img/x%20y.png "
                        "/docs/pub/img/x%20y.png /static/img/x%20y.png");
    fw_free(c);

    c = fw_get(app, "GET", "/admin/assets/a.js", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "let a;");
    assert_string_equal(fw_header(c, "Content-Type"),
                        "text/javascript; charset=utf-8");
    assert_string_equal(fw_header(c, "Cache-Control"), "no-cache");
    assert_non_null(fw_header(c, "Last-Modified"));
    fw_free(c);

    c = fw_get(app, "HEAD", "/docs/pub/r.txt", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(fw_header(c, "Content-Type"),
                        "text/plain; charset=utf-8");
    fw_free(c);
    c = fw_get(app, "GET", "/docs/pub/r.txt", NULL);
    assert_string_equal(c->body, "readme");
    fw_free(c);

    /* If-Modified-Since no earlier than the file, in each of RFC 9110's
     * three forms: 304, empty; earlier, not a date, or with If-None-Match
     * (no ETag of ours matches it): the file */
    for (i = 0; i < sizeof(conds) / sizeof(conds[0]); i++) {
        c = fw_new("GET", "/admin/assets/a.js", NULL);
        fw_add(c, "HTTP_IF_MODIFIED_SINCE", conds[i].date);
        if (conds[i].inm) {
            fw_add(c, "HTTP_IF_NONE_MATCH", "\"x\"");
        }
        fw_run(app, c);
        if (conds[i].status != c->resp.status) {
            fail_msg("%s: %d", conds[i].date, c->resp.status);
        }
        assert_string_equal(c->body, conds[i].status == 304 ? "" : "let a;");
        assert_string_equal(fw_header(c, "Cache-Control"), "no-cache");
        if (conds[i].status == 304) {
            assert_null(fw_header(c, "Content-Type"));
        }
        fw_free(c);
    }

    /* each folder its own: the app's files are not the blueprint's */
    c = fw_get(app, "GET", "/static/app.css", NULL);
    assert_string_equal(c->body, "body{}");
    fw_free(c);
    c = fw_get(app, "GET", "/admin/assets/app.css", NULL);
    assert_int_equal(c->resp.status, 404);
    fw_free(c);
    c = fw_get(app, "GET", "/docs/pub/a.js", NULL);
    assert_int_equal(c->resp.status, 404);
    fw_free(c);

    /* outside the folder, a directory, a write: refused */
    c = fw_get(app, "GET", "/admin/assets/../secret.txt", NULL);
    assert_int_equal(c->resp.status, 404);
    fw_free(c);
    c = fw_get(app, "GET", "/admin/assets/%2e%2e/secret.txt", NULL);
    assert_int_equal(c->resp.status, 404);
    fw_free(c);
    c = fw_get(app, "GET", "/admin/assets/..%2fsecret.txt", NULL);
    assert_int_equal(c->resp.status, 404);
    fw_free(c);
    c = fw_get(app, "GET", "/admin/assets/", NULL);
    assert_int_equal(c->resp.status, 404);
    fw_free(c);
    c = fw_get(app, "POST", "/admin/assets/a.js", NULL);
    assert_int_equal(c->resp.status, 405);
    fw_free(c);
    gw_framework_unload(app);

    expect_load_error(setup_bp_static_twice, NULL, 0,
                      "blueprint 'admin': a second static folder");
    expect_load_error(setup_bp_static_empty, NULL, 0,
                      "blueprint 'admin': an empty static folder");

    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(dir, sizeof(dir), "%s/%s", root, files[i]);
        assert_int_equal(unlink(dir), 0);
    }
    for (i = sizeof(dirs) / sizeof(dirs[0]); i-- > 0; ) {
        snprintf(dir, sizeof(dir), "%s/%s", root, dirs[i]);
        assert_int_equal(rmdir(dir), 0);
    }
    assert_int_equal(rmdir(root), 0);
}


static void
test_load_errors(void **state)
{
    gw_config_item_t  bad[] = { { "PERMANENT_SESSION_LIFETIME", "1 day" } };

    expect_load_error(setup_bad_rule, NULL, 0,
                      "app 't': endpoint 'x': ");
    expect_load_error(setup_bad_rule, NULL, 0, "bad");
    expect_load_error(setup_fails, NULL, 0, "data/notes.json: no such file");
    expect_load_error(setup_dup_bp, NULL, 0,
                      "app 't': blueprint 'a' is already registered");
    expect_load_error(setup_bad_errh, NULL, 0,
                      "errorhandler(200): not an HTTP error status");
    expect_load_error(setup_bare, bad, 1,
                      "PERMANENT_SESSION_LIFETIME '1 day' is not a number");
}


static int
w_init(gw_app_t *app, char *err, size_t n)
{
    snprintf(err, n, "worker of %s", gw_app_name(app));
    return GW_ERROR;
}


static int
setup_worker(gw_app_t *app, char *err, size_t n)
{
    return gw_app_worker_init(app, w_init);
}


static void
test_worker_init(void **state)
{
    void  *app;
    char   err[64];

    app = fw_load(setup_worker, NULL, 0);
    assert_int_equal(gw_framework_worker_init(app, err, sizeof(err)),
                     GW_ERROR);
    assert_string_equal(err, "worker of test");
    gw_framework_unload(app);

    app = fw_load(setup_bare, NULL, 0);
    assert_int_equal(gw_framework_worker_init(app, err, sizeof(err)), GW_OK);
    gw_framework_unload(app);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_route_and_endpoint),
        cmocka_unit_test(test_default_404_405),
        cmocka_unit_test(test_strict_slash_redirect),
        cmocka_unit_test(test_options_and_head),
        cmocka_unit_test(test_abort_default_page),
        cmocka_unit_test(test_500_logs_cause),
        cmocka_unit_test(test_hook_order),
        cmocka_unit_test(test_error_handler_precedence),
        cmocka_unit_test(test_view_that_answers_nothing_is_500),
        cmocka_unit_test(test_debug_shows_the_cause),
        cmocka_unit_test(test_static_endpoint),
        cmocka_unit_test(test_blueprint_static),
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_worker_init),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
