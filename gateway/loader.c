/*
 * loader.c: how both servers load an application .so and call it.  Kept in
 * the library so nginx and gateway-fcgi report the same errors and turn app
 * failures into the same plain 500.
 *
 * Every load maps a private copy of the file, never the file itself:
 *  - dlopen() of a path the process has mapped already hands back the old
 *    object, so a reload that rebuilt app.so in place would run stale code
 *    and call load() a second time on the old object's globals;
 *  - a file written over while it is mapped changes the code under running
 *    workers (cp new.so app.so kills every one of them with SIGSEGV).
 * The copy is made beside the original, so that $ORIGIN in the app's
 * RUNPATH still finds its neighbours, and unlinked as soon as it is mapped:
 * nothing can write to it and nothing is left behind.  Where the directory
 * is not writable the copy is an anonymous memfd, kept open while the app
 * is loaded so that no other load can be given the same /proc/self/fd name.
 */

#include "gw_core.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>


/*
 * Apps run in the C locale for numbers, whatever the process's own: Python
 * prints 1.5 in every locale, and so must jsonify, templates and url_for,
 * whose printf and strtod would follow an LC_NUMERIC that the app (or a
 * library it uses) set with setlocale().  uselocale() changes only the
 * calling thread's locale, for the length of the call.  The locale object
 * is made once, at the first load.
 */
static locale_t        gw_loader_c_locale;
static pthread_once_t  gw_loader_c_locale_once = PTHREAD_ONCE_INIT;


static void
gw_loader_c_locale_init(void)
{
    gw_loader_c_locale = newlocale(LC_ALL_MASK, "C", (locale_t) 0);
}


/* Copy every byte of in to out; the file may not change size under us. */
static int
gw_loader_copy_bytes(int in, int out, off_t size)
{
    off_t    off;
    ssize_t  n;

    off = 0;
    while (off < size) {
        n = sendfile(out, in, &off, (size_t) (size - off));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = EIO;        /* the file shrank while we read it */
            }
            return -1;
        }
    }

    return 0;
}


/*
 * Make the private copy of path; on success copy holds the name to dlopen
 * and *memfd the descriptor to keep open (-1 when the copy is a file that
 * the caller unlinks once it is mapped).
 */
static int
gw_loader_copy(const char *path, char *copy, size_t copy_size, int *memfd)
{
    struct stat  st;
    const char  *slash, *base;
    int          in, out, err;

    *memfd = -1;

    in = open(path, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        return -1;
    }

    if (fstat(in, &st) != 0) {
        goto failed;
    }

    slash = strrchr(path, '/');
    base = slash ? slash + 1 : path;

    /* "./" for a bare name: dlopen() searches the library path for a
     * name without a slash, and the user meant the file here */
    if ((size_t) snprintf(copy, copy_size, "%.*s.%s.gw-XXXXXX",
                          slash ? (int) (slash - path + 1) : 2,
                          slash ? path : "./", base)
        < copy_size)
    {
        out = mkostemp(copy, O_CLOEXEC);
    } else {
        out = -1;
    }

    if (out >= 0) {
        if (gw_loader_copy_bytes(in, out, st.st_size) != 0) {
            err = errno;
            close(out);
            unlink(copy);
            errno = err;
            goto failed;
        }
        close(out);
        close(in);
        return 0;
    }

    out = memfd_create(base, MFD_CLOEXEC);
    if (out < 0) {
        goto failed;
    }

    if (gw_loader_copy_bytes(in, out, st.st_size) != 0) {
        err = errno;
        close(out);
        errno = err;
        goto failed;
    }

    close(in);
    snprintf(copy, copy_size, "/proc/self/fd/%d", out);
    *memfd = out;
    return 0;

failed:

    err = errno;
    close(in);
    errno = err;
    return -1;
}


