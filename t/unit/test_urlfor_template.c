/*
 * test_urlfor_template.c: url_for() in templates takes its arguments
 * without JSON containers (gw_tmpl_env_add_function_args and
 * gw_urlmap_build_args); every URL and error must be the one gw_url_for()
 * builds from the same values as a JSON object.
 */

#include "fw_test.h"


/* endpoint, the values as JSON, the same as template keyword arguments */
static const struct {
    const char  *endpoint;
    const char  *json;
    const char  *kwargs;
} cases[] = {
    { "index", NULL, "" },
    { "index", "{\"a\": \"1\", \"b\": 2, \"c\": null}",
      ", a='1', b=2, c=none" },
    { "shop.item", "{\"id\": 3}", ", id=3" },
    { "shop.item", "{\"id\": 3, \"q\": \"a b&c+d/\\u00e9~!*'\"}",
      ", id=3, q='a b&c+d/\\u00e9~!*\\''" },
    { "shop.item", "{\"q\": \"x\", \"id\": -12}", ", q='x', id=-12" },
    { "zf", "{\"n\": 7}", ", n=7" },
    { "zf", "{\"n\": -7}", ", n=-7" },
    { "zf", "{\"n\": 123456}", ", n=123456" },
    { "zf", "{\"n\": \" 12 \"}", ", n=' 12 '" },
    { "zf", "{\"n\": true}", ", n=true" },
    { "fl", "{\"x\": 1.5}", ", x=1.5" },
    { "fl", "{\"x\": 2}", ", x=2" },
    { "an", "{\"k\": \"b\"}", ", k='b'" },
    { "pa", "{\"p\": \"a/b c%\"}", ", p='a/b c%'" },
    { "st", "{\"s\": true, \"t\": false}", ", s=true, t=false" },
    { "st", "{\"s\": 0, \"l\": [1, \"two\", null, false]}",
      ", s=0, l=[1, 'two', none, false]" },
    { "st", "{\"s\": \"x\", \"f\": 0.1, \"g\": 1e20}",
      ", s='x', f=0.1, g=1e20" },
    { "st", "{\"s\": \"\\u00fc ber\", \"e\": \"\"}",
      ", s='\\u00fc ber', e=''" },
    /* names that begin alike, found by their length as well */
    { "in", NULL, "" },
    { "index2", NULL, "" },
    { "indexa", "{\"z\": 1}", ", z=1" },
    { "i", NULL, "" },
    /* static text on both sides of a converter, over several segments */
    { "deep", "{\"x\": \"v w\", \"y\": 5}", ", x='v w', y=5" },
    /* never "//host" (issue 12, finding 9) */
    { "top", "{\"p\": \"/evil.example\"}", ", p='/evil.example'" },
    { "two", "{\"a\": \"\", \"b\": \"x\"}", ", a='', b='x'" },
    /* past 64 bits: its digits, as Flask writes str(2**70) */
    { "shop.item", "{\"id\": 1, \"q\": \"1180591620717411303424\"}",
      ", id=1, q=2**70" },
};

#define NCASES  (sizeof(cases) / sizeof(cases[0]))


static int
v_expected(gw_request_t *q, gw_response_t *r)
{
    json_t    *vals;
    gw_str_t   u;
    size_t     i;

    for (i = 0; i < NCASES; i++) {
        vals = cases[i].json ? json_loads(cases[i].json, 0, NULL) : NULL;
        if (gw_url_for(q, cases[i].endpoint, vals, &u) != GW_OK) {
            json_decref(vals);
            return GW_ERROR;
        }
        json_decref(vals);
        if ((i && gw_response_write(r, "|", 1) != GW_OK)
            || gw_response_write(r, u.data, u.len) != GW_OK)
        {
            return GW_ERROR;
        }
    }
    return GW_OK;
}


static int
v_render(gw_request_t *q, gw_response_t *r)
{
    return gw_render(q, r, "cases.txt", NULL);
}


static int
v_bad(gw_request_t *q, gw_response_t *r)
{
    const gw_str_t  *t = gw_request_arg(q, "t");
    char             name[64];

    if (t == NULL || t->len >= sizeof(name)) {
        return GW_ERROR;
    }
    memcpy(name, t->data, t->len);
    name[t->len] = '\0';
    return gw_render(q, r, name, NULL);
}


static int
v_index(gw_request_t *q, gw_response_t *r)
{
    return gw_response_write(r, "i", 1);
}


