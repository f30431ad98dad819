/*
 * json_response.c: JSON out, byte for byte as Flask 2.2's jsonify writes it
 * (json.dumps with separators (",", ":"), sort_keys, ensure_ascii, and a
 * trailing newline).  jansson's own dump differs (upper-case \u escapes,
 * %.17g reals), hence this writer; it fills an arena buffer, no malloc.
 */

#include "fw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char  gw_hex[] = "0123456789abcdef";


static int
gw_json_put_u(gw_buf_t *b, unsigned cp)
{
    char  e[6] = { '\\', 'u', gw_hex[(cp >> 12) & 15], gw_hex[(cp >> 8) & 15],
                   gw_hex[(cp >> 4) & 15], gw_hex[cp & 15] };

    return gw_buf_append(b, e, 6);
}


/* Decode one UTF-8 sequence (jansson has validated it); returns its length. */
static size_t
gw_utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
{
    size_t  n, i;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xe0) == 0xc0) {
        n = 2;
        *cp = s[0] & 0x1f;
    } else if ((s[0] & 0xf0) == 0xe0) {
        n = 3;
        *cp = s[0] & 0x0f;
    } else {
        n = 4;
        *cp = s[0] & 0x07;
    }
    if (n > len) {
        *cp = 0xfffd;
        return len;
    }
    for (i = 1; i < n; i++) {
        *cp = (*cp << 6) | (s[i] & 0x3f);
    }
    return n;
}


static int
gw_json_put_string(gw_buf_t *b, const char *str, size_t len)
{
    const unsigned char  *s = (const unsigned char *) str;
    size_t                i, start, n;
    unsigned              cp;
    const char           *rep;

    if (gw_buf_putc(b, '"') != GW_OK) {
        return GW_ERROR;
    }

    start = 0;
    for (i = 0; i < len; /* void */) {
        if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\') {
            i++;
            continue;
        }
        if (gw_buf_append(b, str + start, i - start) != GW_OK) {
            return GW_ERROR;
        }

        rep = NULL;
        switch (s[i]) {
        case '"':  rep = "\\\""; break;
        case '\\': rep = "\\\\"; break;
        case '\n': rep = "\\n"; break;
        case '\r': rep = "\\r"; break;
        case '\t': rep = "\\t"; break;
        case '\b': rep = "\\b"; break;
        case '\f': rep = "\\f"; break;
        }

        if (rep != NULL) {
            if (gw_buf_appends(b, rep) != GW_OK) {
                return GW_ERROR;
            }
            i++;

        } else {
            n = gw_utf8_decode(s + i, len - i, &cp);
            i += n;
            if (cp >= 0x10000) {
                cp -= 0x10000;
                if (gw_json_put_u(b, 0xd800 | (cp >> 10)) != GW_OK
                    || gw_json_put_u(b, 0xdc00 | (cp & 0x3ff)) != GW_OK)
                {
                    return GW_ERROR;
                }
            } else if (gw_json_put_u(b, cp) != GW_OK) {
                return GW_ERROR;
            }
        }
        start = i;
    }

    if (gw_buf_append(b, str + start, len - start) != GW_OK) {
        return GW_ERROR;
    }
    return gw_buf_putc(b, '"');
}


/* Python's repr(float): the shortest digits that read back the same, with
 * ".0" on integral values and exponents as 1e+16 / 1e-05. */
static int
gw_json_put_real(gw_buf_t *b, double v)
{
    char   tmp[64], *e;
    int    prec, exp10;

    if (isnan(v) || isinf(v)) {
        /* what Python writes; jansson cannot hold these anyway */
        return gw_buf_appends(b, isnan(v) ? "NaN"
                                 : v > 0 ? "Infinity" : "-Infinity");
    }

    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
        if (strtod(tmp, NULL) == v) {
            break;
        }
    }

    /* tmp is d.ddde±XX; Python uses fixed notation for -4 <= exp < 16 */
    e = strchr(tmp, 'e');
    exp10 = atoi(e + 1);
    if (exp10 >= -4 && exp10 < 16) {
        snprintf(tmp, sizeof(tmp), "%.*f",
                 prec - 1 - exp10 > 0 ? prec - 1 - exp10 : 0, v);
        if (strchr(tmp, '.') == NULL) {
            strcat(tmp, ".0");
        }
        return gw_buf_appends(b, tmp);
    }

    /* "1.5e-07": Python pads the exponent to 2 digits, as C does */
    snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
    return gw_buf_appends(b, tmp);
}


