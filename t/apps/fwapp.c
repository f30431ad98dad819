/*
 * fwapp.c: a framework app whose routes exercise one behaviour each, for the
 * HTTP tests.  t/http/flask_twin.py is the same app written for Flask; the
 * tests send both the same requests and compare the answers.
 */

#include <gateway.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int
text(gw_response_t *resp, const char *s)
{
    if (gw_response_set_header(resp, "Content-Type",
                               "text/plain; charset=utf-8")
        != GW_OK)
    {
        return GW_ERROR;
    }
    return gw_response_write(resp, s, strlen(s));
}


static json_t *
str_json(gw_str_t s)
{
    return json_stringn(s.data, s.len);
}


/* {"key": ["v1", "v2"]} in order of first appearance, as Flask's
 * MultiDict.to_dict(flat=False) */
static json_t *
multidict_json(const gw_multidict_t *d)
{
    json_t  *obj, *list;
    size_t   i;
    char    *key;

    obj = json_object();
    for (i = 0; d != NULL && i < d->n; i++) {
        key = strndup(d->items[i].key.data, d->items[i].key.len);
        list = json_object_get(obj, key);
        if (list == NULL) {
            list = json_array();
            json_object_set_new(obj, key, list);
        }
        json_array_append_new(list, str_json(d->items[i].value));
        free(key);
    }
    return obj;
}


static int
index_view(gw_request_t *req, gw_response_t *resp)
{
    return text(resp, "index");
}


static int
conv_view(gw_request_t *req, gw_response_t *resp)
{
    return gw_jsonify(req, resp, gw_request_view_args(req));
}


static int
slash_view(gw_request_t *req, gw_response_t *resp)
{
    return text(resp, "slash");
}


static int
methods_get(gw_request_t *req, gw_response_t *resp)
{
    return text(resp, "get");
}


static int
methods_post(gw_request_t *req, gw_response_t *resp)
{
    return text(resp, "post");
}


static int
args_view(gw_request_t *req, gw_response_t *resp)
{
    const gw_multidict_t  *args;

    args = gw_request_args(req);
    if (args == NULL) {
        return GW_ABORT;
    }
    return gw_jsonify_new(req, resp, multidict_json(args));
}


static int
form_view(gw_request_t *req, gw_response_t *resp)
{
    const gw_multidict_t  *form;
    const gw_files_t      *files;
    json_t                *out, *fj, *f;
    size_t                 i;
    char                  *key;

    form = gw_request_form(req);
    files = gw_request_files(req);
    if (form == NULL || files == NULL) {
        return GW_ABORT;
    }

    fj = json_object();
    for (i = 0; i < files->n; i++) {
        f = json_pack("{s:s%,s:s%,s:s%}",
                      "filename", files->items[i].filename.data,
                      files->items[i].filename.len,
                      "content_type", files->items[i].content_type.data,
                      files->items[i].content_type.len,
                      "data", files->items[i].data.data,
                      files->items[i].data.len);
        key = strndup(files->items[i].name.data, files->items[i].name.len);
        json_object_set_new(fj, key, f);
        free(key);
    }

    out = json_pack("{s:o,s:o}", "form", multidict_json(form), "files", fj);
    return gw_jsonify_new(req, resp, out);
}


static int
json_view(gw_request_t *req, gw_response_t *resp)
{
    json_t  *body;

    body = gw_request_json(req);
    if (body == NULL) {
        return GW_ABORT;
    }
    return gw_jsonify_new(req, resp, json_pack("{s:O}", "got", body));
}


static int
cookies_view(gw_request_t *req, gw_response_t *resp)
{
    return gw_jsonify_new(req, resp,
                          multidict_json(gw_request_cookies(req)));
}


static int
headers_view(gw_request_t *req, gw_response_t *resp)
{
    const gw_str_t  *tok, *ua;

    tok = gw_request_header(req, "x-token");
    ua = gw_request_header(req, "X-MISSING");
    return gw_jsonify_new(req, resp, json_pack("{s:o,s:b,s:o}",
                          "token", tok ? str_json(*tok) : json_null(),
                          "missing", ua == NULL,
                          "remote_addr",
                          str_json(gw_request_remote_addr(req))));
}


static int
redirect_view(gw_request_t *req, gw_response_t *resp)
{
    return gw_redirect(req, resp, "/target", 0);
}


static int
redirect301_view(gw_request_t *req, gw_response_t *resp)
{
    return gw_redirect(req, resp, "https://example.org/x?a=1&b=2", 301);
}


static int
abort_view(gw_request_t *req, gw_response_t *resp)
{
    json_t  *code;

    code = json_object_get(gw_request_view_args(req), "code");
    return gw_abort(req, (int) json_integer_value(code), NULL);
}


