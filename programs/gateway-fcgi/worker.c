/*
 * worker.c: a gateway-fcgi worker process.  One dispatcher thread poll()s
 * the listening socket and an epoll set of the kept connections that wait
 * for their next request; a connection with something to read goes on a
 * queue, and one of the handler threads runs its request through libfcgi
 * and hands a kept connection back by re-arming it in the epoll set (one
 * call, no wake-up of the dispatcher).  So an idle kept connection never
 * holds a thread, and a worker accepts only as many connections as it has
 * idle threads, leaving the rest in the kernel's queue for the others.
 */

#include "fcgi.h"
#include "fcgi_environ.h"
#include "fcgi_respond.h"

#include <errno.h>
#include <fcgiapp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define GW_FCGI_SEED_SIZE  8192


/* connections with a request to read, oldest first; pushed and popped
 * under the worker's lock, so its arena is used by one thread at a time */
typedef struct {
    int         *fd;
    size_t       n, cap;
    gw_arena_t  *arena;
} gw_fcgi_queue_t;

typedef struct {
    gw_fcgi_conf_t   *conf;
    gw_loaded_app_t  *app;

    pthread_mutex_t   lock;
    pthread_cond_t    cond;
    gw_fcgi_queue_t   ready;      /* to be read by a handler thread */
    int               ep;         /* epoll: idle kept connections */
    int64_t          *kept;       /* by fd: idle since (ms), 0: not idle */
    int               nkept;      /* size of kept[], fds above are closed */
    int               idle;       /* handler threads waiting for ready */
    int               accepting;  /* the dispatcher polls the socket */
    int               stopping;
    int               multiprocess;
    unsigned long     served;

    int               wake;       /* eventfd: a thread is idle or the
                                     worker is retiring */
} gw_fcgi_worker_t;

typedef struct {
    gw_fcgi_worker_t  *w;
    gw_fcgi_slot_t    *slot;
    pthread_t          tid;
} gw_fcgi_thread_t;


static int
gw_fcgi_queue_push(gw_fcgi_queue_t *q, int fd)
{
    if (gw_array_grow(q->arena, &q->fd, q->n, &q->cap, sizeof(int))
        != GW_OK)
    {
        return GW_ERROR;
    }

    q->fd[q->n++] = fd;
    return GW_OK;
}


static void
gw_fcgi_wake(gw_fcgi_worker_t *w)
{
    uint64_t  one = 1;

    if (write(w->wake, &one, sizeof(one)) < 0) {
        /* the counter is full: the dispatcher is awake anyway */
    }
}


/* A new connection, or -1 if none is waiting. */
static int
gw_fcgi_accept_one(gw_fcgi_worker_t *w)
{
    struct timeval  tv;
    int             fd, one;

    fd = accept4(w->conf->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR
            && errno != ECONNABORTED)
        {
            gw_fcgi_logf(GW_LOG_ERR, "accept() failed: %s", strerror(errno));
        }
        return -1;
    }

    /* a stalled or half-sent request cannot pin a thread forever */
    tv.tv_sec = w->conf->read_timeout;
    tv.tv_usec = 0;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

    if (strncmp(w->conf->listen, "unix:", 5) != 0) {
        one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }

    return fd;
}


/* ---- handler threads ------------------------------------------------------ */

/* Runs one request; returns 0 if the connection must be closed after it
 * (the request was refused before its body was read). */
