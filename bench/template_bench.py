"""Jinja2's side of the template benchmark: the twin of template_bench.c,
with the same templates, context and helper functions, timed the same way
(the cheapest of ten batches of N / 10 renders).

    /usr/bin/python3 template_bench.py TEMPLATE_DIR NAME CONTEXT.json N
    /usr/bin/python3 template_bench.py TEMPLATE_DIR NAME CONTEXT.json --print
"""

import json
import sys
import time

import jinja2

BATCHES = 10

# endpoint -> (prefix, the one argument appended to it), as in the C twin
URLS = {
    "static": ("/static/", "filename"),
    "pages.index": ("/", None),
    "pages.note": ("/notes/", "id"),
    "pages.tag": ("/tags/", "tag"),
    "api.list_notes": ("/api/notes/", None),
    "api.get_note": ("/api/notes/", "id"),
    "auth.login": ("/login", None),
}


def url_for(endpoint, **kw):
    prefix, arg = URLS[endpoint]
    return prefix if arg is None else prefix + str(kw[arg])


def main():
    tdir, name, ctx_path, n = sys.argv[1:5]
    with open(ctx_path) as f:
        ctx = json.load(f)
    endpoint = ctx.pop("_endpoint")
    # Flask's environment: autoescape by extension, no other options
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(tdir),
        autoescape=jinja2.select_autoescape(
            ["html", "htm", "xml", "xhtml"]))
    env.globals.update(url_for=url_for,
                       get_flashed_messages=lambda *a, **k: [],
                       request={"endpoint": endpoint}, session={})
    t = env.get_template(name)
    if n == "--print":
        sys.stdout.write(t.render(ctx))
        return
    # the cheapest of the batches, as in the C twin
    per = max(1, int(n) // BATCHES)
    best = None
    for _ in range(BATCHES):
        t0 = time.process_time()
        for _ in range(per):
            out = t.render(ctx)
        us = (time.process_time() - t0) * 1e6 / per
        best = us if best is None else min(best, us)
    print("us_per_render=%.2f bytes=%d" % (best, len(out.encode())))


if __name__ == "__main__":
    main()
