/*
 * errors.c: HTTP errors as Werkzeug knows them (name, description, the
 * default HTML page), abort() and the logging of 500 causes.
 */

#include "fw.h"
#include "template/tmpl.h"         /* tmpl_escape_append() */

#include <stdio.h>
#include <string.h>

typedef struct {
    int          status;
    const char  *name;
    const char  *description;
} gw_http_error_def_t;

/* werkzeug.exceptions, 2.2: the same names and descriptions */
static const gw_http_error_def_t  gw_http_errors[] = {
    { 400, "Bad Request", "The browser (or proxy) sent a request that this "
      "server could not understand." },
    { 401, "Unauthorized", "The server could not verify that you are "
      "authorized to access the URL requested. You either supplied the "
      "wrong credentials (e.g. a bad password), or your browser doesn't "
      "understand how to supply the credentials required." },
    { 403, "Forbidden", "You don't have the permission to access the "
      "requested resource. It is either read-protected or not readable by "
      "the server." },
    { 404, "Not Found", "The requested URL was not found on the server. If "
      "you entered the URL manually please check your spelling and try "
      "again." },
    { 405, "Method Not Allowed", "The method is not allowed for the "
      "requested URL." },
    { 406, "Not Acceptable", "The resource identified by the request is "
      "only capable of generating response entities which have content "
      "characteristics not acceptable according to the accept headers sent "
      "in the request." },
    { 408, "Request Timeout", "The server closed the network connection "
      "because the browser didn't finish the request within the specified "
      "time." },
    { 409, "Conflict", "A conflict happened while processing the request. "
      "The resource might have been modified while the request was being "
      "processed." },
    { 410, "Gone", "The requested URL is no longer available on this server "
      "and there is no forwarding address. If you followed a link from a "
      "foreign page, please contact the author of this page." },
    { 411, "Length Required", "A request with this method requires a valid "
      "<code>Content-Length</code> header." },
    { 412, "Precondition Failed", "The precondition on the request for the "
      "URL failed positive evaluation." },
    { 413, "Request Entity Too Large", "The data value transmitted exceeds "
      "the capacity limit." },
    { 414, "Request URI Too Long", "The length of the requested URL exceeds "
      "the capacity limit for this server. The request cannot be "
      "processed." },
    { 415, "Unsupported Media Type", "The server does not support the media "
      "type transmitted in the request." },
    { 416, "Requested Range Not Satisfiable", "The server cannot provide the "
      "requested range." },
    { 417, "Expectation Failed", "The server could not meet the requirements "
      "of the Expect header" },
    { 418, "I'm a teapot", "This server is a teapot, not a coffee machine" },
    { 422, "Unprocessable Entity", "The request was well-formed but was "
      "unable to be followed due to semantic errors." },
    { 423, "Locked", "The resource that is being accessed is locked." },
    { 424, "Failed Dependency", "The method could not be performed on the "
      "resource because the requested action depended on another action "
      "and that action failed." },
    { 428, "Precondition Required", "This request is required to be "
      "conditional; try using \"If-Match\" or \"If-Unmodified-Since\"." },
    { 429, "Too Many Requests", "This user has exceeded an allotted request "
      "count. Try again later." },
    { 431, "Request Header Fields Too Large", "One or more header fields "
      "exceeds the maximum size." },
    { 451, "Unavailable For Legal Reasons", "Unavailable for legal "
      "reasons." },
    { 500, "Internal Server Error", "The server encountered an internal "
      "error and was unable to complete your request. Either the server is "
      "overloaded or there is an error in the application." },
    { 501, "Not Implemented", "The server does not support the action "
      "requested by the browser." },
    { 502, "Bad Gateway", "The proxy server received an invalid response "
      "from an upstream server." },
    { 503, "Service Unavailable", "The server is temporarily unable to "
      "service your request due to maintenance downtime or capacity "
      "problems. Please try again later." },
    { 504, "Gateway Timeout", "The connection to an upstream server timed "
      "out." },
    { 505, "HTTP Version Not Supported", "The server does not support the "
      "HTTP protocol version used in the request." },
};


