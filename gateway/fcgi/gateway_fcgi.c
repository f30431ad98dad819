/*
 * gateway_fcgi.c: gateway-fcgi, the out-of-process server.  It loads the
 * same application .so nginx would, answers FastCGI requests from nginx's
 * fastcgi_pass on N threads, and on SIGTERM stops accepting, lets requests
 * in flight finish, and exits.
 */

#include "gw_core.h"

#include <errno.h>
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define GW_FCGI_MAX_THREADS  256
#define GW_FCGI_SEED_SIZE    8192


typedef struct {
    gw_loaded_app_t    app;
    int                listen_fd;
    int                nthreads;
    volatile int       stopping;
} gw_fcgi_server_t;


static void
gw_fcgi_log(void *ctx, gw_log_level_t level, const char *msg, size_t len)
{
    static const char *const  names[] = { "error", "warn", "info", "debug" };
    char                      ts[32];
    time_t                    now;
    struct tm                 tm;

    now = time(NULL);
    localtime_r(&now, &tm);
    strftime(ts, sizeof(ts), "%Y/%m/%d %H:%M:%S", &tm);

    /* one fprintf per line: stdio locks the stream, lines never interleave */
    fprintf(stderr, "%s [%s] gateway-fcgi[%d]: %.*s\n", ts, names[level],
            (int) getpid(), (int) len, msg);
}


static void
gw_fcgi_logf(gw_log_level_t level, const char *fmt, ...)
{
    va_list  ap;
    char     msg[1024];
    int      n;

    va_start(ap, fmt);
    n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    if (n >= 0) {
        gw_fcgi_log(NULL, level, msg,
                    (size_t) n < sizeof(msg) ? (size_t) n : sizeof(msg) - 1);
    }
}


/*
 * The environ from FastCGI params, joined and completed the way the nginx
 * module builds it, so an app sees the same environ in both servers.
 */
static int
gw_fcgi_environ(FCGX_Request *req, gw_environ_t *env, int nthreads)
{
    char            **p, *eq;
    gw_str_t          key, value;
    const gw_str_t   *scheme, *len;
    char             *body;
    long              clen;
    int               n;

    for (p = req->envp; *p != NULL; p++) {
        eq = strchr(*p, '=');
        /* FCGI_ROLE is libfcgi's, not the request's; nginx also sends
         * Content-Type/Length as HTTP_ params, which CGI keeps out */
        if (eq == NULL || strncmp(*p, "FCGI_", 5) == 0
            || strncmp(*p, "HTTP_CONTENT_TYPE=", 18) == 0
            || strncmp(*p, "HTTP_CONTENT_LENGTH=", 20) == 0)
        {
            continue;
        }

        key.data = *p;
        key.len = (size_t) (eq - *p);
        value.data = eq + 1;
        value.len = strlen(eq + 1);

        /* nginx sends a repeated request header as repeated params */
        if ((key.len > 5 && memcmp(key.data, "HTTP_", 5) == 0
             ? gw_environ_add_header(env, 0, key, value)
             : gw_environ_add(env, key, value))
            != GW_OK)
        {
            return GW_ERROR;
        }
    }

    scheme = gw_environ_get(env, "HTTPS");
    value.data = (scheme != NULL && scheme->len > 0
                  && !gw_str_eq(*scheme, "off")) ? "https" : "http";
    value.len = strlen(value.data);
    key.data = "gateway.url_scheme";
    key.len = sizeof("gateway.url_scheme") - 1;
    if (gw_environ_set(env, key, value) != GW_OK) {
        return GW_ERROR;
    }

    /* the body is read in full before the app runs, as nginx does */
    body = NULL;
    clen = 0;
    len = gw_environ_get(env, "CONTENT_LENGTH");
    if (len != NULL && len->len > 0) {
        clen = strtol(len->data, NULL, 10);
    }

    if (clen > 0) {
        body = gw_arena_alloc(env->arena, (size_t) clen);
        if (body == NULL) {
            return GW_ERROR;
        }
        n = FCGX_GetStr(body, (int) clen, req->in);
        if (n < 0) {
            return GW_ERROR;
        }
        clen = n;
    }

    {
        gw_str_t  k[4] = {
            gw_string("gateway.input"), gw_string("gateway.multithread"),
            gw_string("gateway.multiprocess"), gw_string("gateway.errors")
        };
        gw_str_t  v4[4] = {
            { body ? body : "", (size_t) clen },
            { nthreads > 1 ? "true" : "false", nthreads > 1 ? 4 : 5 },
            gw_string("false"), gw_string("stderr")
        };

        for (n = 0; n < 4; n++) {
            if (gw_environ_set(env, k[n], v4[n]) != GW_OK) {
                return GW_ERROR;
            }
        }
    }

    return GW_OK;
}


