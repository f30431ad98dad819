/*
 * response.c: what an application fills in.  Headers are checked as they are
 * added, so nothing a server writes out can split a response; the body is a
 * list of segments the server sends without copying.
 */

#include "gw_core.h"

#include <string.h>
#include <strings.h>


void
gw_response_init(gw_response_t *r, gw_arena_t *a)
{
    memset(r, 0, sizeof(*r));
    r->status = 200;
    r->arena = a;
}


void
gw_response_set_status(gw_response_t *r, int status)
{
    r->status = status;
}


/* RFC 9110 token characters */
static int
gw_is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9'))
    {
        return 1;
    }
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}


int
gw_response_add_headern(gw_response_t *r, gw_str_t name, gw_str_t value)
{
    gw_header_t    *h;
    size_t          i;
    unsigned char   c;

    if (name.len == 0) {
        return GW_ERROR;
    }
    for (i = 0; i < name.len; i++) {
        if (!gw_is_tchar((unsigned char) name.data[i])) {
            return GW_ERROR;
        }
    }
    /* RFC 9110 5.5: no control characters but tab; CR and LF would split
     * the response, and the others break the clients that read it */
    for (i = 0; i < value.len; i++) {
        c = (unsigned char) value.data[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return GW_ERROR;
        }
    }

    if (gw_array_grow(r->arena, &r->headers, r->nheaders, &r->nheaders_alloc,
                      sizeof(gw_header_t))
        != GW_OK)
    {
        return GW_ERROR;
    }

    h = &r->headers[r->nheaders];
    h->name.data = gw_arena_strndup(r->arena, name.data, name.len);
    h->value.data = gw_arena_strndup(r->arena, value.data, value.len);
    if (h->name.data == NULL || h->value.data == NULL) {
        return GW_ERROR;
    }
    h->name.len = name.len;
    h->value.len = value.len;
    r->nheaders++;
    return GW_OK;
}


int
gw_response_add_header(gw_response_t *r, const char *name, const char *value)
{
    gw_str_t  n = { name, strlen(name) };
    gw_str_t  v = { value, strlen(value) };

    return gw_response_add_headern(r, n, v);
}


int
gw_response_remove_header(gw_response_t *r, const char *name)
{
    size_t  i, j, len;

    len = strlen(name);
    for (i = 0, j = 0; i < r->nheaders; i++) {
        if (r->headers[i].name.len == len
            && strncasecmp(r->headers[i].name.data, name, len) == 0)
        {
            continue;
        }
        r->headers[j++] = r->headers[i];
    }
    r->nheaders = j;
    return GW_OK;
}


int
gw_response_set_header(gw_response_t *r, const char *name, const char *value)
{
    gw_response_remove_header(r, name);
    return gw_response_add_header(r, name, value);
}


const gw_str_t *
gw_response_get_header(const gw_response_t *r, const char *name)
{
    size_t  i, len;

    len = strlen(name);
    for (i = 0; i < r->nheaders; i++) {
        if (r->headers[i].name.len == len
            && strncasecmp(r->headers[i].name.data, name, len) == 0)
        {
            return &r->headers[i].value;
        }
    }
    return NULL;
}


int
gw_response_write_ref(gw_response_t *r, const void *data, size_t len)
{
    if (len == 0) {
        return GW_OK;
    }

    if (gw_array_grow(r->arena, &r->body, r->nbody, &r->nbody_alloc,
                      sizeof(gw_str_t))
        != GW_OK)
    {
        return GW_ERROR;
    }

    r->body[r->nbody].data = data;
    r->body[r->nbody].len = len;
    r->nbody++;
    r->body_len += len;
    return GW_OK;
}


int
gw_response_write(gw_response_t *r, const void *data, size_t len)
{
    char  *p;

    if (len == 0) {
        return GW_OK;
    }

    p = gw_arena_alloc(r->arena, len);
    if (p == NULL) {
        return GW_ERROR;
    }

    memcpy(p, data, len);
    return gw_response_write_ref(r, p, len);
}


void
gw_response_clear_body(gw_response_t *r)
{
    r->nbody = 0;
    r->body_len = 0;
}


/* Werkzeug's HTTP_STATUS_CODES, what Flask sends */
const char *
gw_status_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 207: return "Multi Status";
    case 208: return "Already Reported";
    case 226: return "IM Used";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 305: return "Use Proxy";
    case 306: return "Switch Proxy";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Request Entity Too Large";
    case 414: return "Request URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Requested Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 418: return "I'm a teapot";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Entity";
    case 423: return "Locked";
    case 424: return "Failed Dependency";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 449: return "Retry With";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 506: return "Variant Also Negotiates";
    case 507: return "Insufficient Storage";
    case 508: return "Loop Detected";
    case 510: return "Not Extended";
    case 511: return "Network Authentication Failed";
    default:  return "";
    }
}