static int
setup(gw_app_t *app, char *err, size_t n)
{
    static const struct {
        const char  *name;
        const char  *text;
    } bad[] = {
        { "missing.txt", "{{ url_for('shop.item', q=1) }}" },
        { "unknown.txt", "{{ url_for('no.such', id=1) }}" },
        { "notint.txt", "{{ url_for('zf', n='x') }}" },
        { "notany.txt", "{{ url_for('an', k='z') }}" },
        { "noname.txt", "{{ url_for() }}" },
        { "twoargs.txt", "{{ url_for('index', 'x') }}" },
        /* not an error: a name ends at a NUL, as gw_url_for()'s does */
        { "nul.txt", "{{ url_for('in\\x00dex') }}" },
    };
    gw_blueprint_t  *bp;
    gw_tmpl_env_t   *env = gw_app_templates(app);
    char             t[4096];
    size_t           i, len = 0;

    for (i = 0; i < NCASES; i++) {
        len += snprintf(t + len, sizeof(t) - len, "%s{{ url_for('%s'%s) }}",
                        i ? "|" : "", cases[i].endpoint, cases[i].kwargs);
    }
    if (gw_tmpl_env_add_string(env, "cases.txt", t, len, err, n) != GW_OK) {
        return GW_ERROR;
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (gw_tmpl_env_add_string(env, bad[i].name, bad[i].text,
                                   strlen(bad[i].text), err, n) != GW_OK)
        {
            return GW_ERROR;
        }
    }

    gw_app_route(app, "/", GW_METHOD_GET, v_index, "index");
    gw_app_route(app, "/expected", GW_METHOD_GET, v_expected, "expected");
    gw_app_route(app, "/render", GW_METHOD_GET, v_render, "render");
    gw_app_route(app, "/bad", GW_METHOD_GET, v_bad, "bad");
    gw_app_route(app, "/z/<int(fixed_digits=4):n>", GW_METHOD_GET, v_index,
                 "zf");
    gw_app_route(app, "/f/<float:x>", GW_METHOD_GET, v_index, "fl");
    gw_app_route(app, "/a/<any(a, b):k>", GW_METHOD_GET, v_index, "an");
    gw_app_route(app, "/p/<path:p>", GW_METHOD_GET, v_index, "pa");
    gw_app_route(app, "/s/<s>", GW_METHOD_GET, v_index, "st");
    gw_app_route(app, "/in", GW_METHOD_GET, v_index, "in");
    gw_app_route(app, "/index2", GW_METHOD_GET, v_index, "index2");
    gw_app_route(app, "/index-a", GW_METHOD_GET, v_index, "indexa");
    gw_app_route(app, "/i/", GW_METHOD_GET, v_index, "i");
    gw_app_route(app, "/a/b c/<x>/d/e-<int:y>/f/", GW_METHOD_GET, v_index,
                 "deep");
    gw_app_route(app, "/<path:p>", GW_METHOD_GET, v_index, "top");
    gw_app_route(app, "/<a>/<b>/x", GW_METHOD_GET, v_index, "two");
    bp = gw_blueprint_create(app, "shop", "/shop");
    gw_blueprint_route(bp, "/items/<int:id>", GW_METHOD_GET, v_index,
                       "item");
    return gw_app_register_blueprint(app, bp);
}


static const gw_config_item_t  cfg[] = {
    { "SECRET_KEY", "k" },
    { "ROOT_PATH", "/nonexistent" },
};


static void
same_urls(void *app, const char *script_name)
{
    fw_call_t  *e, *t;

    e = fw_new("GET", "/expected", NULL);
    t = fw_new("GET", "/render", NULL);
    gw_environ_set(&e->env, (gw_str_t) gw_string("SCRIPT_NAME"),
                   (gw_str_t) { script_name, strlen(script_name) });
    gw_environ_set(&t->env, (gw_str_t) gw_string("SCRIPT_NAME"),
                   (gw_str_t) { script_name, strlen(script_name) });
    fw_run(app, e);
    fw_run(app, t);
    assert_int_equal(e->resp.status, 200);
    assert_int_equal(t->resp.status, 200);
    assert_string_equal(t->body, e->body);
    fw_free(e);
    fw_free(t);
}


static void
test_same_urls(void **state)
{
    void       *app = fw_load(setup, cfg, 2);
    fw_call_t  *c;

    same_urls(app, "");
    same_urls(app, "/pre");

    /* and they are the right ones, not merely equal */
    c = fw_get(app, "GET", "/render", NULL);
    assert_non_null(strstr(c->body, "|/?a=1&b=2|/shop/items/3|"));
    assert_non_null(strstr(c->body, "|/z/0007|/z/-007|/z/123456|/z/0012|"));
    assert_non_null(strstr(c->body, "?q=a+b%26c%2Bd%2F%C3%A9~!*'|"));
    assert_non_null(strstr(c->body, "|/p/a/b%20c%25|/s/True?t=False|"));
    assert_non_null(strstr(c->body, "|/s/0?l=1&l=two&l=False|"));
    assert_non_null(strstr(c->body, "|/in|/index2|/index-a?z=1|/i/|"
                           "/a/b%20c/v%20w/d/e-5/f/|/evil.example|/x/x"));
    assert_non_null(strstr(c->body, "|/shop/items/1?q=1180591620717411303424"));
    fw_free(c);
    c = fw_get(app, "GET", "/bad", "t=nul.txt");
    assert_int_equal(c->resp.status, 200);
    assert_string_equal(c->body, "/in");
    fw_free(c);

    gw_framework_unload(app);
}


static void
bad(void *app, const char *name, const char *want)
{
    fw_call_t  *c;
    char        q[64];

    snprintf(q, sizeof(q), "t=%s", name);
    c = fw_get(app, "GET", "/bad", q);
    assert_int_equal(c->resp.status, 500);
    if (strstr(c->log, want) == NULL) {
        fail_msg("%s: %s not in the log: %s", name, want, c->log);
    }
    fw_free(c);
}


static void
test_errors(void **state)
{
    void  *app = fw_load(setup, cfg, 2);

    bad(app, "missing.txt", "url_for(): could not build url for endpoint "
        "'shop.item': missing value for 'id'");
    bad(app, "unknown.txt", "url_for(): could not build url for endpoint "
        "'no.such': no such endpoint");
    bad(app, "notint.txt", "url_for(): could not build url for endpoint "
        "'zf': value for 'n' is not an integer");
    bad(app, "notany.txt", "url_for(): could not build url for endpoint "
        "'an': value for 'k' is not one of the any() items");
    bad(app, "noname.txt", "url_for(): url_for() takes the endpoint name");
    bad(app, "twoargs.txt", "url_for(): url_for() takes the endpoint name");
    gw_framework_unload(app);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_same_urls),
        cmocka_unit_test(test_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
