/*
 * test_app_render.c: render glue: templates see url_for, request, session,
 * config and flashed messages as in Flask; template errors fail the load
 * with name:line:col, or answer 500 with the cause logged.
 */

#include "fw_test.h"

#include <sys/stat.h>
#include <unistd.h>

static const char  page[] =
    "{{ url_for('shop.item', id=3) }}|{{ url_for('.item', id=4, q='a b') }}"
    "|{{ url_for('index') }}|{{ request.method }} {{ request.path }} "
    "{{ request.args.q }} {{ request.endpoint }}|{{ config.GREETING }}|"
    "{{ title }}|{{ session.user }}|"
    "{% for m in get_flashed_messages() %}[{{ m }}]{% endfor %}";


/* request is built lazily, one attribute at a time where it can be: every
 * way a template can see, shadow or pass it must behave as a plain object */
static const char  lazy[] =
    "{{ request.endpoint }}|{{ request.method }}|"
    "{% for request in [1] %}{{ request }}{% endfor %}|"
    "{% with request = 'w' %}{{ request }}{% endwith %}|"
    "{% macro m(request) %}{{ request }}{% endmacro %}{{ m('p') }}|"
    "{{ request.nope is defined }}|{{ request.args.q }}|"
    "{{ request.view_args.id }}|{{ request.endpoint }}|"
    "{% set request = 's' %}{{ request }}";


static int
v_lazy(gw_request_t *q, gw_response_t *r)
{
    return gw_render(q, r, "lazy.html", NULL);
}


static int
v_own_request(gw_request_t *q, gw_response_t *r)
{
    json_t  *ctx;
    int      rc;

    /* the view's own "request" wins, as a context key does in Flask */
    ctx = json_pack("{s{sss{}s{}}}", "request", "endpoint", "mine",
                    "args", "view_args");
    rc = gw_render(q, r, "lazy.html", ctx);
    json_decref(ctx);
    return rc;
}


static int
v_index(gw_request_t *q, gw_response_t *r)
{
    return gw_response_write(r, "i", 1);
}


static int
v_item(gw_request_t *q, gw_response_t *r)
{
    json_t  *ctx;
    int      rc;

    ctx = json_pack("{ss}", "title", "<b>&");
    rc = gw_render(q, r, "page.html", ctx);
    json_decref(ctx);
    return rc;
}


static int
v_flash(gw_request_t *q, gw_response_t *r)
{
    json_object_set_new(gw_session(q), "user", json_string("ann"));
    return gw_flash(q, "saved <ok>", NULL);
}


static int
v_broken(gw_request_t *q, gw_response_t *r)
{
    return gw_render(q, r, "broken.html", NULL);
}


static int
v_missing(gw_request_t *q, gw_response_t *r)
{
    return gw_render(q, r, "nope.html", NULL);
}


static int
v_url(gw_request_t *q, gw_response_t *r)
{
    json_t    *vals = json_pack("{si}", "id", 5);
    gw_str_t   u;
    int        rc;

    rc = gw_url_for(q, "shop.item", vals, &u);
    json_decref(vals);
    if (rc != GW_OK) {
        return rc;
    }
    return gw_response_write(r, u.data, u.len);
}


static int
setup(gw_app_t *app, char *err, size_t n)
{
    gw_blueprint_t  *bp;
    gw_tmpl_env_t   *env = gw_app_templates(app);
    static const char  broken[] = "{{ url_for('no.such') }}";

    gw_app_config_default(app, "GREETING", "hello");
    if (gw_tmpl_env_add_string(env, "page.html", page, sizeof(page) - 1,
                               err, n) != GW_OK
        || gw_tmpl_env_add_string(env, "broken.html", broken,
                                  sizeof(broken) - 1, err, n) != GW_OK
        || gw_tmpl_env_add_string(env, "lazy.html", lazy, sizeof(lazy) - 1,
                                  err, n) != GW_OK)
    {
        return GW_ERROR;
    }

    gw_app_route(app, "/", GW_METHOD_GET, v_index, "index");
    gw_app_route(app, "/flash", GW_METHOD_GET, v_flash, "flash");
    gw_app_route(app, "/broken", GW_METHOD_GET, v_broken, "broken");
    gw_app_route(app, "/missing", GW_METHOD_GET, v_missing, "missing");
    gw_app_route(app, "/url", GW_METHOD_GET, v_url, "url");
    gw_app_route(app, "/lazy/<int:id>", GW_METHOD_GET, v_lazy, "lazy");
    gw_app_route(app, "/own", GW_METHOD_GET, v_own_request, "own");
    bp = gw_blueprint_create(app, "shop", "/shop");
    gw_blueprint_route(bp, "/items/<int:id>", GW_METHOD_GET, v_item, "item");
    return gw_app_register_blueprint(app, bp);
}


static const gw_config_item_t  cfg[] = {
    { "SECRET_KEY", "k" },
    { "ROOT_PATH", "/nonexistent" },
};