static int
gw_fcgi_handle(gw_fcgi_worker_t *w, FCGX_Request *req, gw_fcgi_slot_t *slot,
    gw_arena_t *arena)
{
    gw_environ_t     env;
    gw_response_t    resp;
    const gw_str_t  *method, *uri;
    const char      *error;
    char            *body;
    size_t           clen;
    int              status;

    gw_environ_init(&env, arena, 48);
    env.log = gw_fcgi_log;

    status = gw_fcgi_environ(req->envp, &env, w->conf->max_body, &clen,
                             &error);

    method = gw_environ_get(&env, "REQUEST_METHOD");
    uri = gw_environ_get(&env, "REQUEST_URI");
    if (uri == NULL) {
        uri = gw_environ_get(&env, "PATH_INFO");
    }
    gw_fcgi_slot_begin(slot, method ? method->data : NULL,
                       uri ? uri->data : NULL);

    body = NULL;
    if (status == 0 && clen > 0) {
        body = gw_arena_alloc(arena, clen);
        if (body == NULL) {
            status = 500;
            error = "out of memory for the request body";

        } else if (gw_fcgi_read_body(req, body, clen) != GW_OK) {
            status = 400;
            error = "request body shorter than CONTENT_LENGTH "
                    "(the client went away)";
        }
    }

    if (status != 0) {
        gw_fcgi_logf(status == 500 ? GW_LOG_ERR : GW_LOG_INFO,
                     "%d for \"%s\": %s", status, slot->line, error);
        gw_fcgi_respond_error(req, status, error);
        gw_fcgi_slot_end(slot);
        return 0;
    }

    if (gw_fcgi_environ_input(&env, body, clen, w->conf->threads > 1,
                              w->multiprocess)
        != GW_OK)
    {
        gw_fcgi_respond_error(req, 500, "out of memory for the request");
        gw_fcgi_slot_end(slot);
        return 0;
    }

    gw_response_init(&resp, arena);
    gw_loader_call(w->app, &env, &resp);
    if (gw_fcgi_respond(req, &resp) != GW_OK) {
        gw_fcgi_logf(GW_LOG_ERR, "cannot send the response to \"%s\"",
                     slot->line);
    }

    gw_fcgi_slot_end(slot);
    return 1;
}


/*
 * The next connection with a request to read, or -1 when stopping.  A
 * thread whose last connection was closed (nginx without kept
 * connections) first accepts one itself: under load that spares the
 * hand-over through the dispatcher, a wake-up of each thread per request.
 */
static int
gw_fcgi_take(gw_fcgi_worker_t *w, int try_accept)
{
    int  fd;

    pthread_mutex_lock(&w->lock);

    if (try_accept && w->ready.n == 0 && !w->stopping) {
        pthread_mutex_unlock(&w->lock);
        fd = gw_fcgi_accept_one(w);
        if (fd >= 0) {
            return fd;
        }
        pthread_mutex_lock(&w->lock);
    }

    w->idle++;
    while (w->ready.n == 0 && !w->stopping) {
        /* the dispatcher accepts only while threads are idle: a wake-up
         * if it stopped polling the socket for want of one */
        if (!w->accepting) {
            w->accepting = 1;
            gw_fcgi_wake(w);
        }
        pthread_cond_wait(&w->cond, &w->lock);
    }
    w->idle--;

    fd = -1;
    if (w->ready.n > 0) {
        fd = w->ready.fd[0];
        w->ready.n--;
        memmove(w->ready.fd, w->ready.fd + 1, w->ready.n * sizeof(int));
    }

    pthread_mutex_unlock(&w->lock);
    return fd;
}


/*
 * After a request: a kept connection goes back to the dispatcher's epoll
 * set, armed for one event.  Under the lock, so the dispatcher never sees
 * it half handed back, and a stop cannot close it in between.
 */
static void
gw_fcgi_done(gw_fcgi_worker_t *w, int fd)
{
    struct epoll_event  ev;
    int                 retire;

    pthread_mutex_lock(&w->lock);

    w->served++;
    retire = w->conf->max_requests > 0 && !w->stopping
             && w->served >= w->conf->max_requests;
    if (retire) {
        w->stopping = 1;
        pthread_cond_broadcast(&w->cond);
    }

    if (fd >= 0) {
        ev.events = EPOLLIN | EPOLLONESHOT;
        ev.data.fd = fd;

        if (w->stopping || fd >= w->nkept
            || (epoll_ctl(w->ep, EPOLL_CTL_MOD, fd, &ev) != 0
                && epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev) != 0))
        {
            close(fd);

        } else {
            w->kept[fd] = gw_fcgi_now_ms();
        }
    }

    pthread_mutex_unlock(&w->lock);

    if (retire) {
        gw_fcgi_logf(GW_LOG_INFO, "served %lu requests (--max-requests): "
                     "finishing and making way for a new worker", w->served);
        gw_fcgi_wake(w);
    }
}


