/*
 * rule.c: a Werkzeug rule ("/notes/<int(min=1):id>/edit") into the parts
 * the trie is made of, and the trace url building walks.  Every mistake is
 * reported here, at start-up, with the rule it is in.
 */

#include "fw.h"
#include "urlmap_internal.h"

#include <stdio.h>
#include <string.h>


typedef struct {
    gw_piece_t  *items;
    size_t       n;
    size_t       nalloc;
} gw_pieces_t;


static int
gw_pieces_add(gw_arena_t *a, gw_pieces_t *ps, gw_str_t text, gw_conv_t *c)
{
    if (gw_array_grow(a, &ps->items, ps->n, &ps->nalloc,
                      sizeof(gw_piece_t)) != GW_OK)
    {
        return GW_ERROR;
    }
    ps->items[ps->n].text = text;
    ps->items[ps->n].conv = c;
    ps->n++;
    return GW_OK;
}


static int
gw_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}


static int
gw_ident_char(char c)
{
    return gw_ident_start(c) || (c >= '0' && c <= '9');
}


/* Length of the identifier at p, 0 if there is none. */
static size_t
gw_ident(const char *p)
{
    size_t  n;

    if (!gw_ident_start(*p)) {
        return 0;
    }
    for (n = 1; gw_ident_char(p[n]); n++) {
        /* void */
    }
    return n;
}


/*
 * One "<conv(args):name>" at p, as Werkzeug's _part_re reads it: the
 * argument text runs to the first ')' that is followed by ':name>'.
 * Returns the byte after '>', or NULL with msg set.
 */
static const char *
gw_rule_variable(const char *p, gw_str_t *conv, gw_str_t *args,
    gw_str_t *var, char *msg, size_t msg_size)
{
    const char  *q, *close;
    size_t       n;

    if (strchr(p, '>') == NULL) {
        snprintf(msg, msg_size, "unterminated variable");
        return NULL;
    }

    q = p + 1;
    conv->data = args->data = NULL;
    conv->len = args->len = 0;

    n = gw_ident(q);
    if (n && (q[n] == '(' || q[n] == ':')) {
        conv->data = q;
        conv->len = n;
        q += n;

        if (*q == '(') {
            for (close = strchr(q, ')'); close; close = strchr(close + 1, ')'))
            {
                n = close[1] == ':' ? gw_ident(close + 2) : 0;
                if (n && close[2 + n] == '>') {
                    break;
                }
            }
            if (close == NULL) {
                snprintf(msg, msg_size, "malformed variable '%.*s'",
                         (int) (strchr(p, '>') - p + 1), p);
                return NULL;
            }
            args->data = q + 1;
            args->len = close - q - 1;
            q = close + 1;
        }
        q++;    /* ':' */
    }

    n = gw_ident(q);
    if (n == 0 || q[n] != '>') {
        snprintf(msg, msg_size, "malformed variable '%.*s'",
                 (int) (strchr(p, '>') - p + 1), p);
        return NULL;
    }
    var->data = q;
    var->len = n;
    return q + n + 1;
}


/* Close the part being collected: a static segment when it holds no
 * converter, else its pieces. */
static int
gw_rule_end_part(gw_urlmap_t *m, gw_rule_t *r, gw_pieces_t *ps,
    gw_part_t **parts, size_t *nalloc, int is_static, int final)
{
    gw_part_t  *part;
    size_t      i, len;
    char       *text;

    if (gw_array_grow(m->arena, parts, r->nparts, nalloc,
                      sizeof(gw_part_t)) != GW_OK)
    {
        return GW_ERROR;
    }
    part = &(*parts)[r->nparts++];
    memset(part, 0, sizeof(gw_part_t));
    part->final = final;
    part->is_static = is_static;

    if (is_static) {
        /* a static part may have been gathered in several pieces */
        for (len = 0, i = 0; i < ps->n; i++) {
            len += ps->items[i].text.len;
        }
        text = gw_arena_alloc(m->arena, len + 1);
        if (text == NULL) {
            return GW_ERROR;
        }
        for (len = 0, i = 0; i < ps->n; i++) {
            memcpy(text + len, ps->items[i].text.data, ps->items[i].text.len);
            len += ps->items[i].text.len;
        }
        text[len] = '\0';
        part->text.data = text;
        part->text.len = len;

    } else {
        part->pieces = ps->items;
        part->npieces = ps->n;
        for (i = 0; i < ps->n; i++) {
            part->nconvs += ps->items[i].conv != NULL;
        }
    }

    ps->items = NULL;
    ps->n = ps->nalloc = 0;
    return GW_OK;
}


/* Werkzeug merges runs of slashes in rules with re.sub("/{2,}?", "/"),
 * which replaces each pair: "///" becomes "//".  Kept as is. */
static char *
gw_rule_merge_slashes(gw_arena_t *a, const char *text)
{
    char        *out, *d;
    const char  *p;

    out = gw_arena_alloc(a, strlen(text) + 1);
    if (out == NULL) {
        return NULL;
    }
    for (p = text, d = out; *p; ) {
        if (p[0] == '/' && p[1] == '/') {
            *d++ = '/';
            p += 2;
        } else {
            *d++ = *p++;
        }
    }
    *d = '\0';
    return out;
}


