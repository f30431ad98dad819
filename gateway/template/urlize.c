/*
 * urlize.c: Jinja's urlize filter, the same recogniser as jinja2.utils
 * (http(s):// and www. links, bare domains under the classic TLDs, IPv4
 * hosts, e-mail addresses), written out by hand instead of with regular
 * expressions.  IPv6 literals are not recognised.
 */

#include "tmpl.h"

#include <ctype.h>
#include <stdio.h>


static int
is_word(unsigned char c)
{
    return isalnum(c) || c == '_' || c >= 0x80;
}


static int
ieq(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncasecmp(s, w, n) == 0;
}


/* (?::\d{1,5})?(?:[/?#]\S*)?$ */
static int
port_path_ok(const char *s, size_t n)
{
    size_t  i = 0, d = 0;

    if (i < n && s[i] == ':') {
        for (i++; i < n && isdigit((unsigned char) s[i]); i++) {
            d++;
        }
        if (d < 1 || d > 5) {
            return 0;
        }
    }
    if (i == n) {
        return 1;
    }
    if (s[i] != '/' && s[i] != '?' && s[i] != '#') {
        return 0;
    }
    for ( ; i < n; i++) {
        if (isspace((unsigned char) s[i])) {
            return 0;
        }
    }
    return 1;
}


static size_t
host_len(const char *s, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        unsigned char  c = (unsigned char) s[i];

        if (!(is_word(c) || c == '%' || c == '-' || c == '.')) {
            break;
        }
    }
    return i;
}


static int
ipv4_ok(const char *s, size_t n, size_t *len)
{
    size_t  i = 0, d;
    int     part;

    for (part = 0; part < 4; part++) {
        if (part) {
            if (i >= n || s[i] != '.') {
                return 0;
            }
            i++;
        }
        for (d = 0; i < n && isdigit((unsigned char) s[i]); i++) {
            d++;
        }
        if (d < 1 || d > 3) {
            return 0;
        }
    }
    *len = i;
    return 1;
}


/* The _http_re of jinja2.utils. */
static int
http_match(const char *s, size_t n)
{
    size_t       p = 0, h, i, start, last, k;
    int          scheme = 0;

    if (n >= 7 && strncasecmp(s, "http://", 7) == 0) {
        p = 7;
        scheme = 1;
    } else if (n >= 8 && strncasecmp(s, "https://", 8) == 0) {
        p = 8;
        scheme = 1;
    } else if (n >= 4 && strncasecmp(s, "www.", 4) == 0) {
        p = 4;
    }
    if (p > 0) {
        h = host_len(s + p, n - p);
        /* labels [\w%-]+ separated by dots, the last one a TLD */
        if (h > 0 && s[p] != '.' && s[p + h - 1] != '.') {
            int  ok = 1;

            for (i = p; i + 1 < p + h; i++) {
                if (s[i] == '.' && s[i + 1] == '.') {
                    ok = 0;
                }
            }
            for (last = p + h; last > p && s[last - 1] != '.'; last--) {
            }
            k = p + h - last;
            if (ok && k >= 2 && k <= 63) {
                int  alpha = 1;

                for (i = last; i < p + h; i++) {
                    alpha &= isalpha((unsigned char) s[i]) != 0;
                }
                if ((alpha || (k >= 6 && strncasecmp(s + last, "xn--", 4)
                               == 0 && k <= 63))
                    && port_path_ok(s + p + h, n - p - h))
                {
                    return 1;
                }
            }
        }
        if (scheme && ipv4_ok(s + p, n - p, &k)
            && port_path_ok(s + p + k, n - p - k))
        {
            return 1;
        }
    }
    /* ([\w%-]{2,63}\.)+(com|net|int|edu|gov|org|info|mil) */
    h = host_len(s, n);
    for (last = h; last > 0 && s[last - 1] != '.'; last--) {
    }
    if (last == 0 || !port_path_ok(s + h, n - h)) {
        return 0;
    }
    k = h - last;
    if (!(ieq(s + last, k, "com") || ieq(s + last, k, "net")
          || ieq(s + last, k, "int") || ieq(s + last, k, "edu")
          || ieq(s + last, k, "gov") || ieq(s + last, k, "org")
          || ieq(s + last, k, "info") || ieq(s + last, k, "mil")))
    {
        return 0;
    }
    for (start = 0; start < last; start = i + 1) {
        for (i = start; s[i] != '.'; i++) {
        }
        if (i - start < 2 || i - start > 63) {
            return 0;
        }
    }
    return 1;
}


