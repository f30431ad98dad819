"""The demo site, as `make run` serves it, through real nginx (embedded and
behind gateway-fcgi): its JSON API, its pages, and its static files, on a
copy of the site root (the writes are in test_demo_write.py)."""

import json
import os
import shutil
import signal
import subprocess
import tempfile

import pytest

from demo_site import NOTES, pair, twin
from harness import (BUILD, ROOT, _sanitizer_env, _wait_port, demo_site_copy,
                     free_port, header, request)


@pytest.fixture(scope="module")
def root():
    r = demo_site_copy()
    yield r
    shutil.rmtree(r, ignore_errors=True)


@pytest.fixture(scope="module")
def servers(root):
    p = pair(root)
    yield p
    p.stop()


@pytest.fixture(params=["embedded", "fastcgi"])
def port(request, servers):
    return servers[request.param]


def get(port, path, **kw):
    return request(port, "GET", path, **kw)


# ---- the API ----------------------------------------------------------------

def test_list_notes(port):
    status, hdrs, body = get(port, "/api/notes/")
    assert status == 200
    assert header(hdrs, "Content-Type") == ["application/json"]
    assert json.loads(body) == NOTES


def test_list_notes_filtered_by_tag(port):
    tag = NOTES[1]["tags"][0]
    status, _, body = get(port, "/api/notes/?tag=" + tag)
    assert status == 200
    want = [n for n in NOTES if tag in n["tags"]]
    assert want and json.loads(body) == want
    status, _, body = get(port, "/api/notes/?tag=no-such-tag")
    assert (status, json.loads(body)) == (200, [])


def test_list_without_slash_redirects(port):
    status, hdrs, _ = get(port, "/api/notes?tag=x")
    assert status == 308
    assert header(hdrs, "Location")[0].endswith("/api/notes/?tag=x")


def test_one_note(port):
    n = NOTES[2]
    status, _, body = get(port, "/api/notes/%d" % n["id"])
    assert status == 200
    assert json.loads(body) == n


def test_missing_note_is_json_404(port):
    status, hdrs, body = get(port, "/api/notes/9999")
    assert status == 404
    assert header(hdrs, "Content-Type") == ["application/json"]
    assert json.loads(body) == {"error": "note 9999 not found"}


def test_note_id_must_be_int(port):
    status, _, _ = get(port, "/api/notes/abc")
    assert status == 404


def test_wrong_method_is_405_json(port):
    status, hdrs, body = request(port, "POST", "/api/notes/1")
    assert status == 405
    assert header(hdrs, "Allow")[0] == \
        "GET, HEAD, PUT, DELETE, PATCH, OPTIONS"
    assert "error" in json.loads(body)


def test_echo_json(port):
    doc = {"title": "caf\u00e9", "n": [1, 2.5, None, True], "o": {}}
    status, _, body = request(port, "POST", "/api/echo",
                              json.dumps(doc).encode(),
                              [("Content-Type", "application/json")])
    assert status == 200
    assert json.loads(body) == doc


@pytest.mark.parametrize("bad", [b"{", b"", b"[1,]", b"\xff\xfe", b"nul"])
def test_echo_bad_json_is_400_json(port, bad):
    status, hdrs, body = request(port, "POST", "/api/echo", bad,
                                 [("Content-Type", "application/json")])
    assert status == 400
    assert header(hdrs, "Content-Type") == ["application/json"]
    assert json.loads(body)["error"]


# ---- pages and static files -----------------------------------------------

def test_index_lists_every_note(port):
    status, hdrs, body = get(port, "/")
    assert status == 200
    assert header(hdrs, "Content-Type")[0].startswith("text/html")
    page = body.decode()
    for n in NOTES:
        title = n["title"].replace("&", "&amp;").replace("<", "&lt;")
        assert title in page
        assert 'href="/notes/%d"' % n["id"] in page
    assert 'href="/static/style.css' in page


def test_note_page(port):
    n = NOTES[0]
    status, _, body = get(port, "/notes/%d" % n["id"])
    assert status == 200
    assert n["body"].replace("<", "&lt;") in body.decode()


def test_tag_page(port):
    tag = NOTES[1]["tags"][0]
    status, _, body = get(port, "/tags/" + tag)
    assert status == 200
    page = body.decode()
    for n in NOTES:
        if tag in n["tags"]:
            assert n["title"].replace("&", "&amp;") in page


def test_404_page_from_template(port):
    status, hdrs, body = get(port, "/no/such/page")
    assert status == 404
    assert header(hdrs, "Content-Type")[0].startswith("text/html")
    assert b"<html" in body.lower() or b"<!doctype" in body.lower()


def test_stylesheet_served_by_nginx(port):
    status, hdrs, body = get(port, "/static/style.css")
    assert status == 200
    assert header(hdrs, "Content-Type") == ["text/css"]
    with open(os.path.join(ROOT, "static", "style.css"), "rb") as f:
        assert body == f.read()


# ---- make run ---------------------------------------------------------------

def test_serve_demo_script():
    """t/serve-demo is what `make run` starts: nginx in the foreground with
    the demo app and the static files; the user demo/demo may write."""
    port = free_port()
    site = demo_site_copy()
    log = tempfile.NamedTemporaryFile(prefix="gw-serve-", delete=False)
    proc = subprocess.Popen([os.path.join(ROOT, "t", "serve-demo"),
                             str(port)], stdout=log, stderr=subprocess.STDOUT,
                            env=dict(_sanitizer_env(), GW_BUILD=BUILD,
                                     DEMO_ROOT=site))
    try:
        _wait_port(port, proc, "serve-demo", log.name)
        status, _, body = get(port, "/api/notes/1")
        assert status == 200
        assert json.loads(body) == NOTES[0]
        status, _, _ = get(port, "/static/style.css")
        assert status == 200
        status, _, body = get(port, "/")
        assert status == 200
        status, hdrs, body = request(port, "POST", "/api/login", json.dumps(
            {"user": "demo", "password": "demo"}).encode(),
            [("Content-Type", "application/json")])
        assert (status, json.loads(body)) == (200, {"user": "demo"})
        assert header(hdrs, "Set-Cookie")[0].startswith("session=")
        assert os.path.exists(os.path.join(site, "data", "notes.db"))
    finally:
        proc.send_signal(signal.SIGQUIT)
        proc.wait(10)
        os.unlink(log.name)
        shutil.rmtree(site, ignore_errors=True)


# ---- the pages, byte for byte against Flask + Jinja2 -----------------------

@pytest.fixture(scope="module")
def flask_demo():
    r = demo_site_copy()
    yield twin(r)
    shutil.rmtree(r, ignore_errors=True)


@pytest.mark.parametrize("path", ["/", "/notes/1", "/notes/7",
                                  "/tags/routing", "/tags/flask",
                                  "/no/such/page", "/notes/9999",
                                  "/tags/nope"])
def test_pages_match_flask(port, flask_demo, path):
    status, hdrs, body = get(port, path)
    r = flask_demo.get(path)
    assert status == r.status_code
    assert header(hdrs, "Content-Type") == [r.headers["Content-Type"]]
    assert body.decode() == r.get_data(as_text=True)
