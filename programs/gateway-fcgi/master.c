/*
 * master.c: gateway-fcgi's master process.  It holds the app loaded and
 * the listening socket open, forks the workers that serve, and supervises
 * them: a worker that dies is replaced (and the request it was running is
 * logged), a request past --timeout gets its worker killed, SIGHUP loads
 * the app file afresh and swaps the workers without dropping a request,
 * SIGTERM lets the workers finish and stops.  Signals arrive on a
 * signalfd read in a poll() loop, so nothing runs in a signal handler.
 */

#include "fcgi.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

/* start failures in a row (worker_init) before the master gives up */
#define GW_FCGI_MAX_START_FAILURES  5


typedef struct {
    pid_t      pid;           /* 0: the board is free */
    int        gen;           /* the app generation it runs */
    int        stopping;      /* told to finish and exit */
    int        killed;        /* SIGKILLed by the master, reason logged */
    int64_t    deadline_ms;   /* graceful stop ends */
} gw_fcgi_proc_t;

typedef struct {
    gw_fcgi_conf_t   *conf;
    gw_loaded_app_t   apps[2];      /* serving, and loaded by a reload */
    int               cur, next;    /* generations; next 0: no reload */
    int               gens;
    gw_fcgi_proc_t   *procs;
    int               nprocs;
    int               sigfd;
    int               stopping;
    int               rc;
    int               start_failures;
    int64_t           respawn_at_ms;
} gw_fcgi_master_t;


static gw_loaded_app_t *
gw_fcgi_gen_app(gw_fcgi_master_t *m, int gen)
{
    return &m->apps[gen == m->cur ? 0 : 1];
}


static int
gw_fcgi_spawn(gw_fcgi_master_t *m, int gen)
{
    gw_fcgi_proc_t  *p;
    pid_t            pid;
    int              i;

    for (i = 0; i < m->nprocs && m->procs[i].pid != 0; i++) { /* void */ }

    if (i == m->nprocs) {
        /* old workers still finishing fill the scoreboard: next tick */
        return GW_ERROR;
    }

    gw_fcgi_board_clear(i);

    pid = fork();
    if (pid < 0) {
        gw_fcgi_logf(GW_LOG_ERR, "fork() failed: %s", strerror(errno));
        return GW_ERROR;
    }

    if (pid == 0) {
        close(m->sigfd);
        gw_fcgi_worker(m->conf, gw_fcgi_gen_app(m, gen), gw_fcgi_board(i));
    }

    p = &m->procs[i];
    memset(p, 0, sizeof(*p));
    p->pid = pid;
    p->gen = gen;
    return GW_OK;
}


static int
gw_fcgi_count(gw_fcgi_master_t *m, int gen, int ready)
{
    int  i, n;

    n = 0;
    for (i = 0; i < m->nprocs; i++) {
        if (m->procs[i].pid != 0 && m->procs[i].gen == gen
            && !m->procs[i].stopping
            && (!ready || __atomic_load_n(&gw_fcgi_board(i)->ready,
                                          __ATOMIC_ACQUIRE)))
        {
            n++;
        }
    }
    return n;
}


static void
gw_fcgi_stop_gen(gw_fcgi_master_t *m, int gen, int sig)
{
    int  i;

    for (i = 0; i < m->nprocs; i++) {
        if (m->procs[i].pid != 0 && m->procs[i].gen == gen
            && !m->procs[i].stopping)
        {
            m->procs[i].stopping = 1;
            m->procs[i].killed = sig == SIGKILL;
            m->procs[i].deadline_ms = gw_fcgi_now_ms()
                + (int64_t) m->conf->graceful_timeout * 1000;
            kill(m->procs[i].pid, sig);
        }
    }
}


static void
gw_fcgi_begin_stop(gw_fcgi_master_t *m, int rc)
{
    if (m->stopping) {
        return;
    }

    gw_fcgi_logf(GW_LOG_INFO, "stopping: workers finish their requests "
                 "(at most %d s)", m->conf->graceful_timeout);
    m->stopping = 1;
    m->rc = rc;

    gw_fcgi_stop_gen(m, m->cur, SIGTERM);
    if (m->next) {
        gw_fcgi_stop_gen(m, m->next, SIGTERM);
    }
}


static void
gw_fcgi_reload(gw_fcgi_master_t *m)
{
    gw_fcgi_conf_t  *conf = m->conf;
    char             error[1024];
    int              i;

    if (m->stopping) {
        return;
    }

    if (m->next) {
        gw_fcgi_logf(GW_LOG_WARN, "SIGHUP ignored: the previous reload is "
                     "still starting its workers");
        return;
    }

    if (gw_loader_open(&m->apps[1], conf->app_path, conf->config,
                       conf->nconfig, "fcgi", error, sizeof(error))
        != GW_OK)
    {
        gw_fcgi_logf(GW_LOG_ERR, "reload failed, the running workers keep "
                     "serving: %s", error);
        return;
    }

    m->next = ++m->gens;
    gw_fcgi_logf(GW_LOG_INFO, "reloading \"%s\": starting %d new worker%s",
                 conf->app_path, conf->workers, conf->workers == 1 ? "" : "s");

    for (i = 0; i < conf->workers; i++) {
        gw_fcgi_spawn(m, m->next);
    }
}


