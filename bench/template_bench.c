/*
 * template_bench.c: the template engine in-process, timed on a page, for
 * comparison with Jinja2 (bench/template_bench.py does the same in
 * Python with the same templates, context and helper functions).
 *
 *     template_bench TEMPLATE_DIR NAME CONTEXT.json ITERATIONS
 *     template_bench TEMPLATE_DIR NAME CONTEXT.json --print
 *
 * The context file holds the template's variables plus "_endpoint" (what
 * request.endpoint says); the session is empty, as a visitor's who has
 * not logged in.  url_for() is a fixed table, as in the Python
 * twin, so that both time the engine rather than URL building.  Time is
 * the process's CPU time, which a busy neighbour disturbs least, of the
 * cheapest of BENCH_BATCHES batches of ITERATIONS / BENCH_BATCHES renders.
 */

#include <gateway.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#define BENCH_BATCHES  10


/* endpoint -> prefix, and the one argument appended to it (or NULL); the
 * lengths are known, as they are to the dict of the Python twin */
#define BENCH_S(s)  s, sizeof(s) - 1

static const struct {
    const char  *endpoint;
    size_t       endpoint_len;
    const char  *prefix;
    size_t       prefix_len;
    const char  *arg;
} bench_urls[] = {
    { BENCH_S("static"), BENCH_S("/static/"), "filename" },
    { BENCH_S("pages.index"), BENCH_S("/"), NULL },
    { BENCH_S("pages.note"), BENCH_S("/notes/"), "id" },
    { BENCH_S("pages.tag"), BENCH_S("/tags/"), "tag" },
    { BENCH_S("api.list_notes"), BENCH_S("/api/notes/"), NULL },
    { BENCH_S("api.get_note"), BENCH_S("/api/notes/"), "id" },
    { BENCH_S("auth.login"), BENCH_S("/login"), NULL },
};


/*
 * The argument form, as the framework registers url_for: the engine passes
 * borrowed views and the result is written into the page.  Written to cost
 * about what the Python twin's dict lookups do, so that the row times the
 * engine: one reserve, then plain copies, no printf.
 */
static int
bench_url_for(void *fn_data, void *render_data, const gw_tmpl_arg_t *args,
    size_t nargs, gw_buf_t *out, char *error, size_t n)
{
    const gw_tmpl_arg_t  *a = NULL;
    size_t                i, j;
    char                  digits[24], *d, *p;
    json_int_t            v;
    int                   neg;

    if (nargs == 0 || args[0].name != NULL || args[0].type != JSON_STRING) {
        snprintf(error, n, "url_for: needs an endpoint");
        return GW_ERROR;
    }
    for (i = 0; i < sizeof(bench_urls) / sizeof(bench_urls[0]); i++) {
        if (bench_urls[i].endpoint_len == args[0].len
            && memcmp(bench_urls[i].endpoint, args[0].s, args[0].len) == 0)
        {
            break;
        }
    }
    if (i == sizeof(bench_urls) / sizeof(bench_urls[0])) {
        snprintf(error, n, "url_for: unknown endpoint");
        return GW_ERROR;
    }
    for (j = 1; bench_urls[i].arg != NULL && j < nargs; j++) {
        if (args[j].name != NULL && args[j].name[0] == bench_urls[i].arg[0]
            && strcmp(args[j].name, bench_urls[i].arg) == 0)
        {
            a = &args[j];
        }
    }
    if (bench_urls[i].arg != NULL
        && (a == NULL
            || (a->type != JSON_INTEGER && a->type != JSON_STRING)))
    {
        snprintf(error, n, "url_for: missing argument");
        return GW_ERROR;
    }

    /* the digits of an integer argument, backwards */
    d = digits + sizeof(digits);
    if (a != NULL && a->type == JSON_INTEGER) {
        v = a->i;
        neg = v < 0;
        do {
            *--d = (char) ('0' + (neg ? -(v % 10) : v % 10));
            v /= 10;
        } while (v != 0);
        if (neg) {
            *--d = '-';
        }
    }
    if (gw_buf_reserve(out, bench_urls[i].prefix_len + sizeof(digits)
                            + (a != NULL ? a->len : 0))
        != GW_OK)
    {
        return GW_ERROR;
    }
    p = out->data + out->len;
    memcpy(p, bench_urls[i].prefix, bench_urls[i].prefix_len);
    p += bench_urls[i].prefix_len;
    if (a != NULL && a->type == JSON_STRING) {
        memcpy(p, a->s, a->len);
        p += a->len;
    } else {
        memcpy(p, d, (size_t) (digits + sizeof(digits) - d));
        p += digits + sizeof(digits) - d;
    }
    out->len = (size_t) (p - out->data);
    return GW_OK;
}