static int
setcookie_view(gw_request_t *req, gw_response_t *resp)
{
    gw_cookie_t  opt;

    memset(&opt, 0, sizeof(opt));
    opt.max_age = 3600;
    opt.path = "/app";
    opt.domain = "example.org";
    opt.secure = 1;
    opt.httponly = 1;
    opt.samesite = "Lax";

    if (gw_set_cookie(req, resp, "plain", "1", NULL) != GW_OK
        || gw_set_cookie(req, resp, "full", "a value; with, specials", &opt)
           != GW_OK)
    {
        return GW_ERROR;
    }
    return text(resp, "cookies set");
}


static int
delcookie_view(gw_request_t *req, gw_response_t *resp)
{
    if (gw_delete_cookie(req, resp, "plain", NULL) != GW_OK) {
        return GW_ERROR;
    }
    return text(resp, "cookie deleted");
}


static int
badheader_view(gw_request_t *req, gw_response_t *resp)
{
    if (gw_header_set(req, resp, "X-Injected", "a\r\nSet-Cookie: evil=1")
        != GW_OK)
    {
        return GW_ERROR;
    }
    return text(resp, "should not get here");
}


static int
session_set_view(gw_request_t *req, gw_response_t *resp)
{
    const gw_multidict_t  *args;
    json_t                *session;
    size_t                 i;
    char                  *key;

    args = gw_request_args(req);
    session = gw_session(req);
    if (args == NULL || session == NULL) {
        return GW_ABORT;
    }

    for (i = 0; i < args->n; i++) {
        key = strndup(args->items[i].key.data, args->items[i].key.len);
        json_object_set_new(session, key, str_json(args->items[i].value));
        free(key);
    }
    return text(resp, "stored");
}


static int
session_get_view(gw_request_t *req, gw_response_t *resp)
{
    return gw_jsonify(req, resp, gw_session(req));
}


/* flash(m, c), then get_flashed_messages(with_categories=True) */
static int
flash_add_view(gw_request_t *req, gw_response_t *resp)
{
    const gw_str_t  *m, *c;
    gw_str_t         none = gw_null_string;

    m = gw_request_arg(req, "m");
    c = gw_request_arg(req, "c");
    if (m == NULL || gw_flashn(req, *m, c ? *c : none) != GW_OK)
    {
        return GW_ERROR;
    }
    return text(resp, "flashed");
}


static int
flash_show_view(gw_request_t *req, gw_response_t *resp)
{
    return gw_jsonify(req, resp, gw_get_flashed_messages(req, 1));
}


/* Commands, for gw-cmd: init-db writes a file in the instance folder,
 * echo prints its arguments, fail exits with 3. */
static int
cmd_init_db(gw_app_t *app, int argc, char **argv)
{
    const char  *path;
    FILE        *f;

    path = gw_arena_printf(gw_app_arena(app), "%s/fwapp.db",
                           gw_app_instance_path(app));
    f = path ? fopen(path, "w") : NULL;
    if (f == NULL) {
        perror(path);
        return 1;
    }
    fprintf(f, "initialised\n");
    fclose(f);
    printf("Initialized the database.\n");
    return 0;
}


static int
cmd_echo(gw_app_t *app, int argc, char **argv)
{
    int  i;

    for (i = 0; i < argc; i++) {
        printf("%s%s", i ? " " : "", argv[i]);
    }
    printf("\n");
    return 0;
}


static int
cmd_fail(gw_app_t *app, int argc, char **argv)
{
    fprintf(stderr, "fail: as asked\n");
    return 3;
}


static int
urlfor_view(gw_request_t *req, gw_response_t *resp)
{
    static const char  *names[] = { "a", "b", "c", "d", "e" };
    gw_str_t            u[5];
    json_t             *v[5], *out;
    int                 i;

    v[0] = json_pack("{s:i}", "n", 42);
    v[1] = json_pack("{s:i,s:s}", "n", 7, "q", "a b&c");
    v[2] = json_pack("{s:s}", "p", "dir/f i le.txt");
    v[3] = NULL;
    v[4] = json_pack("{s:s}", "s", "caf\xc3\xa9");

    if (gw_url_for(req, "conv_int", v[0], &u[0]) != GW_OK
        || gw_url_for(req, "conv_int", v[1], &u[1]) != GW_OK
        || gw_url_for(req, "conv_path", v[2], &u[2]) != GW_OK
        || gw_url_for(req, "bp.hello", v[3], &u[3]) != GW_OK
        || gw_url_for(req, "conv_str", v[4], &u[4]) != GW_OK)
    {
        for (i = 0; i < 5; i++) {
            json_decref(v[i]);
        }
        return GW_ERROR;
    }

    out = json_object();
    for (i = 0; i < 5; i++) {
        json_object_set_new(out, names[i], str_json(u[i]));
        json_decref(v[i]);
    }
    return gw_jsonify_new(req, resp, out);
}


