/*
 * fuzz_json_body.c: a request body and query string through the whole
 * framework (dispatch, args, form/multipart, JSON body, jsonify and the
 * JSON error handler).  Input: one byte picking the Content-Type, the query
 * string up to the first '\n', then the body.
 */

#include "gateway.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void  *app;

static const char  *content_types[] = {
    "application/json",
    "application/vnd.x+json; charset=utf-8",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=XyZ",
    "multipart/form-data",
};


static int
v_echo(gw_request_t *req, gw_response_t *resp)
{
    json_t  *v;

    v = gw_request_json(req);
    if (v == NULL) {
        return GW_ABORT;
    }
    return gw_jsonify(req, resp, v);
}


static int
v_form(gw_request_t *req, gw_response_t *resp)
{
    const gw_multidict_t  *form;
    const gw_files_t      *files;
    json_t                *out;
    size_t                 i;

    form = gw_request_form(req);
    files = gw_request_files(req);
    if (form == NULL || files == NULL || gw_request_args(req) == NULL) {
        return GW_ABORT;
    }

    out = json_object();
    for (i = 0; i < form->n; i++) {
        json_object_set_new(out, "f", json_stringn_nocheck(
                            form->items[i].value.data,
                            form->items[i].value.len));
    }
    json_object_set_new(out, "files", json_integer((json_int_t) files->n));
    return gw_jsonify_new(req, resp, out);
}


static int
e_json(gw_request_t *req, gw_response_t *resp, const gw_http_error_t *err)
{
    return gw_jsonify_new(req, resp,
                          json_pack("{ss}", "error", err->description));
}


static int
setup(gw_app_t *a, char *error, size_t n)
{
    gw_blueprint_t  *bp;

    bp = gw_blueprint_create(a, "api", "/api");
    gw_blueprint_route(bp, "/echo", GW_METHOD_POST, v_echo, "echo");
    gw_blueprint_route(bp, "/form", GW_METHOD_POST, v_form, "form");
    gw_blueprint_errorhandler(bp, 400, e_json);
    return gw_app_register_blueprint(a, bp);
}


static void
quiet(void *ctx, gw_log_level_t level, const char *msg, size_t len)
{
}


static void
add(gw_environ_t *env, const char *k, const char *v, size_t len)
{
    gw_str_t  key = { k, strlen(k) };
    gw_str_t  val = { v, len };

    if (gw_environ_add(env, key, val) != GW_OK) {
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_load_ctx_t   ctx;
    gw_arena_t      arena;
    gw_environ_t    env;
    gw_response_t   resp;
    const char     *ct, *body, *nl;
    size_t          qlen, blen;
    char            err[256];

    if (app == NULL) {
        memset(&ctx, 0, sizeof(ctx));
        ctx.error = err;
        ctx.error_size = sizeof(err);
        if (gw_framework_load(&ctx, "fuzz", setup, &app) != GW_OK) {
            abort();
        }
    }
    if (size == 0) {
        return 0;
    }

    ct = content_types[data[0] % 6];
    body = (const char *) data + 1;
    blen = size - 1;
    nl = memchr(body, '\n', blen);
    qlen = nl ? (size_t) (nl - body) : 0;
    if (nl) {
        blen -= qlen + 1;
    }

    gw_arena_init(&arena, NULL, 0, 4096);
    gw_environ_init(&env, &arena, 16);
    env.log = quiet;
    add(&env, "REQUEST_METHOD", "POST", 4);
    add(&env, "PATH_INFO", data[0] & 0x80 ? "/api/form" : "/api/echo", 9);
    add(&env, "QUERY_STRING", body, qlen);
    add(&env, "CONTENT_TYPE", ct, strlen(ct));
    add(&env, "gateway.input", nl ? nl + 1 : body, blen);

    gw_response_init(&resp, &arena);
    if (gw_framework_call(app, &env, &resp) != GW_OK
        || (resp.status != 200 && resp.status != 400))
    {
        abort();
    }

    gw_arena_reset(&arena);
    return 0;
}
