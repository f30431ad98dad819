/*
 * lexer.c: turns template source into a flat token array, as Jinja's lexer
 * does: text data between tags, then the tokens inside {{ }} and {% %};
 * comments vanish, whitespace control (-) trims the neighbouring data, and
 * {% raw %} passes its content through untouched.
 */

#include "tmpl.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef struct {
    gw_arena_t   *a;
    const char   *name;
    const char   *src;
    size_t        len;
    size_t        pos;
    uint32_t      line;
    size_t        line_start;
    tmpl_tok_t   *toks;
    size_t        n;
    size_t        cap;
    char         *err;
    size_t        errsz;
    int           strip_next;   /* a "-" end marker: trim the next data */
    int           failed;       /* a syntax error is in err */
    uint32_t      err_line;
    uint32_t      err_col;
} lexer_t;


static int
lex_error(lexer_t *lx, size_t pos, const char *msg)
{
    uint32_t  line = 1;
    size_t    i, ls = 0;

    for (i = 0; i < pos && i < lx->len; i++) {
        if (lx->src[i] == '\n') {
            line++;
            ls = i + 1;
        }
    }
    snprintf(lx->err, lx->errsz, "%s:%u:%zu: %s", lx->name, line,
             pos - ls + 1, msg);
    lx->failed = 1;
    lx->err_line = line;
    lx->err_col = (uint32_t) (pos - ls + 1);
    return GW_ERROR;
}


static void
lex_pos(lexer_t *lx, size_t pos, uint32_t *line, uint32_t *col)
{
    /* positions only move forward, so count newlines incrementally */
    while (lx->pos < pos) {
        if (lx->src[lx->pos] == '\n') {
            lx->line++;
            lx->line_start = lx->pos + 1;
        }
        lx->pos++;
    }
    *line = lx->line;
    *col = (uint32_t) (pos - lx->line_start + 1);
}


static tmpl_tok_t *
lex_push(lexer_t *lx, int type, size_t pos)
{
    tmpl_tok_t  *t;

    if (gw_array_grow(lx->a, &lx->toks, lx->n, &lx->cap, sizeof(tmpl_tok_t))
        != GW_OK)
    {
        return NULL;
    }
    t = &lx->toks[lx->n++];
    memset(t, 0, sizeof(*t));
    t->type = type;
    lex_pos(lx, pos, &t->line, &t->col);
    return t;
}


static int
lex_data(lexer_t *lx, size_t start, size_t end, int rstrip)
{
    tmpl_tok_t  *t;

    if (lx->strip_next) {
        while (start < end && isspace((unsigned char) lx->src[start])) {
            start++;
        }
        lx->strip_next = 0;
    }
    if (rstrip) {
        while (end > start && isspace((unsigned char) lx->src[end - 1])) {
            end--;
        }
    }
    if (start == end) {
        return GW_OK;
    }
    t = lex_push(lx, T_DATA, start);
    if (t == NULL) {
        return GW_ERROR;
    }
    t->s = lx->src + start;
    t->len = end - start;
    return GW_OK;
}


static int
hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = (char) tolower((unsigned char) c);
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}


