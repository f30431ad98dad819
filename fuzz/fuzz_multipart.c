/*
 * fuzz_multipart.c: multipart/form-data bodies.  The input is
 * "boundary\n" then the body, so boundaries get fuzzed too.
 */

#include "gateway.h"

#include <stdio.h>
#include <string.h>


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_arena_t      *a;
    gw_multidict_t   form;
    gw_files_t       files;
    const char      *err, *nl;
    gw_str_t         type, body;
    char             ct[300];
    size_t           i, blen;

    nl = memchr(data, '\n', size < 100 ? size : 100);
    if (nl == NULL) {
        return 0;
    }
    blen = nl - (const char *) data;

    a = gw_arena_create(4096);
    if (a == NULL) {
        return 0;
    }

    type.len = snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%.*s",
                        (int) blen, (const char *) data);
    type.data = ct;
    body.data = nl + 1;
    body.len = size - blen - 1;

    memset(&form, 0, sizeof(form));
    memset(&files, 0, sizeof(files));
    err = NULL;

    if (gw_parse_form(a, type, body, &form, &files, &err) != GW_OK) {
        if (err == NULL) {
            __builtin_trap();
        }
    } else {
        for (i = 0; i < form.n; i++) {
            if (form.items[i].value.len
                && (form.items[i].value.data < body.data
                    || form.items[i].value.data + form.items[i].value.len
                       > body.data + body.len))
            {
                __builtin_trap();
            }
        }
        for (i = 0; i < files.n; i++) {
            if (files.items[i].data.len > body.len) {
                __builtin_trap();
            }
        }
    }

    gw_arena_destroy(a);
    return 0;
}
