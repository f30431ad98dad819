#!/usr/bin/python3
"""Harvests Jinja's own test suite into conformance cases (jinja_suite/).

Runs Jinja 3.1's tests/ (the release's source tree, not shipped by Debian's
python3-jinja2) under pytest with Template.render and Environment.from_string
wrapped, and keeps every template that a case folder can hold: a default
Environment (autoescape, trim_blocks and lstrip_blocks aside: the case is
what Jinja2 renders without the last two) with no loader or a DictLoader
of strings, environment globals of JSON values (globals.json), no template
globals, and a context of JSON values only (str, int, float, bool, None,
lists and tuples, dicts with string keys: no Markup, objects or functions;
values the templates never name are dropped).  Templates that failed to
compile are kept as error cases with an empty context.  A DictLoader's
templates become files; the one rendered becomes main.txt (main.html with
autoescape), or, when others name it, keeps its name and main.txt includes
it.  Each becomes jinja_suite/NNNN-FILE-TEST/ (NNNN-err-... when Jinja2
raises on it), then gen_expected.py writes the expectations:

    git -C JINJA_GIT archive 3.1.2 tests | tar -x -C /tmp/jinja
    /usr/bin/python3 t/template/gen_jinja_suite.py /tmp/jinja/tests
    /usr/bin/python3 t/template/gen_expected.py

The folder is rewritten from scratch, in the order the tests run, so a
re-harvest of the same release numbers the cases as before; after another
release, expected_failures may name cases that moved (the runner says so).
"""

import hashlib
import json
import math
import os
import re
import shutil
import sys
import time

import jinja2
import pytest
from jinja2 import DictLoader, Environment, Template

import gen_expected

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "jinja_suite")
FILES = ["test_filters.py", "test_tests.py", "test_core_tags.py",
         "test_lexnparse.py", "test_inheritance.py", "test_imports.py",
         "test_regression.py", "test_api.py", "test_runtime.py"]
# Output that changes from run to run cannot be held to bytes.
UNSTABLE = re.compile(r"random|lipsum|cycler\(\)\.|now\(")
DEFAULT = Environment()
# trim_blocks and lstrip_blocks are not compared: the engine has neither,
# and the case is rendered again without them (its expectation is what
# Jinja2 does with the template as written).
SETTINGS = ["block_start_string", "block_end_string", "variable_start_string",
            "variable_end_string", "comment_start_string",
            "comment_end_string", "line_statement_prefix",
            "line_comment_prefix", "newline_sequence",
            "keep_trailing_newline", "undefined", "finalize", "optimized",
            "is_async", "extensions", "policies"]


def is_json(v):
    t = type(v)
    if t in (str, int, bool) or v is None:
        return True
    if t is float:
        return math.isfinite(v)
    if t in (list, tuple):
        return all(is_json(x) for x in v)
    if t is dict:
        return all(type(k) is str and is_json(x) for k, x in v.items())
    return False


def env_globals(env):
    """The globals a default environment got on top, None when the
    environment is otherwise not a default one."""
    if any(getattr(env, s) != getattr(DEFAULT, s) for s in SETTINGS):
        return None
    if env.autoescape not in (False, True):
        return None
    for table in ("filters", "tests"):
        mine, base = getattr(env, table), getattr(DEFAULT, table)
        if mine.keys() != base.keys() or any(mine[k] is not base[k]
                                             for k in mine):
            return None
    extra = {k: v for k, v in env.globals.items()
             if DEFAULT.globals.get(k) is not v}
    return extra if is_json(extra) else None


def loader_files(env):
    """The DictLoader's templates, {} without a loader, None otherwise."""
    if env.loader is None:
        return {}
    if type(env.loader) is not DictLoader:
        return None
    files = dict(env.loader.mapping)
    if not all(type(k) is str and type(v) is str and ".." not in k
               and not k.startswith("/") for k, v in files.items()):
        return None
    return files


