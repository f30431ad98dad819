/*
 * converters.c: Werkzeug's URL converters (string, int, float, path, uuid,
 * any): their arguments as written in a rule, turning matched text into
 * view arguments (to_python) and values back into URL text (to_url).
 * The regex-level matching itself lives with the matcher in urlmap.c.
 */

#include "urlmap_internal.h"
#include "template/tmpl.h"         /* tmpl_float_repr() */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef enum {
    GW_ARG_STR = 0,
    GW_ARG_INT,
    GW_ARG_FLOAT,
    GW_ARG_BOOL,
    GW_ARG_NONE
} gw_arg_kind_t;

typedef struct {
    gw_str_t       name;            /* empty for a positional argument */
    gw_arg_kind_t  kind;
    long long      i;               /* INT, BOOL */
    double         d;               /* INT, FLOAT */
    gw_str_t       s;               /* the text, unquoted */
} gw_arg_t;

#define GW_CONV_MAX_ARGS  64


static int
gw_is_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '_';
}


static int
gw_is_blank(char c)
{
    return c == ' ' || c == '\t';
}


static gw_str_t
gw_trim(gw_str_t s)
{
    while (s.len && gw_is_blank(s.data[0])) {
        s.data++;
        s.len--;
    }
    while (s.len && gw_is_blank(s.data[s.len - 1])) {
        s.len--;
    }
    return s;
}


/* Classify one value as Werkzeug's _pythonize would: a Python constant, a
 * number, or else a string (quotes removed). */
static int
gw_arg_value(const gw_urlmap_t *m, gw_str_t v, gw_arg_t *arg)
{
    char   buf[64], *end;
    size_t  i;

    arg->s = v;

    if (v.len >= 2 && (v.data[0] == '"' || v.data[0] == '\'')) {
        if (v.data[v.len - 1] != v.data[0]) {
            return GW_ERROR;
        }
        arg->kind = GW_ARG_STR;
        arg->s.data = v.data + 1;
        arg->s.len = v.len - 2;
        return GW_OK;
    }

    if (v.len == 0) {
        return GW_ERROR;
    }
    if (gw_str_eq(v, "True") || gw_str_eq(v, "False")) {
        arg->kind = GW_ARG_BOOL;
        arg->i = v.data[0] == 'T';
        arg->d = (double) arg->i;
        return GW_OK;
    }
    if (gw_str_eq(v, "None")) {
        arg->kind = GW_ARG_NONE;
        return GW_OK;
    }

    if (v.len < sizeof(buf)) {
        memcpy(buf, v.data, v.len);
        buf[v.len] = '\0';

        i = (buf[0] == '-' || buf[0] == '+') ? 1 : 0;
        if (buf[i] >= '0' && buf[i] <= '9') {
            errno = 0;
            arg->i = strtoll(buf, &end, 10);
            if (*end == '\0' && errno == 0) {
                arg->kind = GW_ARG_INT;
                arg->d = (double) arg->i;
                return GW_OK;
            }
            errno = 0;
            arg->d = strtod_l(buf, &end, m->c_locale);
            if (*end == '\0' && errno == 0) {
                arg->kind = GW_ARG_FLOAT;
                return GW_OK;
            }
            return GW_ERROR;
        }
    }

    for (i = 0; i < v.len; i++) {
        if (!gw_is_word((unsigned char) v.data[i]) && v.data[i] != '.') {
            return GW_ERROR;
        }
    }
    arg->kind = GW_ARG_STR;
    return GW_OK;
}


