/*
 * bpstatic.c: an app with blueprint static folders (Flask's
 * Blueprint(static_folder=, static_url_path=)) for t/http/test_bp_static.py,
 * which holds the same app written for Flask.
 */

#include <gateway.h>

#include <string.h>


/* the URLs url_for builds for the blueprint's static endpoints, one a
 * line, from inside the blueprint ('.static') and by whole name */
static int
urls(gw_request_t *req, gw_response_t *resp)
{
    static const char  *endpoints[] = { ".static", "admin.static",
                                        "docs.static", "static" };
    json_t             *args;
    gw_str_t            url;
    size_t              i;
    int                 rc;

    args = json_pack("{s:s}", "filename", "img/a b.png");
    if (args == NULL) {
        return gw_fail(req, "out of memory");
    }
    rc = gw_response_set_header(resp, "Content-Type",
                                "text/plain; charset=utf-8");
    for (i = 0; rc == GW_OK && i < sizeof(endpoints) / sizeof(endpoints[0]);
         i++)
    {
        rc = gw_url_for(req, endpoints[i], args, &url);
        if (rc == GW_OK) {
            rc = gw_response_write(resp, url.data, url.len);
        }
        if (rc == GW_OK) {
            rc = gw_response_write(resp, "\n", 1);
        }
    }
    json_decref(args);
    return rc;
}


static int
setup(gw_app_t *app, char *error, size_t error_size)
{
    gw_blueprint_t  *admin, *docs;

    admin = gw_blueprint_create(app, "admin", "/admin");
    docs = gw_blueprint_create(app, "docs", "/docs");
    if (gw_blueprint_static_folder(admin, "admin/files", "/assets") != GW_OK
        || gw_blueprint_static_folder(docs, "docs/pub", NULL) != GW_OK
        || gw_blueprint_route(admin, "/urls", GW_METHOD_GET, urls, "urls")
           != GW_OK
        || gw_app_register_blueprint(app, admin) != GW_OK)
    {
        return GW_ERROR;
    }
    return gw_app_register_blueprint(app, docs);
}


GW_FRAMEWORK_APP("bpstatic", setup);
