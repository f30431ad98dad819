/*
 * static_files.c: the view of Flask's automatic "static" endpoints, the
 * app's (app.c registers it, as Flask's app does: a file under
 * STATIC_FOLDER) and a blueprint's ("bp.static", a file under its
 * static_folder).  In production nginx answers those URLs itself (location
 * /static/ { alias ...; }) and the view is what a development server or a
 * missing alias falls back to.
 */

#include "fw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


/* The types sites serve, as Python's mimetypes names them; text is UTF-8,
 * as Flask says. */
static const char *
gw_static_type(const char *name)
{
    static const struct { const char *ext, *type; }  types[] = {
        { "css", "text/css; charset=utf-8" },
        { "js", "text/javascript; charset=utf-8" },
        { "html", "text/html; charset=utf-8" },
        { "htm", "text/html; charset=utf-8" },
        { "txt", "text/plain; charset=utf-8" },
        { "json", "application/json" },
        { "svg", "image/svg+xml" },
        { "png", "image/png" },
        { "jpg", "image/jpeg" },
        { "jpeg", "image/jpeg" },
        { "gif", "image/gif" },
        { "webp", "image/webp" },
        { "ico", "image/vnd.microsoft.icon" },
        { "woff", "font/woff" },
        { "woff2", "font/woff2" },
        { "pdf", "application/pdf" },
        { "xml", "application/xml" },
        { "map", "application/json" }
    };
    const char  *dot;
    size_t       i;

    dot = strrchr(name, '.');
    if (dot != NULL && strchr(dot, '/') == NULL) {
        for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
            if (strcasecmp(dot + 1, types[i].ext) == 0) {
                return types[i].type;
            }
        }
    }
    return "application/octet-stream";
}


/* Werkzeug's safe_join: no "..", no absolute name, no NUL or backslash;
 * NULL means 404. */
static const char *
gw_static_safe(const gw_str_t *name)
{
    const char  *p, *e, *seg;

    if (name->len == 0 || name->data[0] == '/'
        || memchr(name->data, '\0', name->len) != NULL
        || memchr(name->data, '\\', name->len) != NULL)
    {
        return NULL;
    }
    e = name->data + name->len;
    for (p = name->data; p < e; p = seg + 1) {
        seg = memchr(p, '/', (size_t) (e - p));
        seg = seg ? seg : e;
        if (seg - p == 2 && p[0] == '.' && p[1] == '.') {
            return NULL;
        }
    }
    return name->data;
}


const char *
gw_static_rule(gw_arena_t *a, const char *folder, const char *url_path)
{
    const char  *base;
    size_t       len;

    if (url_path == NULL) {
        base = strrchr(folder, '/');
        base = base && base[1] ? base + 1 : folder;
        return gw_arena_printf(a, "/%s/<path:filename>", base);
    }
    len = strlen(url_path);
    while (len > 0 && url_path[len - 1] == '/') {
        len--;
    }
    return gw_arena_printf(a, "%.*s/<path:filename>", (int) len, url_path);
}


/* n digits at p, or -1 */
static int
gw_date_num(const char *p, int n)
{
    int  v = 0;

    while (n-- > 0) {
        if (*p < '0' || *p > '9') {
            return -1;
        }
        v = v * 10 + (*p++ - '0');
    }
    return v;
}


