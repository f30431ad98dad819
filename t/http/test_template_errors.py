"""Template errors as an operator meets them: a syntax error stops `nginx -t`
and gateway-fcgi's start-up with name:line:col; an error while rendering is
a 500 whose cause is in the log, never in the page."""

import os
import shutil
import subprocess
import tempfile
import time

import pytest

from harness import BUILD, Nginx, Pair, demo_site_copy, free_port, request

APP = os.path.join(BUILD, "app.so")


@pytest.fixture
def site():
    """A copy of the demo site's data and templates, to break at will."""
    root = demo_site_copy()
    yield root
    shutil.rmtree(root, ignore_errors=True)


def write(root, name, text):
    with open(os.path.join(root, "templates", name), "w") as f:
        f.write(text)


def conf(root, port):
    return ("gateway_app %s; gateway_config ROOT_PATH %s; "
            "server { listen 127.0.0.1:%d; location / { gateway; } }"
            % (APP, root, port))


@pytest.mark.parametrize("text,where,message", [
    ("line one\n  {{ foo( }}\n", "broken.html:2:11:", "expected ')'"),
    ("{% for x in y %}\n{{ x }}\n", "broken.html:2:",
     "'endfor' or 'else'"),
    ("a {{ 'x' | nosuchfilter }}\n", "broken.html:1:12:",
     "No filter named 'nosuchfilter'"),
    ("{% if %}\n", "broken.html:1:7:", ""),
])
def test_syntax_error_fails_nginx_t(site, text, where, message):
    write(site, "broken.html", text)
    work = tempfile.mkdtemp(prefix="gw-t-")
    try:
        rc, out = Nginx(conf(site, free_port()), workdir=work).test_config()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    assert rc != 0
    assert where in out and message in out, out
    assert "test failed" in out


