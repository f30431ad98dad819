/*
 * json_response.c: JSON out, byte for byte as Flask 2.2's jsonify writes it
 * (json.dumps with separators (",", ":"), sort_keys, ensure_ascii, and a
 * trailing newline).  jansson's own dump differs (upper-case \u escapes,
 * %.17g reals), hence this writer; it fills an arena buffer, no malloc,
 * copying runs of plain string bytes eight at a time.
 */

#include "fw.h"
#include "template/tmpl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char  gw_hex[] = "0123456789abcdef";

typedef struct {
    const char  *key;
    size_t       len;
    json_t      *value;
} gw_json_kv_t;


/* Most writes are a byte or a few into room already reserved: the
 * buffer's bounds are checked inline and grown out of line. */
static inline int
gw_jw_putc(gw_buf_t *b, char c)
{
    if (b->len < b->cap) {
        b->data[b->len++] = c;
        return GW_OK;
    }
    return gw_buf_putc(b, c);
}


/* One code point from the UTF-8 at s (len > 0 bytes); its length.  The
 * parser validated request bodies, but an app may have made a string of
 * anything: a cut sequence gives U+FFFD and never reads past len. */
static size_t
gw_utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
{
    size_t  n, i;

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


static char *
gw_jw_u(char *o, unsigned cp)
{
    o[0] = '\\';
    o[1] = 'u';
    o[2] = gw_hex[(cp >> 12) & 15];
    o[3] = gw_hex[(cp >> 8) & 15];
    o[4] = gw_hex[(cp >> 4) & 15];
    o[5] = gw_hex[cp & 15];
    return o + 6;
}


/* str as Python's json.dumps(ensure_ascii=True) quotes it.  Room for the
 * string as it is is reserved once; an escape reserves room for the rest
 * at its worst (12 bytes for a code point past U+FFFF). */
static int
gw_jw_string(gw_buf_t *b, const char *str, size_t len)
{
    const unsigned char  *s = (const unsigned char *) str;
    size_t                i, n;
    unsigned              cp;
    char                 *o;
    int                   c;

    if (gw_buf_reserve(b, len + 2) != GW_OK) {
        return GW_ERROR;
    }
    o = b->data + b->len;
    *o++ = '"';

    for (i = 0; ; ) {
        while (len - i >= 8 && !gw_json_special8(s + i, 1)) {
            memcpy(o, s + i, 8);
            o += 8;
            i += 8;
        }
        if (i == len) {
            break;
        }
        c = s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            *o++ = c;
            i++;
            continue;
        }

        b->len = o - b->data;
        if (gw_buf_reserve(b, (len - i) * 6 + 13) != GW_OK) {
            return GW_ERROR;
        }
        o = b->data + b->len;
        *o++ = '\\';
        switch (c) {
        case '"':  *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '\n': *o++ = 'n'; break;
        case '\r': *o++ = 'r'; break;
        case '\t': *o++ = 't'; break;
        case '\b': *o++ = 'b'; break;
        case '\f': *o++ = 'f'; break;
        default:
            o--;
            if (c < 0x80) {
                o = gw_jw_u(o, c);
                i++;
                continue;
            }
            n = gw_utf8_decode(s + i, len - i, &cp);
            i += n;
            if (cp >= 0x10000) {
                cp -= 0x10000;
                o = gw_jw_u(o, 0xd800 | (cp >> 10));
                o = gw_jw_u(o, 0xdc00 | (cp & 0x3ff));
            } else {
                o = gw_jw_u(o, cp);
            }
            continue;
        }
        i++;
    }

    *o++ = '"';
    b->len = o - b->data;
    return GW_OK;
}


static int
gw_jw_integer(gw_buf_t *b, json_int_t v)
{
    char      tmp[24], *p = tmp + sizeof(tmp);
    uint64_t  u = v < 0 ? 0 - (uint64_t) v : (uint64_t) v;

    do {
        *--p = '0' + u % 10;
        u /= 10;
    } while (u);
    if (v < 0) {
        *--p = '-';
    }
    return gw_buf_append(b, p, tmp + sizeof(tmp) - p);
}


