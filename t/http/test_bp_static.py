"""Blueprint static folders (Flask's Blueprint(static_folder=,
static_url_path=)) through real nginx, embedded and behind gateway-fcgi:
served by the app as Flask serves them, and by nginx itself with the
`location ... { alias ...; }` the README gives."""

import logging
import os
import shutil
import tempfile

import pytest

from harness import BUILD, Pair, header, request

APP = os.path.join(BUILD, "t", "apps", "bpstatic.so")
FILES = {
    "admin/files/a.js": b"let a = 1;\n",
    "admin/files/img/a b.png": b"\x89PNG\r\n\x1a\n\x00\x01",
    "admin/secret.txt": b"not served\n",
    "docs/pub/readme.txt": b"read me\n",
    "static/app.css": b"body{}\n",
}
URLS = ["/admin/assets/img/a%20b.png", "/admin/assets/img/a%20b.png",
        "/docs/pub/img/a%20b.png", "/static/img/a%20b.png"]


@pytest.fixture(scope="module")
def root():
    d = tempfile.mkdtemp(prefix="gw-bpstatic-")
    for name, data in FILES.items():
        os.makedirs(os.path.dirname(os.path.join(d, name)), exist_ok=True)
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    yield d
    shutil.rmtree(d)


@pytest.fixture(scope="module")
def served(root):
    """The app serves its blueprints' files itself."""
    pair = Pair(APP, config=[("ROOT_PATH", root)])
    yield pair
    pair.stop()


@pytest.fixture(scope="module")
def aliased(root):
    """nginx serves them, as the README says to in production."""
    server = """
        location /admin/assets/ { alias %(r)s/admin/files/; }
        location /docs/pub/ { alias %(r)s/docs/pub/; }
        location /static/ { alias %(r)s/static/; }""" % {"r": root}
    pair = Pair(APP, config=[("ROOT_PATH", root)], server=server)
    yield pair
    pair.stop()


@pytest.fixture(scope="module")
def flask_client(root):
    from flask import Blueprint, Flask, url_for
    app = Flask("bpstatic", root_path=root)
    admin = Blueprint("admin", "bpstatic", url_prefix="/admin",
                      static_folder=os.path.join(root, "admin/files"),
                      static_url_path="/assets")
    docs = Blueprint("docs", "bpstatic", url_prefix="/docs",
                     static_folder=os.path.join(root, "docs/pub"))

    @admin.get("/urls")
    def urls():
        return app.response_class(
            "".join(url_for(e, filename="img/a b.png") + "\n"
                    for e in (".static", "admin.static", "docs.static",
                              "static")), mimetype="text/plain")

    app.register_blueprint(admin)
    app.register_blueprint(docs)
    logging.getLogger("werkzeug").disabled = True
    return app.test_client()


@pytest.fixture(params=["embedded", "fastcgi"])
def mode(request):
    return request.param


def one(headers, name):
    v = header(headers, name)
    return v[0] if v else None


def flask(client, method, path, headers=()):
    r = client.open(path, method=method, headers=list(headers))
    return r.status_code, list(r.headers.items()), r.get_data()


def test_url_for_builds_as_flask(served, mode, flask_client):
    s, h, body = request(served[mode], "GET", "/admin/urls")
    fs, fh, fbody = flask(flask_client, "GET", "/admin/urls")
    assert (s, body) == (fs, fbody)
    assert body.decode().split() == URLS


