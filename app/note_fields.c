/*
 * note_fields.c: what a valid note is, one rule for the forms and the API
 * (and t/http/flask_demo.py says the same in Python).
 */

#include "demo.h"

#include <string.h>

#define TITLE_MAX  200          /* characters */
#define BODY_MAX   10000
#define TAG_MAX    32
#define TAGS_MAX   8


static size_t
demo_chars(const char *s)
{
    size_t  n = 0;

    for (; *s; s++) {
        n += ((unsigned char) *s & 0xc0) != 0x80;
    }
    return n;
}


static int
demo_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
           || c == '\v';
}


/* key's string stripped in place; 0 when absent or left empty */
static int
demo_strip(json_t *fields, const char *key)
{
    json_t      *v = json_object_get(fields, key);
    const char  *s;
    size_t       len;

    if (v == NULL) {
        return 0;
    }
    s = json_string_value(v);
    len = json_string_length(v);
    while (len > 0 && demo_space(*s)) {
        s++;
        len--;
    }
    while (len > 0 && demo_space(s[len - 1])) {
        len--;
    }
    json_object_set_new(fields, key, json_stringn(s, len));
    return len > 0;
}


static int
demo_tag_ok(const char *t)
{
    size_t  n = strlen(t);

    if (n == 0 || n > TAG_MAX) {
        return 0;
    }
    return strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}


static void
demo_check_text(json_t *fields, json_t *errors, const char *key,
    const char *label, size_t max, int partial)
{
    char  msg[64];

    if (!demo_strip(fields, key)) {
        if (!partial || json_object_get(fields, key) != NULL) {
            snprintf(msg, sizeof(msg), "%s is required.", label);
            json_object_set_new(errors, key, json_string(msg));
        }
    } else if (demo_chars(json_string_value(json_object_get(fields, key)))
               > max)
    {
        snprintf(msg, sizeof(msg), "%s must be at most %zu characters.",
                 label, max);
        json_object_set_new(errors, key, json_string(msg));
    }
}


size_t
demo_note_clean(json_t *fields, int partial, json_t *errors)
{
    json_t  *tags, *clean, *t, *u;
    size_t   i, j;

    demo_check_text(fields, errors, "title", "Title", TITLE_MAX, partial);
    demo_check_text(fields, errors, "body", "Body", BODY_MAX, partial);

    tags = json_object_get(fields, "tags");
    if (tags == NULL) {
        if (!partial) {
            json_object_set_new(fields, "tags", json_array());
        }
        return json_object_size(errors);
    }

    clean = json_array();
    json_array_foreach(tags, i, t) {
        if (!demo_tag_ok(json_string_value(t))) {
            json_object_set_new(errors, "tags", json_string(
                "Tags are lowercase letters, digits and dashes, at most 32 "
                "characters each."));
            break;
        }
        json_array_foreach(clean, j, u) {
            if (json_equal(t, u)) {
                break;
            }
        }
        if (j == json_array_size(clean)) {
            json_array_append(clean, t);
        }
    }
    if (json_object_get(errors, "tags") == NULL
        && json_array_size(clean) > TAGS_MAX)
    {
        json_object_set_new(errors, "tags", json_string("At most 8 tags."));
    }
    json_object_set_new(fields, "tags", clean);
    return json_object_size(errors);
}


json_t *
demo_tags_split(gw_str_t text)
{
    json_t      *tags, *t;
    const char  *p, *end, *start;

    tags = json_array();
    if (tags == NULL) {
        return NULL;
    }
    p = text.data;
    end = p + text.len;
    while (p < end) {
        while (p < end && (*p == ',' || demo_space(*p))) {
            p++;
        }
        start = p;
        while (p < end && *p != ',' && !demo_space(*p)) {
            p++;
        }
        if (p > start) {
            t = json_stringn(start, p - start);
            if (json_array_append_new(tags, t) != 0) {
                json_decref(tags);
                return NULL;
            }
        }
    }
    return tags;
}