def test_syntax_error_fails_fcgi_start(site):
    write(site, "partials_bad.html", "{% block x %}\n{% endblock y %}\n")
    p = subprocess.run([os.path.join(BUILD, "gateway-fcgi"), "--app", APP,
                        "--listen", "unix:" + os.path.join(site, "s"),
                        "--config", "ROOT_PATH=" + site],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 1
    assert "partials_bad.html:2:" in p.stderr


def test_render_error_is_500_with_cause_logged(site):
    # notes is a list: notes.nope is undefined, and an attribute of
    # undefined is an error in Jinja
    write(site, "index.html", "{% extends 'base.html' %}\n"
          "{% block content %}\n{{ notes.nope.deeper }}\n{% endblock %}\n")
    port = free_port()
    work = tempfile.mkdtemp(prefix="gw-r-")
    nginx = Nginx(conf(site, port), workdir=work).start(port)
    try:
        status, _, body = request(port, "GET", "/")
        assert status == 500
        assert b"nope" not in body
        time.sleep(0.1)
        log = nginx.log()
        # Jinja's own words for it
        assert "index.html:3:15: 'list object' has no attribute 'nope'" \
            in log, log
        # the other pages still render
        status, _, _ = request(port, "GET", "/notes/1")
        assert status == 200
    finally:
        nginx.stop()
        shutil.rmtree(work, ignore_errors=True)


def test_template_name_with_dotdot_refused(site):
    write(site, "index.html", "{% include '../data/notes.json' %}\n")
    work = tempfile.mkdtemp(prefix="gw-d-")
    port = free_port()
    nginx = Nginx(conf(site, port), workdir=work).start(port)
    try:
        status, _, body = request(port, "GET", "/")
        assert status == 500
        assert b'"title"' not in body
        time.sleep(0.1)
        assert "refused" in nginx.log()
    finally:
        nginx.stop()
        shutil.rmtree(work, ignore_errors=True)


def test_gw_render_cli(tmp_path):
    exe = os.path.join(BUILD, "gw-render")
    (tmp_path / "page.html").write_text("<p>{{ who }}</p>\n")
    (tmp_path / "ctx.json").write_text('{"who": "<b>&</b>"}')
    p = subprocess.run([exe, str(tmp_path), "page.html",
                        str(tmp_path / "ctx.json")],
                       capture_output=True, timeout=30)
    assert (p.returncode, p.stdout) == (0, b"<p>&lt;b&gt;&amp;&lt;/b&gt;</p>")
    # context on stdin; .txt is not autoescaped
    (tmp_path / "page.txt").write_text("{{ who }}")
    p = subprocess.run([exe, str(tmp_path), "page.txt"],
                       input=b'{"who": "<b>"}', capture_output=True,
                       timeout=30)
    assert (p.returncode, p.stdout) == (0, b"<b>")
    # errors: name:line:col on stderr, non-zero exit
    (tmp_path / "bad.html").write_text("ok\n{{ 1 + }}")
    p = subprocess.run([exe, str(tmp_path), "bad.html",
                        str(tmp_path / "ctx.json")],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 1
    assert p.stderr.startswith("bad.html:2:")
    for name in ("../x.html", "/etc/passwd"):
        p = subprocess.run([exe, str(tmp_path), name,
                            str(tmp_path / "ctx.json")],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 1 and "refused" in p.stderr
    p = subprocess.run([exe], capture_output=True, text=True, timeout=30)
    assert p.returncode == 2


def test_xmlattr_name_from_query_is_500(site):
    """A key from the query string cannot write attributes of its own
    (Jinja 3.1.4); a plain one still renders."""
    write(site, "index.html", "<a{{ request.args|xmlattr }}>x</a>\n")
    pair = Pair(APP, config=[("ROOT_PATH", site)])
    try:
        for mode in ("embedded", "fastcgi"):
            status, _, body = request(pair[mode], "GET",
                                      "/?onclick%3Dalert(1)%20x=1")
            assert status == 500, mode
            assert b"onclick" not in body
            time.sleep(0.1)
            assert ("index.html:1:19: ValueError: Invalid character in "
                    "attribute name: 'onclick=alert(1) x'"
                    in pair.log(mode)), pair.log(mode)
            status, _, body = request(pair[mode], "GET", "/?title=%3Cb%3E")
            assert (status, body) == (200, b'<a title="&lt;b&gt;">x</a>')
    finally:
        pair.stop()


def test_render_caps_from_config(site):
    """TEMPLATE_MAX_MEMORY and TEMPLATE_MAX_OUTPUT stop a render with a 500
    and the template's place in the log; the worker goes on serving."""
    write(site, "index.html", "{% set ns = namespace(s='ab') %}\n"
          "{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
          "\n{{ ns.s|length }}\n")
    write(site, "note.html", "{% for i in range(100000) %}\n"
          "<p>{{ note.title }}</p>{% endfor %}\n")
    pair = Pair(APP, config=[("ROOT_PATH", site),
                             ("TEMPLATE_MAX_MEMORY", "4m"),
                             ("TEMPLATE_MAX_OUTPUT", "64k")])
    try:
        for mode in ("embedded", "fastcgi"):
            status, _, _ = request(pair[mode], "GET", "/")
            assert status == 500, mode
            status, _, _ = request(pair[mode], "GET", "/notes/1")
            assert status == 500, mode
            status, _, body = request(pair[mode], "GET", "/no/such/page")
            assert status == 404 and b"<html" in body.lower(), mode
            time.sleep(0.1)
            log = pair.log(mode)
            assert ("index.html:2:44: template exceeded its memory cap of "
                    "4194304 bytes (TEMPLATE_MAX_MEMORY)" in log), log
            assert ("note.html:2:4: template output exceeded its cap of "
                    "65536 bytes (TEMPLATE_MAX_OUTPUT)" in log), log
    finally:
        pair.stop()


@pytest.mark.parametrize("key,value", [
    ("TEMPLATE_MAX_MEMORY", "lots"), ("TEMPLATE_MAX_OUTPUT", "0"),
    ("TEMPLATE_MAX_STEPS", "-5"), ("TEMPLATE_MAX_MEMORY", "10x"),
])
def test_bad_cap_fails_nginx_t(site, key, value):
    work = tempfile.mkdtemp(prefix="gw-c-")
    try:
        rc, out = Nginx(conf(site, free_port()).replace(
            "gateway_config ROOT_PATH", "gateway_config %s %s; "
            "gateway_config ROOT_PATH" % (key, value)),
            workdir=work).test_config()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    assert rc != 0
    assert "%s '%s' is not a positive number" % (key, value) in out, out
