/*
 * test_flaskr.c: what Flask's tutorial app (flaskr) needs beyond routing:
 * g, guards on views, teardown_request, before_app_request, required form
 * values, counted flashes, the full request and g in templates, dates,
 * Werkzeug's password hashes, and config from a file and the environment.
 */

#include "fw_test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>


/* What the teardown functions saw, in order (a test's own state). */
static char  teardown_log[1024];


static void
log_teardown(const char *who, const char *error)
{
    size_t  len = strlen(teardown_log);

    snprintf(teardown_log + len, sizeof(teardown_log) - len, "%s(%s);", who,
             error ? error : "-");
}

static void td_app1(gw_request_t *q, const char *e) { log_teardown("app1", e); }
static void td_app2(gw_request_t *q, const char *e)
{
    /* g is still there: the place to close a handle kept in it */
    log_teardown(gw_g_get(q, "db") ? "app2+db" : "app2", e);
}
static void td_bp(gw_request_t *q, const char *e) { log_teardown("bp", e); }


static int
hdr(gw_response_t *r, const char *what)
{
    return gw_response_add_header(r, "X-Order", what);
}

static int h_app_before(gw_request_t *q, gw_response_t *r)
{
    return hdr(r, "app-before");
}

static int h_bp_app_before(gw_request_t *q, gw_response_t *r)
{
    return hdr(r, "bp-app-before");
}

static int h_lost_app_before(gw_request_t *q, gw_response_t *r)
{
    return hdr(r, "never");
}

static int h_bp_before(gw_request_t *q, gw_response_t *r)
{
    return hdr(r, "bp-before");
}


/* flaskr's load_logged_in_user: g.user from the session, or nothing */
static int
h_load_user(gw_request_t *q, gw_response_t *r)
{
    const gw_str_t  *u = gw_request_arg(q, "user");
    char            *db;

    db = strdup("handle");
    if (gw_g_set(q, "db", db, free) != GW_OK) {
        return GW_ERROR;
    }
    if (u != NULL) {
        return gw_g_set_json_new(q, "user", json_pack("{s:s#}", "username",
                                                      u->data, u->len));
    }
    return GW_OK;
}


/* flaskr's login_required */
static int
g_login_required(gw_request_t *q, gw_response_t *r)
{
    if (gw_g_get_json(q, "user") == NULL) {
        hdr(r, "guard-redirect");
        return gw_redirect(q, r, "/auth/login", 0) == GW_OK ? GW_DONE
                                                            : GW_ERROR;
    }
    return hdr(r, "guard-1");
}

static int
g_second(gw_request_t *q, gw_response_t *r)
{
    if (gw_request_arg(q, "forbid") != NULL) {
        return gw_abort(q, 403, "not yours");
    }
    return hdr(r, "guard-2");
}


static int
v_index(gw_request_t *q, gw_response_t *r)
{
    return gw_render(q, r, "index.html", NULL);
}

static int
v_create(gw_request_t *q, gw_response_t *r)
{
    const gw_str_t  *title;

    if (gw_str_eq(gw_request_method(q), "POST")) {
        title = gw_request_form_required(q, "title");
        if (title == NULL) {
            return GW_ABORT;
        }
        if (title->len == 0) {
            /* a counted string, not NUL-terminated at its end */
            if (gw_flashn(q, (gw_str_t) { "Title is required.xx", 18 },
                          (gw_str_t) gw_null_string) != GW_OK)
            {
                return GW_ERROR;
            }
        }
    }
    hdr(r, "view");
    return gw_render(q, r, "create.html", NULL);
}

static int
v_fails(gw_request_t *q, gw_response_t *r)
{
    return gw_fail(q, "database is locked");
}

static int
v_arg(gw_request_t *q, gw_response_t *r)
{
    const gw_str_t  *v = gw_request_arg_required(q, "q");

    return v ? gw_response_write(r, v->data, v->len) : GW_ABORT;
}


