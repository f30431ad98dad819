/*
 * urlmap.c: the URL map.  Rules are compiled into a trie of path segments
 * at start-up; matching follows Werkzeug's StateMachineMatcher step for
 * step (static transitions first, then dynamic ones by weight, converters
 * validated only once a rule matched, strict-slash and merge-slash
 * redirects), so a request costs the depth of its path, not the number of
 * rules.
 */

#include "fw.h"
#include "urlmap_internal.h"

#include <stdio.h>
#include <string.h>


gw_urlmap_t *
gw_urlmap_create(void)
{
    gw_urlmap_t  *m;
    gw_arena_t   *a;

    a = gw_arena_create(16384);
    if (a == NULL) {
        return NULL;
    }

    m = gw_arena_calloc(a, sizeof(gw_urlmap_t));
    if (m == NULL) {
        gw_arena_destroy(a);
        return NULL;
    }
    m->arena = a;

    m->root = gw_arena_calloc(a, sizeof(gw_state_t));
    m->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t) 0);
    if (m->root == NULL || m->c_locale == (locale_t) 0) {
        gw_arena_destroy(a);
        return NULL;
    }

    return m;
}


void
gw_urlmap_destroy(gw_urlmap_t *m)
{
    if (m == NULL) {
        return;
    }
    freelocale(m->c_locale);
    gw_arena_destroy(m->arena);
}


/* ---- building the trie -------------------------------------------------- */

static int
gw_str_cmp(gw_str_t a, gw_str_t b)
{
    int  rc;

    rc = memcmp(a.data, b.data, a.len < b.len ? a.len : b.len);
    if (rc != 0) {
        return rc;
    }
    return a.len < b.len ? -1 : a.len > b.len;
}


