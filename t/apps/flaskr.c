/*
 * flaskr.c: the shape of Flask's tutorial app (flaskr) on the framework,
 * for the HTTP tests: g.user loaded by a blueprint's before_app_request,
 * a login_required guard, a teardown that closes the request's "database",
 * required form values, password hashes in Werkzeug's format, dates and
 * the full request in templates, config from a file and the environment.
 * t/http/test_flaskr.py holds the same app in Flask.
 */

#include <gateway.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* The request's "database": opened by a hook, closed by the teardown,
 * which logs so the tests can see it ran. */
static int
open_db(gw_request_t *req, gw_response_t *resp)
{
    return gw_g_set(req, "db", strdup("db"), free);
}


static void
close_db(gw_request_t *req, const char *error)
{
    gw_log(gw_request_environ(req), GW_LOG_INFO,
           "flaskr teardown: closed %s (error: %s)",
           (char *) gw_g_get(req, "db"), error ? error : "none");
}


/* flaskr's load_logged_in_user */
static int
load_user(gw_request_t *req, gw_response_t *resp)
{
    json_t  *user = json_object_get(gw_session(req), "user");

    if (json_is_string(user)) {
        return gw_g_set_json_new(req, "user",
                                 json_pack("{s:O}", "username", user));
    }
    return GW_OK;
}


/* flaskr's login_required */
static int
login_required(gw_request_t *req, gw_response_t *resp)
{
    gw_str_t  login;

    if (gw_g_get_json(req, "user") != NULL) {
        return GW_OK;
    }
    if (gw_url_for(req, "auth.login", NULL, &login) != GW_OK
        || gw_redirect(req, resp, login.data, 0) != GW_OK)
    {
        return GW_ERROR;
    }
    return GW_DONE;
}


static int
login(gw_request_t *req, gw_response_t *resp)
{
    const gw_str_t  *user, *pw;
    const char      *hash;
    gw_str_t         home;

    if (gw_str_eq(gw_request_method(req), "POST")) {
        user = gw_request_form_required(req, "username");
        pw = gw_request_form_required(req, "password");
        if (user == NULL || pw == NULL) {
            return GW_ABORT;
        }
        hash = gw_app_config_get(gw_request_app(req), "USER_HASH");
        if (!gw_str_eq(*user, gw_app_config_get(gw_request_app(req),
                                                "USER_NAME")))
        {
            gw_flash(req, "Incorrect username.", NULL);
        } else if (!gw_check_password_hash(hash, pw->data, pw->len)) {
            gw_flash(req, "Incorrect password.", NULL);
        } else {
            json_object_clear(gw_session(req));
            json_object_set_new(gw_session(req), "user",
                                json_stringn(user->data, user->len));
            if (gw_url_for(req, "index", NULL, &home) != GW_OK) {
                return GW_ERROR;
            }
            return gw_redirect(req, resp, home.data, 0);
        }
    }
    return gw_render(req, resp, "login.html", NULL);
}


static int
create(gw_request_t *req, gw_response_t *resp)
{
    const gw_str_t  *title;
    gw_str_t         home;

    if (gw_str_eq(gw_request_method(req), "POST")) {
        title = gw_request_form_required(req, "title");
        if (title == NULL) {
            return GW_ABORT;
        }
        if (title->len == 0) {
            gw_flashn(req, (gw_str_t) gw_string("Title is required."),
                      (gw_str_t) gw_null_string);
        } else {
            gw_flashn(req, *title, (gw_str_t) gw_string("created"));
            if (gw_url_for(req, "index", NULL, &home) != GW_OK) {
                return GW_ERROR;
            }
            return gw_redirect(req, resp, home.data, 0);
        }
    }
    return gw_render(req, resp, "create.html", NULL);
}


static int
index_view(gw_request_t *req, gw_response_t *resp)
{
    json_t  *ctx;

    ctx = json_pack("{s:[{s:s,s:s},{s:s,s:I}]}", "posts",
                    "title", "first", "created", "2019-03-04 05:06:07",
                    "title", "second", "created", (json_int_t) 1700000000);
    if (ctx == NULL) {
        return GW_ERROR;
    }
    if (gw_render(req, resp, "index.html", ctx) != GW_OK) {
        json_decref(ctx);
        return GW_ERROR;
    }
    json_decref(ctx);
    return GW_OK;
}


static int
fails(gw_request_t *req, gw_response_t *resp)
{
    return gw_fail(req, "the database is locked");
}


/* A hash made here, for Werkzeug to check */
static int
hash_view(gw_request_t *req, gw_response_t *resp)
{
    const gw_str_t  *pw = gw_request_arg_required(req, "pw");
    char            *h;

    if (pw == NULL) {
        return GW_ABORT;
    }
    h = gw_generate_password_hash(gw_request_arena(req), pw->data, pw->len,
                                  "pbkdf2:sha256:1000", 0);
    if (h == NULL) {
        return gw_fail(req, "hash failed");
    }
    return gw_response_write(resp, h, strlen(h));
}


static int
config_view(gw_request_t *req, gw_response_t *resp)
{
    const char  *key, *v;

    key = json_string_value(json_object_get(gw_request_view_args(req),
                                            "key"));
    v = gw_app_config_get(gw_request_app(req), key);
    if (v == NULL) {
        return gw_abort(req, 404, NULL);
    }
    return gw_response_write(resp, v, strlen(v));
}


static int
setup(gw_app_t *app, char *error, size_t n)
{
    gw_blueprint_t  *auth, *blog;
    const char      *hash;

    /* a malformed hash stops the load, not a login */
    hash = gw_app_config_get(app, "USER_HASH");
    if (hash == NULL || !gw_password_hash_valid(hash)) {
        snprintf(error, n, "USER_HASH: not a Werkzeug password hash");
        return GW_ERROR;
    }
    gw_app_config_get(app, "USER_NAME");
    /* read per request only */
    gw_app_config_declare(app, "FROM_FILE");
    gw_app_config_declare(app, "FROM_ENV");
    gw_app_config_declare(app, "BOTH");

    gw_app_before_request(app, open_db);
    gw_app_teardown_request(app, close_db);

    auth = gw_blueprint_create(app, "auth", "/auth");
    gw_blueprint_before_app_request(auth, load_user);
    gw_blueprint_route(auth, "/login", GW_METHOD_GET | GW_METHOD_POST, login,
                       "login");
    gw_app_register_blueprint(app, auth);

    blog = gw_blueprint_create(app, "blog", NULL);
    gw_blueprint_route(blog, "/create", GW_METHOD_GET | GW_METHOD_POST,
                       create, "create");
    gw_blueprint_guard(blog, "create", login_required);
    gw_app_register_blueprint(app, blog);

    gw_app_route(app, "/", 0, index_view, "index");
    gw_app_route(app, "/fails", 0, fails, "fails");
    gw_app_route(app, "/hash", 0, hash_view, "hash");
    gw_app_route(app, "/config/<key>", 0, config_view, "config");
    return GW_OK;
}


GW_FRAMEWORK_APP("flaskr", setup);
