/*
 * loader.c: how both servers load an application .so and call it.  Kept in
 * the library so nginx and gateway-fcgi report the same errors and turn app
 * failures into the same plain 500.
 */

#include "gateway.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>


int
gw_loader_open(gw_loaded_app_t *h, const char *path,
    const gw_config_item_t *config, size_t nconfig, const char *server,
    char *error, size_t error_size)
{
    gw_load_ctx_t  ctx;
    const char    *err;

    memset(h, 0, sizeof(*h));
    h->path = path;

    if (access(path, R_OK) != 0) {
        snprintf(error, error_size, "cannot open application \"%s\": %m",
                 path);
        return GW_ERROR;
    }

    /*
     * RTLD_LOCAL: two apps may both define gw_app_entry.  libgateway stays
     * one copy per process all the same: the server already has it loaded
     * globally, and the app's reference to it resolves there.
     */
    h->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h->handle == NULL) {
        err = dlerror();
        snprintf(error, error_size, "cannot load application \"%s\": %s",
                 path, err ? err : "unknown error");
        return GW_ERROR;
    }

    h->entry = dlsym(h->handle, GW_APP_SYMBOL);
    if (h->entry == NULL) {
        snprintf(error, error_size,
                 "application \"%s\" has no \"%s\" symbol "
                 "(declare the app with GW_APP())", path, GW_APP_SYMBOL);
        goto failed;
    }

    if (h->entry->abi != GW_ABI_VERSION) {
        snprintf(error, error_size,
                 "application \"%s\" was built for gateway ABI %u, "
                 "this server speaks %u", path, (unsigned) h->entry->abi,
                 (unsigned) GW_ABI_VERSION);
        goto failed;
    }

    if (h->entry->call == NULL) {
        snprintf(error, error_size, "application \"%s\" has no call "
                 "function", path);
        goto failed;
    }

    if (h->entry->load != NULL) {
        memset(&ctx, 0, sizeof(ctx));
        ctx.path = path;
        ctx.config = config;
        ctx.nconfig = nconfig;
        ctx.server = server;
        ctx.error = error;
        ctx.error_size = error_size;
        error[0] = '\0';

        if (h->entry->load(&ctx, &h->app) != GW_OK) {
            if (error[0] == '\0') {
                snprintf(error, error_size, "failed without a message");
            }
            /* prefix the app's own message with where it came from */
            {
                char  msg[1024];

                snprintf(msg, sizeof(msg), "%s", error);
                snprintf(error, error_size, "application \"%s\": %s",
                         path, msg);
            }
            goto failed;
        }
    }

    return GW_OK;

failed:

    dlclose(h->handle);
    h->handle = NULL;
    h->entry = NULL;
    return GW_ERROR;
}


void
gw_loader_close(gw_loaded_app_t *h)
{
    if (h->handle == NULL) {
        return;
    }

    if (h->entry->unload != NULL) {
        h->entry->unload(h->app);
    }

    dlclose(h->handle);
    h->handle = NULL;
}


static void
gw_loader_fail(gw_environ_t *env, gw_response_t *resp)
{
    static const char  body[] = "Internal Server Error\n";

    gw_response_init(resp, env->arena);
    resp->status = 500;
    gw_response_add_header(resp, "Content-Type", "text/plain; charset=utf-8");
    gw_response_write_ref(resp, body, sizeof(body) - 1);
}


void
gw_loader_call(gw_loaded_app_t *h, gw_environ_t *env, gw_response_t *resp)
{
    int  rc;

    rc = h->entry->call(h->app, env, resp);

    if (rc != GW_OK) {
        gw_log(env, GW_LOG_ERR, "application \"%s\" failed the request",
               h->path);
        gw_loader_fail(env, resp);
        return;
    }

    if (resp->status < 100 || resp->status > 999) {
        gw_log(env, GW_LOG_ERR, "application \"%s\" returned invalid "
               "status %d", h->path, resp->status);
        gw_loader_fail(env, resp);
    }
}
