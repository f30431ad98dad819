/* trouble.c: an app whose routes misbehave on purpose (crash, segv, abort,
 * hang, sleep), for the tests of gateway-fcgi's supervision; it also tells which
 * process and host answered, and can fail its worker_init. */

#include <gateway.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


typedef struct {
    const char  *host;          /* --config HOST=..., to tell hosts apart */
    int          fail_init;     /* --config FAIL_INIT=... */
    const char  *fail_file;     /* --config FAIL_INIT_FILE=PATH: fail
                                   worker_init while PATH exists */
} trouble_t;

static trouble_t  trouble;


static int
trouble_load(gw_load_ctx_t *ctx, void **app)
{
    size_t  i;

    trouble.host = "-";
    for (i = 0; i < ctx->nconfig; i++) {
        if (strcmp(ctx->config[i].key, "HOST") == 0) {
            trouble.host = ctx->config[i].value;
        } else if (strcmp(ctx->config[i].key, "FAIL_INIT") == 0) {
            trouble.fail_init = 1;
        } else if (strcmp(ctx->config[i].key, "FAIL_INIT_FILE") == 0) {
            trouble.fail_file = ctx->config[i].value;
        }
    }

    *app = &trouble;
    return GW_OK;
}


static int
trouble_worker_init(void *app, char *error, size_t error_size)
{
    trouble_t  *t = app;

    if (t->fail_init) {
        snprintf(error, error_size, "FAIL_INIT is set");
        return GW_ERROR;
    }
    if (t->fail_file != NULL && access(t->fail_file, F_OK) == 0) {
        snprintf(error, error_size, "%s exists", t->fail_file);
        return GW_ERROR;
    }
    return GW_OK;
}


/* A view that faults, not static (and not inlined) so that the backtrace
 * gateway-fcgi logs names it. */
__attribute__((noinline)) void
trouble_segv_view(volatile int *p)
{
    *p = 1;
}


static int
trouble_call(void *app, gw_environ_t *env, gw_response_t *resp)
{
    const gw_str_t   *path, *qs, *body;
    struct timespec   ts;
    unsigned long     sum;
    char              out[128];
    size_t            i;
    long              ms;
    int               n;

    path = gw_environ_get(env, "PATH_INFO");
    if (path == NULL) {
        return GW_ERROR;
    }

    if (gw_str_eq(*path, "/crash")) {
        raise(SIGSEGV);
    }

    if (gw_str_eq(*path, "/segv")) {
        /* a real fault at an address no one maps */
        trouble_segv_view((volatile int *) 16);
    }

    if (gw_str_eq(*path, "/abort")) {
        abort();
    }

    if (gw_str_eq(*path, "/hang")) {
        for ( ;; ) {
            pause();
        }
    }

    if (gw_str_eq(*path, "/sleep")) {
        qs = gw_environ_get(env, "QUERY_STRING");
        ms = qs != NULL ? strtol(qs->data, NULL, 10) : 0;
        ts.tv_sec = ms / 1000;
        ts.tv_nsec = (ms % 1000) * 1000000;
        nanosleep(&ts, NULL);
    }

    if (gw_str_eq(*path, "/body")) {
        body = gw_environ_get(env, "gateway.input");
        sum = 0;
        for (i = 0; body != NULL && i < body->len; i++) {
            sum += (unsigned char) body->data[i];
        }
        n = snprintf(out, sizeof(out), "len=%zu sum=%lu\n",
                     body ? body->len : 0, sum);
        return gw_response_write(resp, out, (size_t) n);
    }

    n = snprintf(out, sizeof(out), "host=%s pid=%d\n",
                 ((trouble_t *) app)->host, (int) getpid());
    return gw_response_write(resp, out, (size_t) n);
}


GW_APP("trouble", trouble_load, trouble_worker_init, trouble_call, NULL);
