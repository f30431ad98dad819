/*
 * cookies_set.c: Set-Cookie values written as Werkzeug's dump_cookie()
 * writes them, attribute order and value quoting included, so a Flask site
 * moved to C sends the same bytes.
 */

#include "fw.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>


/* Werkzeug's _legal_cookie_chars: sent bare; anything else quotes */
static int
gw_cookie_legal(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9'))
    {
        return 1;
    }
    return c != '\0' && strchr("!#$%&'*+-.^_`|~:/=", c) != NULL;
}


static int
gw_cookie_quote(gw_buf_t *b, gw_str_t v)
{
    size_t         i;
    unsigned char  c;
    char           oct[5];

    for (i = 0; i < v.len; i++) {
        if (!gw_cookie_legal((unsigned char) v.data[i])) {
            break;
        }
    }
    if (i == v.len) {
        return gw_buf_append(b, v.data, v.len);
    }

    if (gw_buf_putc(b, '"') != GW_OK) {
        return GW_ERROR;
    }
    for (i = 0; i < v.len; i++) {
        c = (unsigned char) v.data[i];
        if (c == '"' || c == '\\') {
            oct[0] = '\\';
            oct[1] = (char) c;
            oct[2] = '\0';
        } else if (c < 32 || c >= 127 || c == ',' || c == ';') {
            snprintf(oct, sizeof(oct), "\\%03o", c);
        } else {
            oct[0] = (char) c;
            oct[1] = '\0';
        }
        if (gw_buf_appends(b, oct) != GW_OK) {
            return GW_ERROR;
        }
    }
    return gw_buf_putc(b, '"');
}


/* RFC 7231 IMF-fixdate, in English whatever the locale */
static int
gw_http_date(gw_buf_t *b, int64_t t)
{
    static const char  *days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri",
                                   "Sat" };
    static const char  *mons[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov",
                                   "Dec" };
    struct tm           tm;
    time_t              tt = (time_t) t;

    if (gmtime_r(&tt, &tm) == NULL) {
        return GW_ERROR;
    }
    return gw_buf_printf(b, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                         days[tm.tm_wday], tm.tm_mday, mons[tm.tm_mon],
                         tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                         tm.tm_sec);
}


static char *
gw_cookie_dump_ex(gw_arena_t *a, const char *name, gw_str_t value,
    const gw_cookie_t *opt, int64_t now, int expire_now)
{
    static const gw_cookie_t   none;
    static const char         *samesites[] = { "Strict", "Lax", "None" };
    gw_buf_t                   b;
    const char                *samesite, *colon;
    size_t                     i, dlen;

    if (opt == NULL) {
        opt = &none;
    }

    if (name[0] == '\0') {
        return NULL;
    }
    for (i = 0; name[i]; i++) {
        if (!gw_cookie_legal((unsigned char) name[i]) || name[i] == '=') {
            return NULL;
        }
    }

    samesite = NULL;
    if (opt->samesite != NULL) {
        for (i = 0; i < 3; i++) {
            if (strcasecmp(opt->samesite, samesites[i]) == 0) {
                samesite = samesites[i];
            }
        }
        if (samesite == NULL) {
            return NULL;
        }
    }

    gw_buf_init(&b, a, 128 + value.len);
    if (gw_buf_appends(&b, name) || gw_buf_putc(&b, '=')
        || gw_cookie_quote(&b, value))
    {
        return NULL;
    }

    if (opt->domain != NULL) {
        /* Werkzeug drops a port, and refuses a name without a dot */
        colon = strchr(opt->domain, ':');
        dlen = colon ? (size_t) (colon - opt->domain) : strlen(opt->domain);
        if (memchr(opt->domain, '.', dlen) == NULL) {
            return NULL;
        }
        if (gw_buf_appends(&b, "; Domain=")) {
            return NULL;
        }
        if (gw_cookie_quote(&b, (gw_str_t) { opt->domain, dlen })) {
            return NULL;
        }
    }

    if (expire_now || opt->expires != 0 || opt->max_age > 0) {
        if (gw_buf_appends(&b, "; Expires=")
            || gw_http_date(&b, expire_now ? 0
                                : opt->expires ? opt->expires
                                : now + opt->max_age))
        {
            return NULL;
        }
    }

    if (expire_now || opt->max_age > 0) {
        if (gw_buf_printf(&b, "; Max-Age=%ld", expire_now ? 0
                                                : opt->max_age))
        {
            return NULL;
        }
    }

    if ((opt->secure && gw_buf_appends(&b, "; Secure"))
        || (opt->httponly && gw_buf_appends(&b, "; HttpOnly"))
        || gw_buf_appends(&b, "; Path=")
        || gw_buf_appends(&b, opt->path ? opt->path : "/")
        || (samesite && (gw_buf_appends(&b, "; SameSite=")
                         || gw_buf_appends(&b, samesite)))
        || gw_buf_putc(&b, '\0'))
    {
        return NULL;
    }
    return b.data;
}


char *
gw_cookie_dump(gw_arena_t *a, const char *name, gw_str_t value,
    const gw_cookie_t *opt, int64_t now)
{
    return gw_cookie_dump_ex(a, name, value, opt, now, 0);
}


int
gw_set_cookie(gw_request_t *req, gw_response_t *resp, const char *name,
    const char *value, const gw_cookie_t *opt)
{
    gw_str_t   v = { value, strlen(value) };
    char      *c;

    c = gw_cookie_dump_ex(req->arena, name, v, opt, (int64_t) time(NULL), 0);
    if (c == NULL) {
        return gw_fail(req, "set_cookie '%s': bad name, domain or samesite, "
                       "or out of memory", name);
    }
    return gw_header_add(req, resp, "Set-Cookie", c);
}


int
gw_delete_cookie(gw_request_t *req, gw_response_t *resp, const char *name,
    const gw_cookie_t *opt)
{
    gw_str_t   v = { "", 0 };
    char      *c;

    c = gw_cookie_dump_ex(req->arena, name, v, opt, 0, 1);
    if (c == NULL) {
        return gw_fail(req, "delete_cookie '%s': bad name, domain or "
                       "samesite, or out of memory", name);
    }
    return gw_header_add(req, resp, "Set-Cookie", c);
}