static int
bench_flashed(void *fn_data, void *render_data, json_t *args, json_t *kwargs,
    json_t **result, char *error, size_t n)
{
    *result = json_array();
    return *result ? GW_OK : GW_ERROR;
}


int
main(int argc, char **argv)
{
    struct timespec   t0, t1;
    gw_tmpl_env_t    *env;
    json_error_t      jerr;
    gw_arena_t       *a;
    gw_buf_t          out;
    json_t           *ctx, *request;
    const char       *name;
    long              i, k, per, iterations;
    double            us, best;
    char              error[1024];
    int               print, rc = 1;

    if (argc != 5) {
        fprintf(stderr, "usage: %s TEMPLATE_DIR NAME CONTEXT.json "
                "ITERATIONS|--print\n", argv[0]);
        return 2;
    }
    name = argv[2];
    print = strcmp(argv[4], "--print") == 0;
    iterations = print ? 1 : strtol(argv[4], NULL, 10);
    if (iterations < 1) {
        iterations = 1;
    }

    ctx = json_load_file(argv[3], 0, &jerr);
    if (ctx == NULL) {
        fprintf(stderr, "%s:%d: %s\n", argv[3], jerr.line, jerr.text);
        return 1;
    }
    request = json_pack("{sO}", "endpoint",
                        json_object_get(ctx, "_endpoint"));
    json_object_del(ctx, "_endpoint");

    env = gw_tmpl_env_create();
    a = gw_arena_create(65536);
    if (env == NULL || a == NULL || request == NULL
        || gw_tmpl_env_add_path(env, argv[1]) != GW_OK
        || gw_tmpl_env_add_global_new(env, "request", request) != GW_OK
        || gw_tmpl_env_add_global_new(env, "session", json_object())
           != GW_OK
        || gw_tmpl_env_add_function_args(env, "url_for", bench_url_for,
                                         NULL) != GW_OK
        || gw_tmpl_env_add_function(env, "get_flashed_messages",
                                    bench_flashed, NULL) != GW_OK)
    {
        fprintf(stderr, "template_bench: out of memory\n");
        goto done;
    }
    if (gw_tmpl_env_load_all(env, error, sizeof(error)) != GW_OK) {
        fprintf(stderr, "template_bench: %s\n", error);
        goto done;
    }

    /* the cheapest of the batches: a busy neighbour only ever adds time */
    per = iterations / BENCH_BATCHES > 0 ? iterations / BENCH_BATCHES : 1;
    best = -1;
    for (k = 0; k < (print ? 1 : BENCH_BATCHES); k++) {
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
        for (i = 0; i < per; i++) {
            gw_arena_reset(a);
            gw_buf_init(&out, a, 16384);
            if (gw_tmpl_render(env, name, ctx, NULL, a, &out, error,
                               sizeof(error))
                != GW_OK)
            {
                fprintf(stderr, "template_bench: %s\n", error);
                goto done;
            }
        }
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
        us = ((double) (t1.tv_sec - t0.tv_sec) * 1e6
              + (double) (t1.tv_nsec - t0.tv_nsec) / 1e3) / (double) per;
        if (best < 0 || us < best) {
            best = us;
        }
    }

    if (print) {
        rc = fwrite(out.data, 1, out.len, stdout) == out.len ? 0 : 1;
        goto done;
    }

    printf("us_per_render=%.2f bytes=%zu\n", best, out.len);
    rc = 0;

done:
    gw_tmpl_env_destroy(env);
    gw_arena_destroy(a);
    json_decref(ctx);
    return rc;
}