/* Static text joins the trace's last piece when that is static too, so
 * that building copies each run of text once ("/tags/", not "/", "tags",
 * "/"). */
static int
gw_rule_trace_static(gw_urlmap_t *m, gw_pieces_t *trace, gw_str_t text)
{
    gw_str_t     enc;
    gw_piece_t  *last;
    char        *joined;

    if (gw_url_encode(m->arena, text, GW_URL_SAFE_STATIC, &enc) != GW_OK) {
        return GW_ERROR;
    }
    last = trace->n ? &trace->items[trace->n - 1] : NULL;
    if (last == NULL || last->conv != NULL) {
        return gw_pieces_add(m->arena, trace, enc, NULL);
    }
    joined = gw_arena_alloc(m->arena, last->text.len + enc.len + 1);
    if (joined == NULL) {
        return GW_ERROR;
    }
    memcpy(joined, last->text.data, last->text.len);
    memcpy(joined + last->text.len, enc.data, enc.len);
    joined[last->text.len + enc.len] = '\0';
    last->text.data = joined;
    last->text.len += enc.len;
    return GW_OK;
}


int
gw_rule_parse(gw_urlmap_t *m, gw_rule_t *r, const char *text, char *error,
    size_t error_size)
{
    const char  *p, *q;
    char         msg[256];
    char        *vname;
    gw_str_t     conv, args, var, s;
    gw_pieces_t  ps, trace;
    gw_conv_t   *c;
    gw_part_t   *parts;
    size_t       nalloc, i;
    int          is_static, final;

    msg[0] = '\0';
    memset(&ps, 0, sizeof(ps));
    memset(&trace, 0, sizeof(trace));
    parts = NULL;
    nalloc = 0;
    r->nparts = 0;
    r->nconvs = 0;

    if (text[0] != '/') {
        snprintf(msg, sizeof(msg), "must start with '/'");
        goto failed;
    }

    p = gw_rule_merge_slashes(m->arena, text);
    if (p == NULL) {
        goto nomem;
    }

    /* the leading slash ends an empty static part, as in Werkzeug */
    is_static = 1;
    final = 0;

    while (*p) {
        if (*p == '/') {
            s.data = p;
            s.len = 1;
            if (gw_rule_trace_static(m, &trace, s) != GW_OK) {
                goto nomem;
            }
            p++;

            if (final) {
                /* after a path converter, '/' is text of the final part */
                if (gw_pieces_add(m->arena, &ps, s, NULL) != GW_OK) {
                    goto nomem;
                }
                continue;
            }

            if (gw_rule_end_part(m, r, &ps, &parts, &nalloc, is_static, 0)
                != GW_OK)
            {
                goto nomem;
            }
            is_static = 1;
            continue;
        }

        if (*p == '<') {
            q = gw_rule_variable(p, &conv, &args, &var, msg, sizeof(msg));
            if (q == NULL) {
                goto failed;
            }

            for (i = 0; i < r->nconvs; i++) {
                if (strlen(r->convs[i]->var) == var.len
                    && memcmp(r->convs[i]->var, var.data, var.len) == 0)
                {
                    snprintf(msg, sizeof(msg), "duplicate variable '%.*s'",
                             (int) var.len, var.data);
                    goto failed;
                }
            }
            if (r->nconvs == GW_RULE_MAX_VARS) {
                snprintf(msg, sizeof(msg), "more than %d variables",
                         GW_RULE_MAX_VARS);
                goto failed;
            }

            vname = gw_arena_strndup(m->arena, var.data, var.len);
            if (vname == NULL) {
                goto nomem;
            }

            c = gw_conv_create(m, conv, args, vname, msg, sizeof(msg));
            if (c == NULL) {
                goto failed;
            }

            r->convs[r->nconvs++] = c;
            s.data = NULL;
            s.len = 0;
            if (gw_pieces_add(m->arena, &ps, s, c) != GW_OK
                || gw_pieces_add(m->arena, &trace, s, c) != GW_OK)
            {
                goto nomem;
            }
            is_static = 0;
            if (c->type == GW_CONV_PATH) {
                final = 1;
            }
            p = q;
            continue;
        }

        /* static text up to the next '<' or '/' */
        s.data = p;
        while (*p && *p != '<' && *p != '/') {
            p++;
        }
        s.len = p - s.data;
        if (gw_pieces_add(m->arena, &ps, s, NULL) != GW_OK
            || gw_rule_trace_static(m, &trace, s) != GW_OK)
        {
            goto nomem;
        }
    }

    if (gw_rule_end_part(m, r, &ps, &parts, &nalloc, is_static, final)
        != GW_OK)
    {
        goto nomem;
    }

    r->parts = parts;
    r->trace = trace.items;
    r->ntrace = trace.n;
    return GW_OK;

nomem:

    snprintf(msg, sizeof(msg), "out of memory");

failed:

    snprintf(error, error_size, "rule '%s': %s", text, msg);
    return GW_ERROR;
}
