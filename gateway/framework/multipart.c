/*
 * multipart.c: multipart/form-data bodies (RFC 7578).  The body is already
 * in memory, so parts are views into it: no data is copied.  Line breaks
 * may be CRLF or a bare LF, as Werkzeug accepts; the line break before a
 * delimiter belongs to the delimiter, never to the part's data.
 */

#include "fw.h"
#include "form_internal.h"
#include "header_params.h"

#include <string.h>
#include <strings.h>


typedef struct {
    const char  *data;          /* the body */
    const char  *end;
    gw_str_t     dash;          /* "--" boundary */
} gw_mp_t;


/* The end of the line break at p (CRLF or LF), or NULL. */
static const char *
gw_mp_eol(const char *p, const char *end)
{
    if (p < end && *p == '\n') {
        return p + 1;
    }
    if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
        return p + 2;
    }
    return NULL;
}


/*
 * Find the next delimiter line at or after from: "--boundary" at the start
 * of a line (or of the body, for the first one), then either "--" (the
 * close) or blanks and a line break.  Sets *start to where the delimiter
 * and the line break before it begin, *next past the delimiter line, and
 * *close.  NULL when there is none.
 */
static const char *
gw_mp_find(gw_mp_t *mp, const char *from, int first, const char **start,
    int *close)
{
    const char  *p, *q, *eol;

    p = from;
    while ((size_t) (mp->end - p) >= mp->dash.len) {
        p = memmem(p, mp->end - p, mp->dash.data, mp->dash.len);
        if (p == NULL) {
            return NULL;
        }

        if ((first && p == mp->data) || (p > from && p[-1] == '\n')) {
            *start = p;
            if (p > from && p[-1] == '\n') {
                *start = p - 1;
                if (*start > from && (*start)[-1] == '\r') {
                    (*start)--;
                }
            }

            q = p + mp->dash.len;
            if (mp->end - q >= 2 && q[0] == '-' && q[1] == '-') {
                *close = 1;
                return q + 2;
            }
            while (q < mp->end && (*q == ' ' || *q == '\t')) {
                q++;
            }
            eol = gw_mp_eol(q, mp->end);
            if (eol != NULL) {
                *close = 0;
                return eol;
            }
        }
        p++;
    }
    return NULL;
}


/* The RFC 5987 form of a parameter, "UTF-8''a%20b.txt", decoded; 0 when
 * it cannot be read, so that the plain parameter is used instead. */
static int
gw_mp_ext_value(gw_arena_t *a, gw_str_t v, gw_str_t *out)
{
    const char  *q1, *q2;
    gw_str_t     enc;

    q1 = memchr(v.data, '\'', v.len);
    if (q1 == NULL) {
        return 0;
    }
    q2 = memchr(q1 + 1, '\'', v.data + v.len - q1 - 1);
    if (q2 == NULL) {
        return 0;
    }
    enc.data = q2 + 1;
    enc.len = v.data + v.len - enc.data;
    return gw_url_decode(a, enc, 0, out) == GW_OK;
}


static int
gw_mp_add_file(gw_arena_t *a, gw_files_t *files, const gw_file_t *f)
{
    if (gw_array_grow(a, &files->items, files->n, &files->nalloc,
                      sizeof(gw_file_t)) != GW_OK)
    {
        return GW_ERROR;
    }
    files->items[files->n++] = *f;
    return GW_OK;
}


/* Headers of one part, from p to the blank line; *body_start is set past
 * it.  Only Content-Disposition and Content-Type matter to us. */