typedef struct {
    const char  *key;
    json_t      *value;
} gw_json_kv_t;


static int
gw_json_kv_cmp(const void *a, const void *b)
{
    return strcmp(((const gw_json_kv_t *) a)->key,
                  ((const gw_json_kv_t *) b)->key);
}


int
gw_json_dump_buf(gw_buf_t *b, const json_t *value)
{
    gw_json_kv_t  *kv;
    const char    *key;
    json_t        *v;
    size_t         i, n;
    char           tmp[32];

    switch (json_typeof(value)) {
    case JSON_NULL:
        return gw_buf_appends(b, "null");
    case JSON_TRUE:
        return gw_buf_appends(b, "true");
    case JSON_FALSE:
        return gw_buf_appends(b, "false");
    case JSON_INTEGER:
        snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT,
                 json_integer_value(value));
        return gw_buf_appends(b, tmp);
    case JSON_REAL:
        return gw_json_put_real(b, json_real_value(value));
    case JSON_STRING:
        return gw_json_put_string(b, json_string_value(value),
                                  json_string_length(value));

    case JSON_ARRAY:
        if (gw_buf_putc(b, '[') != GW_OK) {
            return GW_ERROR;
        }
        n = json_array_size(value);
        for (i = 0; i < n; i++) {
            if ((i && gw_buf_putc(b, ',') != GW_OK)
                || gw_json_dump_buf(b, json_array_get(value, i)) != GW_OK)
            {
                return GW_ERROR;
            }
        }
        return gw_buf_putc(b, ']');

    case JSON_OBJECT:
        n = json_object_size(value);
        kv = gw_arena_alloc(b->arena, (n ? n : 1) * sizeof(gw_json_kv_t));
        if (kv == NULL) {
            return GW_ERROR;
        }
        i = 0;
        json_object_foreach((json_t *) value, key, v) {
            kv[i].key = key;
            kv[i].value = v;
            i++;
        }
        qsort(kv, n, sizeof(gw_json_kv_t), gw_json_kv_cmp);

        if (gw_buf_putc(b, '{') != GW_OK) {
            return GW_ERROR;
        }
        for (i = 0; i < n; i++) {
            if ((i && gw_buf_putc(b, ',') != GW_OK)
                || gw_json_put_string(b, kv[i].key, strlen(kv[i].key))
                   != GW_OK
                || gw_buf_putc(b, ':') != GW_OK
                || gw_json_dump_buf(b, kv[i].value) != GW_OK)
            {
                return GW_ERROR;
            }
        }
        return gw_buf_putc(b, '}');
    }

    return GW_ERROR;
}


char *
gw_json_dumps(const json_t *value, size_t *len)
{
    gw_arena_t  *a;
    gw_buf_t     b;
    char        *out;

    a = gw_arena_create(4096);
    if (a == NULL) {
        return NULL;
    }

    out = NULL;
    gw_buf_init(&b, a, 256);
    if (value != NULL && gw_json_dump_buf(&b, value) == GW_OK
        && gw_buf_putc(&b, '\n') == GW_OK)
    {
        out = malloc(b.len + 1);
        if (out != NULL) {
            memcpy(out, b.data, b.len);
            out[b.len] = '\0';
            *len = b.len;
        }
    }

    gw_arena_destroy(a);
    return out;
}


int
gw_json_send(gw_request_t *req, gw_response_t *resp, gw_str_t json)
{
    if (gw_response_set_header(resp, "Content-Type", "application/json")
        != GW_OK)
    {
        return gw_fail(req, "jsonify: out of memory");
    }
    gw_response_clear_body(resp);
    return gw_response_write_ref(resp, json.data, json.len);
}


int
gw_jsonify(gw_request_t *req, gw_response_t *resp, json_t *value)
{
    gw_buf_t  b;

    gw_buf_init(&b, req->arena, 256);
    if (value == NULL || gw_json_dump_buf(&b, value) != GW_OK
        || gw_buf_putc(&b, '\n') != GW_OK)
    {
        return gw_fail(req, "jsonify: %s",
                       value ? "out of memory" : "no value");
    }
    return gw_json_send(req, resp, gw_buf_str(&b));
}


int
gw_jsonify_new(gw_request_t *req, gw_response_t *resp, json_t *value)
{
    int  rc;

    rc = gw_jsonify(req, resp, value);
    json_decref(value);
    return rc;
}