int
gw_http_date_parse(gw_str_t s, int64_t *t)
{
    static const char  months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const char        *p, *e, *mon, *m;
    char               buf[32];
    struct tm          tm;
    int                year;

    /* the three forms RFC 9110 5.6.7 has a recipient accept: IMF-fixdate
     * "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850 "Sunday, 06-Nov-94
     * 08:49:37 GMT", asctime "Sun Nov  6 08:49:37 1994" */
    if (s.len < 24 || s.len >= sizeof(buf)) {
        return GW_ERROR;
    }
    memcpy(buf, s.data, s.len);
    buf[s.len] = '\0';
    e = buf + s.len;
    memset(&tm, 0, sizeof(tm));

    p = strchr(buf, ',');
    if (p != NULL && p[1] == ' ' && e - p == 26 && p[4] == ' '
        && p[8] == ' ' && p[13] == ' ' && strcmp(p + 22, " GMT") == 0)
    {
        tm.tm_mday = gw_date_num(p + 2, 2);
        mon = p + 5;
        year = gw_date_num(p + 9, 4);
        p += 14;
    } else if (p != NULL && p[1] == ' ' && e - p == 24 && p[4] == '-'
               && p[8] == '-' && p[11] == ' '
               && strcmp(p + 20, " GMT") == 0)
    {
        tm.tm_mday = gw_date_num(p + 2, 2);
        mon = p + 5;
        year = gw_date_num(p + 9, 2);
        /* Python's email.utils, which Werkzeug uses: 69-99 are 19xx */
        year += year < 0 ? 0 : year < 69 ? 2000 : 1900;
        p += 12;
    } else if (p == NULL && s.len == 24 && buf[3] == ' ' && buf[7] == ' '
               && buf[10] == ' ' && buf[19] == ' ')
    {
        tm.tm_mday = gw_date_num(buf + (buf[8] == ' ' ? 9 : 8),
                                 buf[8] == ' ' ? 1 : 2);
        mon = buf + 4;
        year = gw_date_num(buf + 20, 4);
        p = buf + 11;
    } else {
        return GW_ERROR;
    }

    for (m = months; *m != '\0' && memcmp(m, mon, 3) != 0; m += 3) {
        /* find it */
    }
    if (*m == '\0' || p[2] != ':' || p[5] != ':') {
        return GW_ERROR;
    }
    tm.tm_mon = (int) (m - months) / 3;
    tm.tm_hour = gw_date_num(p, 2);
    tm.tm_min = gw_date_num(p + 3, 2);
    tm.tm_sec = gw_date_num(p + 6, 2);
    if (year < 1900 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour < 0
        || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59
        || tm.tm_sec < 0 || tm.tm_sec > 60)
    {
        return GW_ERROR;
    }
    tm.tm_year = year - 1900;
    *t = (int64_t) timegm(&tm);
    return GW_OK;
}


/* Werkzeug's is_resource_modified without an ETag: unmodified when
 * If-Modified-Since is no earlier than the file's time, unless the client
 * sent If-None-Match, which overrides it (RFC 9110 13.1.3) and which no
 * ETag of ours can match. */
static int
gw_static_unmodified(gw_request_t *req, time_t mtime)
{
    const gw_str_t  *ims;
    int64_t          since;

    ims = gw_request_header(req, "If-Modified-Since");
    return ims != NULL && gw_request_header(req, "If-None-Match") == NULL
           && gw_http_date_parse(*ims, &since) == GW_OK
           && (int64_t) mtime <= since;
}


int
gw_static_view(gw_request_t *req, gw_response_t *resp)
{
    const char  *dir, *file;
    char        *path, *body, date[64];
    json_t      *v;
    gw_str_t     name;
    struct stat  st;
    struct tm    tm;
    ssize_t      n;
    size_t       got;
    int          fd;

    v = json_object_get(gw_request_view_args(req), "filename");
    name.data = json_string_value(v);
    name.len = json_string_length(v);
    file = name.data ? gw_static_safe(&name) : NULL;
    dir = req->route->bp ? req->route->bp->static_folder
                         : gw_app_config_get(req->app, "STATIC_FOLDER");
    if (file == NULL || dir == NULL) {
        return gw_abort(req, 404, NULL);
    }

    path = gw_arena_printf(req->arena, "%s/%s", dir, file);
    if (path == NULL) {
        return gw_fail(req, "static: out of memory");
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return gw_abort(req, 404, NULL);
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return gw_abort(req, 404, NULL);
    }

    if (gw_static_unmodified(req, st.st_mtime)) {
        close(fd);
        gw_response_set_status(resp, 304);
        if (gw_response_add_header(resp, "Cache-Control", "no-cache")
            != GW_OK)
        {
            return gw_fail(req, "static %s: out of memory", file);
        }
        return GW_OK;
    }

    body = gw_arena_alloc(req->arena, (size_t) st.st_size + 1);
    if (body == NULL) {
        close(fd);
        return gw_fail(req, "static %s: out of memory", file);
    }
    for (got = 0; got < (size_t) st.st_size; got += (size_t) n) {
        n = read(fd, body + got, (size_t) st.st_size - got);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                n = 0;
                continue;
            }
            break;
        }
    }
    close(fd);
    if (got != (size_t) st.st_size) {
        return gw_fail(req, "static %s: cannot read it", file);
    }

    gmtime_r(&st.st_mtime, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);

    /* Flask 2.2's defaults: revalidate every time, by date */
    if (gw_response_add_header(resp, "Content-Type", gw_static_type(file))
        != GW_OK
        || gw_response_add_header(resp, "Last-Modified", date) != GW_OK
        || gw_response_add_header(resp, "Cache-Control", "no-cache")
           != GW_OK)
    {
        return gw_fail(req, "static %s: out of memory", file);
    }
    return gw_response_write_ref(resp, body, got);
}