/* A string literal with Python's escapes; *pos is at the quote. */
static int
lex_string(lexer_t *lx, size_t *pos)
{
    const char  *s = lx->src;
    char         q = s[*pos], *o;
    size_t       i = *pos + 1, k = 0, start = *pos;
    tmpl_tok_t  *t;
    uint32_t     c;
    int          j, nd, h;

    while (i < lx->len && s[i] != q) {
        if (s[i] == '\\' && i + 1 < lx->len) {
            i++;
        }
        i++;
    }
    if (i >= lx->len) {
        return lex_error(lx, start, "unexpected char '\"' at start of "
                         "string literal");
    }
    o = gw_arena_alloc(lx->a, i - start + 4);
    if (o == NULL) {
        return GW_ERROR;
    }
    for (i = start + 1; s[i] != q; i++) {
        if (s[i] != '\\') {
            o[k++] = s[i];
            continue;
        }
        i++;
        switch (s[i]) {
        case 'n': o[k++] = '\n'; break;
        case 't': o[k++] = '\t'; break;
        case 'r': o[k++] = '\r'; break;
        case 'a': o[k++] = '\a'; break;
        case 'b': o[k++] = '\b'; break;
        case 'f': o[k++] = '\f'; break;
        case 'v': o[k++] = '\v'; break;
        case '\\': o[k++] = '\\'; break;
        case '\'': o[k++] = '\''; break;
        case '"': o[k++] = '"'; break;
        case '\n': break;
        case 'x': case 'u': case 'U':
            nd = s[i] == 'x' ? 2 : s[i] == 'u' ? 4 : 8;
            c = 0;
            for (j = 1; j <= nd; j++) {
                h = hexval(s[i + j]);
                if (h < 0) {
                    return lex_error(lx, start, "invalid escape in string");
                }
                c = c * 16 + (uint32_t) h;
            }
            if (c > 0x10ffff) {
                return lex_error(lx, start, "invalid escape in string");
            }
            i += nd;
            if (k + 4 > i - start + 4) {
                return lex_error(lx, start, "invalid escape in string");
            }
            k += tmpl_utf8_encode(o + k, c);
            break;
        default:
            if (s[i] >= '0' && s[i] <= '7') {
                c = 0;
                for (j = 0; j < 3 && s[i] >= '0' && s[i] <= '7'; j++, i++) {
                    c = c * 8 + (uint32_t) (s[i] - '0');
                }
                i--;
                k += tmpl_utf8_encode(o + k, c);
                break;
            }
            o[k++] = '\\';
            o[k++] = s[i];
        }
    }
    o[k] = '\0';
    t = lex_push(lx, T_STRING, start);
    if (t == NULL) {
        return GW_ERROR;
    }
    t->s = o;
    t->len = k;
    *pos = i + 1;
    return GW_OK;
}


/* A number literal's characters, underscores dropped: on the stack, or
 * for a literal too long for it, in the arena (once: no literal is longer
 * than what is left of the source). */
typedef struct {
    char    stack[128];
    char   *b;
    size_t  k;
    size_t  cap;
} numbuf_t;


static int
numbuf_put(lexer_t *lx, numbuf_t *nb, char c, size_t start)
{
    char  *big;

    if (nb->k + 1 == nb->cap) {
        big = gw_arena_alloc(lx->a, lx->len - start + 1);
        if (big == NULL) {
            return GW_ERROR;
        }
        memcpy(big, nb->b, nb->k);
        nb->b = big;
        nb->cap = lx->len - start + 1;
    }
    nb->b[nb->k++] = c;
    return GW_OK;
}


/* An integer literal's value; past 64 bits, a big integer. */
static int
number_int(lexer_t *lx, tmpl_tok_t *t, const char *digits, int base,
    size_t start)
{
    unsigned long long  v;

    errno = 0;
    v = strtoull(digits, NULL, base);
    if (errno != ERANGE && v <= INT64_MAX) {
        t->i = (int64_t) v;
        return GW_OK;
    }
    switch (tmpl_big_parse(lx->a, digits, base, &t->big)) {
    case GW_OK:
        return GW_OK;
    case 1:
        return lex_error(lx, start, "Exceeds the limit (4300 digits) for "
                         "integer string conversion");
    default:
        return GW_ERROR;
    }
}


