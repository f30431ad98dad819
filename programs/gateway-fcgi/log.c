/*
 * log.c: gateway-fcgi's log, on stderr, one line per message in nginx's
 * format.  Messages carry request data (paths, app messages): control
 * characters are escaped so a request cannot forge or split log lines.
 */

#include "fcgi.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>


void
gw_fcgi_log(void *ctx, gw_log_level_t level, const char *msg, size_t len)
{
    static const char *const  names[] = { "error", "warn", "info", "debug" };
    static const char         hex[] = "0123456789abcdef";
    char                      ts[32], line[2048];
    unsigned char             c;
    size_t                    i, n;
    time_t                    now;
    struct tm                 tm;

    now = time(NULL);
    localtime_r(&now, &tm);
    strftime(ts, sizeof(ts), "%Y/%m/%d %H:%M:%S", &tm);

    n = 0;
    for (i = 0; i < len && n < sizeof(line) - 4; i++) {
        c = (unsigned char) msg[i];
        if (c >= 0x20 && c != 0x7f) {
            line[n++] = (char) c;
            continue;
        }
        line[n++] = '\\';
        line[n++] = 'x';
        line[n++] = hex[c >> 4];
        line[n++] = hex[c & 0xf];
    }

    /* one fprintf per line: stdio locks the stream, lines never interleave */
    fprintf(stderr, "%s [%s] gateway-fcgi[%d]: %.*s\n", ts, names[level],
            (int) getpid(), (int) n, line);
}


void
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


int64_t
gw_fcgi_now_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
