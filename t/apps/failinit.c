/* failinit.c: an app that loads but whose worker_init fails, for checking
 * that a worker without its app answers 503 instead of leaving nginx with
 * no worker at all. */

#include <gateway.h>

#include <stdio.h>


static int
failinit_load(gw_load_ctx_t *ctx, void **app)
{
    return GW_OK;
}


static int
failinit_worker_init(void *app, char *error, size_t error_size)
{
    snprintf(error, error_size, "cannot open the database: testing");
    return GW_ERROR;
}


static int
failinit_call(void *app, gw_environ_t *env, gw_response_t *resp)
{
    return gw_response_write(resp, "should not run\n", 15);
}


GW_APP("failinit", failinit_load, failinit_worker_init, failinit_call, NULL);