/* The header block is built in one buffer and written with one call:
 * libfcgi's printf is far slower than the few bytes it formats. */
static int
gw_fcgi_respond(FCGX_Request *req, gw_response_t *resp)
{
    size_t        i;
    gw_buf_t      b;
    gw_header_t  *h;

    gw_buf_init(&b, resp->arena, 256);

    if (gw_buf_printf(&b, "Status: %d %s\r\n", resp->status,
                      gw_status_reason(resp->status))
        != GW_OK)
    {
        return GW_ERROR;
    }

    for (i = 0; i < resp->nheaders; i++) {
        h = &resp->headers[i];

        if ((h->name.len == 14
             && strncasecmp(h->name.data, "Content-Length", 14) == 0)
            || (h->name.len == 17
                && strncasecmp(h->name.data, "Transfer-Encoding", 17) == 0))
        {
            continue;
        }

        if (gw_buf_append(&b, h->name.data, h->name.len) != GW_OK
            || gw_buf_append(&b, ": ", 2) != GW_OK
            || gw_buf_append(&b, h->value.data, h->value.len) != GW_OK
            || gw_buf_append(&b, "\r\n", 2) != GW_OK)
        {
            return GW_ERROR;
        }
    }

    if (gw_buf_printf(&b, "Content-Length: %zu\r\n\r\n", resp->body_len)
        != GW_OK)
    {
        return GW_ERROR;
    }

    FCGX_PutStr(b.data, (int) b.len, req->out);

    for (i = 0; i < resp->nbody; i++) {
        FCGX_PutStr(resp->body[i].data, (int) resp->body[i].len, req->out);
    }

    return GW_OK;
}


static void *
gw_fcgi_worker(void *data)
{
    gw_fcgi_server_t  *srv = data;
    FCGX_Request       req;
    gw_arena_t         arena;
    gw_environ_t       env;
    gw_response_t      resp;
    char              *seed;

    seed = malloc(GW_FCGI_SEED_SIZE);
    if (seed == NULL) {
        gw_fcgi_logf(GW_LOG_ERR, "out of memory");
        return NULL;
    }

    /* one arena per thread, reset after every request */
    gw_arena_init(&arena, seed, GW_FCGI_SEED_SIZE, 16384);

    if (FCGX_InitRequest(&req, srv->listen_fd, FCGI_FAIL_ACCEPT_ON_INTR)
        != 0)
    {
        free(seed);
        return NULL;
    }

    while (!srv->stopping) {
        if (FCGX_Accept_r(&req) < 0) {
            if (srv->stopping) {
                break;
            }
            if (errno == EINTR) {
                continue;
            }
            gw_fcgi_logf(GW_LOG_ERR, "accept failed: %s", strerror(errno));
            break;
        }

        gw_environ_init(&env, &arena, 48);
        env.log = gw_fcgi_log;

        if (gw_fcgi_environ(&req, &env, srv->nthreads) != GW_OK) {
            gw_fcgi_logf(GW_LOG_ERR, "cannot read the request");
            FCGX_FPrintF(req.out, "Status: 500 Internal Server Error\r\n"
                         "Content-Length: 0\r\n\r\n");
        } else {
            gw_response_init(&resp, &arena);
            gw_loader_call(&srv->app, &env, &resp);
            if (gw_fcgi_respond(&req, &resp) != GW_OK) {
                gw_fcgi_logf(GW_LOG_ERR, "out of memory for the response");
            }
        }

        FCGX_Finish_r(&req);
        gw_arena_reset(&arena);
    }

    FCGX_Free(&req, 1);
    gw_arena_reset(&arena);
    free(seed);
    return NULL;
}


static int
gw_fcgi_open(const char *listen)
{
    const char  *path;
    int          fd;

    if (strncmp(listen, "unix:", 5) == 0) {
        path = listen + 5;
        /* a socket left by a daemon that died would make bind() fail */
        unlink(path);
        fd = FCGX_OpenSocket(path, 128);
        if (fd >= 0) {
            chmod(path, 0666);
        }
        return fd;
    }

    if (strchr(listen, ':') == NULL) {
        errno = EINVAL;
        return -1;
    }

    return FCGX_OpenSocket(listen, 128);
}


static void
gw_fcgi_usage(FILE *f)
{
    fprintf(f,
        "usage: gateway-fcgi --app APP.so --listen unix:PATH|HOST:PORT\n"
        "                    [--threads N] [--config KEY=VALUE]...\n");
}