/* Binary search: the index of key, or where it would go (*found 0). */
static size_t
gw_state_find(const gw_state_t *st, gw_str_t key, int *found)
{
    size_t  lo, hi, mid;
    int     rc;

    lo = 0;
    hi = st->nstatics;
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        rc = gw_str_cmp(st->statics[mid].key, key);
        if (rc == 0) {
            *found = 1;
            return mid;
        }
        if (rc < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    *found = 0;
    return lo;
}


static gw_state_t *
gw_state_static(const gw_state_t *st, gw_str_t key)
{
    size_t  i;
    int     found;

    if (st->nstatics == 0) {
        return NULL;
    }
    i = gw_state_find(st, key, &found);
    return found ? st->statics[i].state : NULL;
}


static int
gw_piece_is_slash(const gw_piece_t *pc)
{
    return pc->conv == NULL && pc->text.len == 1 && pc->text.data[0] == '/';
}


/*
 * Werkzeug's Weighting, compared as its tuple is: more static pieces
 * first, then longer static pieces, then more converters, then lighter
 * converters (numbers before strings before paths).
 */
static int
gw_part_weight_cmp(const gw_part_t *a, const gw_part_t *b)
{
    size_t  i, j, na, nb, ca, cb;

    for (na = ca = i = 0; i < a->npieces; i++) {
        if (a->pieces[i].conv) {
            ca++;
        } else if (!gw_piece_is_slash(&a->pieces[i])) {
            na++;
        }
    }
    for (nb = cb = i = 0; i < b->npieces; i++) {
        if (b->pieces[i].conv) {
            cb++;
        } else if (!gw_piece_is_slash(&b->pieces[i])) {
            nb++;
        }
    }

    if (na != nb) {
        return na > nb ? -1 : 1;
    }

    /* static weights: (index, -len) pairs; the index is equal pair by
     * pair, so longer static text sorts first */
    for (i = j = 0; i < a->npieces && j < b->npieces; i++, j++) {
        while (i < a->npieces
               && (a->pieces[i].conv || gw_piece_is_slash(&a->pieces[i])))
        {
            i++;
        }
        while (j < b->npieces
               && (b->pieces[j].conv || gw_piece_is_slash(&b->pieces[j])))
        {
            j++;
        }
        if (i == a->npieces || j == b->npieces) {
            break;
        }
        if (a->pieces[i].text.len != b->pieces[j].text.len) {
            return a->pieces[i].text.len > b->pieces[j].text.len ? -1 : 1;
        }
    }

    if (ca != cb) {
        return ca > cb ? -1 : 1;
    }

    for (i = j = 0; i < a->npieces && j < b->npieces; i++, j++) {
        while (i < a->npieces && a->pieces[i].conv == NULL) {
            i++;
        }
        while (j < b->npieces && b->pieces[j].conv == NULL) {
            j++;
        }
        if (i == a->npieces || j == b->npieces) {
            break;
        }
        if (a->pieces[i].conv->weight != b->pieces[j].conv->weight) {
            return a->pieces[i].conv->weight < b->pieces[j].conv->weight
                   ? -1 : 1;
        }
    }
    return 0;
}


/* Werkzeug shares a state between parts whose regexes are equal. */
static int
gw_part_same(const gw_part_t *a, const gw_part_t *b)
{
    size_t  i;

    if (a->final != b->final || a->npieces != b->npieces) {
        return 0;
    }
    for (i = 0; i < a->npieces; i++) {
        if ((a->pieces[i].conv == NULL) != (b->pieces[i].conv == NULL)) {
            return 0;
        }
        if (a->pieces[i].conv == NULL) {
            if (gw_str_cmp(a->pieces[i].text, b->pieces[i].text) != 0) {
                return 0;
            }
        } else if (!gw_conv_same_regex(a->pieces[i].conv, b->pieces[i].conv))
        {
            return 0;
        }
    }
    return 1;
}


static gw_state_t *
gw_state_next(gw_urlmap_t *m, gw_state_t *st, gw_part_t *part)
{
    gw_state_t  *next;
    size_t       i;
    int          found;

    if (part->is_static) {
        i = gw_state_find(st, part->text, &found);
        if (found) {
            return st->statics[i].state;
        }

        next = gw_arena_calloc(m->arena, sizeof(gw_state_t));
        if (next == NULL
            || gw_array_grow(m->arena, &st->statics, st->nstatics,
                             &st->nstatics_alloc, sizeof(gw_static_edge_t))
               != GW_OK)
        {
            return NULL;
        }
        memmove(&st->statics[i + 1], &st->statics[i],
                (st->nstatics - i) * sizeof(gw_static_edge_t));
        st->statics[i].key = part->text;
        st->statics[i].state = next;
        st->nstatics++;
        return next;
    }

    for (i = 0; i < st->ndynamics; i++) {
        if (gw_part_same(st->dynamics[i].part, part)) {
            return st->dynamics[i].state;
        }
    }

    next = gw_arena_calloc(m->arena, sizeof(gw_state_t));
    if (next == NULL
        || gw_array_grow(m->arena, &st->dynamics, st->ndynamics,
                         &st->ndynamics_alloc, sizeof(gw_dynamic_edge_t))
           != GW_OK)
    {
        return NULL;
    }

    /* insert after every edge that does not weigh more: a stable sort */
    for (i = st->ndynamics; i > 0; i--) {
        if (gw_part_weight_cmp(st->dynamics[i - 1].part, part) <= 0) {
            break;
        }
    }
    memmove(&st->dynamics[i + 1], &st->dynamics[i],
            (st->ndynamics - i) * sizeof(gw_dynamic_edge_t));
    st->dynamics[i].part = part;
    st->dynamics[i].state = next;
    st->ndynamics++;
    return next;
}


/* Keep rules by endpoint for url building: endpoints sorted by name, each
 * endpoint's rules with the most arguments first (Werkzeug's
 * build_compare_key), otherwise in the order added. */
static int
gw_urlmap_index(gw_urlmap_t *m, gw_rule_t *r)
{
    gw_endpoint_t  *ep;
    size_t          lo, hi, mid, i;
    int             rc;

    lo = 0;
    hi = m->nendpoints;
    rc = 1;
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        rc = strcmp(m->endpoints[mid].endpoint, r->endpoint);
        if (rc == 0) {
            lo = mid;
            break;
        }
        if (rc < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }

    if (rc != 0) {
        if (gw_array_grow(m->arena, &m->endpoints, m->nendpoints,
                          &m->nendpoints_alloc, sizeof(gw_endpoint_t))
            != GW_OK)
        {
            return GW_ERROR;
        }
        memmove(&m->endpoints[lo + 1], &m->endpoints[lo],
                (m->nendpoints - lo) * sizeof(gw_endpoint_t));
        memset(&m->endpoints[lo], 0, sizeof(gw_endpoint_t));
        m->endpoints[lo].endpoint = r->endpoint;
        m->endpoints[lo].len = strlen(r->endpoint);
        m->nendpoints++;
    }

    ep = &m->endpoints[lo];
    if (gw_array_grow(m->arena, &ep->rules, ep->nrules,
                      &ep->nalloc, sizeof(gw_rule_t *)) != GW_OK)
    {
        return GW_ERROR;
    }
    for (i = ep->nrules; i > 0; i--) {
        if (ep->rules[i - 1]->nconvs >= r->nconvs) {
            break;
        }
    }
    memmove(&ep->rules[i + 1], &ep->rules[i],
            (ep->nrules - i) * sizeof(gw_rule_t *));
    ep->rules[i] = r;
    ep->nrules++;
    return GW_OK;
}


int
gw_urlmap_add(gw_urlmap_t *m, const char *rule, const char *endpoint,
    unsigned methods, void *data, char *error, size_t error_size)
{
    gw_rule_t   *r;
    gw_state_t  *st;
    size_t       i;

    if (rule == NULL || endpoint == NULL) {
        snprintf(error, error_size, "rule and endpoint are required");
        return GW_ERROR;
    }

    r = gw_arena_calloc(m->arena, sizeof(gw_rule_t));
    if (r == NULL) {
        goto nomem;
    }
    r->rule = gw_arena_strdup(m->arena, rule);
    r->endpoint = gw_arena_strdup(m->arena, endpoint);
    if (r->rule == NULL || r->endpoint == NULL) {
        goto nomem;
    }
    r->data = data;

    if (methods == 0) {
        methods = GW_METHOD_GET;
    }
    if (methods & GW_METHOD_GET) {
        methods |= GW_METHOD_HEAD;
    }
    r->methods = methods | GW_METHOD_OPTIONS;

    if (gw_rule_parse(m, r, rule, error, error_size) != GW_OK) {
        return GW_ERROR;
    }

    st = m->root;
    for (i = 0; i < r->nparts; i++) {
        st = gw_state_next(m, st, &r->parts[i]);
        if (st == NULL) {
            goto nomem;
        }
    }

    if (gw_array_grow(m->arena, &st->rules, st->nrules,
                      &st->nrules_alloc, sizeof(gw_rule_t *)) != GW_OK
        || gw_urlmap_index(m, r) != GW_OK)
    {
        goto nomem;
    }
    st->rules[st->nrules++] = r;
    return GW_OK;

nomem:

    snprintf(error, error_size, "rule '%s': out of memory", rule);
    return GW_ERROR;
}


/* ---- matching ------------------------------------------------------------ */

typedef struct {
    unsigned        method;
    unsigned        have_match_for;     /* methods of rules that fit the
                                           path but not the method */
    int             slash_required;
    gw_str_t       *segs;
    size_t          nsegs;
    const char     *end;                /* of the path */
    gw_arena_t     *arena;
    gw_str_t        vals[GW_RULE_MAX_VARS];
} gw_match_ctx_t;


/* Bytes in the UTF-8 character at p: Werkzeug matches characters.  A
 * byte that does not start a well-formed sequence counts as one, as
 * Python's errors="replace" makes it one U+FFFD. */
static size_t
gw_char_len(const char *p, const char *end)
{
    unsigned char  c;
    size_t         n, i;

    c = (unsigned char) *p;
    n = c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf8 ? 4 : 1;
    if ((size_t) (end - p) < n) {
        return 1;
    }
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 1;
        }
    }
    return n;
}