/* ^\S+@\w[\w.-]*\.\w+$ */
static int
email_match(tmpl_rs_t *r, const char *s, size_t n)
{
    size_t  at, i, j, dot;

    for (i = 0; i < n; i++) {
        if (isspace((unsigned char) s[i])) {
            return 0;
        }
    }
    for (at = n; at-- > 1; ) {
        if (s[at] != '@' || at + 1 >= n) {
            continue;
        }
        i = at + 1;
        if (!tmpl_word_char(r, s, n, &i)) {
            continue;
        }
        dot = 0;
        while (i < n) {
            j = i;
            if (s[i] == '.') {
                dot = i;
                i++;
            } else if (s[i] == '-') {
                i++;
            } else if (!tmpl_word_char(r, s, n, &j)) {
                break;
            } else {
                i = j;
            }
        }
        if (i != n || dot == 0 || dot + 1 >= n) {
            continue;
        }
        for (i = dot + 1; i < n; ) {
            if (!tmpl_word_char(r, s, n, &i)) {
                break;
            }
        }
        if (i == n) {
            return 1;
        }
    }
    return 0;
}


static size_t
count_of(const char *s, size_t n, const char *w)
{
    size_t  k = 0, i, wl = strlen(w);

    for (i = 0; i + wl <= n; ) {
        if (memcmp(s + i, w, wl) == 0) {
            k++;
            i += wl;
        } else {
            i++;
        }
    }
    return k;
}


static void
put_trimmed(gw_buf_t *b, const char *s, size_t n, int64_t limit)
{
    size_t  i = 0;
    int64_t k;

    if (limit < 0) {
        gw_buf_append(b, s, n);
        return;
    }
    for (k = 0; k < limit && i < n; k++) {
        tmpl_utf8_next(s, n, &i);
    }
    gw_buf_append(b, s, i);
    if (i < n) {
        gw_buf_appends(b, "...");
    }
}


/* <a href="prefix url" rel=".." target=".."> */
static void
link_open(gw_buf_t *b, const char *prefix, const char *url, size_t n,
    const char *rel, const char *target)
{
    gw_buf_appends(b, "<a href=\"");
    gw_buf_appends(b, prefix);
    gw_buf_append(b, url, n);
    gw_buf_putc(b, '"');
    if (rel[0]) {
        gw_buf_printf(b, " rel=\"%s\"", rel);
    }
    if (target != NULL && target[0]) {
        gw_buf_printf(b, " target=\"%s\"", target);
    }
    gw_buf_putc(b, '>');
}


static void
urlize_word(tmpl_rs_t *r, gw_buf_t *b, const char *w, size_t n,
    const char *rel,
    const char *target, int64_t limit, const tv_t *schemes, size_t nschemes)
{
    size_t       hs = 0, ms, me, te, k, c, pair;
    static const char *pairs[][2] = { { "(", ")" }, { "<", ">" },
                                      { "&lt;", "&gt;" } };

    /* head: ^([(<]|&lt;)+ */
    for ( ;; ) {
        if (hs < n && (w[hs] == '(' || w[hs] == '<')) {
            hs++;
        } else if (hs + 4 <= n && memcmp(w + hs, "&lt;", 4) == 0) {
            hs += 4;
        } else {
            break;
        }
    }
    ms = hs;
    me = n;
    /* tail: ([)>.,\n]|&gt;)+$ */
    for ( ;; ) {
        if (me > ms && strchr(").,\n>", w[me - 1]) != NULL
            && w[me - 1] != '\0')
        {
            me--;
        } else if (me >= ms + 4 && memcmp(w + me - 4, "&gt;", 4) == 0) {
            me -= 4;
        } else {
            break;
        }
    }
    te = n;
    /* balance brackets by moving closers back from the tail */
    for (pair = 0; pair < 3; pair++) {
        const char  *open = pairs[pair][0], *close = pairs[pair][1];
        size_t       oc = count_of(w + ms, me - ms, open);
        size_t       cc = count_of(w + ms, me - ms, close);
        size_t       tc, moves;

        if (oc <= cc) {
            continue;
        }
        tc = count_of(w + me, te - me, close);
        moves = oc < tc ? oc : tc;
        for (k = 0; k < moves; k++) {
            const char  *p = NULL;

            for (c = me; c + strlen(close) <= te; c++) {
                if (memcmp(w + c, close, strlen(close)) == 0) {
                    p = w + c;
                    break;
                }
            }
            if (p == NULL) {
                break;
            }
            me = (p - w) + strlen(close);
        }
    }
    gw_buf_append(b, w, hs);
    if (http_match(w + ms, me - ms)) {
        int  has_scheme = (me - ms >= 7 && strncmp(w + ms, "http://", 7) == 0)
                          || (me - ms >= 8
                              && strncmp(w + ms, "https://", 8) == 0);

        link_open(b, has_scheme ? "" : "https://", w + ms, me - ms, rel,
                  target);
        put_trimmed(b, w + ms, me - ms, limit);
        gw_buf_appends(b, "</a>");
    } else if (me - ms > 7 && strncmp(w + ms, "mailto:", 7) == 0
               && email_match(r, w + ms + 7, me - ms - 7))
    {
        gw_buf_appends(b, "<a href=\"");
        gw_buf_append(b, w + ms, me - ms);
        gw_buf_appends(b, "\">");
        gw_buf_append(b, w + ms + 7, me - ms - 7);
        gw_buf_appends(b, "</a>");
    } else if (memchr(w + ms, '@', me - ms) != NULL
               && !(me - ms >= 4 && strncmp(w + ms, "www.", 4) == 0)
               && memchr(w + ms, ':', me - ms) == NULL
               && email_match(r, w + ms, me - ms))
    {
        gw_buf_appends(b, "<a href=\"mailto:");
        gw_buf_append(b, w + ms, me - ms);
        gw_buf_appends(b, "\">");
        gw_buf_append(b, w + ms, me - ms);
        gw_buf_appends(b, "</a>");
    } else {
        /* extra_schemes: the first that starts the word, and is not all
         * of it, makes a link of it as it is */
        for (k = 0; k < nschemes; k++) {
            if (me - ms > schemes[k].n
                && memcmp(w + ms, schemes[k].u.s, schemes[k].n) == 0)
            {
                break;
            }
        }
        if (k < nschemes) {
            link_open(b, "", w + ms, me - ms, rel, target);
        }
        gw_buf_append(b, w + ms, me - ms);
        if (k < nschemes) {
            gw_buf_appends(b, "</a>");
        }
    }
    gw_buf_append(b, w + me, n - me);
}


