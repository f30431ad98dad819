/*
 * echo.c: the "hello world" of the gateway interface.  Answers every request
 * with its environ as a JSON object, body included, so one can see exactly
 * what a server hands an application.
 *
 * For trying a server's response path, request headers ask for more:
 *   X-Echo-Status: 201            answer with that status
 *   X-Echo-Header: Name: value    add a response header (repeatable)
 *   X-Echo-Fail: 1                fail, which the server turns into a 500
 *   X-Echo-Sleep: 500             take that many milliseconds (a slow app)
 */

#include <gateway.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>


static int
echo_add_headers(gw_environ_t *env, gw_response_t *resp, gw_str_t spec)
{
    const char  *p, *end, *item, *colon;
    gw_str_t     name, value;

    /* the server joined repeated X-Echo-Header lines with ", " */
    p = spec.data;
    end = spec.data + spec.len;

    while (p < end) {
        item = p;
        while (p < end && !(p[0] == ',' && p + 1 < end && p[1] == ' ')) {
            p++;
        }

        colon = memchr(item, ':', (size_t) (p - item));
        if (colon != NULL) {
            name.data = item;
            name.len = (size_t) (colon - item);
            value.data = colon + 1;
            while (value.data < p && *value.data == ' ') {
                value.data++;
            }
            value.len = (size_t) (p - value.data);

            if (gw_response_add_headern(resp, name, value) != GW_OK) {
                gw_log(env, GW_LOG_ERR, "echo: refused header \"%.*s\"",
                       (int) name.len, name.data);
                return GW_ERROR;
            }
        }

        p += (p < end) ? 2 : 0;
    }

    return GW_OK;
}


static int
echo_call(void *app, gw_environ_t *env, gw_response_t *resp)
{
    json_t          *obj, *v;
    size_t           i, len;
    char            *out;
    const gw_str_t  *s;

    s = gw_environ_get(env, "HTTP_X_ECHO_FAIL");
    if (s != NULL) {
        gw_log(env, GW_LOG_ERR, "echo: failing on request (X-Echo-Fail)");
        return GW_ERROR;
    }

    s = gw_environ_get(env, "HTTP_X_ECHO_SLEEP");
    if (s != NULL) {
        long             ms = strtol(s->data, NULL, 10);
        struct timespec  ts = { ms / 1000, (ms % 1000) * 1000000 };

        /* said first, so a test knows the request is inside the app */
        gw_log(env, GW_LOG_INFO, "echo: sleeping %ld ms", ms);
        nanosleep(&ts, NULL);
    }

    obj = json_object();
    if (obj == NULL) {
        return GW_ERROR;
    }

    for (i = 0; i < env->nentries; i++) {
        /* json_stringn refuses invalid UTF-8: keep such bytes visible */
        v = json_stringn(env->entries[i].value.data,
                         env->entries[i].value.len);
        if (v == NULL) {
            v = json_string("<binary>");
        }
        if (json_object_setn_new(obj, env->entries[i].key.data,
                                 env->entries[i].key.len, v) != 0)
        {
            json_decref(obj);
            return GW_ERROR;
        }
    }

    len = json_dumpb(obj, NULL, 0, JSON_COMPACT);
    out = gw_arena_alloc(env->arena, len + 1);
    if (out == NULL) {
        json_decref(obj);
        return GW_ERROR;
    }
    json_dumpb(obj, out, len, JSON_COMPACT);
    out[len++] = '\n';
    json_decref(obj);

    s = gw_environ_get(env, "HTTP_X_ECHO_STATUS");
    if (s != NULL) {
        gw_response_set_status(resp, (int) strtol(s->data, NULL, 10));
    }

    if (gw_response_add_header(resp, "Content-Type", "application/json")
        != GW_OK)
    {
        return GW_ERROR;
    }

    s = gw_environ_get(env, "HTTP_X_ECHO_HEADER");
    if (s != NULL && echo_add_headers(env, resp, *s) != GW_OK) {
        return GW_ERROR;
    }

    return gw_response_write_ref(resp, out, len);
}


GW_APP("echo", NULL, NULL, echo_call, NULL);