/* The start of the character that ends at e.  A lead byte is never part
 * of an earlier character, so the nearest one whose sequence ends at e is
 * a character boundary. */
static const char *
gw_char_prev(const char *s, const char *e)
{
    size_t  back;

    for (back = 2; back <= 4 && (size_t) (e - s) >= back; back++) {
        if (gw_char_len(e - back, e) == back) {
            return e - back;
        }
    }
    return e - 1;
}


/* One attempt to match a dynamic part against text start..end. */
typedef struct {
    const gw_part_t  *part;
    const char       *start;
    const char       *end;
    /* one bit per (piece, position) already known not to match: without
     * it, several converters in one part backtrack in polynomial time of
     * high degree ("<a>-<b>-<c>" against "x-x-x-...") */
    unsigned char    *failed;
} gw_pm_t;


static int gw_pieces_match(gw_pm_t *pm, size_t k, const char *s,
    gw_str_t *caps);


static int
gw_piece_try(gw_pm_t *pm, size_t k, const char *s, const char *e,
    gw_str_t *caps)
{
    caps[0].data = s;
    caps[0].len = e - s;
    return gw_pieces_match(pm, k + 1, e, caps + 1);
}


static int
gw_is_digit(char c)
{
    return c >= '0' && c <= '9';
}


static int
gw_is_hex(char c)
{
    return gw_is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}


