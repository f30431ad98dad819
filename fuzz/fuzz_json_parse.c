/*
 * fuzz_json_parse.c: the body parser against jansson's json_loadb with the
 * flags it stands in for: both must accept or refuse the same inputs, and
 * what both accept must be json_equal.  An accepted value also goes through
 * jsonify's writer and must read back equal.  Where jansson and Flask
 * differ (lone surrogates, NaN, 65-bit integers, BOMs, \u0000 in keys) the
 * parser refuses as jansson does.  One exception: jansson drops a NUL byte
 * that directly follows a number or a literal (its stream mistakes the
 * byte it puts back for the end of its buffer), so it takes "[1\0]"; we
 * refuse it, as Python does.  When only jansson accepts, the input without
 * such NULs must give us jansson's value.
 */

#include "gateway.h"
#include "framework/fw.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* data without the NUL bytes that follow a digit or a letter */
static json_t *
without_dropped_nuls(const uint8_t *data, size_t size)
{
    json_t  *v;
    char    *s;
    size_t   i, n;

    s = malloc(size + 1);
    if (s == NULL) {
        abort();
    }
    for (i = n = 0; i < size; i++) {
        if (data[i] == 0 && n > 0
            && ((s[n - 1] >= '0' && s[n - 1] <= '9')
                || ((s[n - 1] | 0x20) >= 'a' && (s[n - 1] | 0x20) <= 'z')))
        {
            continue;
        }
        s[n++] = data[i];
    }
    v = n < size ? gw_json_loadb(s, n, NULL) : NULL;
    free(s);
    return v;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t   jerr, gerr;
    json_t        *ours, *theirs, *back;
    gw_arena_t    *a;
    gw_buf_t       b;

    ours = gw_json_loadb((const char *) data, size, &gerr);
    theirs = json_loadb((const char *) data, size,
                        JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);

    if (ours == NULL && theirs != NULL) {
        ours = without_dropped_nuls(data, size);
    }
    if ((ours == NULL) != (theirs == NULL)) {
        fprintf(stderr, "decisions differ: ours %s (%s), jansson %s (%s)\n",
                ours ? "accepts" : "refuses", ours ? "" : gerr.text,
                theirs ? "accepts" : "refuses", theirs ? "" : jerr.text);
        abort();
    }
    if (ours == NULL) {
        return 0;
    }
    if (!json_equal(ours, theirs)) {
        fprintf(stderr, "values differ\n");
        abort();
    }

    a = gw_arena_create(4096);
    if (a == NULL) {
        abort();
    }
    gw_buf_init(&b, a, 256);
    if (gw_json_dump_buf(&b, ours) != GW_OK) {
        abort();
    }
    back = gw_json_loadb(b.data, b.len, NULL);
    if (back == NULL || !json_equal(back, ours)) {
        fprintf(stderr, "jsonify's bytes do not read back: %.*s\n",
                (int) (b.len > 400 ? 400 : b.len), b.data);
        abort();
    }

    json_decref(back);
    gw_arena_destroy(a);
    json_decref(ours);
    json_decref(theirs);
    return 0;
}
