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
    const gw_str_t        *https;
    gw_environ_gateway_t   g;

    /* HTTPS is "on" over TLS (conf/gateway_fastcgi_params), as in CGI */
    https = gw_environ_get(env, "HTTPS");
    g.https = https != NULL && https->len > 0 && !gw_str_eq(*https, "off");
    g.input.data = body;
    g.input.len = len;
    g.multithread = multithread;
    g.multiprocess = multiprocess;
    g.errors = "stderr";
    return gw_environ_set_gateway(env, &g);
}
