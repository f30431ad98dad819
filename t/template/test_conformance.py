"""Holds build/gw-render to Jinja2's exact output on every stored case.

One test per t/template/cases/NNN-name/: gw-render renders main.html or
main.txt with context.json and must print exactly the bytes in `expected`
(what Jinja2 3.1 rendered, see gen_expected.py), or, where Jinja2 raised
(`expected_error`), exit 1 with `name:line:col: message` on stderr, the
line being Jinja2's for syntax errors.  Another test proves the stored
files are still what Jinja2 produces.

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
    argv = [RENDER, case_dir, main_name(case_dir)]
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
    if spec.get("syntax") != "yes":
        return
    found = [m for m in map(ERROR_LINE.match, stderr.splitlines()) if m]
    assert found, ("%s: stderr has no `name:line:col: message` line:\n%s"
                   % (name, stderr))
    where = found[0]
    want_name, want_line = spec["name"], int(spec["lineno"])
    assert (where.group(1) == want_name
            or where.group(1).endswith("/" + want_name)), (
        "%s: error names %r, Jinja2 names %r (%s)\nstderr: %s"
        % (name, where.group(1), want_name, spec["message"], stderr))
    assert int(where.group(2)) == want_line, (
        "%s: error on line %s, Jinja2 says line %d (%s)\nstderr: %s"
        % (name, where.group(2), want_line, spec["message"], stderr))


@pytest.mark.parametrize("name", case_names())
def test_case(name):
    case_dir = os.path.join(CASES, name)
    proc = run_render(case_dir)
    err_path = os.path.join(case_dir, "expected_error")
    if os.path.exists(err_path):
        check_error(name, proc, read_error_spec(err_path))
        return
    with open(os.path.join(case_dir, "expected"), "rb") as f:
        check_output(name, proc, f.read())


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
