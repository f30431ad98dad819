/*
 * urlmap_bench.c: does matching a URL cost more when the app has more
 * rules?  Builds one map of 10 rules and one of 500 (the kinds a site
 * has: resources with an int id, collections, static paths, pages, nested
 * resources) and times matches of paths that hit the last rules added.
 *
 *     urlmap_bench [ITERATIONS]
 *
 * Prints "rules=N ns_per_match=X" for each map and "ratio=X" (500 / 10).
 * CPU time of the process, best of a few rounds: the machine is shared,
 * and CPU time is what a busy neighbour disturbs least.
 */

#include <gateway.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_KINDS   5
#define BENCH_ROUNDS  5


static int
bench_rule(char *buf, size_t n, int i)
{
    switch (i % BENCH_KINDS) {
    case 0:
        return snprintf(buf, n, "/api/v1/res%d/<int:id>", i);
    case 1:
        return snprintf(buf, n, "/api/v1/res%d/", i);
    case 2:
        return snprintf(buf, n, "/static%d/<path:filename>", i);
    case 3:
        return snprintf(buf, n, "/pages/p%d", i);
    default:
        return snprintf(buf, n, "/users%d/<name>/posts/<int:post>", i);
    }
}


/* A path that only rule i matches. */
static int
bench_path(char *buf, size_t n, int i)
{
    switch (i % BENCH_KINDS) {
    case 0:
        return snprintf(buf, n, "/api/v1/res%d/42", i);
    case 1:
        return snprintf(buf, n, "/api/v1/res%d/", i);
    case 2:
        return snprintf(buf, n, "/static%d/css/site.css", i);
    case 3:
        return snprintf(buf, n, "/pages/p%d", i);
    default:
        return snprintf(buf, n, "/users%d/alice/posts/7", i);
    }
}


static gw_urlmap_t *
bench_map(int nrules)
{
    gw_urlmap_t  *m;
    char          rule[128], endpoint[32], error[256];
    int           i;

    m = gw_urlmap_create();
    if (m == NULL) {
        return NULL;
    }
    for (i = 0; i < nrules; i++) {
        bench_rule(rule, sizeof(rule), i);
        snprintf(endpoint, sizeof(endpoint), "ep%d", i);
        if (gw_urlmap_add(m, rule, endpoint, GW_METHOD_GET, NULL, error,
                          sizeof(error))
            != GW_OK)
        {
            fprintf(stderr, "urlmap_bench: %s\n", error);
            gw_urlmap_destroy(m);
            return NULL;
        }
    }
    return m;
}


/* ns per match over iterations, cycling through the last kinds of rule;
 * -1 when a path does not match the rule it was made for. */
static double
bench_time(gw_urlmap_t *m, int nrules, long iterations)
{
    struct timespec    t0, t1;
    gw_match_status_t  rc;
    gw_arena_t         arena;
    gw_match_t         match;
    gw_str_t           get = gw_string("GET");
    gw_str_t           paths[BENCH_KINDS];
    char               buf[BENCH_KINDS][128], endpoint[32];
    static char        seed[16384];
    long               i;
    int                k;

    for (k = 0; k < BENCH_KINDS; k++) {
        paths[k].data = buf[k];
        paths[k].len = (size_t) bench_path(buf[k], sizeof(buf[k]),
                                           nrules - BENCH_KINDS + k);
    }

    gw_arena_init(&arena, seed, sizeof(seed), 16384);

    /* check first: a benchmark of 404s would prove nothing */
    for (k = 0; k < BENCH_KINDS; k++) {
        snprintf(endpoint, sizeof(endpoint), "ep%d", nrules - BENCH_KINDS + k);
        rc = gw_urlmap_match(m, &arena, get, paths[k], &match);
        if (rc != GW_MATCH_OK || strcmp(match.endpoint, endpoint) != 0) {
            fprintf(stderr, "urlmap_bench: %s did not match %s (%d)\n",
                    buf[k], endpoint, (int) rc);
            json_decref(match.args);
            return -1;
        }
        json_decref(match.args);
        gw_arena_reset(&arena);
    }

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    for (i = 0; i < iterations; i++) {
        rc = gw_urlmap_match(m, &arena, get, paths[i % BENCH_KINDS], &match);
        if (rc != GW_MATCH_OK) {
            return -1;
        }
        json_decref(match.args);
        gw_arena_reset(&arena);
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);

    gw_arena_reset(&arena);
    return ((double) (t1.tv_sec - t0.tv_sec) * 1e9
            + (double) (t1.tv_nsec - t0.tv_nsec)) / (double) iterations;
}


int
main(int argc, char **argv)
{
    static const int  sizes[2] = { 10, 500 };
    gw_urlmap_t      *maps[2];
    double            best[2], ns;
    long              iterations;
    int               i, round, rc = 1;

    iterations = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
    if (iterations < 1) {
        iterations = 1;
    }

    maps[0] = bench_map(sizes[0]);
    maps[1] = bench_map(sizes[1]);
    if (maps[0] == NULL || maps[1] == NULL) {
        goto done;
    }

    /* rounds alternate between the maps so that a noisy moment of the
     * machine does not land on one of them only */
    best[0] = best[1] = -1;
    for (round = 0; round < BENCH_ROUNDS; round++) {
        for (i = 0; i < 2; i++) {
            ns = bench_time(maps[i], sizes[i], iterations);
            if (ns < 0) {
                goto done;
            }
            if (best[i] < 0 || ns < best[i]) {
                best[i] = ns;
            }
        }
    }

    for (i = 0; i < 2; i++) {
        printf("rules=%d ns_per_match=%.1f\n", sizes[i], best[i]);
    }
    printf("ratio=%.3f\n", best[1] / best[0]);
    rc = 0;

done:
    gw_urlmap_destroy(maps[0]);
    gw_urlmap_destroy(maps[1]);
    return rc;
}
