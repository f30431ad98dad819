/*
 * app.c: a minimal site to start from: a page rendered from templates/, a
 * JSON API in a blueprint, static files (served by nginx, built by
 * url_for).  `make` builds app.so, `make test` runs test_app.c, `make run`
 * serves it on http://127.0.0.1:8080/.
 */

#include <gateway.h>

#include <stdio.h>


/* GET / : the page, with the greeting from ?name= (default "world") */
static int
home(gw_request_t *req, gw_response_t *resp)
{
    const gw_str_t  *name = gw_request_arg(req, "name");
    json_t          *ctx;
    int              rc;

    ctx = json_pack("{s:s%}", "name", name ? name->data : "world",
                    name ? name->len : 5);
    if (ctx == NULL) {
        return gw_fail(req, "out of memory");
    }
    rc = gw_render(req, resp, "index.html", ctx);
    json_decref(ctx);
    return rc;
}


/* GET /api/hello/<name> : {"greeting": "Hello", "name": ...} */
static int
api_hello(gw_request_t *req, gw_response_t *resp)
{
    json_t  *args = gw_request_view_args(req);

    return gw_jsonify_new(req, resp,
                          json_pack("{s:s,s:O}", "greeting", "Hello",
                                    "name", json_object_get(args, "name")));
}


static int
setup(gw_app_t *app, char *error, size_t error_size)
{
    gw_blueprint_t  *api;

    api = gw_blueprint_create(app, "api", "/api");
    if (api == NULL
        || gw_blueprint_route(api, "/hello/<name>", GW_METHOD_GET, api_hello,
                              "hello") != GW_OK
        || gw_app_register_blueprint(app, api) != GW_OK
        || gw_app_route(app, "/", GW_METHOD_GET, home, "home") != GW_OK)
    {
        snprintf(error, error_size, "skeleton: cannot add the routes");
        return GW_ERROR;
    }
    return GW_OK;
}

GW_FRAMEWORK_APP("skeleton", setup);
