/*
 * json_share.c: the lifetimes of JSON values.  Request-time values are
 * handed to the request's arena.  Load-time JSON is read by every thread:
 * jansson counts references even on reads (json_incref when a value is put
 * in a context), and its immortality check is a plain read racing with
 * those writes; a frozen value is immortal, like json_true(), so readers
 * write nothing.
 */

#include "fw.h"


static void
gw_json_decref_cb(void *p)
{
    json_decref(p);
}


int
gw_json_arena_own(gw_arena_t *a, json_t *v)
{
    if (v == NULL || gw_arena_cleanup_add(a, gw_json_decref_cb, v) != GW_OK) {
        json_decref(v);
        return GW_ERROR;
    }
    return GW_OK;
}


void
gw_json_freeze(json_t *v)
{
    const char  *key;
    json_t      *item;
    size_t       i;

    if (v == NULL || v->refcount == (size_t) -1) {
        return;
    }

    if (json_is_object(v)) {
        json_object_foreach(v, key, item) {
            gw_json_freeze(item);
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, item) {
            gw_json_freeze(item);
        }
    }
    v->refcount = (size_t) -1;
}


/* Give each value back one reference per parent (and the caller's), so
 * that the final decref frees the tree as jansson built it. */
static void
gw_json_thaw(json_t *v)
{
    const char  *key;
    json_t      *item;
    size_t       i;

    if (v == NULL || json_is_true(v) || json_is_false(v) || json_is_null(v)) {
        return;
    }

    if (v->refcount != (size_t) -1) {
        /* already thawed through another parent */
        v->refcount++;
        return;
    }
    v->refcount = 1;

    if (json_is_object(v)) {
        json_object_foreach(v, key, item) {
            gw_json_thaw(item);
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, item) {
            gw_json_thaw(item);
        }
    }
}


void
gw_json_thaw_decref(json_t *v)
{
    if (v != NULL && v->refcount != (size_t) -1) {
        /* never frozen (a load that failed half-way) */
        json_decref(v);
        return;
    }
    gw_json_thaw(v);
    json_decref(v);
}