/* The new workers are all up: the old ones finish and go. */
static void
gw_fcgi_promote(gw_fcgi_master_t *m)
{
    gw_fcgi_stop_gen(m, m->cur, SIGTERM);

    gw_loader_close(&m->apps[0]);
    m->apps[0] = m->apps[1];
    memset(&m->apps[1], 0, sizeof(gw_loaded_app_t));
    m->cur = m->next;
    m->next = 0;
    m->start_failures = 0;

    gw_fcgi_logf(GW_LOG_INFO, "reloaded: new workers serving, old workers "
                 "finishing their requests");
}


static void
gw_fcgi_abandon_reload(gw_fcgi_master_t *m)
{
    gw_fcgi_logf(GW_LOG_ERR, "reload failed: the new workers cannot start "
                 "(see above); the running workers keep serving");
    gw_fcgi_stop_gen(m, m->next, SIGKILL);
    gw_loader_close(&m->apps[1]);
    memset(&m->apps[1], 0, sizeof(gw_loaded_app_t));
    m->next = 0;
}


static void
gw_fcgi_log_running(gw_fcgi_master_t *m, int i, const char *what)
{
    pid_t             pid = m->procs[i].pid;
    gw_fcgi_board_t  *b;
    char              line[GW_FCGI_LINE_SIZE];
    int               t, any;

    b = gw_fcgi_board(i);
    any = 0;

    for (t = 0; t < m->conf->threads; t++) {
        if (gw_fcgi_slot_read(&b->slots[t], line) != 0) {
            gw_fcgi_logf(GW_LOG_ERR, "worker %d %s while running \"%s\"",
                         (int) pid, what, line);
            any = 1;
        }
    }

    if (!any) {
        gw_fcgi_logf(GW_LOG_ERR, "worker %d %s between requests", (int) pid,
                     what);
    }
}


static void
gw_fcgi_exited(gw_fcgi_master_t *m, int i, int status)
{
    gw_fcgi_proc_t  *p = &m->procs[i];
    char             what[128];
    int              ready;

    ready = __atomic_load_n(&gw_fcgi_board(i)->ready, __ATOMIC_ACQUIRE);

    if (WIFSIGNALED(status) && !p->killed) {
        snprintf(what, sizeof(what), "died on signal %d (%s)",
                 WTERMSIG(status), strsignal(WTERMSIG(status)));
        gw_fcgi_log_running(m, i, what);

    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0
               && WEXITSTATUS(status) != GW_FCGI_EXIT_START)
    {
        gw_fcgi_logf(GW_LOG_ERR, "worker %d exited with status %d",
                     (int) p->pid, WEXITSTATUS(status));

    } else if (WIFEXITED(status) && ready && !p->stopping && !m->stopping) {
        gw_fcgi_logf(GW_LOG_INFO, "worker %d retired; starting another",
                     (int) p->pid);
    }

    p->pid = 0;

    if (ready || p->stopping) {
        if (ready && p->gen == m->cur) {
            m->start_failures = 0;
        }
        return;
    }

    /* died before serving: worker_init failed (the worker said why) */
    if (p->gen == m->next) {
        gw_fcgi_abandon_reload(m);
        return;
    }

    if (p->gen != m->cur || m->stopping) {
        return;
    }

    /* no fork loop: wait longer after every failure, then give up */
    m->start_failures++;
    m->respawn_at_ms = gw_fcgi_now_ms()
                       + (100 << (m->start_failures < 6 ? m->start_failures
                                                       : 6));

    if (m->start_failures >= GW_FCGI_MAX_START_FAILURES
        && gw_fcgi_count(m, m->cur, 1) == 0)
    {
        gw_fcgi_logf(GW_LOG_ERR, "workers failed to start %d times in a row "
                     "(see above): giving up", m->start_failures);
        gw_fcgi_begin_stop(m, 1);
    }
}


static void
gw_fcgi_reap(gw_fcgi_master_t *m)
{
    pid_t  pid;
    int    i, status;

    for ( ;; ) {
        pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0) {
            return;
        }

        for (i = 0; i < m->nprocs; i++) {
            if (m->procs[i].pid == pid) {
                gw_fcgi_exited(m, i, status);
                break;
            }
        }
    }
}