int
main(int argc, char **argv)
{
    gw_fcgi_server_t   srv;
    gw_config_item_t  *config;
    const char        *app, *listen;
    char               error[1024], *eq;
    pthread_t          threads[GW_FCGI_MAX_THREADS];
    sigset_t           set;
    size_t             nconfig;
    int                i, sig, started, rc;

    memset(&srv, 0, sizeof(srv));
    srv.nthreads = 1;
    rc = 1;
    app = listen = NULL;

    config = calloc((size_t) argc, sizeof(gw_config_item_t));
    if (config == NULL) {
        return 1;
    }
    nconfig = 0;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            gw_fcgi_usage(stdout);
            rc = 0;
            goto done;
        }

        if (i + 1 >= argc) {
            fprintf(stderr, "gateway-fcgi: %s needs a value\n", argv[i]);
            gw_fcgi_usage(stderr);
            rc = 2;
            goto done;
        }

        if (strcmp(argv[i], "--app") == 0) {
            app = argv[++i];

        } else if (strcmp(argv[i], "--listen") == 0) {
            listen = argv[++i];

        } else if (strcmp(argv[i], "--threads") == 0) {
            srv.nthreads = atoi(argv[++i]);
            if (srv.nthreads < 1 || srv.nthreads > GW_FCGI_MAX_THREADS) {
                fprintf(stderr, "gateway-fcgi: --threads must be 1..%d\n",
                        GW_FCGI_MAX_THREADS);
                rc = 2;
                goto done;
            }

        } else if (strcmp(argv[i], "--config") == 0) {
            eq = strchr(argv[++i], '=');
            if (eq == NULL) {
                fprintf(stderr, "gateway-fcgi: --config wants KEY=VALUE, "
                        "got \"%s\"\n", argv[i]);
                rc = 2;
                goto done;
            }
            *eq = '\0';
            config[nconfig].key = argv[i];
            config[nconfig].value = eq + 1;
            nconfig++;

        } else {
            fprintf(stderr, "gateway-fcgi: unknown option \"%s\"\n",
                    argv[i]);
            gw_fcgi_usage(stderr);
            rc = 2;
            goto done;
        }
    }

    if (app == NULL || listen == NULL) {
        gw_fcgi_usage(stderr);
        rc = 2;
        goto done;
    }

    if (gw_loader_open(&srv.app, app, config, nconfig, "fcgi", error,
                       sizeof(error))
        != GW_OK)
    {
        fprintf(stderr, "gateway-fcgi: %s\n", error);
        goto done;
    }

    if (srv.app.entry->worker_init != NULL) {
        error[0] = '\0';
        if (srv.app.entry->worker_init(srv.app.app, error, sizeof(error))
            != GW_OK)
        {
            fprintf(stderr, "gateway-fcgi: application \"%s\" failed to "
                    "start: %s\n", app, error);
            goto unload;
        }
    }

    if (FCGX_Init() != 0) {
        fprintf(stderr, "gateway-fcgi: FCGX_Init failed\n");
        goto unload;
    }

    srv.listen_fd = gw_fcgi_open(listen);
    if (srv.listen_fd < 0) {
        fprintf(stderr, "gateway-fcgi: cannot listen on \"%s\": %s\n",
                listen, strerror(errno));
        goto unload;
    }

    /* only the main thread takes signals, with sigwait() below */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    for (started = 0; started < srv.nthreads; started++) {
        if (pthread_create(&threads[started], NULL, gw_fcgi_worker, &srv)
            != 0)
        {
            gw_fcgi_logf(GW_LOG_ERR, "cannot start thread %d", started);
            break;
        }
    }

    gw_fcgi_logf(GW_LOG_INFO, "serving \"%s\" on %s with %d thread%s",
                 app, listen, started, started == 1 ? "" : "s");

    if (started > 0) {
        do {
            if (sigwait(&set, &sig) != 0) {
                sig = SIGTERM;
            }
        } while (sig == SIGHUP);

        /*
         * Stop accepting: shutdown() wakes every thread blocked in
         * accept(); a thread inside a request finishes it first.
         */
        srv.stopping = 1;
        FCGX_ShutdownPending();
        shutdown(srv.listen_fd, SHUT_RDWR);
    }

    for (i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
    }

    close(srv.listen_fd);
    if (strncmp(listen, "unix:", 5) == 0) {
        unlink(listen + 5);
    }

    gw_fcgi_logf(GW_LOG_INFO, "stopped");
    rc = started > 0 ? 0 : 1;

unload:

    gw_loader_close(&srv.app);

done:

    free(config);
    return rc;
}
