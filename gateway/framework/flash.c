/*
 * flash.c: Flask's message flashing, kept in the session under "_flashes"
 * as [category, message] pairs until a later request reads them.
 */

#include "fw.h"

#include <string.h>


int
gw_flash(gw_request_t *req, const char *message, const char *category)
{
    gw_str_t  m, c = gw_null_string;

    if (message == NULL) {
        return gw_fail(req, "flash: no message");
    }
    m.data = message;
    m.len = strlen(message);
    if (category != NULL) {
        c.data = category;
        c.len = strlen(category);
    }
    return gw_flashn(req, m, c);
}


int
gw_flashn(gw_request_t *req, gw_str_t message, gw_str_t category)
{
    json_t  *s, *list, *pair;

    s = gw_session(req);
    if (s == NULL) {
        return gw_fail(req, "flash: out of memory");
    }

    list = json_object_get(s, "_flashes");
    if (!json_is_array(list)) {
        list = json_array();
        if (json_object_set_new(s, "_flashes", list) != 0) {
            return gw_fail(req, "flash: out of memory");
        }
    }

    if (category.data == NULL) {
        category.data = "message";
        category.len = 7;
    }
    pair = json_pack("[s#s#]", category.data, category.len, message.data,
                     message.len);
    if (pair == NULL || json_array_append_new(list, pair) != 0) {
        return gw_fail(req, "flash: out of memory or bad UTF-8");
    }
    return GW_OK;
}


json_t *
gw_get_flashed_messages(gw_request_t *req, int with_categories)
{
    json_t  *s, *list, *out, *pair;
    size_t   i;

    if (!req->flashes_done) {
        s = gw_session(req);
        if (s == NULL) {
            return NULL;
        }

        /* popped once; the rest of the request sees the same list */
        list = json_object_get(s, "_flashes");
        if (json_is_array(list)) {
            json_incref(list);
            json_object_del(s, "_flashes");
        } else {
            list = json_array();
        }
        if (gw_json_arena_own(req->arena, list) != GW_OK) {
            return NULL;
        }
        req->flashes = list;
        req->flashes_done = 1;
    }

    if (with_categories) {
        return req->flashes;
    }

    out = json_array();
    if (gw_json_arena_own(req->arena, out) != GW_OK) {
        return NULL;
    }
    json_array_foreach(req->flashes, i, pair) {
        json_array_append(out, json_array_get(pair, 1));
    }
    return out;
}