@pytest.mark.parametrize("path", ["/admin/assets/a.js",
                                  "/admin/assets/img/a%20b.png",
                                  "/docs/pub/readme.txt",
                                  "/static/app.css"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_files_as_flask(served, mode, flask_client, method, path):
    s, h, body = request(served[mode], method, path)
    fs, fh, fbody = flask(flask_client, method, path)
    assert s == fs == 200
    assert body == fbody
    for name in ("Content-Type", "Last-Modified", "Cache-Control",
                 "Content-Length"):
        assert one(h, name) == one(fh, name), name


@pytest.mark.parametrize("path", [
    "/admin/assets/../secret.txt",          # nginx and Werkzeug merge it
    "/admin/assets/..%2fsecret.txt",
    "/admin/assets/%2e%2e/secret.txt",
    "/admin/assets/img",                    # a directory
    "/admin/assets/",
    "/admin/assets/none.js",
    "/admin/assets/readme.txt",             # another blueprint's file
    "/docs/pub/a.js",
    "/docs/pub/../../admin/secret.txt",
])
def test_refused_as_flask(served, mode, flask_client, path):
    s, h, body = request(served[mode], "GET", path)
    fs, fh, fbody = flask(flask_client, "GET", path)
    assert s == fs == 404
    assert body == fbody
    assert FILES["admin/secret.txt"] not in body


def test_only_get_and_head(served, mode, flask_client):
    s, h, _ = request(served[mode], "POST", "/admin/assets/a.js", body=b"")
    fs, fh, _ = flask(flask_client, "POST", "/admin/assets/a.js")
    assert s == fs == 405
    assert sorted(one(h, "Allow").split(", ")) \
        == sorted(one(fh, "Allow").split(", "))


def test_nginx_serves_them_with_the_alias(aliased, mode):
    """The README's alias locations: the URLs url_for builds are files
    nginx answers itself (with its conditional requests), nothing outside
    the folders."""
    port = aliased[mode]
    s, _, body = request(port, "GET", "/admin/urls")
    assert s == 200 and body.decode().split() == URLS
    for url, name in (("/admin/assets/img/a%20b.png",
                       "admin/files/img/a b.png"),
                      ("/docs/pub/readme.txt", "docs/pub/readme.txt"),
                      ("/static/app.css", "static/app.css")):
        s, h, body = request(port, "GET", url)
        assert (s, body) == (200, FILES[name])
        # nginx's own answer, not the app's (which sends no ETag)
        assert one(h, "ETag") is not None
        s, _, body = request(port, "GET", url, headers=[
            ("If-Modified-Since", one(h, "Last-Modified"))])
        assert (s, body) == (304, b"")
    for url in ("/admin/assets/../secret.txt",
                "/admin/assets/..%2fsecret.txt",
                "/docs/pub/../../admin/secret.txt"):
        s, _, body = request(port, "GET", url)
        assert s == 404 and FILES["admin/secret.txt"] not in body


@pytest.mark.parametrize("when,inm", [
    ("Sun, 06 Nov 2999 08:49:37 GMT", None),    # later than the file
    ("Sun Nov  6 08:49:37 2999", None),         # asctime, also a date
    ("Sunday, 06-Nov-68 08:49:37 GMT", None),   # RFC 850: 2068
    ("Sunday, 06-Nov-69 08:49:37 GMT", None),   # RFC 850: 1969
    ("Sun, 06 Nov 1994 08:49:37 GMT", None),    # earlier
    ("Sun, 06 Nov 2999 08:49:37 GMT", '"x"'),   # If-None-Match wins
    ("not a date", None),
])
def test_conditional_as_flask(served, mode, flask_client, when, inm):
    """If-Modified-Since: 304, empty, with Cache-Control and without the
    entity headers, when the file is no newer, as Flask's send_file."""
    hdrs = [("If-Modified-Since", when)] + \
        ([("If-None-Match", inm)] if inm else [])
    for path in ("/admin/assets/a.js", "/static/app.css"):
        s, h, body = request(served[mode], "GET", path, headers=hdrs)
        fs, fh, fbody = flask(flask_client, "GET", path, headers=hdrs)
        assert (s, body) == (fs, fbody)
        for name in ("Content-Type", "Last-Modified", "Cache-Control"):
            assert one(h, name) == one(fh, name), name


def test_conditional_on_its_own_date(served, mode):
    """The Last-Modified the view sends, sent back, is a 304."""
    s, h, _ = request(served[mode], "GET", "/docs/pub/readme.txt")
    s, _, body = request(served[mode], "GET", "/docs/pub/readme.txt",
                         headers=[("If-Modified-Since",
                                   one(h, "Last-Modified"))])
    assert (s, body) == (304, b"")
