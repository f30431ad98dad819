/*
 * fuzz_http_date.c: the HTTP date parser of If-Modified-Since (static
 * files).  A date it accepts, written back as an IMF-fixdate, must parse
 * to the same second.
 */

#include "framework/fw.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_str_t   s = { (const char *) data, size };
    int64_t    t, back;
    time_t     tt;
    struct tm  tm;
    char       buf[64];

    if (gw_http_date_parse(s, &t) != GW_OK) {
        return 0;
    }
    tt = (time_t) t;
    if (gmtime_r(&tt, &tm) == NULL) {
        abort();
    }
    s.len = strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    s.data = buf;
    if (tm.tm_year + 1900 <= 9999
        && (gw_http_date_parse(s, &back) != GW_OK || back != t))
    {
        abort();
    }
    return 0;
}