static int
lex_number(lexer_t *lx, size_t *pos)
{
    const char  *s = lx->src;
    size_t       i = *pos, start = *pos;
    numbuf_t     nb;
    int          isfloat = 0, base = 10;
    tmpl_tok_t  *t;

    nb.b = nb.stack;
    nb.k = 0;
    nb.cap = sizeof(nb.stack);
    if (s[i] == '0' && i + 1 < lx->len && strchr("xXoObB", s[i + 1])
        && s[i + 1] != '\0')
    {
        base = (s[i + 1] | 0x20) == 'x' ? 16 : (s[i + 1] | 0x20) == 'o'
               ? 8 : 2;
        i += 2;
        while (i < lx->len && (isalnum((unsigned char) s[i]) || s[i] == '_'))
        {
            if (s[i] != '_' && numbuf_put(lx, &nb, s[i], start) != GW_OK) {
                return GW_ERROR;
            }
            i++;
        }
    } else {
        /* like Jinja's (?<!\.) float rule: x.0.1 is x[0][1] */
        int  after_dot = start > 0 && s[start - 1] == '.';

        if (after_dot) {
            isfloat = -1;
        }
        while (i < lx->len) {
            if (isdigit((unsigned char) s[i])
                || (s[i] == '_' && i + 1 < lx->len
                    && isdigit((unsigned char) s[i + 1])))
            {
                if (s[i] != '_' && numbuf_put(lx, &nb, s[i], start) != GW_OK)
                {
                    return GW_ERROR;
                }
                i++;
            } else if (s[i] == '.' && isfloat == 0 && i + 1 < lx->len
                       && isdigit((unsigned char) s[i + 1]))
            {
                isfloat = 1;
                if (numbuf_put(lx, &nb, s[i++], start) != GW_OK) {
                    return GW_ERROR;
                }
            } else if ((s[i] == 'e' || s[i] == 'E') && isfloat >= 0
                       && i + 1 < lx->len
                       && (isdigit((unsigned char) s[i + 1])
                           || ((s[i + 1] == '+' || s[i + 1] == '-')
                               && i + 2 < lx->len
                               && isdigit((unsigned char) s[i + 2]))))
            {
                isfloat = 1;
                if (numbuf_put(lx, &nb, s[i++], start) != GW_OK
                    || numbuf_put(lx, &nb, s[i++], start) != GW_OK)
                {
                    return GW_ERROR;
                }
            } else {
                break;
            }
        }
    }
    if (numbuf_put(lx, &nb, '\0', start) != GW_OK) {
        return GW_ERROR;
    }
    if (isfloat < 0) {
        isfloat = 0;
    }
    t = lex_push(lx, isfloat ? T_FLOAT : T_INT, start);
    if (t == NULL) {
        return GW_ERROR;
    }
    if (isfloat) {
        t->f = strtod(nb.b, NULL);
    } else if (number_int(lx, t, nb.b, base, start) != GW_OK) {
        return GW_ERROR;
    }
    *pos = i;
    return GW_OK;
}


static const char *ops2[] = { "//", "**", "==", "!=", "<=", ">=", NULL };
static const char ops1[] = "+-*/%~<>=.,:|()[]{}";


