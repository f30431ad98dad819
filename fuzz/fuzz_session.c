/*
 * fuzz_session.c: session cookie decoding.  The input is tried as a cookie
 * (it must never verify: the fuzzer cannot forge the HMAC), and, when it is
 * a JSON object, encoded and decoded back, which must give it unchanged.
 */

#include "gateway.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SECRET  "fuzz-secret"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_arena_t  *a;
    gw_str_t     cookie = { (const char *) data, size };
    json_t      *v, *back;
    char        *enc;

    v = gw_session_decode(SECRET, GW_SESSION_SHA256, cookie, 1795506551,
                          2678400);
    json_decref(v);
    v = gw_session_decode(SECRET, GW_SESSION_SHA1, cookie, 1795506551,
                          2678400);
    json_decref(v);

    v = json_loadb((const char *) data, size, 0, NULL);
    if (v == NULL || !json_is_object(v)) {
        json_decref(v);
        return 0;
    }

    a = gw_arena_create(4096);
    if (a == NULL) {
        abort();
    }
    /* both digests; Flask's tags (" t", " di") and compression on the way */
    enc = gw_session_encode(a, SECRET, size & 1, v, 1795506551);
    if (enc == NULL) {
        abort();
    }
    cookie.data = enc;
    cookie.len = strlen(enc);
    back = gw_session_decode(SECRET, size & 1, cookie, 1795506551 + 5,
                             2678400);
    if (back == NULL || !json_equal(v, back)) {
        abort();
    }
    /* a cookie signed with another key is refused */
    if (gw_session_decode("other", size & 1, cookie, 1795506551 + 5,
                          2678400))
    {
        abort();
    }

    json_decref(back);
    json_decref(v);
    gw_arena_destroy(a);
    return 0;
}
