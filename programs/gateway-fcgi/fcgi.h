/*
 * fcgi.h: gateway-fcgi's internal interface: the options, the shared
 * scoreboard the master reads its workers' requests from, and the entry
 * points of the master and of a worker process.
 */

#ifndef GW_FCGI_H
#define GW_FCGI_H

#include "gw_core.h"

#include <stdint.h>
#include <sys/types.h>

#define GW_FCGI_MAX_THREADS   256
#define GW_FCGI_MAX_WORKERS   256
#define GW_FCGI_LINE_SIZE     200

/* exit status of a worker whose worker_init failed: the master backs off */
#define GW_FCGI_EXIT_START    3


typedef struct {
    const char        *app_path;
    const char        *listen;
    gw_config_item_t  *config;
    size_t             nconfig;
    int                workers;
    int                threads;
    int                timeout;           /* seconds, 0: none */
    int                graceful_timeout;  /* seconds */
    int                read_timeout;      /* seconds, per socket read/write */
    int                idle_timeout;      /* seconds, kept connections */
    unsigned long      max_requests;      /* per worker, 0: no limit */
    size_t             max_body;
    unsigned           socket_mode;
    int                listen_fd;
    pid_t              master_pid;
} gw_fcgi_conf_t;


/*
 * One slot per handler thread of a worker, in memory shared with the
 * master (mmap'ed before the first fork).  A thread writes the request
 * line, then the start time; the master reads the start time, the line,
 * and the start time again, so it never reports a line torn by the next
 * request.  start_ms is 0 while the thread is idle.
 */
typedef struct {
    int64_t  start_ms;
    char     line[GW_FCGI_LINE_SIZE];
} gw_fcgi_slot_t;

/* A worker process's part of the scoreboard. */
typedef struct {
    int              ready;      /* worker_init done, serving */
    gw_fcgi_slot_t   slots[];    /* conf->threads of them */
} gw_fcgi_board_t;


/* log.c */
void gw_fcgi_log(void *ctx, gw_log_level_t level, const char *msg,
    size_t len);
void gw_fcgi_logf(gw_log_level_t level, const char *fmt, ...) GW_PRINTF(2, 3);
int64_t gw_fcgi_now_ms(void);

/* crash.c: in a worker, a fatal signal writes the crashing thread's
 * backtrace to the log before it ends the process; each handler thread
 * gets a stack of its own for the handler, so that a stack overflow is
 * reported too (NULL: none, the report may then be lost) */
void gw_fcgi_crash_init(void);
void *gw_fcgi_crash_stack(void);
void gw_fcgi_crash_stack_free(void *stack);

/* scoreboard.c */
int gw_fcgi_board_create(int nboards, int nthreads);
gw_fcgi_board_t *gw_fcgi_board(int i);
void gw_fcgi_board_clear(int i);
void gw_fcgi_slot_begin(gw_fcgi_slot_t *s, const char *method,
    const char *uri);
void gw_fcgi_slot_end(gw_fcgi_slot_t *s);
/* The running request's start, with its line copied to line; 0 if idle. */
int64_t gw_fcgi_slot_read(gw_fcgi_slot_t *s, char *line);

/* master.c: runs until stopped; returns the exit status */
int gw_fcgi_master(gw_fcgi_conf_t *conf, gw_loaded_app_t *app);

/* worker.c: a forked worker process; never returns */
void gw_fcgi_worker(gw_fcgi_conf_t *conf, gw_loaded_app_t *app,
    gw_fcgi_board_t *board) __attribute__((noreturn));

#endif /* GW_FCGI_H */