static void *
gw_fcgi_thread(void *data)
{
    gw_fcgi_thread_t  *t = data;
    FCGX_Request       req;
    gw_arena_t         arena;
    char              *seed;
    void              *stack;
    int                fd, keep, closed;

    stack = gw_fcgi_crash_stack();
    seed = malloc(GW_FCGI_SEED_SIZE);
    if (seed == NULL || FCGX_InitRequest(&req, -1, 0) != 0) {
        gw_fcgi_logf(GW_LOG_ERR, "out of memory for a thread");
        free(seed);
        gw_fcgi_crash_stack_free(stack);
        return NULL;
    }

    /* one arena per thread, reset after every request */
    gw_arena_init(&arena, seed, GW_FCGI_SEED_SIZE, 16384);

    closed = 0;

    for ( ;; ) {
        fd = gw_fcgi_take(t->w, closed);
        if (fd < 0) {
            break;
        }

        /*
         * With a connection already open, FCGX_Accept_r reads the next
         * request from it instead of accepting; keepConnection set keeps
         * its opening FCGX_Finish_r from closing it.  On a protocol error
         * or EOF libfcgi closes the fd, and its accept(-1) then fails.
         */
        req.ipcFd = fd;
        req.keepConnection = 1;
        if (FCGX_Accept_r(&req) < 0) {
            req.ipcFd = -1;
            closed = 1;
            continue;
        }

        keep = gw_fcgi_handle(t->w, &req, t->slot, &arena);
        if (!keep) {
            req.keepConnection = 0;
        }

        /* closes the connection unless nginx asked to keep it */
        FCGX_Finish_r(&req);
        fd = req.ipcFd;
        req.ipcFd = -1;
        gw_arena_reset(&arena);

        closed = fd < 0;
        gw_fcgi_done(t->w, fd);
    }

    FCGX_Free(&req, 1);
    gw_arena_reset(&arena);
    free(seed);
    gw_fcgi_crash_stack_free(stack);
    return NULL;
}


/* ---- the dispatcher --------------------------------------------------------- */

static void
gw_fcgi_accept(gw_fcgi_worker_t *w, int free_threads)
{
    int  fd;

    while (free_threads-- > 0) {
        fd = gw_fcgi_accept_one(w);
        if (fd < 0) {
            return;
        }

        pthread_mutex_lock(&w->lock);
        if (gw_fcgi_queue_push(&w->ready, fd) != GW_OK) {
            close(fd);
        }
        pthread_cond_signal(&w->cond);
        pthread_mutex_unlock(&w->lock);
    }
}


/* Kept connections with a request (or EOF) go to the threads: libfcgi
 * reads the request, or sees the EOF and closes the connection. */
static void
gw_fcgi_kept_ready(gw_fcgi_worker_t *w)
{
    struct epoll_event  ev[64];
    int                 i, n, fd;

    n = epoll_wait(w->ep, ev, 64, 0);

    pthread_mutex_lock(&w->lock);

    for (i = 0; i < n; i++) {
        fd = ev[i].data.fd;
        if (w->kept[fd] == 0) {
            continue;
        }
        w->kept[fd] = 0;
        if (gw_fcgi_queue_push(&w->ready, fd) != GW_OK) {
            close(fd);
        }
    }

    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
}


/* Closes idle kept connections: all of them, or those idle since before. */
static void
gw_fcgi_kept_close(gw_fcgi_worker_t *w, int64_t before)
{
    int  fd;

    pthread_mutex_lock(&w->lock);

    for (fd = 0; fd < w->nkept; fd++) {
        if (w->kept[fd] != 0 && w->kept[fd] < before) {
            w->kept[fd] = 0;
            close(fd);
        }
    }

    pthread_mutex_unlock(&w->lock);
}