static const char  *index_tmpl =
    "{% if g.user %}{{ g.user.username }}{% else %}anonymous{% endif %}"
    "|{{ g.db is defined }}|{{ request.endpoint }}|{{ request.method }}"
    "|{{ request.path }}|{{ request.args.get('user', '-') }}"
    "|{{ request.headers['User-Agent'] }}|{{ request.cookies.theme }}"
    "|{{ request.host }}|{{ request.url }}";

static const char  *create_tmpl =
    "{% for m in get_flashed_messages() %}[{{ m }}]{% endfor %}"
    "<input name=title value=\"{{ request.form['title'] }}\">"
    "<textarea>{{ request.form.body }}</textarea>"
    "{{ request.form.get('missing', 'none') }}";


static int
setup_flaskr(gw_app_t *app, char *err, size_t n)
{
    gw_blueprint_t  *auth, *blog, *lost;
    gw_tmpl_env_t   *env = gw_app_templates(app);

    gw_app_before_request(app, h_app_before);
    gw_app_teardown_request(app, td_app1);
    gw_app_teardown_request(app, td_app2);
    gw_app_route(app, "/arg", 0, v_arg, "arg");
    gw_app_route(app, "/fails", 0, v_fails, "fails");

    /* a hook added before the blueprint is registered joins the app's
     * hooks when it is: after app-before, before what comes later */
    auth = gw_blueprint_create(app, "auth", "/auth");
    gw_blueprint_before_app_request(auth, h_load_user);
    gw_blueprint_before_app_request(auth, h_bp_app_before);
    gw_app_register_blueprint(app, auth);

    lost = gw_blueprint_create(app, "lost", "/lost");
    gw_blueprint_before_app_request(lost, h_lost_app_before);

    blog = gw_blueprint_create(app, "blog", NULL);
    gw_blueprint_route(blog, "/", 0, v_index, "index");
    gw_blueprint_route(blog, "/create", GW_METHOD_GET | GW_METHOD_POST,
                       v_create, "create");
    gw_blueprint_before_request(blog, h_bp_before);
    gw_blueprint_teardown_request(blog, td_bp);
    gw_blueprint_guard(blog, "create", g_login_required);
    gw_app_guard(app, "blog.create", g_second);
    gw_app_register_blueprint(app, blog);

    if (gw_tmpl_env_add_string(env, "index.html", index_tmpl,
                               strlen(index_tmpl), err, n) != GW_OK
        || gw_tmpl_env_add_string(env, "create.html", create_tmpl,
                                  strlen(create_tmpl), err, n) != GW_OK)
    {
        return GW_ERROR;
    }
    return GW_OK;
}


static const gw_config_item_t  secret[] = { { "SECRET_KEY", "k" } };


static void
assert_order(fw_call_t *c, const char **want)
{
    int  i;

    for (i = 0; want[i] != NULL; i++) {
        assert_non_null(fw_header_n(c, "X-Order", i));
        assert_string_equal(fw_header_n(c, "X-Order", i), want[i]);
    }
    assert_null(fw_header_n(c, "X-Order", i));
}


static void
test_g_and_request_in_templates(void **state)
{
    void       *app = fw_load(setup_flaskr, secret, 1);
    fw_call_t  *c;
    const char *order[] = { "app-before", "bp-app-before", "bp-before",
                            NULL };

    c = fw_new("GET", "/", "user=ann&x=1");
    fw_add(c, "HTTP_USER_AGENT", "tester/1.0");
    fw_add(c, "HTTP_COOKIE", "theme=dark");
    fw_add(c, "HTTP_HOST", "example.org");
    fw_run(app, c);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "ann|False|blog.index|GET|/|ann"
                        "|tester/1.0|dark|example.org"
                        "|http://example.org/?user=ann&amp;x=1");
    assert_order(c, order);
    fw_free(c);

    /* no g value set: g.user is undefined, not an error */
    c = fw_get(app, "GET", "/", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_true(strncmp(c->body, "anonymous|False|", 16) == 0);
    fw_free(c);
    gw_framework_unload(app);
}


