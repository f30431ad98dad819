/*
 * fcgi_environ.c: the environ from FastCGI params, joined and completed the
 * way the nginx module builds it, so an app sees the same environ in both
 * servers.  Params come from whoever connects: lengths are checked here.
 */

#include "fcgi_environ.h"

#include <string.h>


/* CONTENT_LENGTH as nginx accepts it: digits only, no sign, no spaces. */
static int
gw_fcgi_content_length(const gw_str_t *v, size_t max_body, size_t *clen,
    const char **error)
{
    size_t  i, n, d;

    n = 0;

    for (i = 0; i < v->len; i++) {
        if (v->data[i] < '0' || v->data[i] > '9') {
            *error = "invalid CONTENT_LENGTH: digits only";
            return 400;
        }

        /* n never exceeds max_body, so it cannot wrap */
        d = (size_t) (v->data[i] - '0');
        if (n > max_body / 10 || d > max_body - n * 10) {
            *error = "request body larger than the server accepts "
                     "(--max-body)";
            return 413;
        }
        n = n * 10 + d;
    }

    *clen = n;
    return 0;
}


int
gw_fcgi_environ(char **params, gw_environ_t *env, size_t max_body,
    size_t *clen, const char **error)
{
    char            **p, *eq;
    gw_str_t          key, value;
    const gw_str_t   *v;

    *clen = 0;
    *error = "out of memory for the request";

    for (p = params; *p != NULL; p++) {
        eq = strchr(*p, '=');
        /* FCGI_ROLE is libfcgi's, not the request's; nginx also sends
         * Content-Type/Length as HTTP_ params, which CGI keeps out */
        if (eq == NULL || eq == *p || strncmp(*p, "FCGI_", 5) == 0
            || strncmp(*p, "HTTP_CONTENT_TYPE=", 18) == 0
            || strncmp(*p, "HTTP_CONTENT_LENGTH=", 20) == 0)
        {
            continue;
        }

        key.data = *p;
        key.len = (size_t) (eq - *p);
        value.data = eq + 1;
        value.len = strlen(eq + 1);

        /* nginx sends a repeated request header as repeated params */
        if ((key.len > 5 && memcmp(key.data, "HTTP_", 5) == 0
             ? gw_environ_add_header(env, 0, key, value)
             : gw_environ_add(env, key, value))
            != GW_OK)
        {
            return 500;
        }
    }

    v = gw_environ_get(env, "HTTPS");
    value.data = (v != NULL && v->len > 0 && !gw_str_eq(*v, "off"))
                 ? "https" : "http";
    value.len = strlen(value.data);
    key.data = "gateway.url_scheme";
    key.len = sizeof("gateway.url_scheme") - 1;
    if (gw_environ_set(env, key, value) != GW_OK) {
        return 500;
    }

    v = gw_environ_get(env, "CONTENT_LENGTH");
    if (v == NULL) {
        return 0;
    }

    return gw_fcgi_content_length(v, max_body, clen, error);
}


int
gw_fcgi_environ_input(gw_environ_t *env, const char *body, size_t len,
    int multithread, int multiprocess)
{
    size_t    i;
    gw_str_t  k[4] = {
        gw_string("gateway.input"), gw_string("gateway.multithread"),
        gw_string("gateway.multiprocess"), gw_string("gateway.errors")
    };
    gw_str_t  v[4] = {
        { body ? body : "", len },
        { multithread ? "true" : "false", multithread ? 4 : 5 },
        { multiprocess ? "true" : "false", multiprocess ? 4 : 5 },
        gw_string("stderr")
    };

    for (i = 0; i < 4; i++) {
        if (gw_environ_set(env, k[i], v[i]) != GW_OK) {
            return GW_ERROR;
        }
    }

    return GW_OK;
}
