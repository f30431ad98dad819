/* numbers.c: an app that switches the process to a comma-decimal locale
 * (config LOCALE) and prints floats through jsonify, a template and
 * url_for, for checking that apps run in the C locale for numbers. */

#include <gateway.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>

#define TRICKY  (0.1 + 0.2)         /* 0.30000000000000004: 17 digits */


static int
json_view(gw_request_t *req, gw_response_t *resp)
{
    return gw_jsonify_new(req, resp, json_pack("{s:f,s:f,s:f}", "x", TRICKY,
                                               "y", 1.5, "z", 1e-7));
}


static int
page_view(gw_request_t *req, gw_response_t *resp)
{
    json_t  *ctx;
    int      rc;

    ctx = json_pack("{s:f}", "x", TRICKY);
    rc = gw_render(req, resp, "n.txt", ctx);
    json_decref(ctx);
    return rc;
}


static int
url_view(gw_request_t *req, gw_response_t *resp)
{
    gw_str_t   url;
    json_t    *v;
    int        rc;

    v = json_pack("{s:f}", "f", TRICKY);
    rc = gw_url_for(req, "url", v, &url);
    json_decref(v);
    if (rc != GW_OK) {
        return GW_ERROR;
    }
    return gw_response_write(resp, url.data, url.len);
}


static int
setup(gw_app_t *app, char *error, size_t error_size)
{
    static const char  page[] =
        "{{ 2.5 * 2 }} {{ x }} {{ '%.2f'|format(x) }} {{ x|round(3) }} "
        "{{ '1.25'|float }}";
    const char        *name;

    /* as an app (or a library it uses) may: the whole process's locale */
    name = gw_app_config_get(app, "LOCALE");
    if (name != NULL && setlocale(LC_ALL, name) == NULL) {
        snprintf(error, error_size, "no locale %s", name);
        return GW_ERROR;
    }

    gw_app_route(app, "/j", 0, json_view, "json");
    gw_app_route(app, "/n", 0, page_view, "page");
    gw_app_route(app, "/u/<float:f>", 0, url_view, "url");
    return gw_tmpl_env_add_string(gw_app_templates(app), "n.txt", page,
                                  strlen(page), error, error_size);
}


GW_FRAMEWORK_APP("numbers", setup);
