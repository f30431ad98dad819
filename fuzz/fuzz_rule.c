/*
 * fuzz_rule.c: rule parsing, matching and building.  The input is lines:
 * the first is a rule added to a map holding a few fixed rules, the others
 * are paths to match; every match's view args are then built back into a
 * URL, which must succeed.
 */

#include "gateway.h"

#include <stdlib.h>
#include <string.h>


static const char  *fixed[] = {
    "/", "/notes/", "/notes/<int:id>", "/files/<path:p>/raw",
    "/u/<uuid:u>", "/a/<any(x,'y z'):a>", "/f/<float(signed=True):f>",
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_urlmap_t  *m;
    gw_arena_t   *a;
    gw_match_t    match;
    gw_str_t      path, url, method = { "GET", 3 };
    const char   *p, *end, *nl;
    char         *rule, err[512];
    size_t        i;

    /* matching is a backtracking search like Werkzeug's regexes: keep
     * inputs small enough that it stays quick */
    if (size > 512) {
        return 0;
    }

    p = (const char *) data;
    end = p + size;
    nl = memchr(p, '\n', size);
    if (nl == NULL) {
        nl = end;
    }

    m = gw_urlmap_create();
    a = gw_arena_create(4096);
    rule = strndup(p, nl - p);
    if (m == NULL || a == NULL || rule == NULL) {
        goto done;
    }

    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        if (gw_urlmap_add(m, fixed[i], fixed[i], 0, NULL, err, sizeof(err))
            != GW_OK)
        {
            __builtin_trap();
        }
    }

    if (gw_urlmap_add(m, rule, "fuzzed", GW_METHOD_GET | GW_METHOD_POST,
                      NULL, err, sizeof(err)) != GW_OK)
    {
        if (strncmp(err, "rule '", 6) != 0) {
            __builtin_trap();
        }
    }

    for (p = nl; p < end; p = nl) {
        p++;
        nl = memchr(p, '\n', end - p);
        if (nl == NULL) {
            nl = end;
        }
        path.data = p;
        path.len = nl - p;

        if (gw_urlmap_match(m, a, method, path, &match) == GW_MATCH_OK) {
            if (gw_urlmap_build(m, a, match.endpoint, match.args, &url, err,
                                sizeof(err)) != GW_OK)
            {
                /* int(fixed_digits) and min/max are checked on match only;
                 * building from matched args cannot miss a value */
                if (strstr(err, "missing value") != NULL) {
                    __builtin_trap();
                }
            }
            json_decref(match.args);
        }
    }

done:

    free(rule);
    if (a != NULL) {
        gw_arena_destroy(a);
    }
    gw_urlmap_destroy(m);
    return 0;
}