static const gw_http_error_def_t *
gw_http_error_def(int status)
{
    size_t  i;

    for (i = 0; i < sizeof(gw_http_errors) / sizeof(gw_http_errors[0]);
         i++)
    {
        if (gw_http_errors[i].status == status) {
            return &gw_http_errors[i];
        }
    }
    return NULL;
}


const char *
gw_http_error_name(int status)
{
    const gw_http_error_def_t  *d = gw_http_error_def(status);

    return d ? d->name : NULL;
}


const char *
gw_http_error_description(int status)
{
    const gw_http_error_def_t  *d = gw_http_error_def(status);

    return d ? d->description : NULL;
}


/* markupsafe's escape(): the template engine's, the one escaper */
int
gw_html_escape(gw_buf_t *b, const char *s, size_t len)
{
    return tmpl_escape_append(b, s, len);
}


void
gw_response_reset(gw_response_t *resp)
{
    resp->nheaders = 0;
    gw_response_clear_body(resp);
}


int
gw_http_error_set(gw_request_t *req, int status, const char *message)
{
    const gw_http_error_def_t  *d;

    d = gw_http_error_def(status);
    if (d == NULL) {
        /* abort(499) is a LookupError in Flask: a bug, so a 500 */
        gw_log(req->env, GW_LOG_ERR, "abort(%d): not an HTTP error status",
               status);
        d = gw_http_error_def(500);
        message = NULL;
    }

    req->has_error = 1;
    req->error.status = d->status;
    req->error.name = d->name;
    req->error.description = message ? message : d->description;
    return GW_ABORT;
}


int
gw_abort(gw_request_t *req, int status, const char *message)
{
    if (message != NULL) {
        /* the caller's string may not outlive its frame */
        message = gw_arena_strdup(req->arena, message);
    }
    return gw_http_error_set(req, status, message);
}


int
gw_fail(gw_request_t *req, const char *fmt, ...)
{
    va_list  ap;
    char     msg[1024];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    /* kept for DEBUG's 500 page; the log gets it either way */
    req->cause_logged = 1;
    req->cause = gw_arena_printf(req->arena, "%s %.*s: %s",
                                 req->route ? req->route->endpoint : "-",
                                 (int) req->path.len, req->path.data, msg);
    gw_log(req->env, GW_LOG_ERR, "%s", req->cause ? req->cause : msg);
    return GW_ERROR;
}


const gw_http_error_t *
gw_request_error(const gw_request_t *req)
{
    return req->has_error ? &req->error : NULL;
}


/* Werkzeug's HTTPException.get_body(), byte for byte */
int
gw_error_page(gw_request_t *req, gw_response_t *resp,
    const gw_http_error_t *err)
{
    gw_buf_t  b;
    char      code[16];

    gw_buf_init(&b, req->arena, 512);
    snprintf(code, sizeof(code), "%d ", err->status);

    if (gw_buf_appends(&b, "<!doctype html>\n<html lang=en>\n<title>")
        || gw_buf_appends(&b, code)
        || gw_html_escape(&b, err->name, strlen(err->name))
        || gw_buf_appends(&b, "</title>\n<h1>")
        || gw_html_escape(&b, err->name, strlen(err->name))
        || gw_buf_appends(&b, "</h1>\n<p>")
        || gw_html_escape(&b, err->description, strlen(err->description))
        || gw_buf_appends(&b, "</p>\n"))
    {
        return GW_ERROR;
    }

    /* DEBUG: the cause on the page too, for the developer at the browser */
    if (err->status == 500 && req->app->debug && req->cause != NULL
        && (gw_buf_appends(&b, "<h2>Cause (DEBUG is on)</h2>\n<pre>")
            || gw_html_escape(&b, req->cause, strlen(req->cause))
            || gw_buf_appends(&b, "</pre>\n")))
    {
        return GW_ERROR;
    }

    gw_response_set_status(resp, err->status);
    if (gw_response_set_header(resp, "Content-Type",
                               "text/html; charset=utf-8") != GW_OK)
    {
        return GW_ERROR;
    }
    gw_response_clear_body(resp);
    return gw_response_write_ref(resp, b.data, b.len);
}