static void
test_guards(void **state)
{
    void        *app = fw_load(setup_flaskr, secret, 1);
    fw_call_t   *c;
    const char  *redirected[] = { "app-before", "bp-app-before", "bp-before",
                                  "guard-redirect", NULL };
    const char  *passed[] = { "app-before", "bp-app-before", "bp-before",
                              "guard-1", "guard-2", "view", NULL };

    /* flaskr's @login_required: to the login page, the view never runs */
    c = fw_get(app, "GET", "/create", NULL);
    assert_int_equal(c->resp.status, 302);
    assert_string_equal(fw_header(c, "Location"), "/auth/login");
    assert_order(c, redirected);
    fw_free(c);

    c = fw_get(app, "GET", "/create", "user=ann");
    assert_int_equal(c->resp.status, 200);
    assert_order(c, passed);
    fw_free(c);

    /* a guard's abort goes through the error handlers */
    c = fw_get(app, "GET", "/create", "user=ann&forbid=1");
    assert_int_equal(c->resp.status, 403);
    assert_non_null(strstr(c->body, "not yours"));
    fw_free(c);

    /* other views of the blueprint are not guarded */
    c = fw_get(app, "GET", "/", NULL);
    assert_int_equal(c->resp.status, 200);
    fw_free(c);
    gw_framework_unload(app);
}


static int
setup_bad_guard(gw_app_t *app, char *err, size_t n)
{
    gw_app_route(app, "/", 0, v_arg, "index");
    return gw_app_guard(app, "blog.index", g_second);
}


static void
test_guard_on_unknown_endpoint_fails_the_load(void **state)
{
    gw_load_ctx_t  ctx;
    char           err[512];
    void          *app = NULL;

    memset(&ctx, 0, sizeof(ctx));
    ctx.path = "/srv/site/app.so";
    ctx.error = err;
    ctx.error_size = sizeof(err);
    assert_int_equal(gw_framework_load(&ctx, "t", setup_bad_guard, &app),
                     GW_ERROR);
    assert_string_equal(err, "app 't': guard for endpoint 'blog.index': no "
                        "such endpoint");
}


static void
test_teardown(void **state)
{
    void       *app = fw_load(setup_flaskr, secret, 1);
    fw_call_t  *c;

    /* the blueprint's first, then the app's newest first; g still set */
    teardown_log[0] = '\0';
    c = fw_get(app, "GET", "/", NULL);
    assert_string_equal(teardown_log, "bp(-);app2+db(-);app1(-);");
    fw_free(c);

    /* a failed view: they run, and get the cause */
    teardown_log[0] = '\0';
    c = fw_get(app, "GET", "/fails", NULL);
    assert_int_equal(c->resp.status, 500);
    assert_string_equal(teardown_log, "app2+db(fails /fails: database is "
                        "locked);app1(fails /fails: database is locked);");
    fw_free(c);

    /* an abort is an answer, not a failure (Flask passes None); a 404 has
     * no blueprint */
    teardown_log[0] = '\0';
    c = fw_get(app, "GET", "/nowhere", NULL);
    assert_int_equal(c->resp.status, 404);
    assert_string_equal(teardown_log, "app2+db(-);app1(-);");
    fw_free(c);
    gw_framework_unload(app);
}