/* Jinja's _uri_scheme_re: ^([\w.+-]{2,}:(/){0,2})$ */
static int
scheme_ok(tv_t s)
{
    size_t  i = 0, k;

    if (s.kind != V_STR) {
        return 0;
    }
    while (i < s.n && (isalnum((unsigned char) s.u.s[i])
                       || (unsigned char) s.u.s[i] >= 0x80
                       || strchr("_.+-", s.u.s[i]) != NULL)
           && s.u.s[i] != '\0')
    {
        i++;
    }
    if (i < 2 || i == s.n || s.u.s[i] != ':') {
        return 0;
    }
    for (k = i + 1; k < s.n && s.u.s[k] == '/'; k++) {
        /* up to two slashes */
    }
    return k == s.n && k - i - 1 <= 2;
}


/* urlize(value, trim_url_limit=None, nofollow=False, target=None,
 * rel=None, extra_schemes=None) */
int
tmpl_urlize(tmpl_rs_t *r, tmpl_node_t *n, tv_t v, tv_t *args, tv_t *out)
{
    tv_t         s, t, *schemes = NULL;
    gw_buf_t     b;
    size_t       i, ws, nschemes = 0;
    int64_t      limit = -1;
    char         rel[256];
    const char  *target = NULL;
    int          nofollow, noopener = 1;

    s = tv_escape(r, v.kind == V_UNDEF ? tv_str("", 0, 0) : v);
    if (args[4].kind != V_MISSING && args[4].kind != V_NONE) {
        if (tv_to_list(r, args[4], &schemes, &nschemes) != GW_OK) {
            return tmpl_error(r, n, "out of memory");
        }
        for (i = 0; i < nschemes; i++) {
            if (!scheme_ok(schemes[i])) {
                t = tv_to_str(r, schemes[i]);
                return tmpl_error(r, n, "'%.*s' is not a valid URI scheme "
                                  "prefix.", (int) t.n, t.u.s);
            }
        }
    }
    if (args[0].kind == V_INT) {
        limit = args[0].u.i;
    }
    nofollow = args[1].kind != V_MISSING && tv_truthy(args[1]);
    if (args[2].kind == V_STR) {
        t = tv_escape(r, args[2]);
        target = gw_arena_strndup(r->a, t.u.s, t.n);
    }
    /* rel parts, sorted, always with noopener (Jinja's default policy) */
    rel[0] = '\0';
    if (args[3].kind == V_STR && args[3].n > 0 && args[3].n < 200) {
        t = tv_escape(r, args[3]);
        snprintf(rel, sizeof(rel), "%.*s", (int) t.n, t.u.s);
        noopener = strstr(rel, "noopener") == NULL;
    }
    {
        char  tmp[256];

        snprintf(tmp, sizeof(tmp), "%s%s%s%s%s",
                 nofollow && strstr(rel, "nofollow") == NULL ? "nofollow" : "",
                 nofollow && strstr(rel, "nofollow") == NULL && (rel[0]
                     || noopener) ? " " : "",
                 noopener ? "noopener" : "", noopener && rel[0] ? " " : "",
                 rel);
        memcpy(rel, tmp, sizeof(rel));
    }
    gw_buf_init(&b, r->a, s.n * 2 + 16);
    for (i = 0; i < s.n; ) {
        size_t  k;

        /* re.split(r"(\s+)"): Unicode whitespace separates words */
        ws = i;
        while (i < s.n && (k = tmpl_space_at(s.u.s, s.n, i)) > 0) {
            i += k;
        }
        gw_buf_append(&b, s.u.s + ws, i - ws);
        ws = i;
        while (i < s.n && tmpl_space_at(s.u.s, s.n, i) == 0) {
            i++;
        }
        if (i > ws) {
            urlize_word(r, &b, s.u.s + ws, i - ws, rel, target, limit,
                        schemes, nschemes);
        }
    }
    if (gw_buf_putc(&b, '\0') != GW_OK) {
        return tmpl_error(r, n, "out of memory");
    }
    *out = tv_str(b.data, b.len - 1, r->autoescape);
    return GW_OK;
}
