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