static void
test_form_required_and_flashn(void **state)
{
    static const gw_config_item_t  debug[] = { { "SECRET_KEY", "k" },
                                               { "DEBUG", "true" } };
    void       *app = fw_load(setup_flaskr, secret, 1);
    fw_call_t  *c;

    /* present: the template sees request.form too */
    c = fw_new("POST", "/create", "user=ann");
    fw_body(c, "application/x-www-form-urlencoded",
            "title=A+%3Cb%3E&body=text", 25);
    fw_run(app, c);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "<input name=title value=\"A &lt;b&gt;\">"
                        "<textarea>text</textarea>none");
    fw_free(c);

    /* missing: Werkzeug's BadRequestKeyError, a 400 */
    c = fw_new("POST", "/create", "user=ann");
    fw_body(c, "application/x-www-form-urlencoded", "body=text", 9);
    fw_run(app, c);
    assert_int_equal(c->resp.status, 400);
    assert_string_equal(c->body, "<!doctype html>\n<html lang=en>\n"
                        "<title>400 Bad Request</title>\n<h1>Bad Request"
                        "</h1>\n<p>The browser (or proxy) sent a request "
                        "that this server could not understand.</p>\n");
    fw_free(c);

    c = fw_get(app, "GET", "/arg", "p=1");
    assert_int_equal(c->resp.status, 400);
    fw_free(c);
    c = fw_get(app, "GET", "/arg", "q=yes");
    assert_string_equal(c->body, "yes");
    fw_free(c);

    /* empty: flashed with a counted string, shown as flaskr shows it */
    c = fw_new("POST", "/create", "user=ann");
    fw_body(c, "application/x-www-form-urlencoded", "title=", 6);
    fw_run(app, c);
    assert_string_equal(c->body, "[Title is required.]<input name=title "
                        "value=\"\"><textarea></textarea>none");
    fw_free(c);
    gw_framework_unload(app);

    /* DEBUG says which key */
    app = fw_load(setup_flaskr, debug, 2);
    c = fw_new("POST", "/create", "user=ann");
    fw_body(c, "application/x-www-form-urlencoded", "body=text", 9);
    fw_run(app, c);
    assert_int_equal(c->resp.status, 400);
    assert_non_null(strstr(c->body, "understand.\nKeyError: &#39;title&#39;"
                           "</p>"));
    fw_free(c);
    gw_framework_unload(app);
}


/* ---- dates ---------------------------------------------------------------- */

static void
render_is(gw_tmpl_env_t *env, const char *src, const char *ctx_json,
    const char *want)
{
    gw_arena_t  *a = gw_arena_create(4096);
    json_t      *ctx = json_loads(ctx_json, 0, NULL);
    gw_buf_t     b;
    char         err[512];
    int          rc;

    assert_non_null(ctx);
    assert_int_equal(gw_tmpl_env_add_string(env, "t.txt", src, strlen(src),
                                            err, sizeof(err)), GW_OK);
    gw_buf_init(&b, a, 256);
    err[0] = '\0';
    rc = gw_tmpl_render(env, "t.txt", ctx, NULL, a, &b, err, sizeof(err));
    if (want[0] == '!') {
        assert_int_equal(rc, GW_ERROR);
        assert_string_equal(err, want + 1);
    } else {
        assert_int_equal(rc, GW_OK);
        assert_int_equal(b.len, strlen(want));
        assert_memory_equal(b.data, want, b.len);
    }
    json_decref(ctx);
    gw_arena_destroy(a);
}


