/*
 * http_methods.c: HTTP method names to the bits rules are matched with, and back
 * to text for Allow headers.
 */

#include "gateway.h"

#include <strings.h>


static const struct {
    const char  *name;
    size_t       len;
    unsigned     bit;
} gw_methods[] = {
    { "GET",     3, GW_METHOD_GET },
    { "HEAD",    4, GW_METHOD_HEAD },
    { "POST",    4, GW_METHOD_POST },
    { "PUT",     3, GW_METHOD_PUT },
    { "DELETE",  6, GW_METHOD_DELETE },
    { "PATCH",   5, GW_METHOD_PATCH },
    { "OPTIONS", 7, GW_METHOD_OPTIONS },
};

#define GW_NMETHODS  (sizeof(gw_methods) / sizeof(gw_methods[0]))


/* Case-insensitive, as Werkzeug upper-cases the method before matching. */
unsigned
gw_method_bit(gw_str_t method)
{
    size_t  i;

    for (i = 0; i < GW_NMETHODS; i++) {
        if (method.len == gw_methods[i].len
            && strncasecmp(method.data, gw_methods[i].name, method.len) == 0)
        {
            return gw_methods[i].bit;
        }
    }
    return 0;
}


gw_str_t
gw_methods_format(gw_arena_t *a, unsigned mask)
{
    gw_str_t  s = gw_null_string;
    gw_buf_t  b;
    size_t    i;

    gw_buf_init(&b, a, 64);

    for (i = 0; i < GW_NMETHODS; i++) {
        if (!(mask & gw_methods[i].bit)) {
            continue;
        }
        if ((b.len && gw_buf_append(&b, ", ", 2) != GW_OK)
            || gw_buf_append(&b, gw_methods[i].name, gw_methods[i].len)
               != GW_OK)
        {
            return s;
        }
    }

    if (gw_buf_putc(&b, '\0') != GW_OK) {
        return s;
    }

    s.data = b.data;
    s.len = b.len - 1;
    return s;
}
