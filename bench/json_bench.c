/*
 * json_bench.c: in-process JSON rows of `make bench`: the body parser
 * against jansson's json_loadb, and jsonify's writer against json_dumps
 * with the flags closest to Flask's bytes, on one document read from a
 * file, in MB/s of that document's bytes.
 *
 *     json_bench FILE ITERATIONS     prints parse_ours= parse_jansson=
 *                                    dump_ours= dump_jansson= (MB/s)
 *
 * Each figure is the best of twenty batches, ours and jansson's taking
 * turns, so that a busy spell of the neighbours weighs on both (a busy
 * neighbour only adds time).
 */

#include "gateway.h"
#include "framework/fw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCHES  20


static double
now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}


static double
parse_batch(int ours, const char *doc, size_t len, long n)
{
    double   t;
    json_t  *v;
    long     i;

    {
        t = now();
        for (i = 0; i < n; i++) {
            v = ours ? gw_json_loadb(doc, len, NULL)
                     : json_loadb(doc, len, JSON_DECODE_ANY | JSON_ALLOW_NUL,
                                  NULL);
            if (v == NULL) {
                fprintf(stderr, "json_bench: the document does not parse\n");
                exit(1);
            }
            json_decref(v);
        }
        t = now() - t;
    }
    return t / n;
}


static double
dump_batch(int ours, gw_arena_t *a, const json_t *doc, long n)
{
    gw_buf_t     b;
    double       t;
    char        *s;
    long         i;

    {
        t = now();
        for (i = 0; i < n; i++) {
            if (ours) {
                /* as a request does it: a buffer in an arena reset after */
                gw_buf_init(&b, a, 256);
                if (gw_json_dump_buf(&b, doc) != GW_OK) {
                    exit(1);
                }
                gw_arena_reset(a);
            } else {
                s = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS
                                    | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
                free(s);
            }
        }
        t = now() - t;
    }
    return t / n;
}


int
main(int argc, char **argv)
{
    FILE    *f;
    char    *doc;
    size_t   len;
    long         n;
    json_t      *v;
    double       mb, t[4], best[4];
    gw_arena_t  *a;
    int          i, k;

    if (argc != 3) {
        fprintf(stderr, "usage: json_bench FILE ITERATIONS\n");
        return 2;
    }
    f = fopen(argv[1], "rb");
    if (f == NULL) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    rewind(f);
    doc = malloc(len + 1);
    if (doc == NULL || fread(doc, 1, len, f) != len) {
        return 1;
    }
    fclose(f);
    n = atol(argv[2]);
    n = n > 0 ? n : 1;

    v = gw_json_loadb(doc, len, NULL);
    if (v == NULL) {
        fprintf(stderr, "json_bench: %s does not parse\n", argv[1]);
        return 1;
    }
    a = gw_arena_create(1 << 16);
    if (a == NULL) {
        return 1;
    }
    for (i = 0; i < 4; i++) {
        best[i] = 1e30;
    }
    for (k = 0; k < BATCHES; k++) {
        t[0] = parse_batch(1, doc, len, n);
        t[1] = parse_batch(0, doc, len, n);
        t[2] = dump_batch(1, a, v, n);
        t[3] = dump_batch(0, a, v, n);
        for (i = 0; i < 4; i++) {
            best[i] = t[i] < best[i] ? t[i] : best[i];
        }
    }
    mb = len / 1e6;
    printf("bytes=%zu parse_ours=%.1f parse_jansson=%.1f dump_ours=%.1f "
           "dump_jansson=%.1f\n", len, mb / best[0], mb / best[1],
           mb / best[2], mb / best[3]);
    gw_arena_destroy(a);
    json_decref(v);
    free(doc);
    return 0;
}