static int
urlfor_missing_view(gw_request_t *req, gw_response_t *resp)
{
    gw_str_t  u;

    /* no value for <int:n>: url_for fails, the request is a 500 */
    if (gw_url_for(req, "conv_int", NULL, &u) != GW_OK) {
        return GW_ERROR;
    }
    return text(resp, "built");
}


/* url_for's keywords that are not rule values, from C and a template */
#define URLFOR_EXTRAS_PAGE                                                  \
    "{{ url_for('conv_int', n=2, _anchor='a b#c') }}\n"                     \
    "{{ url_for('conv_int', n=3, _external=True) }}\n"                      \
    "{{ url_for('conv_int', n=4, _external=True, _scheme='https') }}\n"     \
    "{{ url_for('conv_int', n=5, _method='GET', q='x') }}\n"                \
    "{{ url_for('bp.hello', _anchor=7) }}\n"

static int
urlfor_extras_view(gw_request_t *req, gw_response_t *resp)
{
    static const char  *specs[] = {
        "{\"n\": 2, \"_anchor\": \"a b#c\"}",
        "{\"n\": 3, \"_external\": true}",
        "{\"n\": 4, \"_external\": true, \"_scheme\": \"https\"}",
        "{\"n\": 5, \"_method\": \"GET\", \"q\": \"x\"}"
    };
    static const char  *names[] = { "a", "b", "c", "d" };
    gw_str_t            u;
    json_t             *v, *out;
    size_t              i;
    int                 rc;

    out = json_object();
    for (i = 0; i < 4; i++) {
        v = json_loads(specs[i], 0, NULL);
        rc = gw_url_for(req, "conv_int", v, &u);
        json_decref(v);
        if (rc != GW_OK) {
            json_decref(out);
            return GW_ERROR;
        }
        json_object_set_new(out, names[i], str_json(u));
    }
    return gw_jsonify_new(req, resp, out);
}


static int
urlfor_extras_page(gw_request_t *req, gw_response_t *resp)
{
    return gw_render(req, resp, "extras.txt", NULL);
}


/* url_for of a rule that starts with a value: never "//host" */
static int
urlfor_lead_view(gw_request_t *req, gw_response_t *resp)
{
    const gw_str_t  *v;
    json_t          *vals;
    gw_str_t         u;
    int              rc;

    v = gw_request_arg(req, "v");
    vals = json_pack("{s:s%}", "lead", v ? v->data : "", v ? v->len : 0);
    rc = gw_url_for(req, "lead", vals, &u);
    json_decref(vals);
    if (rc != GW_OK) {
        return GW_ERROR;
    }
    return gw_response_write(resp, u.data, u.len);
}


static int
fail_view(gw_request_t *req, gw_response_t *resp)
{
    return gw_fail(req, "the database is on fire (fwapp)");
}


static int
teapot_view(gw_request_t *req, gw_response_t *resp)
{
    return gw_abort(req, 418, NULL);
}


/* ---- app-wide hooks and handlers ---------------------------------------- */

static int
app_after(gw_request_t *req, gw_response_t *resp)
{
    return gw_response_set_header(resp, "X-App-After", "1");
}


static int
app_404(gw_request_t *req, gw_response_t *resp,
    const gw_http_error_t *err)
{
    resp->status = 404;
    return text(resp, "app 404");
}


static int
app_418_fails(gw_request_t *req, gw_response_t *resp,
    const gw_http_error_t *err)
{
    return GW_ERROR;
}


/* ---- the blueprint ---------------------------------------------------- */

static int
bp_hello(gw_request_t *req, gw_response_t *resp)
{
    return text(resp, "hello from bp");
}


static int
bp_missing(gw_request_t *req, gw_response_t *resp)
{
    return gw_abort(req, 404, NULL);
}


static int
bp_before(gw_request_t *req, gw_response_t *resp)
{
    const gw_str_t  *stop;

    stop = gw_request_arg(req, "stop");
    if (stop != NULL) {
        resp->status = 403;
        if (text(resp, "stopped by before_request") != GW_OK) {
            return GW_ERROR;
        }
        return GW_DONE;
    }
    return GW_OK;
}


static int
bp_after(gw_request_t *req, gw_response_t *resp)
{
    return gw_response_set_header(resp, "X-BP-After", "1");
}


static int
bp_404(gw_request_t *req, gw_response_t *resp, const gw_http_error_t *err)
{
    resp->status = 404;
    return gw_jsonify_new(req, resp, json_pack("{s:s}", "bp",
                                               "not found"));
}


