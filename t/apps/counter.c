/* counter.c: an app whose load() counts in a global, for checking that
 * every load of an app starts from fresh globals and its own code. */

#include <gateway.h>

#include <stdio.h>

#ifndef COUNTER_BUILD
#define COUNTER_BUILD  "a"
#endif


static int  loads;


static int
counter_load(gw_load_ctx_t *ctx, void **app)
{
    loads++;
    *app = &loads;
    return GW_OK;
}


static int
counter_call(void *app, gw_environ_t *env, gw_response_t *resp)
{
    char  body[64];
    int   n;

    n = snprintf(body, sizeof(body), "build=%s loads=%d\n", COUNTER_BUILD,
                 *(int *) app);

    return gw_response_write(resp, body, (size_t) n);
}


GW_APP("counter", counter_load, NULL, counter_call, NULL);