/* Piece k (and, through it, the rest) at s. */
static int
gw_piece_match(gw_pm_t *pm, size_t k, const char *s, gw_str_t *caps)
{
    const gw_piece_t  *pc;
    const gw_conv_t   *c;
    const char        *q, *e, *end;
    size_t             i, n;

    end = pm->end;
    pc = &pm->part->pieces[k];
    c = pc->conv;

    if (c == NULL) {
        return (size_t) (end - s) >= pc->text.len
               && memcmp(s, pc->text.data, pc->text.len) == 0
               && gw_pieces_match(pm, k + 1, s + pc->text.len, caps);
    }

    switch (c->type) {

    case GW_CONV_STRING:
        /* [^/]{min,max}, greedy, counted in characters */
        n = 0;
        for (e = s; e < end && *e != '/' && n < c->maxlen; n++) {
            e += gw_char_len(e, end);
        }
        for ( ;; ) {
            if (n < c->minlen) {
                return 0;
            }
            if (gw_piece_try(pm, k, s, e, caps)) {
                return 1;
            }
            if (e == s) {
                return 0;
            }
            e = gw_char_prev(s, e);
            n--;
        }

    case GW_CONV_INT:
    case GW_CONV_FLOAT:
        q = s;
        if (c->is_signed && q < end && *q == '-') {
            q++;
        }
        for (e = q; e < end && gw_is_digit(*e); e++) {
            /* void */
        }
        if (e == q) {
            return 0;
        }
        if (c->type == GW_CONV_FLOAT) {
            /* \d+\.\d+: the dot is fixed, only the tail backtracks */
            if (e == end || *e != '.') {
                return 0;
            }
            q = e + 1;
            for (e = q; e < end && gw_is_digit(*e); e++) {
                /* void */
            }
        }
        for ( ; e > q; e--) {
            if (gw_piece_try(pm, k, s, e, caps)) {
                return 1;
            }
        }
        return 0;

    case GW_CONV_UUID:
        if (end - s < 36) {
            return 0;
        }
        for (i = 0; i < 36; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23
                ? s[i] != '-' : !gw_is_hex(s[i]))
            {
                return 0;
            }
        }
        return gw_piece_try(pm, k, s, s + 36, caps);

    case GW_CONV_ANY:
        for (i = 0; i < c->nitems; i++) {
            n = c->items[i].len;
            if ((size_t) (end - s) >= n
                && memcmp(s, c->items[i].data, n) == 0
                && gw_piece_try(pm, k, s, s + n, caps))
            {
                return 1;
            }
        }
        return 0;

    case GW_CONV_PATH:
        /* [^/].*? : lazy, and '.' stops at a newline */
        if (s == end || *s == '/') {
            return 0;
        }
        for (e = s + gw_char_len(s, end); ; e += gw_char_len(e, end)) {
            if (gw_piece_try(pm, k, s, e, caps)) {
                return 1;
            }
            if (e == end || *e == '\n') {
                return 0;
            }
        }
    }

    return 0;
}


/*
 * Match pieces k.. of a dynamic part against s..end, as Python's re.match
 * of Werkzeug's regex for it would, anchored at both ends: candidates are
 * tried in the order the regex engine backtracks through them (greedy
 * quantifiers longest first, the path converter's lazy one shortest first,
 * any() items in rule order), so the captures are the same.
 */