/* "a, 'b c', min=1" into args; quotes protect commas. */
static int
gw_args_parse(const gw_urlmap_t *m, gw_str_t text, gw_arg_t *args,
    size_t *nargs, char *msg, size_t msg_size)
{
    const char  *p, *end, *start;
    char         quote;
    gw_str_t     item;
    size_t       n, k;

    n = 0;
    *nargs = 0;
    if (text.len == 0) {
        return GW_OK;
    }
    p = text.data;
    end = p + text.len;

    while (p <= end) {
        start = p;
        quote = 0;
        while (p < end && (quote || *p != ',')) {
            if (quote && *p == quote) {
                quote = 0;
            } else if (!quote && (*p == '"' || *p == '\'')) {
                quote = *p;
            }
            p++;
        }

        item.data = start;
        item.len = p - start;
        item = gw_trim(item);
        p++;

        if (item.len == 0) {
            if (p > end) {
                break;      /* a trailing comma, or no arguments */
            }
            snprintf(msg, msg_size, "empty converter argument");
            return GW_ERROR;
        }

        if (n == GW_CONV_MAX_ARGS) {
            snprintf(msg, msg_size, "too many converter arguments");
            return GW_ERROR;
        }

        args[n].name.data = NULL;
        args[n].name.len = 0;

        /* name = value */
        for (k = 0; k < item.len && gw_is_word((unsigned char) item.data[k]);
             k++)
        {
            /* void */
        }
        if (k > 0) {
            gw_str_t  rest = { item.data + k, item.len - k };

            rest = gw_trim(rest);
            if (rest.len && rest.data[0] == '=') {
                args[n].name.data = item.data;
                args[n].name.len = k;
                item.data = rest.data + 1;
                item.len = rest.len - 1;
                item = gw_trim(item);
            }
        }

        if (gw_arg_value(m, item, &args[n]) != GW_OK) {
            snprintf(msg, msg_size, "invalid converter argument '%.*s'",
                     (int) item.len, item.data);
            return GW_ERROR;
        }
        n++;
    }

    *nargs = n;
    return GW_OK;
}


/*
 * Give each argument its parameter, as Python binds a call: positional
 * ones in order, then keywords by name.  bound[i] is the argument for
 * params[i], or NULL.
 */
static int
gw_args_bind(gw_arg_t *args, size_t nargs, const char *const *params,
    size_t nparams, gw_arg_t **bound, char *msg, size_t msg_size)
{
    size_t  i, j;

    for (j = 0; j < nparams; j++) {
        bound[j] = NULL;
    }

    for (i = 0; i < nargs; i++) {
        if (args[i].name.len == 0) {
            if (i >= nparams) {
                snprintf(msg, msg_size, "too many converter arguments");
                return GW_ERROR;
            }
            bound[i] = &args[i];
            continue;
        }

        for (j = 0; j < nparams; j++) {
            if (gw_str_eq(args[i].name, params[j])) {
                break;
            }
        }
        if (j == nparams) {
            snprintf(msg, msg_size, "unexpected converter argument '%.*s'",
                     (int) args[i].name.len, args[i].name.data);
            return GW_ERROR;
        }
        if (bound[j] != NULL) {
            snprintf(msg, msg_size, "converter argument '%s' given twice",
                     params[j]);
            return GW_ERROR;
        }
        bound[j] = &args[i];
    }

    return GW_OK;
}


static int
gw_arg_size(const gw_arg_t *arg, const char *param, size_t *out, char *msg,
    size_t msg_size)
{
    if (arg->kind != GW_ARG_INT || arg->i < 0) {
        snprintf(msg, msg_size, "converter argument '%s' must be a "
                 "non-negative integer", param);
        return GW_ERROR;
    }
    *out = (size_t) arg->i;
    return GW_OK;
}


static int
gw_conv_string_args(gw_conv_t *c, gw_arg_t **b, char *msg, size_t msg_size)
{
    size_t  n;

    c->minlen = 1;
    c->maxlen = SIZE_MAX;

    if (b[0] && b[0]->kind != GW_ARG_NONE
        && gw_arg_size(b[0], "minlength", &c->minlen, msg, msg_size) != GW_OK)
    {
        return GW_ERROR;
    }
    if (b[1] && b[1]->kind != GW_ARG_NONE
        && gw_arg_size(b[1], "maxlength", &c->maxlen, msg, msg_size) != GW_OK)
    {
        return GW_ERROR;
    }
    if (b[2] && b[2]->kind != GW_ARG_NONE) {
        if (gw_arg_size(b[2], "length", &n, msg, msg_size) != GW_OK) {
            return GW_ERROR;
        }
        c->minlen = c->maxlen = n;
    }
    if (c->minlen > c->maxlen) {
        snprintf(msg, msg_size, "minlength is greater than maxlength");
        return GW_ERROR;
    }
    return GW_OK;
}