static void
test_dates(void **state)
{
    gw_tmpl_env_t  *env = gw_tmpl_env_create();

    /* expected outputs: Python 3.11's datetime.strftime */
    render_is(env, "{{ c|strftime('%Y-%m-%d %a %A %b %B %j %I%p %f %z|%c|"
              "%x|%X|%e|%u%w') }}", "{\"c\": \"2024-02-29 13:04:05.123\"}",
              "2024-02-29 Thu Thursday Feb February 060 01PM 123000 |"
              "Thu Feb 29 13:04:05 2024|02/29/24|13:04:05|29|44");
    /* flaskr's template, unchanged */
    render_is(env, "{{ post['created'].strftime('%Y-%m-%d') }}",
              "{\"post\": {\"created\": \"2019-03-04 05:06:07\"}}",
              "2019-03-04");
    render_is(env, "{{ e|datetimeformat }}|{{ e|datetimeformat('%H:%M') }}",
              "{\"e\": 0}", "1970-01-01 00:00|00:00");
    render_is(env, "{{ f|strftime('%F %T.%f %Z') }}", "{\"f\": 1700000000.5}",
              "2023-11-14 22:13:20.500000 UTC");
    render_is(env, "{{ n|strftime('%c') }}", "{\"n\": -1}",
              "Wed Dec 31 23:59:59 1969");
    render_is(env, "{{ z|strftime('%z %Z %H') }}|{{ u|strftime('%z %Z') }}",
              "{\"z\": \"2024-01-02T03:04:05-05:30\", "
              "\"u\": \"2024-01-02T03:04:05Z\"}", "-0530 UTC-05:30 03|+0000 UTC");
    render_is(env, "{{ d|strftime('%d.%m.%y %%') }}", "{\"d\": \"2000-12-31\"}",
              "31.12.00 %");

    render_is(env, "{{ d|strftime('%Y') }}", "{\"d\": \"2023-02-29\"}",
              "!t.txt:1:6: strftime: '2023-02-29' is not an ISO-8601 date "
              "(YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][+HH:MM])");
    render_is(env, "{{ d|strftime('%Y %Q') }}", "{\"d\": \"2023-02-28\"}",
              "!t.txt:1:6: strftime: unsupported directive '%Q' (see the "
              "README's list)");
    render_is(env, "{{ d|strftime('%Y') }}", "{\"d\": [1]}",
              "!t.txt:1:6: strftime: expected an ISO-8601 date string or "
              "seconds since the epoch, not list");
    render_is(env, "{{ d|strftime('%Y') }}", "{\"d\": 1e300}",
              "!t.txt:1:6: strftime: timestamp out of range (years 1 to "
              "9999)");
    gw_tmpl_env_destroy(env);
}


/* ---- password hashes -------------------------------------------------------- */