static void
gw_fcgi_dispatch(gw_fcgi_worker_t *w, int sigfd)
{
    struct pollfd             pfd[4];
    struct signalfd_siginfo   si;
    uint64_t                  n;
    int64_t                   now, scanned;
    int                       free_threads, stopping;
    nfds_t                    npfd;

    scanned = gw_fcgi_now_ms();

    for ( ;; ) {
        pthread_mutex_lock(&w->lock);
        stopping = w->stopping;
        free_threads = w->idle - (int) w->ready.n;
        w->accepting = free_threads > 0;
        pthread_mutex_unlock(&w->lock);

        if (stopping) {
            break;
        }

        pfd[0].fd = sigfd;
        pfd[1].fd = w->wake;
        pfd[2].fd = w->ep;
        pfd[3].fd = w->conf->listen_fd;
        npfd = free_threads > 0 ? 4 : 3;
        pfd[0].events = pfd[1].events = pfd[2].events = pfd[3].events
            = POLLIN;
        pfd[0].revents = pfd[1].revents = pfd[2].revents = pfd[3].revents
            = 0;

        if (poll(pfd, npfd, 1000) < 0 && errno != EINTR) {
            gw_fcgi_logf(GW_LOG_ERR, "poll() failed: %s", strerror(errno));
            break;
        }

        if ((pfd[0].revents & POLLIN)
            && read(sigfd, &si, sizeof(si)) == sizeof(si)
            && (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT))
        {
            break;
        }

        if ((pfd[1].revents & POLLIN)
            && read(w->wake, &n, sizeof(n)) != sizeof(n))
        {
            /* nothing to do: the flags are read under the lock */
        }

        if (pfd[2].revents & POLLIN) {
            gw_fcgi_kept_ready(w);
        }

        if (pfd[3].revents & POLLIN) {
            gw_fcgi_accept(w, free_threads);
        }

        now = gw_fcgi_now_ms();

        /* kept connections nginx left idle too long */
        if (now - scanned >= 1000) {
            gw_fcgi_kept_close(w, now - (int64_t) w->conf->idle_timeout
                                        * 1000);
            scanned = now;
        }
    }

    /* stop: requests already accepted are finished, idle ones closed */
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);

    gw_fcgi_kept_close(w, INT64_MAX);
}


void
gw_fcgi_worker(gw_fcgi_conf_t *conf, gw_loaded_app_t *app,
    gw_fcgi_board_t *board)
{
    gw_fcgi_worker_t   w;
    gw_fcgi_thread_t  *threads;
    sigset_t           set;
    struct rlimit      rl;
    char               error[1024];
    int                i, started, sigfd;

    /* an orphan finishes its requests and goes: it must not outlive the
     * master that supervises it */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != conf->master_pid) {
        _exit(0);
    }

    /* SIGHUP is the master's (a HUP to the whole group must not stop a
     * worker); the app may run children of its own */
    signal(SIGHUP, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_UNBLOCK, &set, NULL);

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigfd = signalfd(-1, &set, SFD_CLOEXEC);

    gw_fcgi_crash_init();

    if (gw_loader_worker_init(app, error, sizeof(error)) != GW_OK) {
        gw_fcgi_logf(GW_LOG_ERR, "%s", error);
        exit(GW_FCGI_EXIT_START);
    }

    memset(&w, 0, sizeof(w));
    w.conf = conf;
    w.app = app;
    w.multiprocess = conf->workers > 1;
    w.wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    w.ep = epoll_create1(EPOLL_CLOEXEC);
    w.ready.arena = gw_arena_create(0);
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.cond, NULL);

    /* one slot per possible fd, up to a bound: more kept connections than
     * that are closed after their request, and nginx opens new ones */
    w.nkept = 65536;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 65536) {
        w.nkept = (int) rl.rlim_cur;
    }
    w.kept = calloc((size_t) w.nkept, sizeof(int64_t));

    threads = calloc((size_t) conf->threads, sizeof(gw_fcgi_thread_t));
    if (sigfd < 0 || w.wake < 0 || w.ep < 0 || w.kept == NULL
        || w.ready.arena == NULL || threads == NULL || FCGX_Init() != 0)
    {
        gw_fcgi_logf(GW_LOG_ERR, "cannot start a worker: %s",
                     strerror(errno));
        exit(GW_FCGI_EXIT_START);
    }

    for (started = 0; started < conf->threads; started++) {
        threads[started].w = &w;
        threads[started].slot = &board->slots[started];
        if (pthread_create(&threads[started].tid, NULL, gw_fcgi_thread,
                           &threads[started])
            != 0)
        {
            gw_fcgi_logf(GW_LOG_ERR, "cannot start thread %d", started);
            break;
        }
    }

    if (started > 0) {
        __atomic_store_n(&board->ready, 1, __ATOMIC_RELEASE);
        gw_fcgi_dispatch(&w, sigfd);
    }

    for (i = 0; i < started; i++) {
        pthread_join(threads[i].tid, NULL);
    }

    free(threads);
    gw_arena_destroy(w.ready.arena);
    free(w.kept);
    exit(started > 0 ? 0 : GW_FCGI_EXIT_START);
}
