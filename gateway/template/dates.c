/*
 * dates.c: dates in templates.  Context values are JSON, so a timestamp is
 * an ISO-8601 string ("2024-01-02 03:04:05", SQLite's CURRENT_TIMESTAMP)
 * or a number of seconds since the epoch; the strftime and datetimeformat
 * filters, and a string's .strftime() method, format them as Python's
 * datetime.strftime() does in the C locale.
 */

#include "tmpl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>


typedef struct {
    int64_t  year;
    int      month, day, hour, min, sec;
    long     usec;
    int      tz;            /* 0: naive; 1: an offset; 2: UTC from a number */
    int      offset;        /* minutes east of UTC */
} tmpl_date_t;


static const char  *day_names[] = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
    "Sunday"
};
static const char  *month_names[] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"
};


static int
leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}


static int
month_days(int64_t y, int m)
{
    static const int  d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
                              31 };

    return m == 2 && leap(y) ? 29 : d[m - 1];
}


/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's
 * days_from_civil). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
    int64_t  era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}


static void
civil_from_days(int64_t z, tmpl_date_t *t)
{
    int64_t  era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    t->day = doy - (153 * mp + 2) / 5 + 1;
    t->month = mp < 10 ? mp + 3 : mp - 9;
    t->year = yoe + era * 400 + (t->month <= 2);
}


/* n digits at *p into *v. */
static int
digits(const char **p, const char *end, int n, int *v)
{
    int  i;

    *v = 0;
    for (i = 0; i < n; i++) {
        if (*p >= end || (*p)[0] < '0' || (*p)[0] > '9') {
            return 0;
        }
        *v = *v * 10 + (*(*p)++ - '0');
    }
    return 1;
}


/* What datetime.fromisoformat() reads in practice: YYYY-MM-DD, then "T"
 * or " " and HH:MM[:SS[.ffffff]], then Z or +HH:MM / -HHMM. */
static int
parse_iso(const char *s, size_t len, tmpl_date_t *t)
{
    const char  *p = s, *end = s + len;
    int          y, sign, oh, om, i;

    memset(t, 0, sizeof(*t));
    if (!digits(&p, end, 4, &y) || p >= end || *p++ != '-'
        || !digits(&p, end, 2, &t->month) || p >= end || *p++ != '-'
        || !digits(&p, end, 2, &t->day))
    {
        return 0;
    }
    t->year = y;
    if (y < 1 || t->month < 1 || t->month > 12 || t->day < 1
        || t->day > month_days(y, t->month))
    {
        return 0;
    }
    if (p == end) {
        return 1;
    }

    if (*p != 'T' && *p != ' ') {
        return 0;
    }
    p++;
    if (!digits(&p, end, 2, &t->hour) || p >= end || *p++ != ':'
        || !digits(&p, end, 2, &t->min))
    {
        return 0;
    }
    if (p < end && *p == ':') {
        p++;
        if (!digits(&p, end, 2, &t->sec)) {
            return 0;
        }
        if (p < end && (*p == '.' || *p == ',')) {
            p++;
            if (p >= end || *p < '0' || *p > '9') {
                return 0;
            }
            /* microseconds: the first six digits, the rest dropped */
            for (i = 0; p < end && *p >= '0' && *p <= '9'; p++, i++) {
                if (i < 6) {
                    t->usec = t->usec * 10 + (*p - '0');
                }
            }
            for (; i < 6; i++) {
                t->usec *= 10;
            }
        }
    }
    if (t->hour > 23 || t->min > 59 || t->sec > 59) {
        return 0;
    }

    if (p < end && (*p == 'Z' || *p == 'z')) {
        t->tz = 1;
        p++;
    } else if (p < end && (*p == '+' || *p == '-')) {
        sign = *p++ == '-' ? -1 : 1;
        if (!digits(&p, end, 2, &oh)) {
            return 0;
        }
        if (p < end && *p == ':') {
            p++;
        }
        if (!digits(&p, end, 2, &om) || oh > 23 || om > 59) {
            return 0;
        }
        t->tz = 1;
        t->offset = sign * (oh * 60 + om);
    }
    return p == end;
}


/* Seconds since the epoch, in UTC, as datetime.fromtimestamp(x, utc). */
static int
from_epoch(double secs, tmpl_date_t *t)
{
    double   whole;
    int64_t  s, days, rem;

    /* datetime's range: years 1 to 9999 */
    if (!(secs > -62135596800.0 && secs < 253402300800.0)) {
        return 0;
    }
    whole = floor(secs);
    s = (int64_t) whole;
    memset(t, 0, sizeof(*t));
    /* Python rounds the fraction half to even to microseconds */
    t->usec = (long) nearbyint((secs - whole) * 1e6);
    if (t->usec >= 1000000) {
        t->usec -= 1000000;
        s++;
    }
    days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
    rem = s - days * 86400;
    civil_from_days(days, t);
    t->hour = rem / 3600;
    t->min = rem % 3600 / 60;
    t->sec = rem % 60;
    t->tz = 2;
    return 1;
}


static int
put(gw_buf_t *b, const char *fmt, ...)
{
    va_list  ap;
    char     tmp[64];
    int      n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    return gw_buf_append(b, tmp, n);
}


