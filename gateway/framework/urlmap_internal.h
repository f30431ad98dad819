/*
 * urlmap_internal.h: the compiled form of Werkzeug rules, shared by the
 * rule parser (rule.c), the converters (converters.c), the trie and its
 * matcher (urlmap.c) and url building (urlmap_build.c).
 *
 * A rule is split at '/' into parts, as Werkzeug does: a part is either a
 * static segment or a sequence of pieces (static text and converters) that
 * must match one whole segment; a part holding a path converter is "final"
 * and matches the rest of the path, slashes and all.  The trie's states
 * hold static transitions sorted by key (binary search) and dynamic ones
 * sorted by Werkzeug's weights, so matching cost follows the depth of the
 * path, not the number of rules.
 */

#ifndef GW_URLMAP_INTERNAL_H
#define GW_URLMAP_INTERNAL_H

#include "gateway.h"

#include <locale.h>

#define GW_RULE_MAX_VARS  32

typedef enum {
    GW_CONV_STRING = 0,
    GW_CONV_INT,
    GW_CONV_FLOAT,
    GW_CONV_PATH,
    GW_CONV_UUID,
    GW_CONV_ANY
} gw_conv_type_t;

typedef struct {
    gw_conv_type_t   type;
    const char      *var;           /* the variable it fills */
    int              weight;        /* Werkzeug's: 50 numbers, 200 path */

    size_t           minlen;        /* string, in characters */
    size_t           maxlen;        /* SIZE_MAX: unbounded */

    unsigned         is_signed:1;   /* int, float */
    unsigned         has_min:1;
    unsigned         has_max:1;
    long long        fixed_digits;  /* int */
    double           min;           /* int and float bounds */
    double           max;

    gw_str_t        *items;         /* any(), in rule order */
    size_t           nitems;
} gw_conv_t;

/* Static text (conv NULL) or one converter. */
typedef struct {
    gw_str_t    text;
    gw_conv_t  *conv;
} gw_piece_t;

typedef struct {
    unsigned     is_static:1;
    unsigned     final:1;
    gw_str_t     text;              /* a static part's segment */
    gw_piece_t  *pieces;            /* a dynamic part's pieces */
    size_t       npieces;
    size_t       nconvs;            /* how many of them are converters */
} gw_part_t;

typedef struct gw_rule_s  gw_rule_t;

struct gw_rule_s {
    const char  *rule;
    const char  *endpoint;
    unsigned     methods;
    void        *data;

    gw_conv_t   *convs[GW_RULE_MAX_VARS];   /* in order of appearance */
    size_t       nconvs;

    gw_part_t   *parts;
    size_t       nparts;

    /* for building: static text already percent-encoded, and converters */
    gw_piece_t  *trace;
    size_t       ntrace;
};

typedef struct gw_state_s  gw_state_t;

typedef struct {
    gw_str_t     key;
    gw_state_t  *state;
} gw_static_edge_t;

typedef struct {
    gw_part_t   *part;
    gw_state_t  *state;
} gw_dynamic_edge_t;

struct gw_state_s {
    gw_static_edge_t   *statics;    /* sorted by key */
    size_t              nstatics;
    size_t              nstatics_alloc;
    gw_dynamic_edge_t  *dynamics;   /* sorted by weight, stable */
    size_t              ndynamics;
    size_t              ndynamics_alloc;
    gw_rule_t         **rules;      /* in the order they were added */
    size_t              nrules;
    size_t              nrules_alloc;
};

typedef struct {
    const char   *endpoint;
    size_t        len;
    gw_rule_t   **rules;            /* most arguments first, stable */
    size_t        nrules;
    size_t        nalloc;
} gw_endpoint_t;

struct gw_urlmap_s {
    gw_arena_t      *arena;         /* everything the map holds */
    gw_state_t      *root;
    gw_endpoint_t   *endpoints;     /* sorted by name */
    size_t           nendpoints;
    size_t           nendpoints_alloc;
    locale_t         c_locale;      /* numbers are never localised */
};

/* Parse text into r (parts, trace, converters); GW_ERROR with a message
 * naming the rule. */
int gw_rule_parse(gw_urlmap_t *m, gw_rule_t *r, const char *text,
    char *error, size_t error_size);

/* Make a converter from its name and argument text ("min=1, max=9"). */
gw_conv_t *gw_conv_create(gw_urlmap_t *m, gw_str_t name, gw_str_t args,
    const char *var, char *msg, size_t msg_size);

/* Whether two converters accept the same text (Werkzeug compares regexes):
 * parts made of such converters share a trie state. */
int gw_conv_same_regex(const gw_conv_t *a, const gw_conv_t *b);

/* to_python: the matched text into a new json_t; NULL when it does not
 * validate (min, max, fixed_digits), as a ValidationError. */
json_t *gw_conv_to_json(const gw_urlmap_t *m, const gw_conv_t *c,
    gw_str_t text);

/* to_url: value into b, percent-encoded.  GW_ERROR with a reason in msg. */
int gw_conv_to_url(const gw_urlmap_t *m, const gw_conv_t *c, json_t *value,
    gw_buf_t *b, char *msg, size_t msg_size);

/* str() of a JSON scalar, as Python would print it (True, 1.5, 1e+20). */
int gw_json_to_text(const gw_urlmap_t *m, json_t *value, gw_buf_t *b);

/* url_for from a template: gw_urlmap_build() with the keyword arguments
 * of a gw_tmpl_argfn_pt call instead of an object, the URL appended to
 * out.  Same URLs and errors, without JSON values for the common ones. */
int gw_urlmap_build_args(const gw_urlmap_t *m, const char *endpoint,
    size_t len, const gw_tmpl_arg_t *kw, size_t nkw, gw_buf_t *out,
    char *error, size_t error_size);

/* Bytes percent-encoding keeps besides the unreserved ones. */
#define GW_URL_SAFE_VALUE   "!$'()*+,;/:"
#define GW_URL_SAFE_STATIC  "!$'()*+,;/:|"
#define GW_URL_SAFE_QUERY   "!$'()*,;"

#endif /* GW_URLMAP_INTERNAL_H */
