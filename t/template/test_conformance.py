"""Holds build/gw-render to Jinja2's exact output on every stored case.

One test per t/template/cases/NNN-name/ and jinja_suite/NNNN-name/:
gw-render renders main.html or main.txt with context.json (and
globals.json) and must print exactly the bytes in `expected` (what Jinja2
3.1 rendered, see gen_expected.py), or, where Jinja2 raised
(`expected_error`), exit 1 with `name:line:col: message` on stderr, the
message standing for Jinja2's exception type and the name and line being
Jinja2's.  Cases in expected_failures must fail (and say why in the
README).  Another test proves the stored files are still what Jinja2
produces.

    /usr/bin/python3 -m pytest t/template        # GW_BUILD=build by default
"""

import difflib
import json
import os
import re
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = os.path.join(HERE, "cases")
# the project's own cases, then those harvested from Jinja's tests
CASE_SETS = ["cases", "jinja_suite"]
# Cases that fail on purpose: "set/case  reason", each reason a row of the
# README's table of deliberate limits.
XFAIL = os.path.join(HERE, "expected_failures")
BUILD = os.environ.get("GW_BUILD", os.path.join(ROOT, "build"))
RENDER = os.path.join(BUILD if os.path.isabs(BUILD)
                      else os.path.join(ROOT, BUILD), "gw-render")
TIMEOUT = 20
ERROR_LINE = re.compile(r"^(.+?):(\d+):(\d+): (.+)$")
# Under SAN=1 builds a sanitizer report can exit 1 like a template error;
# it must never count as one.
SANITIZER = re.compile(r"Sanitizer|runtime error:")


def case_names():
    return sorted(n for n in os.listdir(CASES)
                  if os.path.isdir(os.path.join(CASES, n)))


def all_cases():
    """Every case as "set/NNN-name"."""
    found = []
    for s in CASE_SETS:
        d = os.path.join(HERE, s)
        found += sorted(s + "/" + n for n in os.listdir(d)
                        if os.path.isdir(os.path.join(d, n)))
    return found