class Recorder:
    def __init__(self):
        self.node = "?"
        self.cases = {}
        self.skipped = {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        self.node = item.nodeid
        yield

    def add(self, env, source, name, context):
        """One candidate: `source` (from_string) or `name` (loader)."""
        why = self.reject(env, source, name, context)
        if why:
            self.skipped.setdefault(why, set()).add(self.node)

    def reject(self, env, source, name, context):
        glob = env_globals(env)
        if glob is None:
            return "environment"
        sources = [source] if isinstance(source, str) else []
        sources += [v for v in (env.loader.mapping.values()
                                if type(env.loader) is DictLoader else ())
                    if isinstance(v, str)]
        # a test may pass values its template never names (one context
        # for many parametrized templates)
        context = {k: v for k, v in context.items()
                   if is_json(v) or any(re.search(r"\b%s\b" % re.escape(k), s)
                                        for s in sources)}
        if not is_json(context):
            return "context"
        files = loader_files(env)
        if files is None or (env.autoescape and files):
            return "loader"
        main = "main.html" if env.autoescape else "main.txt"
        if name is not None:
            if name not in files:
                return "loader"
            quoted = ('"%s"' % name, "'%s'" % name)
            if any(q in s for s in files.values() for q in quoted):
                # other templates reach it by name: it keeps its name,
                # and main includes it (with the context, as a render)
                source = "{%% include %s %%}" % json.dumps(name)
            else:
                source = files.pop(name)
        if main in files or type(source) is not str:
            return "loader"
        files[main] = source
        if any(UNSTABLE.search(s) for s in files.values()):
            return "unstable"
        ctx = json.dumps(context, ensure_ascii=False, indent=1)
        key = hashlib.sha1(json.dumps([sorted(files.items()), ctx, glob])
                           .encode()).hexdigest()
        self.cases.setdefault(key, (self.node, files, ctx, glob))
        return None


REC = Recorder()
orig_from_string = Environment.from_string
orig_render = Template.render


def from_string(self, source, globals=None, template_class=None):
    try:
        t = orig_from_string(self, source, globals, template_class)
    except Exception:
        if not globals and isinstance(source, str):
            REC.add(self, source, None, {})
        raise
    if not globals and isinstance(source, str):
        t._suite_source = source
    return t


def render(self, *args, **kwargs):
    context = dict(*args, **kwargs)
    if self.globals.keys() == self.environment.globals.keys():
        source = getattr(self, "_suite_source", None)
        REC.add(self.environment, source,
                None if source is not None else self.name, context)
    return orig_render(self, *args, **kwargs)


def slug(node):
    path, _, test = node.partition("::")
    base = os.path.basename(path)[5:-3]
    test = test.split("::")[-1]
    test = test[5:] if test.startswith("test_") else test
    s = re.sub(r"[^a-z0-9]+", "_", (base + "-" + test).lower()).strip("_")
    return s[:60].rstrip("_")


def write_case(case_dir, files, ctx, glob):
    os.makedirs(case_dir)
    if glob:
        with open(os.path.join(case_dir, "globals.json"), "w",
                  encoding="utf-8") as f:
            f.write(json.dumps(glob, ensure_ascii=False, indent=1) + "\n")
    for name, text in files.items():
        path = os.path.join(case_dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    with open(os.path.join(case_dir, "context.json"), "w",
              encoding="utf-8") as f:
        f.write(ctx + "\n")


def jinja_raises(case_dir):
    """Whether Jinja2 fails on the written case, or None when unusable."""
    main = "main.html" if os.path.exists(
        os.path.join(case_dir, "main.html")) else "main.txt"
    env = gen_expected.environment(case_dir)
    with open(os.path.join(case_dir, "context.json"), encoding="utf-8") as f:
        context = json.load(f)
    start = time.monotonic()
    try:
        env.get_template(main).render(**context)
        raised = False
    except RecursionError:
        return None
    except Exception:
        raised = True
    return None if time.monotonic() - start > 2 else raised


def main(argv):
    if len(argv) != 1 or not os.path.isdir(argv[0]):
        raise SystemExit("usage: gen_jinja_suite.py JINJA_TESTS_DIR")
    Environment.from_string = from_string
    Template.render = render
    rc = pytest.main(["-q", "-p", "no:cacheprovider", "-x", "--rootdir",
                      argv[0]] + [os.path.join(argv[0], f) for f in FILES],
                     plugins=[REC])
    Environment.from_string = orig_from_string
    Template.render = orig_render
    if rc != 0:
        raise SystemExit("Jinja's tests failed under the recorder (%d)" % rc)
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    n = 0
    for why, nodes in sorted(REC.skipped.items()):
        print("not kept (%s): %d tests" % (why, len(nodes)))
        if os.environ.get("VERBOSE"):
            print("    " + "\n    ".join(sorted(nodes)))
    for node, files, ctx, glob in REC.cases.values():
        tmp = os.path.join(OUT, "tmp")
        write_case(tmp, files, ctx, glob)
        raised = jinja_raises(tmp)
        if raised is None:
            shutil.rmtree(tmp)
            continue
        n += 1
        os.rename(tmp, os.path.join(OUT, "%04d-%s%s" % (
            n, "err-" if raised else "", slug(node))))
    print("%d cases written to %s" % (n, os.path.relpath(OUT)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