static int
gw_mp_headers(gw_mp_t *mp, const char *p, const char **body_start,
    gw_str_t *disposition, gw_str_t *ctype)
{
    const char  *eol, *le, *colon;
    gw_str_t     name, value;

    /* absent headers read as empty strings, never as NULL */
    disposition->data = "";
    disposition->len = 0;
    ctype->data = "";
    ctype->len = 0;

    for ( ;; ) {
        eol = gw_mp_eol(p, mp->end);
        if (eol != NULL) {
            *body_start = eol;
            return GW_OK;
        }

        le = memchr(p, '\n', mp->end - p);
        if (le == NULL) {
            return GW_ERROR;
        }
        eol = le + 1;
        if (le > p && le[-1] == '\r') {
            le--;
        }

        colon = memchr(p, ':', le - p);
        if (colon != NULL) {
            name.data = p;
            name.len = colon - p;
            value.data = colon + 1;
            value.len = le - value.data;
            while (value.len && (value.data[0] == ' '
                                 || value.data[0] == '\t'))
            {
                value.data++;
                value.len--;
            }
            while (value.len && (value.data[value.len - 1] == ' '
                                 || value.data[value.len - 1] == '\t'))
            {
                value.len--;
            }

            if (name.len == 19
                && strncasecmp(name.data, "content-disposition", 19) == 0)
            {
                *disposition = value;

            } else if (name.len == 12
                       && strncasecmp(name.data, "content-type", 12) == 0)
            {
                *ctype = value;
            }
        }

        p = eol;
    }
}


static int
gw_mp_part(gw_arena_t *a, gw_str_t disposition, gw_str_t ctype,
    gw_str_t data, gw_multidict_t *form, gw_files_t *files)
{
    gw_file_t  f;
    gw_str_t   ext;
    int        has_name, has_file, rc;

    has_name = gw_header_param(a, disposition, "name", &f.name);
    has_file = gw_header_param(a, disposition, "filename", &f.filename);
    rc = gw_header_param(a, disposition, "filename*", &ext);
    if (has_name == GW_ERROR || has_file == GW_ERROR || rc == GW_ERROR) {
        return GW_ERROR;
    }

    /* a part we cannot name is of no use to the application */
    if (!has_name) {
        return GW_OK;
    }

    if (rc == 1 && gw_mp_ext_value(a, ext, &ext)) {
        f.filename = ext;
        has_file = 1;
    }

    if (!has_file) {
        return gw_multidict_add(a, form, f.name, data);
    }

    f.content_type = ctype;
    f.data = data;
    return gw_mp_add_file(a, files, &f);
}


int
gw_parse_multipart(gw_arena_t *a, gw_str_t boundary, gw_str_t body,
    gw_multidict_t *form, gw_files_t *files, const char **error)
{
    gw_mp_t      mp;
    const char  *p, *start, *data;
    gw_str_t     disposition, ctype, value;
    char        *dash;
    int          close;

    if (body.len == 0) {
        return GW_OK;
    }

    dash = gw_arena_alloc(a, boundary.len + 2);
    if (dash == NULL) {
        *error = "out of memory";
        return GW_ERROR;
    }
    dash[0] = '-';
    dash[1] = '-';
    memcpy(dash + 2, boundary.data, boundary.len);

    mp.data = body.data;
    mp.end = body.data + body.len;
    mp.dash.data = dash;
    mp.dash.len = boundary.len + 2;

    /* the preamble, if any, is skipped */
    p = gw_mp_find(&mp, mp.data, 1, &start, &close);
    if (p == NULL) {
        *error = "multipart body without a boundary line";
        return GW_ERROR;
    }

    while (!close) {
        if (gw_mp_headers(&mp, p, &data, &disposition, &ctype) != GW_OK) {
            *error = "multipart part with unterminated headers";
            return GW_ERROR;
        }

        p = gw_mp_find(&mp, data, 0, &start, &close);
        if (p == NULL) {
            *error = "multipart body without a closing boundary";
            return GW_ERROR;
        }

        value.data = data;
        value.len = start - data;

        if (gw_mp_part(a, disposition, ctype, value, form, files) != GW_OK) {
            *error = "out of memory";
            return GW_ERROR;
        }
    }

    /* the epilogue after the closing delimiter is ignored */
    return GW_OK;
}