static int
setup(gw_app_t *app, char *error, size_t error_size)
{
    gw_blueprint_t  *bp;

    gw_app_route(app, "/", 0, index_view, "index");
    gw_app_route(app, "/conv/int/<int:n>", 0, conv_view, "conv_int");
    gw_app_route(app, "/conv/float/<float:x>", 0, conv_view, "conv_float");
    gw_app_route(app, "/conv/path/<path:p>", 0, conv_view, "conv_path");
    gw_app_route(app, "/conv/uuid/<uuid:u>", 0, conv_view, "conv_uuid");
    gw_app_route(app, "/conv/any/<any(red,green):c>", 0, conv_view,
                 "conv_any");
    gw_app_route(app, "/conv/str/<s>", 0, conv_view, "conv_str");
    gw_app_route(app, "/conv/range/<int(min=1,max=10):n>", 0, conv_view,
                 "conv_range");
    gw_app_route(app, "/slash/", 0, slash_view, "slash");
    gw_app_route(app, "/methods", GW_METHOD_GET, methods_get, "methods_get");
    gw_app_route(app, "/methods", GW_METHOD_POST, methods_post,
                 "methods_post");
    gw_app_route(app, "/args", 0, args_view, "args");
    gw_app_route(app, "/form", GW_METHOD_POST, form_view, "form");
    gw_app_route(app, "/json", GW_METHOD_POST, json_view, "json");
    gw_app_route(app, "/cookies", 0, cookies_view, "cookies");
    gw_app_route(app, "/headers", 0, headers_view, "headers");
    gw_app_route(app, "/redirect", 0, redirect_view, "redirect");
    gw_app_route(app, "/redirect301", 0, redirect301_view, "redirect301");
    gw_app_route(app, "/abort/<int:code>", 0, abort_view, "abort");
    gw_app_route(app, "/setcookie", 0, setcookie_view, "setcookie");
    gw_app_route(app, "/delcookie", 0, delcookie_view, "delcookie");
    gw_app_route(app, "/badheader", 0, badheader_view, "badheader");
    gw_app_route(app, "/session/set", 0, session_set_view, "session_set");
    gw_app_route(app, "/session/get", 0, session_get_view, "session_get");
    gw_app_route(app, "/flash/add", 0, flash_add_view, "flash_add");
    gw_app_route(app, "/flash/show", 0, flash_show_view, "flash_show");
    gw_app_command(app, "init-db", cmd_init_db,
                   "Clear the existing data and create new tables.");
    gw_app_command(app, "echo", cmd_echo, "Print the arguments.");
    gw_app_command(app, "fail", cmd_fail, NULL);
    gw_app_route(app, "/urlfor", 0, urlfor_view, "urlfor");
    gw_app_route(app, "/urlfor/missing", 0, urlfor_missing_view,
                 "urlfor_missing");
    gw_app_route(app, "/urlfor/lead", 0, urlfor_lead_view, "urlfor_lead");
    gw_app_route(app, "/urlfor/extras", 0, urlfor_extras_view,
                 "urlfor_extras");
    gw_app_route(app, "/urlfor/extras/page", 0, urlfor_extras_page,
                 "urlfor_extras_page");
    gw_app_route(app, "/<lead>/lead-end", 0, urlfor_lead_view, "lead");
    gw_app_route(app, "/fail", 0, fail_view, "fail");
    gw_app_route(app, "/fail/<p>", 0, fail_view, "fail_path");
    gw_app_route(app, "/teapot", 0, teapot_view, "teapot");

    gw_app_after_request(app, app_after);
    gw_app_errorhandler(app, 404, app_404);
    gw_app_errorhandler(app, 418, app_418_fails);

    bp = gw_blueprint_create(app, "bp", "/bp");
    if (bp == NULL) {
        snprintf(error, error_size, "out of memory");
        return GW_ERROR;
    }
    gw_blueprint_route(bp, "/hello", 0, bp_hello, "hello");
    gw_blueprint_route(bp, "/missing", 0, bp_missing, "missing");
    gw_blueprint_before_request(bp, bp_before);
    gw_blueprint_after_request(bp, bp_after);
    gw_blueprint_errorhandler(bp, 404, bp_404);

    if (gw_tmpl_env_add_string(gw_app_templates(app), "extras.txt",
                               URLFOR_EXTRAS_PAGE,
                               sizeof(URLFOR_EXTRAS_PAGE) - 1, error,
                               error_size)
        != GW_OK)
    {
        return GW_ERROR;
    }

    return gw_app_register_blueprint(app, bp);
}


GW_FRAMEWORK_APP("fwapp", setup);