int
gw_loader_open(gw_loaded_app_t *h, const char *path,
    const gw_config_item_t *config, size_t nconfig, const char *server,
    char *error, size_t error_size)
{
    gw_load_ctx_t  ctx;
    const char    *err;
    char           copy[4096];
    locale_t       old;
    int            rc;

    memset(h, 0, sizeof(*h));
    h->path = path;
    h->memfd = -1;

    pthread_once(&gw_loader_c_locale_once, gw_loader_c_locale_init);

    if (access(path, R_OK) != 0
        || gw_loader_copy(path, copy, sizeof(copy), &h->memfd) != 0)
    {
        snprintf(error, error_size, "cannot open application \"%s\": %m",
                 path);
        return GW_ERROR;
    }

    /*
     * RTLD_LOCAL: two apps may both define gw_app_entry.  libgateway stays
     * one copy per process all the same: the server already has it loaded
     * globally, and the app's reference to it resolves there.
     */
    h->handle = dlopen(copy, RTLD_NOW | RTLD_LOCAL);
    err = h->handle == NULL ? dlerror() : NULL;

    if (h->memfd < 0) {
        unlink(copy);
    }

    if (h->handle == NULL) {
        err = err ? err : "unknown error";
        /* the reason names the copy: name the file the operator knows */
        if (strncmp(err, copy, strlen(copy)) == 0
            && strncmp(err + strlen(copy), ": ", 2) == 0)
        {
            err += strlen(copy) + 2;
        }
        snprintf(error, error_size, "cannot load application \"%s\": %s",
                 path, err);
        goto failed;
    }

    h->entry = dlsym(h->handle, GW_APP_SYMBOL);
    if (h->entry == NULL) {
        snprintf(error, error_size,
                 "application \"%s\" has no \"%s\" symbol "
                 "(declare the app with GW_FRAMEWORK_APP() or GW_APP())",
                 path, GW_APP_SYMBOL);
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

        old = uselocale(gw_loader_c_locale);
        rc = h->entry->load(&ctx, &h->app);
        uselocale(old);

        if (rc != GW_OK) {
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

    if (h->handle != NULL) {
        dlclose(h->handle);
        h->handle = NULL;
    }
    if (h->memfd >= 0) {
        close(h->memfd);
        h->memfd = -1;
    }
    h->entry = NULL;
    return GW_ERROR;
}


int
gw_loader_worker_init(gw_loaded_app_t *h, char *error, size_t error_size)
{
    char      msg[1024];
    locale_t  old;
    int       rc;

    if (h->entry->worker_init == NULL) {
        return GW_OK;
    }

    msg[0] = '\0';
    old = uselocale(gw_loader_c_locale);
    rc = h->entry->worker_init(h->app, msg, sizeof(msg));
    uselocale(old);

    if (rc != GW_OK) {
        snprintf(error, error_size, "application \"%s\" failed to start in "
                 "worker: %s", h->path,
                 msg[0] ? msg : "failed without a message");
        return GW_ERROR;
    }

    return GW_OK;
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

    if (h->memfd >= 0) {
        close(h->memfd);
        h->memfd = -1;
    }
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


/*
 * Headers a server answers for itself: hop-by-hop ones (RFC 9110 7.6.1),
 * the CGI Status line and the length, which servers compute from the body.
 */
static int
gw_loader_hop_header(const gw_str_t *name)
{
    static const gw_str_t  hop[] = {
        gw_string("Connection"), gw_string("Keep-Alive"),
        gw_string("Transfer-Encoding"), gw_string("Upgrade"),
        gw_string("TE"), gw_string("Trailer"),
        gw_string("Proxy-Connection"), gw_string("Status"),
        gw_string("Content-Length")
    };

    size_t  i;

    for (i = 0; i < sizeof(hop) / sizeof(hop[0]); i++) {
        if (name->len == hop[i].len
            && strncasecmp(name->data, hop[i].data, hop[i].len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


void
gw_loader_call(gw_loaded_app_t *h, gw_environ_t *env, gw_response_t *resp)
{
    size_t    i, j;
    locale_t  old;
    int       rc;

    old = uselocale(gw_loader_c_locale);
    rc = h->entry->call(h->app, env, resp);
    uselocale(old);

    if (rc != GW_OK) {
        gw_log(env, GW_LOG_ERR, "application \"%s\" failed the request",
               h->path);
        gw_loader_fail(env, resp);
        return;
    }

    /* a 1xx is never final: sent as one, it would make the client read
     * what follows as the answer to the next request */
    if (resp->status < 200 || resp->status > 999) {
        gw_log(env, GW_LOG_ERR, "application \"%s\" returned invalid "
               "status %d", h->path, resp->status);
        gw_loader_fail(env, resp);
        return;
    }

    for (i = 0, j = 0; i < resp->nheaders; i++) {
        if (!gw_loader_hop_header(&resp->headers[i].name)) {
            resp->headers[j++] = resp->headers[i];
        }
    }
    resp->nheaders = j;
}
