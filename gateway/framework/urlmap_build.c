/*
 * urlmap_build.c: url_for.  Picks the endpoint's first rule whose arguments
 * are all given (rules with more arguments are tried first, as Werkzeug
 * does), fills its converters in, and puts the other values in a query
 * string in the order they were given.
 */

#include "urlmap_internal.h"

#include <stdio.h>
#include <string.h>


static const gw_endpoint_t *
gw_urlmap_endpoint(const gw_urlmap_t *m, const char *name)
{
    size_t  lo, hi, mid;
    int     rc;

    lo = 0;
    hi = m->nendpoints;
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        rc = strcmp(m->endpoints[mid].endpoint, name);
        if (rc == 0) {
            return &m->endpoints[mid];
        }
        if (rc < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}


/* A null value counts as not given, as Werkzeug drops None values. */
static json_t *
gw_build_value(json_t *values, const char *key)
{
    json_t  *v;

    if (values == NULL) {
        return NULL;
    }
    v = json_object_get(values, key);
    return json_is_null(v) ? NULL : v;
}


static int
gw_rule_is_arg(const gw_rule_t *r, const char *key)
{
    size_t  i;

    for (i = 0; i < r->nconvs; i++) {
        if (strcmp(r->convs[i]->var, key) == 0) {
            return 1;
        }
    }
    return 0;
}


/* quote_plus: the query's safe bytes kept, ' ' as '+'. */
static int
gw_build_quote_plus(gw_buf_t *b, gw_str_t s)
{
    gw_str_t  enc;
    size_t    start, i;

    if (gw_url_encode(b->arena, s, GW_URL_SAFE_QUERY " ", &enc) != GW_OK) {
        return GW_ERROR;
    }

    start = b->len;
    if (gw_buf_append(b, enc.data, enc.len) != GW_OK) {
        return GW_ERROR;
    }
    for (i = start; i < b->len; i++) {
        if (b->data[i] == ' ') {
            b->data[i] = '+';
        }
    }
    return GW_OK;
}


static int
gw_build_pair(const gw_urlmap_t *m, gw_buf_t *b, const char *key,
    json_t *value)
{
    gw_buf_t  t;
    gw_str_t  k;

    gw_buf_init(&t, b->arena, 32);
    if (gw_json_to_text(m, value, &t) != GW_OK) {
        return GW_ERROR;
    }

    k.data = key;
    k.len = strlen(key);

    if (gw_buf_putc(b, b->len ? '&' : '?') != GW_OK
        || gw_build_quote_plus(b, k) != GW_OK
        || gw_buf_putc(b, '=') != GW_OK
        || gw_build_quote_plus(b, gw_buf_str(&t)) != GW_OK)
    {
        return GW_ERROR;
    }
    return GW_OK;
}


static int
gw_build_query(const gw_urlmap_t *m, const gw_rule_t *r, json_t *values,
    gw_buf_t *q, char *msg, size_t msg_size)
{
    const char  *key;
    json_t      *value, *item;
    size_t       i;

    if (values == NULL) {
        return GW_OK;
    }

    json_object_foreach(values, key, value) {
        if (json_is_null(value) || gw_rule_is_arg(r, key)) {
            continue;
        }

        if (json_is_array(value)) {
            json_array_foreach(value, i, item) {
                if (json_is_null(item)) {
                    continue;
                }
                if (gw_build_pair(m, q, key, item) != GW_OK) {
                    goto invalid;
                }
            }
            continue;
        }

        if (gw_build_pair(m, q, key, value) != GW_OK) {
            goto invalid;
        }
    }
    return GW_OK;

invalid:

    snprintf(msg, msg_size, "value for '%s' cannot go in a query string",
             key);
    return GW_ERROR;
}


int
gw_urlmap_build(const gw_urlmap_t *m, gw_arena_t *a, const char *endpoint,
    json_t *values, gw_str_t *out, char *error, size_t error_size)
{
    const gw_endpoint_t  *ep;
    const gw_rule_t      *r, *best;
    const gw_piece_t     *pc;
    const char           *missing;
    char                  msg[256];
    gw_buf_t              b, q;
    size_t                i, j, nmissing, best_missing;

    out->data = NULL;
    out->len = 0;

    if (values != NULL && !json_is_object(values)) {
        snprintf(error, error_size, "could not build url for endpoint '%s': "
                 "values must be an object", endpoint);
        return GW_ERROR;
    }

    ep = gw_urlmap_endpoint(m, endpoint);
    if (ep == NULL) {
        snprintf(error, error_size, "could not build url for endpoint '%s': "
                 "no such endpoint", endpoint);
        return GW_ERROR;
    }

    /* the first rule with every argument given; else report the one that
     * came closest */
    r = best = NULL;
    best_missing = SIZE_MAX;
    missing = NULL;
    for (i = 0; i < ep->nrules && r == NULL; i++) {
        nmissing = 0;
        for (j = 0; j < ep->rules[i]->nconvs; j++) {
            if (gw_build_value(values, ep->rules[i]->convs[j]->var) == NULL) {
                nmissing++;
            }
        }
        if (nmissing == 0) {
            r = ep->rules[i];
        } else if (nmissing < best_missing) {
            best = ep->rules[i];
            best_missing = nmissing;
        }
    }

    if (r == NULL) {
        for (j = 0; j < best->nconvs; j++) {
            if (gw_build_value(values, best->convs[j]->var) == NULL) {
                missing = best->convs[j]->var;
                break;
            }
        }
        snprintf(error, error_size, "could not build url for endpoint '%s': "
                 "missing value for '%s'", endpoint, missing);
        return GW_ERROR;
    }

    gw_buf_init(&b, a, 128);
    gw_buf_init(&q, a, 0);

    for (i = 0; i < r->ntrace; i++) {
        pc = &r->trace[i];
        if (pc->conv == NULL) {
            if (gw_buf_append(&b, pc->text.data, pc->text.len) != GW_OK) {
                goto nomem;
            }
            continue;
        }

        if (gw_conv_to_url(m, pc->conv,
                           gw_build_value(values, pc->conv->var), &b,
                           msg, sizeof(msg)) != GW_OK)
        {
            goto failed;
        }
    }

    if (gw_build_query(m, r, values, &q, msg, sizeof(msg)) != GW_OK) {
        goto failed;
    }

    if (gw_buf_append(&b, q.data, q.len) != GW_OK
        || gw_buf_putc(&b, '\0') != GW_OK)
    {
        goto nomem;
    }

    out->data = b.data;
    out->len = b.len - 1;
    return GW_OK;

nomem:

    snprintf(msg, sizeof(msg), "out of memory");

failed:

    snprintf(error, error_size, "could not build url for endpoint '%s': %s",
             endpoint, msg);
    return GW_ERROR;
}
