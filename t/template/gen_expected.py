#!/usr/bin/python3
"""Render every conformance case with real Jinja2 and store its exact output.

Each t/template/cases/NNN-name/ holds main.html (autoescaped) or main.txt,
any templates it pulls in, and context.json.  This writes `expected` (the
UTF-8 bytes Jinja2 renders) or, for cases whose name starts with "err-"
after the number, `expected_error` (the exception Jinja2 raises).  The
engine's tests compare against these files, so Jinja2 is the only judge.

A case may name, in a file `jinja2_version`, the Jinja2 release whose
behaviour it holds (a security fix newer than Debian's python3-jinja2):
with an older Jinja2 installed its stored file, written by hand from that
release's source, is kept and only checked to exist.

    /usr/bin/python3 t/template/gen_expected.py           # (re)write
    /usr/bin/python3 t/template/gen_expected.py --check   # verify, exit 1
    /usr/bin/python3 t/template/gen_expected.py 042-foo   # only some cases
"""

import json
import os
import sys

import jinja2
from jinja2 import Environment, FileSystemLoader, select_autoescape

HERE = os.path.dirname(os.path.abspath(__file__))
# the project's own cases, and those harvested from Jinja's tests
CASE_SETS = [os.path.join(HERE, "cases"), os.path.join(HERE, "jinja_suite")]
# The CLI checks the line of these against its own `name:line:col`; every
# other exception only has to make the engine fail.
SYNTAX_ERRORS = (jinja2.TemplateSyntaxError,)


def main_name(case_dir):
    names = [n for n in ("main.html", "main.txt")
             if os.path.exists(os.path.join(case_dir, n))]
    if len(names) != 1:
        raise SystemExit("%s: need exactly one of main.html, main.txt"
                         % case_dir)
    return names[0]


def is_error_case(case_dir):
    base = os.path.basename(case_dir)
    return base.split("-", 1)[1].startswith("err-")


def where_raised(e, case_dir):
    """The template and line Jinja2's rewritten traceback blames: its
    innermost frame in one of the case's templates."""
    found = None
    tb = e.__traceback__
    while tb is not None:
        path = tb.tb_frame.f_code.co_filename
        if os.path.isabs(path) and path.startswith(case_dir + os.sep):
            found = (os.path.relpath(path, case_dir), tb.tb_lineno)
        tb = tb.tb_next
    return found


def describe_error(e, case_dir):
    """The stored text of an exception: its type, and the template and line
    it was raised at (for runtime errors: where the traceback says)."""
    lines = ["type: %s" % type(e).__name__]
    if isinstance(e, SYNTAX_ERRORS):
        lines.append("syntax: yes")
        # Lexer errors carry the file's path as name; store the template
        # name the engine was asked for, relative to the case folder.
        name = e.name or ""
        if os.path.isabs(name):
            name = os.path.relpath(name, case_dir)
        lines.append("name: %s" % name)
        lines.append("lineno: %d" % e.lineno)
        msg = e.message
    else:
        lines.append("syntax: no")
        where = where_raised(e, case_dir)
        if where is not None:
            lines.append("name: %s" % where[0])
            lines.append("lineno: %d" % where[1])
        msg = str(e)
    lines.append("message: %s" % " ".join(str(msg).split("\n")))
    return ("\n".join(lines) + "\n").encode("utf-8")


def version_tuple(v):
    return tuple(int(x) for x in v.split(".")[:3] if x.isdigit())


def needs_newer_jinja2(case_dir):
    """The release a case holds, when newer than the installed Jinja2."""
    path = os.path.join(case_dir, "jinja2_version")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        want = f.readline().strip()
    if version_tuple(jinja2.__version__) >= version_tuple(want):
        return None
    return want


def environment(case_dir):
    """The environment every case renders in, with globals.json's values
    added to its globals when the case has one."""
    env = Environment(loader=FileSystemLoader(case_dir),
                      autoescape=select_autoescape(
                          ["html", "htm", "xml", "xhtml"]))
    path = os.path.join(case_dir, "globals.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            env.globals.update(json.load(f))
    return env


def render(case_dir):
    """Returns (file name to store, bytes) for one case."""
    env = environment(case_dir)
    with open(os.path.join(case_dir, "context.json"), encoding="utf-8") as f:
        context = json.load(f)
    if not isinstance(context, dict):
        raise SystemExit("%s: context.json must hold an object" % case_dir)
    want_error = is_error_case(case_dir)
    try:
        out = env.get_template(main_name(case_dir)).render(**context)
    except Exception as e:  # TypeError etc. are errors users see too
        if not want_error:
            raise SystemExit("%s: Jinja2 raised %s: %s (only err- cases may)"
                             % (case_dir, type(e).__name__, e))
        return "expected_error", describe_error(e, case_dir)
    if want_error:
        raise SystemExit("%s: err- case rendered without an error" % case_dir)
    return "expected", out.encode("utf-8")


def case_dirs(only):
    dirs = []
    for cases in CASE_SETS:
        names = sorted(n for n in os.listdir(cases)
                       if os.path.isdir(os.path.join(cases, n)))
        dirs += [os.path.join(cases, n) for n in names
                 if not only or n in only]
    return dirs


def main(argv):
    check = "--check" in argv
    only = [a for a in argv if not a.startswith("--")]
    bad = 0
    dirs = case_dirs(only)
    kept = 0
    for d in dirs:
        want = needs_newer_jinja2(d)
        if want:
            stored = [n for n in ("expected", "expected_error")
                      if os.path.exists(os.path.join(d, n))]
            if len(stored) != 1:
                print("MISSING %s (the hand-written expected file of a "
                      "Jinja2 %s case)" % (os.path.basename(d), want))
                bad += 1
            kept += 1
            continue
        name, data = render(d)
        path = os.path.join(d, name)
        other = os.path.join(d, "expected_error" if name == "expected"
                             else "expected")
        if check:
            try:
                with open(path, "rb") as f:
                    stored = f.read()
            except FileNotFoundError:
                stored = None
            if stored != data or os.path.exists(other):
                print("MISMATCH %s (%s)" % (os.path.basename(d), name))
                bad += 1
            continue
        with open(path, "wb") as f:
            f.write(data)
        if os.path.exists(other):
            os.unlink(other)
    if check:
        print("%d cases checked against Jinja2 %s, %d mismatches"
              % (len(dirs) - kept, jinja2.__version__, bad))
    else:
        print("%d cases rendered with Jinja2 %s" % (len(dirs) - kept,
                                                   jinja2.__version__))
    if kept:
        print("%d kept as written by hand for a newer Jinja2" % kept)
    return 1 if bad or not dirs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
