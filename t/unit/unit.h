/*
 * unit.h: helpers shared by the unit tests.  Each t/unit/test_*.c is its own
 * program, so they are static and a test includes only this header.
 */

#ifndef UNIT_H
#define UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gateway.h"


/* The fixtures of a group: setup_arena()/setup_map() make them. */
static gw_arena_t   *arena __attribute__((unused));
static gw_urlmap_t  *map __attribute__((unused));


static inline gw_str_t
str(const char *s)
{
    gw_str_t  r = { s, strlen(s) };
    return r;
}


/* A file the build made: GW_BUILD (build or build-san) "/" rel. */
static inline const char *
build_path(const char *rel)
{
    static char  path[1024];
    const char  *build;

    build = getenv("GW_BUILD");
    snprintf(path, sizeof(path), "%s/%s", build ? build : "build", rel);
    return path;
}


/* dir "/" name holding text, for tests that need files. */
static inline void
write_file(const char *dir, const char *name, const char *text)
{
    char   path[4096];
    FILE  *f;

    assert_true((size_t) snprintf(path, sizeof(path), "%s/%s", dir, name)
                < sizeof(path));
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}


static inline void
assert_gw_str(const gw_str_t *s, const char *expect)
{
    assert_non_null(s);
    assert_int_equal(s->len, strlen(expect));
    assert_memory_equal(s->data, expect, s->len);
}


/* expect: key, value, key, value, ..., NULL, exactly d's items in order.
 * Lengths are taken with strlen, so values with NULs are checked apart. */
static inline void
assert_pairs_va(const gw_multidict_t *d, va_list ap)
{
    const char  *k, *v;
    size_t       i;

    for (i = 0; (k = va_arg(ap, const char *)) != NULL; i++) {
        v = va_arg(ap, const char *);
        assert_true(i < d->n);
        assert_int_equal(d->items[i].key.len, strlen(k));
        assert_memory_equal(d->items[i].key.data, k, strlen(k));
        assert_int_equal(d->items[i].value.len, strlen(v));
        assert_memory_equal(d->items[i].value.data, v, strlen(v));
    }

    assert_int_equal(d->n, i);
}


static inline int
setup_arena(void **state)
{
    arena = gw_arena_create(4096);
    return arena == NULL;
}


static inline int
teardown_arena(void **state)
{
    gw_arena_destroy(arena);
    return 0;
}


static inline int
setup_map(void **state)
{
    arena = gw_arena_create(4096);
    map = gw_urlmap_create();
    return arena == NULL || map == NULL;
}


static inline int
teardown_map(void **state)
{
    gw_urlmap_destroy(map);
    gw_arena_destroy(arena);
    return 0;
}


/* Add a rule to map or fail the test; the rule's data is &map, so that a
 * match can be seen to return it. */
static inline void
add(const char *rule, const char *endpoint, unsigned methods)
{
    char  err[256];

    err[0] = '\0';
    if (gw_urlmap_add(map, rule, endpoint, methods, &map, err, sizeof(err))
        != GW_OK)
    {
        fail_msg("%s", err);
    }
}


/* A test run with a fresh arena and map. */
#define map_unit_test(f)                                                      \
    cmocka_unit_test_setup_teardown(f, setup_map, teardown_map)

#endif /* UNIT_H */
