/*
 * fuzz_note_fields.c: the demo site's rules for a note's fields, fed what
 * a form's tags field or a JSON body may hold (app/note_fields.c is
 * compiled in: the app is not part of the library).
 */

#include "../app/note_fields.c"


/* Every tag kept is one the rules allow, once. */
static void
fuzz_check_tags(json_t *fields, json_t *errors)
{
    json_t  *tags = json_object_get(fields, "tags"), *t;
    size_t   i, j;

    if (json_object_get(errors, "tags") != NULL) {
        return;
    }
    json_array_foreach(tags, i, t) {
        if (!demo_tag_ok(json_string_value(t))) {
            __builtin_trap();
        }
        for (j = 0; j < i; j++) {
            if (json_equal(t, json_array_get(tags, j))) {
                __builtin_trap();
            }
        }
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_str_t   text = { (const char *) data, size };
    json_t    *tags, *fields, *errors, *body, *v, *t;
    size_t     i, j;

    /* the form: the text as its tags and as its title and body */
    tags = demo_tags_split(text);
    body = json_stringn(text.data, text.len);
    if (tags != NULL) {
        fields = json_pack("{sOsOso}", "title", body ? body : json_null(),
                           "body", body ? body : json_null(), "tags", tags);
        errors = json_object();
        if (fields != NULL && body != NULL) {
            demo_note_clean(fields, 0, errors);
            fuzz_check_tags(fields, errors);
        }
        json_decref(fields);
        json_decref(errors);
    }
    json_decref(body);

    /* the API: a JSON object's string title and string tags, as a POST
     * and as a PATCH */
    body = json_loadb(text.data, text.len, 0, NULL);
    for (i = 0; i < 2 && json_is_object(body); i++) {
        fields = json_object();
        errors = json_object();
        v = json_object_get(body, "title");
        if (json_is_string(v)) {
            json_object_set(fields, "title", v);
        }
        v = json_object_get(body, "tags");
        if (json_is_array(v)) {
            tags = json_array();
            json_array_foreach(v, j, t) {
                if (json_is_string(t)) {
                    json_array_append(tags, t);
                }
            }
            json_object_set_new(fields, "tags", tags);
        }
        demo_note_clean(fields, (int) i, errors);
        fuzz_check_tags(fields, errors);
        json_decref(fields);
        json_decref(errors);
    }
    json_decref(body);
    return 0;
}