static int
gw_conv_number_args(gw_conv_t *c, gw_arg_t *fixed, gw_arg_t *min,
    gw_arg_t *max, gw_arg_t *sign, char *msg, size_t msg_size)
{
    int  is_int;

    is_int = c->type == GW_CONV_INT;

    if (fixed && fixed->kind != GW_ARG_NONE) {
        if (fixed->kind != GW_ARG_INT || fixed->i < 0 || fixed->i > 64) {
            snprintf(msg, msg_size, "converter argument 'fixed_digits' must "
                     "be an integer from 0 to 64");
            return GW_ERROR;
        }
        c->fixed_digits = fixed->i;
    }

    if (min && min->kind != GW_ARG_NONE) {
        if (min->kind != GW_ARG_INT && (is_int || min->kind != GW_ARG_FLOAT)) {
            snprintf(msg, msg_size, "converter argument 'min' must be a "
                     "number");
            return GW_ERROR;
        }
        c->has_min = 1;
        c->min = min->d;
    }

    if (max && max->kind != GW_ARG_NONE) {
        if (max->kind != GW_ARG_INT && (is_int || max->kind != GW_ARG_FLOAT)) {
            snprintf(msg, msg_size, "converter argument 'max' must be a "
                     "number");
            return GW_ERROR;
        }
        c->has_max = 1;
        c->max = max->d;
    }

    if (sign) {
        if (sign->kind != GW_ARG_BOOL && sign->kind != GW_ARG_INT) {
            snprintf(msg, msg_size, "converter argument 'signed' must be "
                     "True or False");
            return GW_ERROR;
        }
        c->is_signed = sign->i != 0;
    }

    return GW_OK;
}


gw_conv_t *
gw_conv_create(gw_urlmap_t *m, gw_str_t name, gw_str_t argtext,
    const char *var, char *msg, size_t msg_size)
{
    static const char *const  string_params[] = {
        "minlength", "maxlength", "length"
    };
    static const char *const  int_params[] = {
        "fixed_digits", "min", "max", "signed"
    };
    static const char *const  float_params[] = { "min", "max", "signed" };

    gw_arg_t    args[GW_CONV_MAX_ARGS], *b[4];
    size_t      nargs, i;
    gw_conv_t  *c;

    c = gw_arena_calloc(m->arena, sizeof(gw_conv_t));
    if (c == NULL) {
        snprintf(msg, msg_size, "out of memory");
        return NULL;
    }
    c->var = var;
    c->weight = 100;
    c->minlen = 1;
    c->maxlen = SIZE_MAX;

    if (gw_args_parse(m, argtext, args, &nargs, msg, msg_size) != GW_OK) {
        return NULL;
    }

    if (name.len == 0 || gw_str_eq(name, "string")
        || gw_str_eq(name, "default"))
    {
        c->type = GW_CONV_STRING;
        if (gw_args_bind(args, nargs, string_params, 3, b, msg, msg_size)
            != GW_OK
            || gw_conv_string_args(c, b, msg, msg_size) != GW_OK)
        {
            return NULL;
        }
        return c;
    }

    if (gw_str_eq(name, "int")) {
        c->type = GW_CONV_INT;
        c->weight = 50;
        if (gw_args_bind(args, nargs, int_params, 4, b, msg, msg_size)
            != GW_OK
            || gw_conv_number_args(c, b[0], b[1], b[2], b[3], msg, msg_size)
               != GW_OK)
        {
            return NULL;
        }
        return c;
    }

    if (gw_str_eq(name, "float")) {
        c->type = GW_CONV_FLOAT;
        c->weight = 50;
        if (gw_args_bind(args, nargs, float_params, 3, b, msg, msg_size)
            != GW_OK
            || gw_conv_number_args(c, NULL, b[0], b[1], b[2], msg, msg_size)
               != GW_OK)
        {
            return NULL;
        }
        return c;
    }

    if (gw_str_eq(name, "path") || gw_str_eq(name, "uuid")) {
        c->type = name.data[0] == 'p' ? GW_CONV_PATH : GW_CONV_UUID;
        c->weight = c->type == GW_CONV_PATH ? 200 : 100;
        if (nargs) {
            snprintf(msg, msg_size, "converter '%.*s' takes no arguments",
                     (int) name.len, name.data);
            return NULL;
        }
        return c;
    }

    if (gw_str_eq(name, "any")) {
        c->type = GW_CONV_ANY;
        if (nargs == 0) {
            snprintf(msg, msg_size, "converter 'any' needs at least one "
                     "item");
            return NULL;
        }
        c->items = gw_arena_alloc(m->arena, nargs * sizeof(gw_str_t));
        if (c->items == NULL) {
            snprintf(msg, msg_size, "out of memory");
            return NULL;
        }
        for (i = 0; i < nargs; i++) {
            if (args[i].name.len) {
                snprintf(msg, msg_size, "converter 'any' takes no keyword "
                         "arguments");
                return NULL;
            }
            c->items[i] = args[i].s;
        }
        c->nitems = nargs;
        return c;
    }

    snprintf(msg, msg_size, "unknown converter '%.*s'", (int) name.len,
             name.data);
    return NULL;
}


