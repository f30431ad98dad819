/*
 * crash.c: a worker that dies on a fatal signal first writes the backtrace
 * of the crashing thread to the log, so that the master's "died on signal"
 * line, which names the request, comes with the frames that crashed.
 * The handler makes only async-signal-safe calls (write, getpid,
 * clock_gettime, backtrace_symbols_fd, and backtrace once it is loaded),
 * then lets the signal kill the worker as it would have.
 */

#include "fcgi.h"

#include <execinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define GW_FCGI_FRAMES      64
#define GW_FCGI_ALTSTACK    (64 * 1024)

static const int  gw_fcgi_fatal[] = {
    SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT
};

/* Seconds east of UTC, for the time stamps: localtime_r() is not
 * async-signal-safe.  Set at start-up, read-only after. */
static long  gw_fcgi_gmtoff;


static char *
gw_fcgi_put_num(char *p, unsigned long long v, int width)
{
    char  digits[24];
    int   n;

    n = 0;
    do {
        digits[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v != 0 && n < (int) sizeof(digits));

    while (width-- > n) {
        *p++ = '0';
    }
    while (n > 0) {
        *p++ = digits[--n];
    }
    return p;
}


/* "YYYY/MM/DD HH:MM:SS", as log.c writes it, from the days since the
 * epoch by the civil calendar (proleptic Gregorian, as glibc's). */
static char *
gw_fcgi_put_time(char *p)
{
    struct timespec  ts;
    long long        t, days, sod, z, era, doe, yoe, doy, mp, y, m, d;

    clock_gettime(CLOCK_REALTIME, &ts);
    t = (long long) ts.tv_sec + gw_fcgi_gmtoff;
    days = t / 86400;
    sod = t % 86400;
    if (sod < 0) {
        sod += 86400;
        days--;
    }

    z = days + 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = yoe + era * 400 + (m <= 2);

    p = gw_fcgi_put_num(p, (unsigned long long) y, 4);
    *p++ = '/';
    p = gw_fcgi_put_num(p, (unsigned long long) m, 2);
    *p++ = '/';
    p = gw_fcgi_put_num(p, (unsigned long long) d, 2);
    *p++ = ' ';
    p = gw_fcgi_put_num(p, (unsigned long long) (sod / 3600), 2);
    *p++ = ':';
    p = gw_fcgi_put_num(p, (unsigned long long) (sod / 60 % 60), 2);
    *p++ = ':';
    return gw_fcgi_put_num(p, (unsigned long long) (sod % 60), 2);
}


/* The start of a log line, as log.c's, then text. */
static void
gw_fcgi_crash_write(const char *text, int frame)
{
    char  line[256], *p;

    p = gw_fcgi_put_time(line);
    memcpy(p, " [error] gateway-fcgi[", 22);
    p = gw_fcgi_put_num(p + 22, (unsigned long long) getpid(), 1);
    memcpy(p, "]: ", 3);
    p += 3;
    if (frame >= 0) {
        memcpy(p, "    #", 5);
        p = gw_fcgi_put_num(p + 5, (unsigned long long) frame, 1);
        *p++ = ' ';
    }
    while (*text && p < line + sizeof(line) - 1) {
        *p++ = *text++;
    }
    if (write(STDERR_FILENO, line, (size_t) (p - line)) < 0) {
        /* nowhere left to say it */
    }
}


static void
gw_fcgi_crash(int sig)
{
    void        *frames[GW_FCGI_FRAMES];
    const char  *name;
    char         text[64];
    int          i, n;

    name = sigabbrev_np(sig);
    memcpy(text, "crashed on SIG", 14);
    i = 14;
    while (name != NULL && *name && i < (int) sizeof(text) - 20) {
        text[i++] = *name++;
    }
    memcpy(text + i, "; backtrace:\n", 14);
    gw_fcgi_crash_write(text, -1);

    /* one line per frame, each with the log's prefix: the frame itself
     * is written by backtrace_symbols_fd, which ends it */
    n = backtrace(frames, GW_FCGI_FRAMES);
    for (i = 0; i < n; i++) {
        gw_fcgi_crash_write("", i);
        backtrace_symbols_fd(&frames[i], 1, STDERR_FILENO);
    }

    /* the handler was reset on entry (SA_RESETHAND) and the signal is not
     * blocked in it (SA_NODEFER): this ends the worker with the signal */
    raise(sig);
}


void
gw_fcgi_crash_init(void)
{
    struct sigaction  sa, old;
    void             *frame;
    time_t            now;
    struct tm         tm;
    size_t            i;

    /* backtrace() loads the unwinder (libgcc_s) on its first call, with
     * malloc and dlopen: done here, not in the handler */
    backtrace(&frame, 1);

    now = time(NULL);
    if (localtime_r(&now, &tm) != NULL) {
        gw_fcgi_gmtoff = tm.tm_gmtoff;
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = gw_fcgi_crash;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);

    /* a handler already there (the app's, from load(); a sanitizer's,
     * with its own report) is left alone */
    for (i = 0; i < sizeof(gw_fcgi_fatal) / sizeof(gw_fcgi_fatal[0]); i++) {
        if (sigaction(gw_fcgi_fatal[i], NULL, &old) == 0
            && !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL)
        {
            sigaction(gw_fcgi_fatal[i], &sa, NULL);
        }
    }
}


void *
gw_fcgi_crash_stack(void)
{
    stack_t  ss;

    ss.ss_sp = malloc(GW_FCGI_ALTSTACK);
    if (ss.ss_sp == NULL) {
        return NULL;
    }
    ss.ss_size = GW_FCGI_ALTSTACK;
    ss.ss_flags = 0;
    if (sigaltstack(&ss, NULL) != 0) {
        free(ss.ss_sp);
        return NULL;
    }
    return ss.ss_sp;
}


void
gw_fcgi_crash_stack_free(void *stack)
{
    stack_t  ss;

    if (stack == NULL) {
        return;
    }
    memset(&ss, 0, sizeof(ss));
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    free(stack);
}
