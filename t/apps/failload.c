/* failload.c: an app whose load() fails, for checking that `nginx -t` and
 * gateway-fcgi report the app's own message. */

#include <gateway.h>

#include <stdio.h>


static int
failload_load(gw_load_ctx_t *ctx, void **app)
{
    snprintf(ctx->error, ctx->error_size, "refusing to start: FAIL_REASON=%s",
             ctx->nconfig ? ctx->config[0].value : "(none)");
    return GW_ERROR;
}


static int
failload_call(void *app, gw_environ_t *env, gw_response_t *resp)
{
    return GW_ERROR;
}


GW_APP("failload", failload_load, NULL, failload_call, NULL);