static void
test_render_context(void **state)
{
    void       *app = fw_load(setup, cfg, 2);
    fw_call_t  *c;
    const char *h;
    char       *cookie;

    c = fw_new("GET", "/shop/items/9", "q=x%3Cy");
    gw_environ_set(&c->env, (gw_str_t) gw_string("SCRIPT_NAME"),
                   (gw_str_t) gw_string("/pre"));
    fw_run(app, c);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(fw_header(c, "Content-Type"),
                        "text/html; charset=utf-8");
    assert_string_equal(c->body, "/pre/shop/items/3|/pre/shop/items/4?q=a+b"
                        "|/pre/|GET /shop/items/9 x&lt;y shop.item|hello|"
                        "&lt;b&gt;&amp;||");
    /* get_flashed_messages() looked at the session (Vary, as Flask), but
     * nothing changed: no cookie */
    assert_string_equal(fw_header(c, "Vary"), "Cookie");
    assert_null(fw_header(c, "Set-Cookie"));
    fw_free(c);

    /* session and flashed messages from the previous request */
    c = fw_get(app, "GET", "/flash", NULL);
    h = fw_header(c, "Set-Cookie");
    assert_non_null(h);
    cookie = strndup(h, strchr(h, ';') - h);
    fw_free(c);

    c = fw_get_cookie(app, "/shop/items/1", cookie);
    assert_string_equal(c->body, "/shop/items/3|/shop/items/4?q=a+b|/|GET "
                        "/shop/items/1  shop.item|hello|&lt;b&gt;&amp;|ann|"
                        "[saved &lt;ok&gt;]");
    assert_string_equal(fw_header(c, "Vary"), "Cookie");
    /* the flashes were popped: the cookie is rewritten without them */
    assert_non_null(fw_header(c, "Set-Cookie"));
    fw_free(c);
    free(cookie);

    c = fw_get(app, "GET", "/url", NULL);
    assert_string_equal(c->body, "/shop/items/5");
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_render_lazy_request(void **state)
{
    void       *app = fw_load(setup, cfg, 2);
    fw_call_t  *c;

    c = fw_get(app, "GET", "/lazy/7", "q=z");
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "lazy|GET|1|w|p|False|z|7|lazy|s");
    fw_free(c);

    c = fw_get(app, "GET", "/own", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "mine||1|w|p|False|||mine|s");
    fw_free(c);

    gw_framework_unload(app);
}


static void
test_render_errors(void **state)
{
    void       *app = fw_load(setup, cfg, 2);
    fw_call_t  *c;

    c = fw_get(app, "GET", "/broken", NULL);
    assert_int_equal(c->resp.status, 500);
    assert_string_equal(c->body, FW_500_BODY);
    assert_non_null(strstr(c->log, "broken.html:1:"));
    assert_non_null(strstr(c->log, "no.such"));
    fw_free(c);

    c = fw_get(app, "GET", "/missing", NULL);
    assert_int_equal(c->resp.status, 500);
    assert_non_null(strstr(c->log, "nope.html"));
    fw_free(c);

    gw_framework_unload(app);
}


static int
setup_plain(gw_app_t *app, char *err, size_t n)
{
    gw_blueprint_t  *bp;

    gw_app_route(app, "/", GW_METHOD_GET, v_index, "index");
    bp = gw_blueprint_create(app, "shop", "/shop");
    gw_blueprint_template_folder(bp, "shop_templates");
    gw_blueprint_route(bp, "/items/<int:id>", GW_METHOD_GET, v_item, "item");
    return gw_app_register_blueprint(app, bp);
}


static void
put(const char *path, const char *text)
{
    FILE  *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}


static void
test_template_dirs(void **state)
{
    char              dir[] = "/tmp/gw-render-XXXXXX";
    char              p[256], err[512];
    gw_config_item_t  c2[1];
    gw_load_ctx_t     ctx;
    void             *app = NULL;
    fw_call_t        *c;

    assert_non_null(mkdtemp(dir));
    snprintf(p, sizeof(p), "%s/templates", dir);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof(p), "%s/shop_templates", dir);
    assert_int_equal(mkdir(p, 0700), 0);
    /* ROOT_PATH/templates wins over the blueprint's folder */
    snprintf(p, sizeof(p), "%s/templates/page.html", dir);
    put(p, "root {{ title }}");
    snprintf(p, sizeof(p), "%s/shop_templates/page.html", dir);
    put(p, "shop");

    c2[0].key = "ROOT_PATH";
    c2[0].value = dir;
    app = fw_load(setup_plain, c2, 1);
    c = fw_get(app, "GET", "/shop/items/1", NULL);
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "root &lt;b&gt;&amp;");
    fw_free(c);
    gw_framework_unload(app);

    /* a syntax error stops the load with name:line:col */
    snprintf(p, sizeof(p), "%s/shop_templates/bad.html", dir);
    put(p, "ok\n{% if %}\n");
    memset(&ctx, 0, sizeof(ctx));
    ctx.config = c2;
    ctx.nconfig = 1;
    ctx.error = err;
    ctx.error_size = sizeof(err);
    app = NULL;
    assert_int_equal(gw_framework_load(&ctx, "t", setup_plain, &app),
                     GW_ERROR);
    if (strstr(err, "bad.html:2:") == NULL) {
        fail_msg("error lacks bad.html:2: '%s'", err);
    }

    unlink(p);
    snprintf(p, sizeof(p), "%s/shop_templates/page.html", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/templates/page.html", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/shop_templates", dir);
    rmdir(p);
    snprintf(p, sizeof(p), "%s/templates", dir);
    rmdir(p);
    rmdir(dir);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_render_context),
        cmocka_unit_test(test_render_lazy_request),
        cmocka_unit_test(test_render_errors),
        cmocka_unit_test(test_template_dirs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