static int
gw_pieces_match(gw_pm_t *pm, size_t k, const char *s, gw_str_t *caps)
{
    size_t  bit;

    if (k == pm->part->npieces) {
        return s == pm->end;
    }

    if (pm->failed == NULL) {
        return gw_piece_match(pm, k, s, caps);
    }

    bit = k * (pm->end - pm->start + 1) + (s - pm->start);
    if (pm->failed[bit / 8] & (1 << (bit % 8))) {
        return 0;
    }
    if (gw_piece_match(pm, k, s, caps)) {
        return 1;
    }
    pm->failed[bit / 8] |= (unsigned char) (1 << (bit % 8));
    return 0;
}


/* Werkzeug's _match(): the rule for segs[i..] from state st, or NULL. */
static gw_rule_t *
gw_state_match(gw_match_ctx_t *ctx, const gw_state_t *st, size_t i,
    size_t nvals)
{
    const gw_state_t  *next;
    const gw_part_t   *part;
    gw_rule_t         *r;
    gw_str_t           seg;
    gw_pm_t            pm;
    const char        *end;
    size_t             j, after, bits;

    if (i == ctx->nsegs) {
        for (j = 0; j < st->nrules; j++) {
            if (st->rules[j]->methods & ctx->method) {
                return st->rules[j];
            }
            ctx->have_match_for |= st->rules[j]->methods;
        }

        /* the path would match with a slash added: redirect there */
        next = gw_state_static(st, (gw_str_t) gw_string(""));
        if (next != NULL) {
            for (j = 0; j < next->nrules; j++) {
                if (next->rules[j]->methods & ctx->method) {
                    ctx->slash_required = 1;
                    return NULL;
                }
            }
        }
        return NULL;
    }

    seg = ctx->segs[i];

    next = gw_state_static(st, seg);
    if (next != NULL) {
        r = gw_state_match(ctx, next, i + 1, nvals);
        if (r != NULL || ctx->slash_required) {
            return r;
        }
    }

    for (j = 0; j < st->ndynamics; j++) {
        part = st->dynamics[j].part;

        if (part->final) {
            end = ctx->end;
            after = ctx->nsegs;
        } else {
            end = seg.data + seg.len;
            after = i + 1;
        }

        pm.part = part;
        pm.start = seg.data;
        pm.end = end;
        pm.failed = NULL;

        /* one converter cannot backtrack much; more can */
        if (part->nconvs > 1) {
            bits = (part->npieces + 1) * (end - seg.data + 1);
            pm.failed = gw_arena_calloc(ctx->arena, bits / 8 + 1);
            if (pm.failed == NULL) {
                continue;
            }
        }

        /* a part's captures always fit: a rule has at most
         * GW_RULE_MAX_VARS variables, and a trie path is one rule's parts */
        if (!gw_pieces_match(&pm, 0, seg.data, ctx->vals + nvals)) {
            continue;
        }

        r = gw_state_match(ctx, st->dynamics[j].state, after,
                           nvals + part->nconvs);
        if (r != NULL || ctx->slash_required) {
            return r;
        }
    }

    return NULL;
}


static gw_rule_t *
gw_urlmap_run(const gw_urlmap_t *m, gw_arena_t *a, gw_match_ctx_t *ctx,
    gw_str_t path)
{
    const char  *p, *end, *slash;
    size_t       n;

    end = path.data + path.len;
    n = 1;
    for (p = path.data; p < end; p++) {
        n += *p == '/';
    }

    ctx->segs = gw_arena_alloc(a, n * sizeof(gw_str_t));
    if (ctx->segs == NULL) {
        return NULL;
    }

    n = 0;
    p = path.data;
    for ( ;; ) {
        slash = memchr(p, '/', end - p);
        ctx->segs[n].data = p;
        ctx->segs[n].len = (slash ? slash : end) - p;
        n++;
        if (slash == NULL) {
            break;
        }
        p = slash + 1;
    }

    ctx->nsegs = n;
    ctx->end = end;
    ctx->slash_required = 0;
    return gw_state_match(ctx, m->root, 0, 0);
}


/* Werkzeug's re.sub("/{2,}?", "/", path): each pair of slashes becomes
 * one. */