static int
format_date(tmpl_rs_t *r, tmpl_node_t *n, const tmpl_date_t *t,
    const char *f, size_t flen, tv_t *out)
{
    gw_buf_t     b;
    size_t       i;
    int          wday, yday, h12, rc, off;
    const char  *fe = f + flen;

    wday = (int) ((days_from_civil(t->year, t->month, t->day) % 7 + 10) % 7);
    yday = (int) (days_from_civil(t->year, t->month, t->day)
                  - days_from_civil(t->year, 1, 1)) + 1;
    h12 = t->hour % 12 ? t->hour % 12 : 12;

    gw_buf_init(&b, r->a, flen + 32);
    for (i = 0, rc = GW_OK; f + i < fe && rc == GW_OK; i++) {
        if (f[i] != '%') {
            rc = gw_buf_putc(&b, f[i]);
            continue;
        }
        if (f + i + 1 >= fe) {
            return tmpl_error(r, n, "strftime: the format ends with a "
                              "lone '%%'");
        }
        switch (f[++i]) {
        case 'a': rc = put(&b, "%.3s", day_names[wday]); break;
        case 'A': rc = put(&b, "%s", day_names[wday]); break;
        case 'b': case 'h': rc = put(&b, "%.3s", month_names[t->month - 1]);
                  break;
        case 'B': rc = put(&b, "%s", month_names[t->month - 1]); break;
        case 'c': rc = put(&b, "%.3s %.3s %2d %02d:%02d:%02d %lld",
                           day_names[wday], month_names[t->month - 1],
                           t->day, t->hour, t->min, t->sec,
                           (long long) t->year);
                  break;
        case 'd': rc = put(&b, "%02d", t->day); break;
        case 'D': case 'x': rc = put(&b, "%02d/%02d/%02d", t->month, t->day,
                                     (int) (t->year % 100));
                  break;
        case 'e': rc = put(&b, "%2d", t->day); break;
        case 'f': rc = put(&b, "%06ld", t->usec); break;
        case 'F': rc = put(&b, "%lld-%02d-%02d", (long long) t->year,
                           t->month, t->day);
                  break;
        case 'H': rc = put(&b, "%02d", t->hour); break;
        case 'I': rc = put(&b, "%02d", h12); break;
        case 'j': rc = put(&b, "%03d", yday); break;
        case 'm': rc = put(&b, "%02d", t->month); break;
        case 'M': rc = put(&b, "%02d", t->min); break;
        case 'p': rc = put(&b, "%s", t->hour < 12 ? "AM" : "PM"); break;
        case 'R': rc = put(&b, "%02d:%02d", t->hour, t->min); break;
        case 'S': rc = put(&b, "%02d", t->sec); break;
        case 'T': case 'X': rc = put(&b, "%02d:%02d:%02d", t->hour, t->min,
                                     t->sec);
                  break;
        case 'u': rc = put(&b, "%d", wday + 1); break;
        case 'w': rc = put(&b, "%d", (wday + 1) % 7); break;
        case 'y': rc = put(&b, "%02d", (int) (t->year % 100)); break;
        case 'Y': rc = put(&b, "%lld", (long long) t->year); break;
        case 'z':
            /* naive datetimes print nothing, as in Python */
            off = t->offset < 0 ? -t->offset : t->offset;
            rc = t->tz ? put(&b, "%c%02d%02d", t->offset < 0 ? '-' : '+',
                             off / 60, off % 60)
                       : GW_OK;
            break;
        case 'Z':
            off = t->offset < 0 ? -t->offset : t->offset;
            rc = !t->tz ? GW_OK
                 : t->offset == 0 ? put(&b, "UTC")
                 : put(&b, "UTC%c%02d:%02d", t->offset < 0 ? '-' : '+',
                       off / 60, off % 60);
            break;
        case '%': rc = gw_buf_putc(&b, '%'); break;
        default:
            return tmpl_error(r, n, "strftime: unsupported directive "
                              "'%%%c' (see the README's list)", f[i]);
        }
    }
    if (rc != GW_OK) {
        return tmpl_error(r, n, "strftime: out of memory");
    }
    *out = tv_str(b.data, b.len, 0);
    return GW_OK;
}


int
tmpl_date_format(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, tv_t fmt, tv_t *out)
{
    tmpl_date_t  t;
    int          ok;

    if (fmt.kind != V_STR) {
        return tmpl_error(r, n, "strftime: the format must be a string, not "
                          "%s", tv_type_name(fmt));
    }
    switch (v.kind) {
    case V_STR:
        ok = parse_iso(v.u.s, v.n, &t);
        if (!ok) {
            return tmpl_error(r, n, "strftime: '%.*s' is not an ISO-8601 "
                              "date (YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]"
                              "[+HH:MM])", (int) (v.n > 64 ? 64 : v.n),
                              v.u.s);
        }
        break;
    case V_INT:
        ok = from_epoch((double) v.u.i, &t);
        break;
    case V_FLOAT:
        ok = from_epoch(v.u.f, &t);
        break;
    default:
        return tmpl_error(r, n, "strftime: expected an ISO-8601 date string "
                          "or seconds since the epoch, not %s",
                          tv_type_name(v));
    }
    if (!ok) {
        return tmpl_error(r, n, "strftime: timestamp out of range (years 1 "
                          "to 9999)");
    }
    return format_date(r, n, &t, fmt.u.s, fmt.n, out);
}


/* {{ value|strftime('%Y-%m-%d') }} */
int
tmpl_f_strftime(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, tv_t *args, tv_t *out)
{
    return tmpl_date_format(r, n, v, args[0], out);
}


/* {{ value|datetimeformat }}, the filter Flask's documentation writes:
 * format '%Y-%m-%d %H:%M' unless given */
int
tmpl_f_datetimeformat(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, tv_t *args,
    tv_t *out)
{
    static const char  def[] = "%Y-%m-%d %H:%M";

    return tmpl_date_format(r, n, v, args[0].kind != V_MISSING ? args[0]
                                     : tv_str(def, sizeof(def) - 1, 0),
                            out);
}
