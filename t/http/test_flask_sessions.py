"""Sessions that move between Flask and this framework: with SESSION_DIGEST
sha1 the app (t/apps/fwapp.c, through real nginx in both modes) reads the
session cookies Flask 2.2 writes (t/http/flask_twin.py, the same app,
same SECRET_KEY: Debian's python3-flask and python3-itsdangerous), its
flashed (category, message) tuples included, and Flask reads ours."""

import os

import pytest

from harness import BUILD, Pair, header, request
# the same twin and modes as the framework's other tests
from test_framework import flask_client, mode  # noqa: F401

FWAPP = os.path.join(BUILD, "t", "apps", "fwapp.so")
SECRET = "twin-secret"


@pytest.fixture(scope="module")
def servers():
    pair = Pair(FWAPP, config=[("SECRET_KEY", SECRET),
                               ("SESSION_DIGEST", "sha1")])
    yield pair
    pair.stop()


def cookie_of(headers):
    for c in headers:
        if c.startswith("session="):
            return c.split(";")[0][len("session="):]
    return None


def ours(servers, mode, path, cookie=None):
    hdrs = [("Cookie", "session=" + cookie)] if cookie else []
    status, headers, body = request(servers[mode], "GET", path, None, hdrs)
    assert status == 200, body
    return body, cookie_of(header(headers, "Set-Cookie"))


def theirs(client, path, cookie=None):
    hdrs = [("Cookie", "session=" + cookie)] if cookie else []
    r = client.get(path, headers=hdrs)
    assert r.status_code == 200, r.data
    return r.get_data(), cookie_of(r.headers.getlist("Set-Cookie"))


def test_flask_session_read_by_us(servers, mode, flask_client):
    _, cookie = theirs(flask_client, "/session/set?user=ada&lang=en")
    body, _ = ours(servers, mode, "/session/get", cookie)
    assert body == theirs(flask_client, "/session/get", cookie)[0]
    assert body == b'{"lang":"en","user":"ada"}\n'


def test_our_session_read_by_flask(servers, mode, flask_client):
    _, cookie = ours(servers, mode, "/session/set?user=ada&lang=en")
    body, _ = theirs(flask_client, "/session/get", cookie)
    assert body == b'{"lang":"en","user":"ada"}\n'


def test_same_cookie_bytes(servers, mode, flask_client):
    """Both sign the same session alike: the payload is the same, the
    timestamp may differ by a second, the signature is HMAC-SHA1's."""
    q = "/session/set?k=" + "v" * 300          # long enough to compress
    a = ours(servers, mode, q)[1]
    b = theirs(flask_client, q)[1]
    assert a.startswith(".") and a.split(".")[1] == b.split(".")[1]
    assert len(a.split(".")[-1]) == 27


def test_flask_flashes_read_by_us(servers, mode, flask_client):
    _, cookie = theirs(flask_client, "/flash/add?m=Saved.")
    _, cookie = theirs(flask_client, "/flash/add?m=Bad+title&c=error", cookie)
    body, after = ours(servers, mode, "/flash/show", cookie)
    assert body == theirs(flask_client, "/flash/show", cookie)[0]
    assert body == b'[["message","Saved."],["error","Bad title"]]\n'
    assert after == ""          # popped: the emptied session is deleted


def test_our_flashes_read_by_flask(servers, mode, flask_client):
    _, cookie = ours(servers, mode, "/flash/add?m=Saved.")
    _, cookie = ours(servers, mode, "/flash/add?m=caf%C3%A9&c=error", cookie)
    body, _ = theirs(flask_client, "/flash/show", cookie)
    assert body == b'[["message","Saved."],["error","caf\\u00e9"]]\n'


def test_default_digest_refuses_flask_cookie(flask_client):
    """Without SESSION_DIGEST the cookie is HMAC-SHA256's: Flask's own is
    a foreign one, an empty session."""
    pair = Pair(FWAPP, config=[("SECRET_KEY", SECRET)])
    try:
        _, cookie = theirs(flask_client, "/session/set?user=ada")
        assert ours(pair, "embedded", "/session/get", cookie)[0] == b"{}\n"
    finally:
        pair.stop()
