"""libgateway.so exports exactly what its public headers declare: nothing
internal leaks out of the .so (it is built with -fvisibility=hidden and the
public headers push default visibility), and nothing declared is missing."""

import os
import re
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, os.environ.get("GW_BUILD", "build"))
PUBLIC = ["gw_core.h", "gw_template.h", "gw_framework.h", "gw_testing.h"]


def declared(header):
    """Names of the functions and variables a header declares (not the
    static inline ones it defines), read from the preprocessed header."""
    text = subprocess.run(
        ["cc", "-E", "-P", "-D_GNU_SOURCE", "-I", os.path.join(ROOT, "gateway"),
         os.path.join(ROOT, "gateway", header)],
        check=True, capture_output=True, text=True).stdout
    names, stmt, depth = set(), "", 0
    for c in text:
        if depth:
            depth += {"{": 1, "}": -1}.get(c, 0)
            if depth == 0 and not re.search(r"\bstatic\b", stmt):
                stmt += "}"
                continue
            if depth == 0:
                stmt = ""
            continue
        if c == "{" and re.search(r"\)\s*$", stmt):
            depth = 1                   # a function body: skip it
            continue
        if c == ";" and depth == 0:
            if not re.match(r"\s*(typedef|static)\b", stmt):
                m = re.search(r"\b(gw_\w+)\s*\(", stmt)
                if m is None:
                    m = re.search(r"\bextern\b.*\b(gw_\w+)\s*(\[.*\])?\s*$",
                                  stmt, re.S)
                if m is not None:
                    names.add(m.group(1))
            stmt = ""
            continue
        stmt += c
    return names


def exported():
    out = subprocess.run(["nm", "-D", "--defined-only",
                          os.path.join(BUILD, "libgateway.so")],
                         check=True, capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines()}


def test_public_headers_declare_functions():
    # the parser above finds what it must: a sanity check on it
    assert {"gw_arena_alloc", "gw_loader_open"} <= declared("gw_core.h")
    assert "gw_tmpl_render" in declared("gw_template.h")
    assert "gw_jsonify" in declared("gw_framework.h")
    assert "gw_buf_str" not in declared("gw_core.h")      # static inline


def test_exports_are_exactly_the_public_api():
    public = set()
    for h in PUBLIC:
        public |= declared(h)
    ours = {s for s in exported() if not s.startswith(("_", "__"))}
    assert sorted(ours - public) == [], "exported but not in a public header"
    assert sorted(public - ours) == [], "declared but not exported"


def test_core_header_needs_no_jansson():
    """Servers include gw_core.h alone: it must compile without jansson."""
    p = subprocess.run(["cc", "-fsyntax-only", "-x", "c", "-I",
                        os.path.join(ROOT, "gateway"), "-include",
                        "gw_core.h", "-"], input="int x;\n",
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    text = open(os.path.join(ROOT, "gateway", "gw_core.h")).read()
    assert "jansson" not in text.replace("jansson's naming", "")