/* Tokens of one tag up to its end marker; returns position after it. */
static int
lex_tag(lexer_t *lx, size_t *pos, int kind)
{
    const char  *s = lx->src;
    size_t       i = *pos, start;
    char         endc = kind == T_VAR_BEGIN ? '}' : '%';
    int          depth = 0, k;
    tmpl_tok_t  *t;
    char         stack[64];

    for ( ;; ) {
        while (i < lx->len && isspace((unsigned char) s[i])) {
            i++;
        }
        if (i >= lx->len) {
            return lex_error(lx, i, kind == T_VAR_BEGIN
                             ? "unexpected end of template, expected 'end "
                               "of print statement'."
                             : "unexpected end of template, expected 'end "
                               "of statement block'.");
        }
        start = i;
        if (depth == 0) {
            if ((s[i] == '-' || (s[i] == '+' && kind == T_BLOCK_BEGIN))
                && i + 2 < lx->len + 0
                && s[i + 1] == endc && s[i + 2] == '}')
            {
                if (lex_push(lx, kind + 1, i) == NULL) {
                    return GW_ERROR;
                }
                lx->strip_next = s[i] == '-';
                *pos = i + 3;
                return GW_OK;
            }
            if (s[i] == endc && i + 1 < lx->len && s[i + 1] == '}') {
                if (lex_push(lx, kind + 1, i) == NULL) {
                    return GW_ERROR;
                }
                *pos = i + 2;
                return GW_OK;
            }
        }
        if (isalpha((unsigned char) s[i]) || s[i] == '_') {
            while (i < lx->len
                   && (isalnum((unsigned char) s[i]) || s[i] == '_'))
            {
                i++;
            }
            t = lex_push(lx, T_NAME, start);
            if (t == NULL) {
                return GW_ERROR;
            }
            t->s = s + start;
            t->len = i - start;
            continue;
        }
        if (isdigit((unsigned char) s[i])) {
            if (lex_number(lx, &i) != GW_OK) {
                return GW_ERROR;
            }
            continue;
        }
        if (s[i] == '"' || s[i] == '\'') {
            if (lex_string(lx, &i) != GW_OK) {
                return GW_ERROR;
            }
            continue;
        }
        for (k = 0; ops2[k]; k++) {
            if (i + 1 < lx->len && s[i] == ops2[k][0]
                && s[i + 1] == ops2[k][1])
            {
                break;
            }
        }
        if (ops2[k]) {
            t = lex_push(lx, T_OP, start);
            if (t == NULL) {
                return GW_ERROR;
            }
            t->s = ops2[k];
            t->len = 2;
            i += 2;
            continue;
        }
        if (s[i] != '\0' && strchr(ops1, s[i])) {
            if (s[i] == '(' || s[i] == '[' || s[i] == '{') {
                if (depth == (int) sizeof(stack)) {
                    return lex_error(lx, i, "brackets nested too deeply");
                }
                stack[depth++] = s[i] == '(' ? ')' : s[i] == '[' ? ']' : '}';
            } else if (s[i] == ')' || s[i] == ']' || s[i] == '}') {
                char  m[64];

                if (depth == 0) {
                    snprintf(m, sizeof(m), "unexpected '%c'", s[i]);
                    return lex_error(lx, i, m);
                }
                if (stack[depth - 1] != s[i]) {
                    snprintf(m, sizeof(m), "unexpected '%c', expected '%c'",
                             s[i], stack[depth - 1]);
                    return lex_error(lx, i, m);
                }
                depth--;
            }
            t = lex_push(lx, T_OP, start);
            if (t == NULL) {
                return GW_ERROR;
            }
            t->s = s + i;
            t->len = 1;
            i++;
            continue;
        }
        {
            char  m[64];

            snprintf(m, sizeof(m), "unexpected char '%c' at %zu",
                     s[i], i);
            return lex_error(lx, i, m);
        }
    }
}


/* {% raw %}: returns 1 and sets *end past "%}" when the tag at p is raw. */
static int
match_word_tag(lexer_t *lx, size_t p, const char *word, size_t *end,
    int *lstrip, int *rstrip)
{
    const char  *s = lx->src;
    size_t       wl = strlen(word);

    /* p is just after "{%" */
    *lstrip = 0;
    if (p < lx->len && (s[p] == '-' || s[p] == '+')) {
        *lstrip = s[p] == '-';
        p++;
    }
    while (p < lx->len && isspace((unsigned char) s[p])) {
        p++;
    }
    if (p + wl > lx->len || memcmp(s + p, word, wl) != 0) {
        return 0;
    }
    p += wl;
    while (p < lx->len && isspace((unsigned char) s[p])) {
        p++;
    }
    *rstrip = 0;
    /* "+%}" closes endraw, not raw: Jinja's raw_begin has no "+" there */
    if (p < lx->len && (s[p] == '-' || (s[p] == '+' && word[0] == 'e'))) {
        *rstrip = s[p] == '-';
        p++;
    }
    if (p + 1 < lx->len && s[p] == '%' && s[p + 1] == '}') {
        *end = p + 2;
        return 1;
    }
    return 0;
}