static void
test_password_hashes(void **state)
{
    /* made by Werkzeug 2.2 (Debian's) and 3.1 */
    static const char  *hunter2[] = {
        "pbkdf2:sha256:1000$SHaoO3rQWpFwR0Kp$6684ca45a3335e69e36c027521aa55fa"
        "55dc6bed17a32b672351c9028a7f9239",
        "pbkdf2:sha512:2000$oTaWja9N$2ea0ec7e750e4ddaf27bd87d9932c145f1e76e65"
        "77eedc099eadac955c0cc482d7dd806db68764306edb013cfd8d524de4863b6511db"
        "1d3d3fffab7133a57de4",
        "pbkdf2:sha1:1000$jGQFYgYGJw7b$311b70b6359c10856caa6d7ddae5f0387b59c8"
        "e8",
        "scrypt:32768:8:1$aLy563R8SfAGsJ15$a6fe19bf0843ea76b6ab55ebd22887cd1d"
        "4aeecc96ea9218e41d124bd01cc3fda61da9486b3da5bdf2dc874f2b0ae5344250c7"
        "6d866def07481c42b73a398488",
        NULL
    };
    static const char  *umlaut =
        "scrypt:16384:8:1$J1EXPKTe$89dda1bd083c60c56b19e4dd016a2177b9b755f361"
        "166808ae08e4046a08db524a42a90c26031fe79633ee3ecf5ae6233acd838e7eda8e"
        "f277afe9650387afb3";
    gw_arena_t  *a = gw_arena_create(1024);
    const char  *pw = "p\xc3\xa4ssw\xc3\xb6rd";
    char        *h, *bad;
    int          i;

    for (i = 0; hunter2[i] != NULL; i++) {
        assert_true(gw_password_hash_valid(hunter2[i]));
        assert_int_equal(gw_check_password_hash(hunter2[i], "hunter2", 7), 1);
        assert_int_equal(gw_check_password_hash(hunter2[i], "hunter3", 7), 0);
        assert_int_equal(gw_check_password_hash(hunter2[i], "hunter2", 6), 0);
    }
    assert_int_equal(gw_check_password_hash(umlaut, pw, strlen(pw)), 1);

    /* ours, read back; the defaults as Werkzeug spells them */
    h = gw_generate_password_hash(a, pw, strlen(pw), "pbkdf2:sha256:1000", 0);
    assert_non_null(h);
    assert_int_equal(strlen(h), strlen("pbkdf2:sha256:1000$") + 16 + 1 + 64);
    assert_int_equal(gw_check_password_hash(h, pw, strlen(pw)), 1);
    h = gw_generate_password_hash(a, "x", 1, "scrypt:1024:8:1", 8);
    assert_true(strncmp(h, "scrypt:1024:8:1$", 16) == 0);
    assert_int_equal(strlen(h), 16 + 8 + 1 + 128);
    assert_int_equal(gw_check_password_hash(h, "x", 1), 1);
    h = gw_generate_password_hash(a, "x", 1, "scrypt", 0);
    assert_true(strncmp(h, "scrypt:32768:8:1$", 17) == 0);
    h = gw_generate_password_hash(a, "x", 1, NULL, 4);
    assert_true(strncmp(h, "pbkdf2:sha256:600000$", 21) == 0);
    assert_int_equal(gw_check_password_hash(h, "x", 1), 1);

    /* malformed, unknown, or asking for too much: never a match */
    assert_null(gw_generate_password_hash(a, "x", 1, "md5", 0));
    assert_null(gw_generate_password_hash(a, "x", 1, "pbkdf2:md5", 0));
    assert_null(gw_generate_password_hash(a, "x", 1, "scrypt:1000", 0));
    for (i = 0; i < 9; i++) {
        static const char  *bads[] = {
            "plain$$hunter2", "pbkdf2:sha256:1000$salt",
            "pbkdf2:sha256:0$s$00", "pbkdf2:sha256:99999999999$s$00",
            "scrypt:1048576:8:1$s$00", "pbkdf2:whirlpool:1000$s$00",
            "pbkdf2:sha256:1000x$s$00", "scrypt:2:1048576:16$s$00",
            "scrypt:65536:8:16$s$00"
        };
        assert_int_equal(gw_check_password_hash(bads[i], "hunter2", 7), 0);
        assert_false(gw_password_hash_valid(bads[i]));
    }
    bad = gw_arena_strdup(a, hunter2[0]);
    bad[strlen(bad) - 1] = '8';
    assert_int_equal(gw_check_password_hash(bad, "hunter2", 7), 0);
    bad[strlen(bad) - 1] = 'A';
    assert_false(gw_password_hash_valid(bad));
    gw_arena_destroy(a);
}


/* ---- config ------------------------------------------------------------------ */

static int
setup_config(gw_app_t *app, char *err, size_t n)
{
    gw_app_config_default(app, "BOTH", "code");
    gw_app_config_default(app, "CODE", "code");
    gw_app_config_get(app, "FROM_FILE");
    gw_app_config_declare(app, "FROM_ENV");
    gw_app_config_declare(app, "LATER");
    return GW_OK;
}


