"""Every C example in README.md compiles, with -Wall -Wextra -Werror,
against the built library by the checkout's cc line: an app example
(GW_APP or GW_FRAMEWORK_APP) as the .so the README says to build, which
then loads; a fragment (statements, as the test client's) as the body of
a main() linked against libgateway."""

import json
import os
import re
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, os.environ.get("GW_BUILD", "build"))
FLAGS = ["-Wall", "-Wextra", "-Werror", "-I", os.path.join(ROOT, "gateway"),
         "-L", BUILD, "-Wl,-rpath," + BUILD, "-lgateway", "-ljansson"]


def examples():
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    found = []
    for m in re.finditer(r"^```c\n(.*?)^```$", text, re.S | re.M):
        line = text.count("\n", 0, m.start()) + 1
        found.append(pytest.param(m.group(1), id="README.md:%d" % line))
    return found


def test_the_readme_has_c_examples():
    # the app examples (echo, the framework's) and the test client's
    assert len(examples()) >= 3


@pytest.mark.parametrize("code", examples())
def test_readme_c_example_compiles(code, tmp_path):
    app = "GW_APP(" in code or "GW_FRAMEWORK_APP(" in code
    if not app:
        includes = "".join(l + "\n" for l in code.splitlines()
                           if l.startswith("#include"))
        body = "".join(l + "\n" for l in code.splitlines()
                       if not l.startswith("#include"))
        code = includes + "\nint\nmain(void)\n{\n" + body + \
            "    return 0;\n}\n"
    src = tmp_path / "site.c"
    src.write_text(code)
    out = tmp_path / ("site.so" if app else "site")
    cmd = ["cc"] + (["-shared", "-fPIC"] if app else []) + \
        [str(src), "-o", str(out)] + FLAGS
    p = subprocess.run(cmd, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    if app:
        # it loads: gw-routes runs its setup(), as nginx -t would
        p = subprocess.run([os.path.join(BUILD, "gw-routes"), str(out)],
                           capture_output=True, text=True)
        assert p.returncode in (0, 1), p.stderr
        assert p.returncode == 0 or "not a framework app" in p.stderr, \
            p.stderr


def test_readme_404_example_is_a_missing_note():
    """The API table's 404 example names a note the demo data lacks (and
    test_demo.py asks the demo for that very note)."""
    with open(os.path.join(ROOT, "README.md")) as f:
        ids = re.findall(r'404 `\{"error": "note (\d+) not found"\}`',
                         f.read())
    with open(os.path.join(ROOT, "data", "notes.json")) as f:
        have = {n["id"] for n in json.load(f)}
    assert ids and all(int(i) not in have for i in ids)
