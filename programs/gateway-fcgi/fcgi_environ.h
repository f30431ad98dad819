/*
 * fcgi_environ.h: FastCGI params to an environ, apart from libfcgi so the
 * fuzzer can drive it with any params.
 */

#ifndef GW_FCGI_ENVIRON_H
#define GW_FCGI_ENVIRON_H

#include "gw_core.h"

/*
 * Fill env from params ("KEY=VALUE" strings, NULL-terminated) and check
 * CONTENT_LENGTH: digits only, at most max_body.  Returns 0 with the
 * announced length in *clen, or the status to answer (400, 413; 500 when
 * out of memory) with its reason in *error.
 */
int gw_fcgi_environ(char **params, gw_environ_t *env, size_t max_body,
    size_t *clen, const char **error);

/* The gateway.* keys, once the body is read; the scheme from HTTPS. */
int gw_fcgi_environ_input(gw_environ_t *env, const char *body, size_t len,
    int multithread, int multiprocess);

#endif /* GW_FCGI_ENVIRON_H */