def expected_failures():
    listed = {}
    with open(XFAIL, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                case, _, reason = line.partition(" ")
                listed[case] = reason.strip()
    return listed


# Our messages are Python's and Jinja's; this names the exception Jinja2
# raises with each (the first pattern that matches).
KINDS = [(re.compile(p), k) for p, k in [
    (r"^(\w+Error): ", None),
    (r"^'[^']*' object has no attribute", "AttributeError"),
    (r"is undefined$|has no attribute|has no element|does not export the "
     r"requested|no parent block called|inline if-expression on line",
     "UndefinedError"),
    (r"^template not found", "TemplateNotFound"),
    (r"^none of the templates given were found", "TemplatesNotFound"),
    (r"^No (filter|test) named .* found\.$", "TemplateRuntimeError"),
    (r"is not a valid URI scheme prefix", "FilterArgumentError"),
    (r"^No (filter|test) named|^When defining macros or call blocks|"
     r"^block '.*' defined twice|^cannot use extend from a non top-level|"
     r"^names starting with an underline|^Can't assign to special loop",
     "TemplateAssertionError"),
    (r"^expected length", "AssertionError"),
    (r"^duplicate argument|^keyword argument repeated", "SyntaxError"),
    (r"^expected|^unexpected|^Unexpected end of template|"
     r"^Encountered unknown tag|^Expected an expression|^Missing end of|"
     r"^tag name expected|^You cannot chain|^non-default argument|"
     r"^invalid syntax|^Required blocks can only|^can't assign to",
     "TemplateSyntaxError"),
    (r"^cannot assign attribute on non-namespace|^extended multiple times|"
     r"^Required block", "TemplateRuntimeError"),
    (r"not supported between|object is not iterable|is not callable|"
     r"takes .*argument|missing \d+ required|unexpected keyword|"
     r"has no len|unsupported operand|not JSON serializable|must be a "
     r"mapping|can only concatenate|object is not subscriptable|"
     r"not subscriptable|indices must be|unhashable type|bad operand",
     "TypeError"),
    (r"could not convert|range\(\) arg 3|too many values to unpack|"
     r"not enough values to unpack|invalid literal|must be a positive|"
     r"^Invalid character", "ValueError"),
    (r"division or modulo by zero|modulo by zero|division by zero",
     "ZeroDivisionError"),
]]


def error_kinds(message):
    """The Jinja2 exception names our message stands for."""
    for pattern, kinds in KINDS:
        m = pattern.search(message)
        if m:
            return kinds.split("|") if kinds else [m.group(1)]
    return []


def main_name(case_dir):
    for n in ("main.html", "main.txt"):
        if os.path.exists(os.path.join(case_dir, n)):
            return n
    raise AssertionError("%s has no main.html or main.txt" % case_dir)


def read_error_spec(path):
    spec = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition(": ")
            spec[key] = value
    return spec


def run_render(case_dir, use_stdin=False):
    if not os.path.exists(RENDER):
        pytest.fail("%s does not exist: build it with `make %s`"
                    % (RENDER, os.path.relpath(RENDER, ROOT)))
    ctx_path = os.path.join(case_dir, "context.json")
    argv = [RENDER]
    if os.path.exists(os.path.join(case_dir, "globals.json")):
        argv += ["-g", os.path.join(case_dir, "globals.json")]
    argv += [case_dir, main_name(case_dir)]
    stdin = None
    if use_stdin:
        with open(ctx_path, "rb") as f:
            stdin = f.read()
    else:
        argv.append(ctx_path)
    return subprocess.run(argv, input=stdin, capture_output=True,
                          timeout=TIMEOUT)


def show(data):
    """Lines of output with invisible characters made visible."""
    text = data.decode("utf-8", errors="backslashreplace")
    return [repr(line)[1:-1] + "\n" for line in text.split("\n")]


def check_sanitizers(name, proc):
    stderr = proc.stderr.decode("utf-8", errors="replace")
    assert not SANITIZER.search(stderr), (
        "%s: sanitizer report on stderr:\n%s" % (name, stderr))


def check_output(name, proc, want):
    check_sanitizers(name, proc)
    assert proc.returncode == 0, (
        "%s: gw-render exited %d\nstderr: %s"
        % (name, proc.returncode, proc.stderr.decode(errors="replace")))
    if proc.stdout != want:
        diff = "".join(difflib.unified_diff(
            show(want), show(proc.stdout), "expected (Jinja2)", "gw-render"))
        pytest.fail("%s: output differs from Jinja2 (lines shown as "
                    "Python string literals)\n%s" % (name, diff),
                    pytrace=False)


def check_error(name, proc, spec):
    check_sanitizers(name, proc)
    stderr = proc.stderr.decode("utf-8", errors="replace")
    assert proc.returncode == 1, (
        "%s: Jinja2 raised %s (%s) but gw-render exited %d\nstdout: %r"
        % (name, spec["type"], spec["message"], proc.returncode,
           proc.stdout[:500]))
    assert stderr.strip(), "%s: exit 1 without a message on stderr" % name
    found = [m for m in map(ERROR_LINE.match, stderr.splitlines()) if m]
    assert found, ("%s: stderr has no `name:line:col: message` line:\n%s"
                   % (name, stderr))
    where = found[0]
    kinds = error_kinds(where.group(4))
    assert spec["type"] in kinds, (
        "%s: Jinja2 raised %s (%s), our error reads as %s\nstderr: %s"
        % (name, spec["type"], spec["message"], " or ".join(kinds)
           or "nothing known (add it to KINDS)", stderr))
    if "lineno" not in spec:
        return
    want_name, want_line = spec["name"], int(spec["lineno"])
    assert (where.group(1) == want_name
            or where.group(1).endswith("/" + want_name)), (
        "%s: error names %r, Jinja2 names %r (%s)\nstderr: %s"
        % (name, where.group(1), want_name, spec["message"], stderr))
    assert int(where.group(2)) == want_line, (
        "%s: error on line %s, Jinja2 says line %d (%s)\nstderr: %s"
        % (name, where.group(2), want_line, spec["message"], stderr))


def check_case(name):
    case_dir = os.path.join(HERE, name)
    proc = run_render(case_dir)
    err_path = os.path.join(case_dir, "expected_error")
    if os.path.exists(err_path):
        check_error(name, proc, read_error_spec(err_path))
        return
    with open(os.path.join(case_dir, "expected"), "rb") as f:
        check_output(name, proc, f.read())


@pytest.mark.parametrize("name", all_cases())
def test_case(name):
    reason = expected_failures().get(name)
    if reason is None:
        check_case(name)
        return
    try:
        check_case(name)
    except (AssertionError, pytest.fail.Exception) as e:
        pytest.xfail("%s (listed in expected_failures): %s"
                     % (reason, str(e).splitlines()[0]))
    pytest.fail("%s passes but is listed in expected_failures (%s): take "
                "it off the list" % (name, reason), pytrace=False)


def test_expected_failures_exist():
    """Every listed case exists, with a reason."""
    cases = set(all_cases())
    for case, reason in expected_failures().items():
        assert case in cases, "expected_failures lists unknown %s" % case
        assert reason, "expected_failures gives %s no reason" % case


def test_context_on_stdin():
    """Without a context file argument the context is read from stdin."""
    names = [n for n in case_names() if n.endswith("-page-notes-list")]
    assert names, "the page-notes-list case is missing"
    case_dir = os.path.join(CASES, names[0])
    with open(os.path.join(case_dir, "context.json"), encoding="utf-8") as f:
        assert json.load(f), "that case must have a non-empty context"
    with open(os.path.join(case_dir, "expected"), "rb") as f:
        want = f.read()
    check_output(names[0] + " (stdin)", run_render(case_dir, True), want)


def test_corpus_is_jinja2_output():
    """Every stored expected/expected_error is what Jinja2 renders now."""
    proc = subprocess.run(
        ["/usr/bin/python3", os.path.join(HERE, "gen_expected.py"),
         "--check"], capture_output=True, timeout=300)
    assert proc.returncode == 0, (proc.stdout + proc.stderr).decode()
