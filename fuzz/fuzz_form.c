/*
 * fuzz_form.c: request bodies through gw_parse_form.  The first byte picks
 * the content type, so the dispatch, urlencoded bodies and multipart
 * bodies (with a fixed boundary) all get fuzzed.
 */

#include "gateway.h"

#include <string.h>


static const char  *types[] = {
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-8",
    "multipart/form-data; boundary=XX",
    "multipart/form-data; boundary=\"a b\"",
    "multipart/form-data",
    "text/plain",
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_arena_t      *a;
    gw_multidict_t   form;
    gw_files_t       files;
    const char      *err, *ct;
    gw_str_t         type, body;
    size_t           i;

    if (size == 0) {
        return 0;
    }

    a = gw_arena_create(4096);
    if (a == NULL) {
        return 0;
    }

    ct = types[data[0] % (sizeof(types) / sizeof(types[0]))];
    type.data = ct;
    type.len = strlen(ct);
    body.data = (const char *) data + 1;
    body.len = size - 1;

    memset(&form, 0, sizeof(form));
    memset(&files, 0, sizeof(files));
    err = NULL;

    if (gw_parse_form(a, type, body, &form, &files, &err) != GW_OK) {
        if (err == NULL) {
            __builtin_trap();
        }
    } else {
        for (i = 0; i < files.n; i++) {
            /* file data is a view into the body */
            if (files.items[i].data.len
                && (files.items[i].data.data < body.data
                    || files.items[i].data.data + files.items[i].data.len
                       > body.data + body.len))
            {
                __builtin_trap();
            }
        }
    }

    gw_arena_destroy(a);
    return 0;
}
