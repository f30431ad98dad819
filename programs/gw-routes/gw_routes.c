/*
 * gw_routes.c: lists a framework app's routes as `flask routes` does:
 *
 *     gw-routes [--sort endpoint|methods|rule|match] [--config KEY=VALUE]...
 *               APP.so
 *
 * The app is loaded as the servers load it (its setup() runs), so a rule
 * or template it cannot build is reported here too, and the exit status
 * is 1; bad usage is 2.
 */

#include "gateway.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char      *endpoint;
    char      *methods;     /* "GET, POST": HEAD and OPTIONS left out */
    char      *rule;
    size_t     order;
} gw_route_row_t;

typedef struct {
    gw_route_row_t  *rows;
    size_t           n;
    size_t           nalloc;
    gw_arena_t      *arena;     /* the rows and their strings */
} gw_route_rows_t;

static const char  *gw_routes_sort = "endpoint";


/* The methods as Flask prints them: sorted by name, without HEAD and
 * OPTIONS, which every GET rule and every rule has. */
static char *
gw_routes_methods(gw_arena_t *a, unsigned mask)
{
    static const struct { const char *name; unsigned bit; }  m[] = {
        { "DELETE", GW_METHOD_DELETE }, { "GET", GW_METHOD_GET },
        { "PATCH", GW_METHOD_PATCH }, { "POST", GW_METHOD_POST },
        { "PUT", GW_METHOD_PUT }
    };
    char    buf[64];
    size_t  i, len;

    if (mask == 0) {
        mask = GW_METHOD_GET;
    }
    buf[0] = '\0';
    for (i = 0, len = 0; i < sizeof(m) / sizeof(m[0]); i++) {
        if (mask & m[i].bit) {
            len += snprintf(buf + len, sizeof(buf) - len, "%s%s",
                            len ? ", " : "", m[i].name);
        }
    }
    return gw_arena_strdup(a, buf);
}


static int
gw_routes_add(void *ctx, const char *endpoint, unsigned methods,
    const char *rule)
{
    gw_route_rows_t  *t = ctx;
    gw_route_row_t   *r;

    if (gw_array_grow(t->arena, &t->rows, t->n, &t->nalloc,
                      sizeof(gw_route_row_t))
        != GW_OK)
    {
        return -1;
    }
    r = &t->rows[t->n];
    r->endpoint = gw_arena_strdup(t->arena, endpoint);
    r->methods = gw_routes_methods(t->arena, methods);
    r->rule = gw_arena_strdup(t->arena, rule);
    r->order = t->n;
    if (r->endpoint == NULL || r->methods == NULL || r->rule == NULL) {
        return -1;
    }
    t->n++;
    return 0;
}


/* Python's sorted() is stable: equal keys keep the order of addition. */
static int
gw_routes_cmp(const void *pa, const void *pb)
{
    const gw_route_row_t  *a = pa, *b = pb;
    int                    c;

    if (strcmp(gw_routes_sort, "match") == 0) {
        c = 0;
    } else if (strcmp(gw_routes_sort, "methods") == 0) {
        c = strcmp(a->methods, b->methods);
    } else if (strcmp(gw_routes_sort, "rule") == 0) {
        c = strcmp(a->rule, b->rule);
    } else {
        c = strcmp(a->endpoint, b->endpoint);
    }
    return c ? c : (a->order > b->order) - (a->order < b->order);
}


static void
gw_routes_print(gw_route_rows_t *t)
{
    static const char  *head[3] = { "Endpoint", "Methods", "Rule" };
    size_t              w[3], i, k;
    const char         *col[3];

    for (k = 0; k < 3; k++) {
        w[k] = strlen(head[k]);
    }
    for (i = 0; i < t->n; i++) {
        col[0] = t->rows[i].endpoint;
        col[1] = t->rows[i].methods;
        col[2] = t->rows[i].rule;
        for (k = 0; k < 3; k++) {
            if (strlen(col[k]) > w[k]) {
                w[k] = strlen(col[k]);
            }
        }
    }

    printf("%-*s  %-*s  %s\n", (int) w[0], head[0], (int) w[1], head[1],
           head[2]);
    for (k = 0; k < 3; k++) {
        for (i = 0; i < w[k]; i++) {
            putchar('-');
        }
        fputs(k < 2 ? "  " : "\n", stdout);
    }
    for (i = 0; i < t->n; i++) {
        printf("%-*s  %-*s  %s\n", (int) w[0], t->rows[i].endpoint,
               (int) w[1], t->rows[i].methods, t->rows[i].rule);
    }
}


static void
gw_routes_usage(FILE *f)
{
    fprintf(f, "usage: gw-routes [--sort endpoint|methods|rule|match] "
            "[--config KEY=VALUE]... APP.so\n");
}


int
main(int argc, char **argv)
{
    gw_loaded_app_t    h;
    gw_route_rows_t    t;
    gw_config_item_t  *config;
    const char        *path;
    char               error[1024], *eq;
    size_t             nconfig;
    int                k, rc;

    config = calloc((size_t) argc, sizeof(gw_config_item_t));
    if (config == NULL) {
        return 1;
    }
    nconfig = 0;
    path = NULL;
    rc = 2;

    for (k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
            gw_routes_usage(stdout);
            rc = 0;
            goto done;
        }
        if (strcmp(argv[k], "--sort") == 0 && k + 1 < argc
            && (strcmp(argv[k + 1], "endpoint") == 0
                || strcmp(argv[k + 1], "methods") == 0
                || strcmp(argv[k + 1], "rule") == 0
                || strcmp(argv[k + 1], "match") == 0))
        {
            gw_routes_sort = argv[++k];
        } else if (strcmp(argv[k], "--config") == 0 && k + 1 < argc
                   && (eq = strchr(argv[k + 1], '=')) != NULL)
        {
            *eq = '\0';
            config[nconfig].key = argv[++k];
            config[nconfig++].value = eq + 1;
        } else if (argv[k][0] != '-' && path == NULL) {
            path = argv[k];
        } else {
            gw_routes_usage(stderr);
            goto done;
        }
    }
    if (path == NULL) {
        gw_routes_usage(stderr);
        goto done;
    }

    rc = 1;
    if (gw_loader_open(&h, path, config, nconfig, "gw-routes", error,
                       sizeof(error))
        != GW_OK)
    {
        fprintf(stderr, "gw-routes: %s\n", error);
        goto done;
    }
    if (h.entry->call != gw_framework_call) {
        fprintf(stderr, "gw-routes: \"%s\" is not a framework app "
                "(GW_FRAMEWORK_APP): it has no routes to list\n", path);
        gw_loader_close(&h);
        goto done;
    }

    memset(&t, 0, sizeof(t));
    t.arena = gw_arena_create(0);
    if (t.arena != NULL && gw_app_each_route(h.app, gw_routes_add, &t) == 0) {
        qsort(t.rows, t.n, sizeof(gw_route_row_t), gw_routes_cmp);
        gw_routes_print(&t);
        rc = 0;
    } else {
        fprintf(stderr, "gw-routes: out of memory\n");
    }
    gw_arena_destroy(t.arena);
    gw_loader_close(&h);

done:

    free(config);
    return rc;
}