/* Requests past --timeout, and workers past their graceful stop. */
static void
gw_fcgi_check(gw_fcgi_master_t *m)
{
    gw_fcgi_proc_t  *p;
    gw_fcgi_board_t *b;
    char             line[GW_FCGI_LINE_SIZE];
    int64_t          now, start;
    int              i, t;

    now = gw_fcgi_now_ms();

    for (i = 0; i < m->nprocs; i++) {
        p = &m->procs[i];
        if (p->pid == 0 || p->killed) {
            continue;
        }

        if (p->stopping && now > p->deadline_ms) {
            gw_fcgi_logf(GW_LOG_WARN, "worker %d did not finish within "
                         "--graceful-timeout %d s: killing it", (int) p->pid,
                         m->conf->graceful_timeout);
            p->killed = 1;
            kill(p->pid, SIGKILL);
            continue;
        }

        if (m->conf->timeout == 0) {
            continue;
        }

        b = gw_fcgi_board(i);
        for (t = 0; t < m->conf->threads; t++) {
            start = gw_fcgi_slot_read(&b->slots[t], line);
            if (start != 0
                && now - start > (int64_t) m->conf->timeout * 1000)
            {
                gw_fcgi_logf(GW_LOG_ERR, "request \"%s\" ran longer than "
                             "--timeout %d s: killing worker %d", line,
                             m->conf->timeout, (int) p->pid);
                p->killed = 1;
                kill(p->pid, SIGKILL);
                break;
            }
        }
    }
}


static void
gw_fcgi_signals(gw_fcgi_master_t *m)
{
    struct signalfd_siginfo  si;

    while (read(m->sigfd, &si, sizeof(si)) == sizeof(si)) {
        switch (si.ssi_signo) {

        case SIGHUP:
            gw_fcgi_reload(m);
            break;

        case SIGTERM:
        case SIGINT:
            gw_fcgi_begin_stop(m, 0);
            break;

        default:
            break;      /* SIGCHLD: reaped below */
        }
    }
}


int
gw_fcgi_master(gw_fcgi_conf_t *conf, gw_loaded_app_t *app)
{
    gw_fcgi_master_t  m;
    struct pollfd     pfd;
    sigset_t          set;
    int               i, alive, timeout;

    memset(&m, 0, sizeof(m));
    m.conf = conf;
    m.apps[0] = *app;
    m.cur = m.gens = 1;
    conf->master_pid = getpid();

    /* room for the old workers finishing while new ones serve, twice */
    m.nprocs = conf->workers * 4;
    m.procs = calloc((size_t) m.nprocs, sizeof(gw_fcgi_proc_t));
    if (m.procs == NULL
        || gw_fcgi_board_create(m.nprocs, conf->threads) != GW_OK)
    {
        gw_fcgi_logf(GW_LOG_ERR, "out of memory for the scoreboard");
        free(m.procs);
        return 1;
    }

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    m.sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (m.sigfd < 0) {
        gw_fcgi_logf(GW_LOG_ERR, "signalfd() failed: %s", strerror(errno));
        free(m.procs);
        return 1;
    }

    gw_fcgi_logf(GW_LOG_INFO, "serving \"%s\" on %s: %d worker%s, %d "
                 "thread%s each", conf->app_path, conf->listen, conf->workers,
                 conf->workers == 1 ? "" : "s", conf->threads,
                 conf->threads == 1 ? "" : "s");

    for (timeout = 0; /* void */; timeout = 200) {
        pfd.fd = m.sigfd;
        pfd.events = POLLIN;
        if (poll(&pfd, 1, timeout) < 0 && errno != EINTR) {
            gw_fcgi_logf(GW_LOG_ERR, "poll() failed: %s", strerror(errno));
            gw_fcgi_begin_stop(&m, 1);
        }

        gw_fcgi_signals(&m);
        gw_fcgi_reap(&m);
        gw_fcgi_check(&m);

        if (m.stopping) {
            for (i = 0, alive = 0; i < m.nprocs; i++) {
                alive += m.procs[i].pid != 0;
            }
            if (alive == 0) {
                break;
            }
            continue;
        }

        if (m.next && gw_fcgi_count(&m, m.next, 1) == conf->workers) {
            gw_fcgi_promote(&m);
        }

        if (gw_fcgi_now_ms() >= m.respawn_at_ms) {
            for (i = gw_fcgi_count(&m, m.cur, 0); i < conf->workers; i++) {
                if (gw_fcgi_spawn(&m, m.cur) != GW_OK) {
                    break;
                }
            }
        }

        if (m.next) {
            for (i = gw_fcgi_count(&m, m.next, 0); i < conf->workers; i++) {
                if (gw_fcgi_spawn(&m, m.next) != GW_OK) {
                    break;
                }
            }
        }
    }

    if (m.next) {
        gw_loader_close(&m.apps[1]);
    }
    close(m.sigfd);
    free(m.procs);
    *app = m.apps[0];
    gw_fcgi_logf(GW_LOG_INFO, "stopped");
    return m.rc;
}
