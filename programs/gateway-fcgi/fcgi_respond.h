/*
 * fcgi_respond.h: reading a request's body from and writing a response to
 * a libfcgi request.
 */

#ifndef GW_FCGI_RESPOND_H
#define GW_FCGI_RESPOND_H

#include "gw_core.h"

#include <fcgiapp.h>

/* Exactly len bytes of FCGI_STDIN into body, or GW_ERROR if the stream
 * ends or fails first (the client went away). */
int gw_fcgi_read_body(FCGX_Request *req, char *body, size_t len);
int gw_fcgi_respond(FCGX_Request *req, gw_response_t *resp);
/* A plain-text answer from the server itself (400, 413, 500). */
void gw_fcgi_respond_error(FCGX_Request *req, int status, const char *msg);

#endif /* GW_FCGI_RESPOND_H */