int
gw_conv_same_regex(const gw_conv_t *a, const gw_conv_t *b)
{
    size_t  i;

    if (a->type != b->type) {
        return 0;
    }

    switch (a->type) {
    case GW_CONV_STRING:
        return a->minlen == b->minlen && a->maxlen == b->maxlen;
    case GW_CONV_INT:
    case GW_CONV_FLOAT:
        return a->is_signed == b->is_signed;
    case GW_CONV_ANY:
        if (a->nitems != b->nitems) {
            return 0;
        }
        for (i = 0; i < a->nitems; i++) {
            if (a->items[i].len != b->items[i].len
                || memcmp(a->items[i].data, b->items[i].data,
                          a->items[i].len) != 0)
            {
                return 0;
            }
        }
        return 1;
    default:
        return 1;
    }
}


/* Matched text becomes a JSON string; JSON strings must be UTF-8, so a path
 * that decoded to invalid UTF-8 gets U+FFFD for each bad byte, as Python's
 * errors="replace" does. */
static json_t *
gw_json_string_fixed(gw_str_t s)
{
    const unsigned char  *p, *end;
    json_t               *j;
    char                 *fixed, *d;
    size_t                n, i;

    j = json_stringn(s.data, s.len);
    if (j != NULL || s.len > SIZE_MAX / 3) {
        return j;
    }

    fixed = malloc(s.len * 3 + 1);
    if (fixed == NULL) {
        return NULL;
    }

    d = fixed;
    p = (const unsigned char *) s.data;
    end = p + s.len;
    while (p < end) {
        n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3
            : (*p & 0xf8) == 0xf0 ? 4 : 0;

        if (n > 1 && (size_t) (end - p) >= n) {
            for (i = 1; i < n && (p[i] & 0xc0) == 0x80; i++) {
                /* void */
            }
            if (i == n) {
                j = json_stringn((const char *) p, n);
                if (j != NULL) {
                    json_decref(j);
                    memcpy(d, p, n);
                    d += n;
                    p += n;
                    continue;
                }
            }
        }

        /* ASCII, NUL included: jansson takes it with a length */
        if (n == 1) {
            *d++ = (char) *p++;
            continue;
        }

        *d++ = (char) 0xef;
        *d++ = (char) 0xbf;
        *d++ = (char) 0xbd;
        p++;
    }

    j = json_stringn(fixed, d - fixed);
    free(fixed);
    return j;
}


json_t *
gw_conv_to_json(const gw_urlmap_t *m, const gw_conv_t *c, gw_str_t text)
{
    char       buf[72], *end;
    long long  v;
    double     d;
    size_t     i;

    switch (c->type) {

    case GW_CONV_INT:
    case GW_CONV_FLOAT:
        if (c->fixed_digits && text.len != (size_t) c->fixed_digits) {
            return NULL;
        }
        if (text.len >= sizeof(buf)) {
            /* more digits than a 64-bit integer holds */
            return NULL;
        }
        memcpy(buf, text.data, text.len);
        buf[text.len] = '\0';

        errno = 0;
        if (c->type == GW_CONV_INT) {
            v = strtoll(buf, &end, 10);
            d = (double) v;
        } else {
            d = strtod_l(buf, &end, m->c_locale);
            v = 0;
        }
        if (errno != 0 || *end != '\0') {
            return NULL;
        }
        if ((c->has_min && d < c->min) || (c->has_max && d > c->max)) {
            return NULL;
        }
        return c->type == GW_CONV_INT ? json_integer(v) : json_real(d);

    case GW_CONV_UUID:
        if (text.len != 36) {
            return NULL;
        }
        for (i = 0; i < 36; i++) {
            buf[i] = (text.data[i] >= 'A' && text.data[i] <= 'F')
                     ? text.data[i] | 0x20 : text.data[i];
        }
        return json_stringn(buf, 36);

    default:
        return gw_json_string_fixed(text);
    }
}


/* Python's repr() of a float: the project's one copy, in the engine. */
static int
gw_format_double(double v, gw_buf_t *b)
{
    char  num[40];

    tmpl_float_repr(v, num, sizeof(num));
    return gw_buf_appends(b, num);
}


