/*
 * header_params.c: reading header values made of a type and parameters
 * ("form-data; name=\"a\"; filename=b"), as Werkzeug's parse_options_header,
 * for request bodies, multipart parts and whoever else reads such headers.
 */

#include "header_params.h"

#include <string.h>
#include <strings.h>


static int
gw_header_space(char c)
{
    return c == ' ' || c == '\t';
}


gw_str_t
gw_header_mimetype(gw_str_t header)
{
    gw_str_t     t;
    const char  *semi;

    t = header;
    if (t.len == 0) {
        return t;
    }
    semi = memchr(t.data, ';', t.len);
    if (semi != NULL) {
        t.len = semi - t.data;
    }
    while (t.len && gw_header_space(t.data[0])) {
        t.data++;
        t.len--;
    }
    while (t.len && gw_header_space(t.data[t.len - 1])) {
        t.len--;
    }
    return t;
}


/* A quoted-string from p (at the opening quote) to end: backslash escapes
 * any byte.  Browsers percent-encode quotes in names, so unterminated
 * strings simply run to the end.  Returns the closing quote, or end; the
 * caller unquotes only the parameter it wants, so a header of many quoted
 * parameters costs its length once, not once per parameter. */
static const char *
gw_header_skip_quoted(const char *p, const char *end)
{
    for (p++; p < end && *p != '"'; p++) {
        if (*p == '\\' && end - p >= 2) {
            p++;
        }
    }
    return p;
}


/* The content of the quoted-string from q to its closing quote qe. */
static int
gw_header_unquote(gw_arena_t *a, const char *q, const char *qe,
    gw_str_t *out)
{
    const char  *p, *end;
    char        *d;

    p = q + 1;
    end = qe;
    d = gw_arena_alloc(a, end - p + 1);
    if (d == NULL) {
        return GW_ERROR;
    }
    out->data = d;

    while (p < end) {
        if (*p == '\\' && end - p >= 2) {
            p++;
        }
        *d++ = *p++;
    }
    *d = '\0';
    out->len = d - out->data;
    return GW_OK;
}


int
gw_header_param(gw_arena_t *a, gw_str_t header, const char *name,
    gw_str_t *out)
{
    const char  *p, *end, *ns, *ne, *q, *qe;
    gw_str_t     v;
    size_t       len;

    if (header.len == 0) {
        return 0;
    }

    len = strlen(name);
    p = header.data;
    end = p + header.len;

    /* skip the type itself */
    while (p < end && *p != ';') {
        p++;
    }

    while (p < end) {
        while (p < end && (*p == ';' || gw_header_space(*p))) {
            p++;
        }

        ns = p;
        while (p < end && *p != '=' && *p != ';') {
            p++;
        }
        ne = p;
        while (ne > ns && gw_header_space(ne[-1])) {
            ne--;
        }

        v.data = p;
        v.len = 0;
        q = qe = NULL;

        if (p < end && *p == '=') {
            p++;
            while (p < end && gw_header_space(*p)) {
                p++;
            }

            if (p < end && *p == '"') {
                q = p;
                qe = gw_header_skip_quoted(p, end);
                p = qe < end ? qe + 1 : end;
                /* whatever follows the closing quote up to ';' is junk */
                while (p < end && *p != ';') {
                    p++;
                }

            } else {
                v.data = p;
                while (p < end && *p != ';') {
                    p++;
                }
                v.len = p - v.data;
                while (v.len && gw_header_space(v.data[v.len - 1])) {
                    v.len--;
                }
            }
        }

        if ((size_t) (ne - ns) == len && strncasecmp(ns, name, len) == 0) {
            if (q != NULL && gw_header_unquote(a, q, qe, &v) != GW_OK) {
                return GW_ERROR;
            }
            *out = v;
            return 1;
        }
    }

    return 0;
}