static gw_str_t
gw_merge_slashes(gw_arena_t *a, gw_str_t path)
{
    gw_str_t     out = gw_null_string;
    const char  *p, *end;
    char        *d;

    d = gw_arena_alloc(a, path.len + 1);
    if (d == NULL) {
        return out;
    }
    out.data = d;
    end = path.data + path.len;
    for (p = path.data; p < end; ) {
        if (p + 1 < end && p[0] == '/' && p[1] == '/') {
            *d++ = '/';
            p += 2;
        } else {
            *d++ = *p++;
        }
    }
    out.len = d - out.data;
    return out;
}


static gw_match_status_t
gw_urlmap_redirect(gw_arena_t *a, gw_str_t path, int slash,
    gw_match_t *match)
{
    gw_str_t  s;
    char     *p;

    p = gw_arena_alloc(a, path.len + 2);
    if (p == NULL) {
        return GW_MATCH_NOT_FOUND;
    }
    memcpy(p, path.data, path.len);
    if (slash) {
        p[path.len++] = '/';
    }
    p[path.len] = '\0';
    s.data = p;
    s.len = path.len;

    /* decoded, like PATH_INFO: the caller encodes it for Location */
    match->redirect = s;
    return GW_MATCH_REDIRECT;
}


gw_match_status_t
gw_urlmap_match(const gw_urlmap_t *m, gw_arena_t *a, gw_str_t method,
    gw_str_t path, gw_match_t *match)
{
    gw_match_ctx_t  ctx;
    gw_rule_t      *r;
    gw_str_t        merged;
    json_t         *args, *v;
    char           *p;
    size_t          i;

    memset(match, 0, sizeof(gw_match_t));

    /* Werkzeug: "/" + path_info.lstrip("/"), or "" for no path at all */
    if (path.len) {
        while (path.len && path.data[0] == '/') {
            path.data++;
            path.len--;
        }
        p = gw_arena_alloc(a, path.len + 2);
        if (p == NULL) {
            return GW_MATCH_NOT_FOUND;
        }
        p[0] = '/';
        if (path.len) {
            memcpy(p + 1, path.data, path.len);
        }
        p[path.len + 1] = '\0';
        path.data = p;
        path.len++;

    } else {
        path.data = "";
    }

    ctx.method = gw_method_bit(method);
    ctx.have_match_for = 0;
    ctx.arena = a;

    r = gw_urlmap_run(m, a, &ctx, path);
    if (ctx.slash_required) {
        return gw_urlmap_redirect(a, path, 1, match);
    }

    if (r == NULL && memmem(path.data, path.len, "//", 2) != NULL) {
        merged = gw_merge_slashes(a, path);
        if (merged.data == NULL) {
            return GW_MATCH_NOT_FOUND;
        }
        r = gw_urlmap_run(m, a, &ctx, merged);
        if (ctx.slash_required) {
            return gw_urlmap_redirect(a, merged, 1, match);
        }
        if (r != NULL) {
            return gw_urlmap_redirect(a, merged, 0, match);
        }
    }

    if (r == NULL) {
        goto no_match;
    }

    args = json_object();
    if (args == NULL) {
        goto no_match;
    }

    for (i = 0; i < r->nconvs; i++) {
        v = gw_conv_to_json(m, r->convs[i], ctx.vals[i]);
        if (v == NULL || json_object_set_new(args, r->convs[i]->var, v) != 0)
        {
            /* a ValidationError: Werkzeug gives up, no other rule tried */
            json_decref(args);
            goto no_match;
        }
    }

    match->endpoint = r->endpoint;
    match->rule = r->rule;
    match->data = r->data;
    match->args = args;
    match->allow = r->methods;

    /* OPTIONS answers with every method the path allows (Werkzeug's
     * allowed_methods(): a match no rule can satisfy) */
    if (ctx.method == GW_METHOD_OPTIONS) {
        ctx.method = 0;
        ctx.have_match_for = 0;
        (void) gw_urlmap_run(m, a, &ctx, path);
        match->allow |= ctx.have_match_for;
    }

    return GW_MATCH_OK;

no_match:

    if (ctx.have_match_for) {
        match->allow = ctx.have_match_for;
        return GW_MATCH_METHOD_NOT_ALLOWED;
    }
    return GW_MATCH_NOT_FOUND;
}