int
gw_json_to_text(const gw_urlmap_t *m, json_t *value, gw_buf_t *b)
{
    switch (json_typeof(value)) {
    case JSON_STRING:
        return gw_buf_append(b, json_string_value(value),
                             json_string_length(value));
    case JSON_INTEGER:
        return gw_buf_printf(b, "%" JSON_INTEGER_FORMAT,
                             json_integer_value(value));
    case JSON_REAL:
        return gw_format_double(json_real_value(value), b);
    case JSON_TRUE:
        return gw_buf_appends(b, "True");
    case JSON_FALSE:
        return gw_buf_appends(b, "False");
    default:
        return GW_ERROR;
    }
}


/* int(value) and float(value) as Python would take them. */
static int
gw_conv_number(const gw_urlmap_t *m, const gw_conv_t *c, json_t *value,
    gw_buf_t *b)
{
    char       buf[72], *end;
    json_int_t  i;
    double     d;
    size_t     len;
    gw_str_t   s;

    switch (json_typeof(value)) {
    case JSON_INTEGER:
        i = json_integer_value(value);
        d = (double) i;
        break;
    case JSON_REAL:
        d = json_real_value(value);
        if (c->type == GW_CONV_INT) {
            if (!isfinite(d) || d >= 9.2e18 || d <= -9.2e18) {
                return GW_ERROR;
            }
            i = (json_int_t) d;
        } else {
            i = 0;
        }
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        i = json_is_true(value);
        d = (double) i;
        break;
    case JSON_STRING:
        s.data = json_string_value(value);
        s.len = json_string_length(value);
        s = gw_trim(s);
        if (s.len == 0 || s.len >= sizeof(buf)) {
            return GW_ERROR;
        }
        memcpy(buf, s.data, s.len);
        buf[s.len] = '\0';
        errno = 0;
        if (c->type == GW_CONV_INT) {
            if (!(buf[buf[0] == '-' || buf[0] == '+'] >= '0'
                  && buf[buf[0] == '-' || buf[0] == '+'] <= '9'))
            {
                return GW_ERROR;
            }
            i = strtoll(buf, &end, 10);
            d = (double) i;
        } else {
            d = strtod_l(buf, &end, m->c_locale);
            i = 0;
        }
        if (errno != 0 || *end != '\0') {
            return GW_ERROR;
        }
        break;
    default:
        return GW_ERROR;
    }

    if (c->type == GW_CONV_FLOAT) {
        return gw_format_double(d, b);
    }

    /* zfill: zeros go after the sign */
    snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, i);
    len = strlen(buf);
    if (buf[0] == '-' && gw_buf_putc(b, '-') != GW_OK) {
        return GW_ERROR;
    }
    while ((long long) len < c->fixed_digits) {
        if (gw_buf_putc(b, '0') != GW_OK) {
            return GW_ERROR;
        }
        len++;
    }
    return gw_buf_appends(b, buf + (buf[0] == '-'));
}


int
gw_conv_to_url(const gw_urlmap_t *m, const gw_conv_t *c, json_t *value,
    gw_buf_t *b, char *msg, size_t msg_size)
{
    gw_buf_t  t;
    gw_str_t  text, enc;
    size_t    i;

    gw_buf_init(&t, b->arena, 64);

    if (c->type == GW_CONV_INT || c->type == GW_CONV_FLOAT) {
        if (gw_conv_number(m, c, value, &t) != GW_OK) {
            snprintf(msg, msg_size, "value for '%s' is not %s", c->var,
                     c->type == GW_CONV_INT ? "an integer" : "a number");
            return GW_ERROR;
        }

    } else if (gw_json_to_text(m, value, &t) != GW_OK) {
        snprintf(msg, msg_size, "value for '%s' cannot go in a URL", c->var);
        return GW_ERROR;
    }

    text = gw_buf_str(&t);

    if (c->type == GW_CONV_ANY) {
        for (i = 0; i < c->nitems; i++) {
            if (c->items[i].len == text.len
                && memcmp(c->items[i].data, text.data, text.len) == 0)
            {
                break;
            }
        }
        if (i == c->nitems) {
            snprintf(msg, msg_size, "value for '%s' is not one of the "
                     "any() items", c->var);
            return GW_ERROR;
        }
    }

    if (gw_url_encode(b->arena, text, GW_URL_SAFE_VALUE, &enc) != GW_OK
        || gw_buf_append(b, enc.data, enc.len) != GW_OK)
    {
        snprintf(msg, msg_size, "out of memory");
        return GW_ERROR;
    }
    return GW_OK;
}