/* Python's repr(float), the project's one copy (template/repr.c) */
static int
gw_jw_real(gw_buf_t *b, double v)
{
    char  tmp[40];

    if (!isfinite(v)) {
        /* what Python writes; jansson cannot hold these anyway */
        return gw_buf_appends(b, isnan(v) ? "NaN"
                                 : v > 0 ? "Infinity" : "-Infinity");
    }
    tmpl_float_repr(v, tmp, sizeof(tmp));
    return gw_buf_appends(b, tmp);
}


/* Python sorts keys by code point, which is UTF-8's byte order. */
static inline int
gw_jw_key_less(const gw_json_kv_t *a, const gw_json_kv_t *b)
{
    int  c = memcmp(a->key, b->key, a->len < b->len ? a->len : b->len);

    return c < 0 || (c == 0 && a->len < b->len);
}


static int
gw_jw_kv_cmp(const void *a, const void *b)
{
    return gw_jw_key_less(b, a) - gw_jw_key_less(a, b);
}


/* Objects are mostly small, and often in order already (echoed bodies,
 * data written sorted): insertion sort then costs a compare a key. */
static void
gw_jw_sort(gw_json_kv_t *kv, size_t n)
{
    gw_json_kv_t  t;
    size_t        i, j;

    if (n > 16) {
        qsort(kv, n, sizeof(gw_json_kv_t), gw_jw_kv_cmp);
        return;
    }
    for (i = 1; i < n; i++) {
        if (!gw_jw_key_less(&kv[i], &kv[i - 1])) {
            continue;
        }
        t = kv[i];
        for (j = i; j > 0 && gw_jw_key_less(&t, &kv[j - 1]); j--) {
            kv[j] = kv[j - 1];
        }
        kv[j] = t;
    }
}


static int
gw_jw_object(gw_buf_t *b, const json_t *value)
{
    gw_json_kv_t  *kv;
    const char    *key;
    size_t         i, n, klen;
    json_t        *v;

    n = json_object_size(value);
    if (n == 0) {
        return gw_buf_append(b, "{}", 2);
    }
    kv = gw_arena_alloc(b->arena, n * sizeof(gw_json_kv_t));
    if (kv == NULL) {
        return GW_ERROR;
    }
    i = 0;
    json_object_keylen_foreach((json_t *) value, key, klen, v) {
        kv[i].key = key;
        kv[i].len = klen;
        kv[i].value = v;
        i++;
    }
    gw_jw_sort(kv, n);

    for (i = 0; i < n; i++) {
        if (gw_jw_putc(b, i ? ',' : '{') != GW_OK
            || gw_jw_string(b, kv[i].key, kv[i].len) != GW_OK
            || gw_jw_putc(b, ':') != GW_OK
            || gw_json_dump_buf(b, kv[i].value) != GW_OK)
        {
            return GW_ERROR;
        }
    }
    return gw_jw_putc(b, '}');
}


int
gw_json_dump_buf(gw_buf_t *b, const json_t *value)
{
    size_t  i, n;

    switch (json_typeof(value)) {
    case JSON_STRING:
        return gw_jw_string(b, json_string_value(value),
                            json_string_length(value));
    case JSON_INTEGER:
        return gw_jw_integer(b, json_integer_value(value));
    case JSON_OBJECT:
        return gw_jw_object(b, value);
    case JSON_ARRAY:
        n = json_array_size(value);
        if (n == 0) {
            return gw_buf_append(b, "[]", 2);
        }
        for (i = 0; i < n; i++) {
            if (gw_jw_putc(b, i ? ',' : '[') != GW_OK
                || gw_json_dump_buf(b, json_array_get(value, i)) != GW_OK)
            {
                return GW_ERROR;
            }
        }
        return gw_jw_putc(b, ']');
    case JSON_REAL:
        return gw_jw_real(b, json_real_value(value));
    case JSON_TRUE:
        return gw_buf_append(b, "true", 4);
    case JSON_FALSE:
        return gw_buf_append(b, "false", 5);
    case JSON_NULL:
        return gw_buf_append(b, "null", 4);
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