int
tmpl_lex(gw_arena_t *a, const char *name, const char *src, size_t len,
    tmpl_tok_t **toks, size_t *ntoks, char *err, size_t errsz)
{
    lexer_t      lx;
    size_t       i, p, data_start, end, q;
    int          ls, rs, kind, found;
    char        *norm;
    size_t       k;

    /* Jinja normalises newlines and drops one trailing newline first */
    norm = gw_arena_alloc(a, len + 1);
    if (norm == NULL) {
        return GW_ERROR;
    }
    for (i = 0, k = 0; i < len; i++) {
        if (src[i] == '\r') {
            norm[k++] = '\n';
            if (i + 1 < len && src[i + 1] == '\n') {
                i++;
            }
        } else {
            norm[k++] = src[i];
        }
    }
    if (k > 0 && norm[k - 1] == '\n') {
        k--;
    }
    norm[k] = '\0';

    memset(&lx, 0, sizeof(lx));
    lx.a = a;
    lx.name = name;
    lx.src = norm;
    lx.len = k;
    lx.line = 1;
    lx.err = err;
    lx.errsz = errsz;

    data_start = 0;
    i = 0;
    while (i < lx.len) {
        if (norm[i] != '{' || i + 1 >= lx.len
            || (norm[i + 1] != '{' && norm[i + 1] != '%'
                && norm[i + 1] != '#'))
        {
            i++;
            continue;
        }
        p = i + 2;
        ls = p < lx.len && norm[p] == '-';

        if (norm[i + 1] == '#') {
            if (lex_data(&lx, data_start, i, ls) != GW_OK) {
                goto failed;
            }
            found = 0;
            for (q = p; q + 1 < lx.len; q++) {
                if (norm[q] == '#' && norm[q + 1] == '}') {
                    found = 1;
                    break;
                }
            }
            if (!found) {
                lex_error(&lx, i, "Missing end of comment tag");
                goto failed;
            }
            lx.strip_next = q > p && norm[q - 1] == '-';
            i = data_start = q + 2;
            continue;
        }

        if (norm[i + 1] == '%'
            && match_word_tag(&lx, p, "raw", &end, &ls, &rs))
        {
            if (lex_data(&lx, data_start, i, ls) != GW_OK) {
                goto failed;
            }
            lx.strip_next = rs;
            for (q = end; q + 1 < lx.len; q++) {
                int  ls2, rs2;
                size_t e2;

                if (norm[q] == '{' && norm[q + 1] == '%'
                    && match_word_tag(&lx, q + 2, "endraw", &e2, &ls2, &rs2))
                {
                    if (lex_data(&lx, end, q, ls2) != GW_OK) {
                        goto failed;
                    }
                    lx.strip_next = rs2;
                    i = data_start = e2;
                    break;
                }
            }
            if (q + 1 >= lx.len) {
                lex_error(&lx, i, "Missing end of raw directive");
                goto failed;
            }
            continue;
        }

        if (lex_data(&lx, data_start, i, ls) != GW_OK) {
            goto failed;
        }
        kind = norm[i + 1] == '{' ? T_VAR_BEGIN : T_BLOCK_BEGIN;
        if (lex_push(&lx, kind, i) == NULL) {
            goto failed;
        }
        if (p < lx.len && (norm[p] == '-' || norm[p] == '+')) {
            p++;
        }
        if (lex_tag(&lx, &p, kind) != GW_OK) {
            goto failed;
        }
        i = data_start = p;
    }
    if (lex_data(&lx, data_start, lx.len, 0) != GW_OK) {
        goto failed;
    }
    {
        tmpl_tok_t  *t = lex_push(&lx, T_EOF, lx.len);

        if (t == NULL) {
            goto failed;
        }
        /* Jinja reports end-of-template errors at the last token's line */
        if (lx.n > 1) {
            t->line = lx.toks[lx.n - 2].line;
            t->col = lx.toks[lx.n - 2].col;
        }
    }
    *toks = lx.toks;
    *ntoks = lx.n;
    return GW_OK;

failed:
    /* Jinja's lexer is a generator: its error is raised only when the
     * parser reads that far, so a parse error before it wins.  The error
     * becomes the last token. */
    if (!lx.failed) {
        return GW_ERROR;
    }
    {
        tmpl_tok_t  *t = lex_push(&lx, T_ERROR, lx.len);
        char        *m = gw_arena_strdup(a, err);

        if (t == NULL || m == NULL) {
            return GW_ERROR;
        }
        t->line = lx.err_line;
        t->col = lx.err_col;
        t->s = m;
        t->len = strlen(m);
        err[0] = '\0';
    }
    *toks = lx.toks;
    *ntoks = lx.n;
    return GW_OK;
}