/* stderr of fn(), as text */
static char *
capture_stderr(void *(*fn)(void *), void *arg, void **ret)
{
    static char  out[4096];
    FILE        *tmp = tmpfile();
    int          saved;
    size_t       n;

    assert_non_null(tmp);
    fflush(stderr);
    saved = dup(2);
    dup2(fileno(tmp), 2);
    *ret = fn(arg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    n = fread(out, 1, sizeof(out) - 1, tmp);
    out[n] = '\0';
    fclose(tmp);
    return out;
}


static void *
load_config(void *cfg)
{
    return fw_load(setup_config, cfg, 4);
}


static void
test_config_from_file_and_env(void **state)
{
    char               dir[] = "/tmp/gw-config-XXXXXX";
    gw_config_item_t   cfg[] = { { "ROOT_PATH", NULL },
                                 { "CONFIG_FILE", "conf/site.json" },
                                 { "SERVER", "server" },
                                 { "SECERT_KEY", "typo" } };
    char               conf[4200];
    const char        *log;
    void              *app;
    gw_load_ctx_t      ctx;
    char               err[512];

    assert_non_null(mkdtemp(dir));
    cfg[0].value = dir;
    snprintf(conf, sizeof(conf), "%s/conf", dir);
    assert_int_equal(mkdir(conf, 0700), 0);
    write_file(conf, "site.json",
               "{\"FROM_FILE\": \"file\", \"BOTH\": \"file\", \"SERVER\": "
               "\"file\", \"NUM\": 5, \"FLAG\": true, \"HOSTS\": [\"a\", "
               "\"b\"], \"lower\": \"ignored\", \"NOTHING\": null}");
    setenv("GATEWAY_BOTH", "env", 1);
    setenv("GATEWAY_FROM_ENV", "\"quoted\"", 1);
    setenv("GATEWAY_SERVER", "env", 1);
    setenv("GATEWAY_NESTED__KEY", "x", 1);

    log = capture_stderr(load_config, cfg, &app);
    /* the weakest first: code's default, file, environment, server */
    assert_string_equal(gw_app_config_get(app, "CODE"), "code");
    assert_string_equal(gw_app_config_get(app, "FROM_FILE"), "file");
    assert_string_equal(gw_app_config_get(app, "BOTH"), "env");
    assert_string_equal(gw_app_config_get(app, "SERVER"), "server");
    assert_string_equal(gw_app_config_get(app, "FROM_ENV"), "quoted");
    assert_string_equal(gw_app_config_get(app, "NUM"), "5");
    assert_string_equal(gw_app_config_get(app, "FLAG"), "true");
    assert_string_equal(gw_app_config_get(app, "HOSTS"), "a, b");
    assert_null(gw_app_config_get(app, "lower"));
    assert_null(gw_app_config_get(app, "NOTHING"));
    assert_null(gw_app_config_get(app, "NESTED__KEY"));
    assert_null(gw_app_config_get(app, "LATER"));

    /* keys nobody reads are named; the ones read or declared are not */
    assert_non_null(strstr(log, "gateway: [warn] application "
                           "\"/srv/site/app.so\": unknown config key "
                           "\"SECERT_KEY\" (gateway_config or --config)"));
    assert_non_null(strstr(log, "\"NUM\" (from CONFIG_FILE)"));
    assert_null(strstr(log, "\"FROM_FILE\""));
    assert_null(strstr(log, "\"FROM_ENV\""));
    assert_null(strstr(log, "\"CONFIG_FILE\""));
    assert_null(strstr(log, "\"ROOT_PATH\""));
    gw_framework_unload(app);

    /* a file that does not parse stops the load, saying where */
    write_file(conf, "site.json", "{\"A\": \n  nope}");
    memset(&ctx, 0, sizeof(ctx));
    ctx.config = cfg;
    ctx.nconfig = 2;
    ctx.error = err;
    ctx.error_size = sizeof(err);
    app = NULL;
    assert_int_equal(gw_framework_load(&ctx, "t", setup_config, &app),
                     GW_ERROR);
    snprintf(conf, sizeof(conf), "app 't': config file \"%s/conf/site.json\""
             ":2:", dir);
    assert_true(strncmp(err, conf, strlen(conf)) == 0);

    snprintf(conf, sizeof(conf), "%s/conf/site.json", dir);
    unlink(conf);
    snprintf(conf, sizeof(conf), "%s/conf", dir);
    rmdir(conf);
    rmdir(dir);
    unsetenv("GATEWAY_BOTH");
    unsetenv("GATEWAY_FROM_ENV");
    unsetenv("GATEWAY_SERVER");
    unsetenv("GATEWAY_NESTED__KEY");
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_g_and_request_in_templates),
        cmocka_unit_test(test_guards),
        cmocka_unit_test(test_guard_on_unknown_endpoint_fails_the_load),
        cmocka_unit_test(test_teardown),
        cmocka_unit_test(test_form_required_and_flashn),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_password_hashes),
        cmocka_unit_test(test_config_from_file_and_env),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
