"""The framework through real nginx, embedded and behind gateway-fcgi, held
to Flask: t/apps/fwapp.c and t/http/flask_twin.py are the same app, and
each test sends both the same request and compares what matters (status,
the headers Flask sets, the body)."""

import http.client
import json
import logging
import os
import subprocess
import time
import urllib.parse

import pytest

from harness import BUILD, Pair, header, request

FWAPP = os.path.join(BUILD, "t", "apps", "fwapp.so")
SECRET = "twin-secret"


@pytest.fixture(scope="module")
def servers():
    pair = Pair(FWAPP, locations=[("/", ""), ("/mnt/", "")],
                config=[("SECRET_KEY", SECRET)], threads=2)
    yield pair
    pair.stop()


@pytest.fixture(params=["embedded", "fastcgi"])
def mode(request):
    return request.param


@pytest.fixture(scope="module")
def flask_client():
    import flask_twin
    app = flask_twin.make_app()
    app.logger.disabled = True
    logging.getLogger("werkzeug").disabled = True
    # cookies come from the request's headers only, as on a server
    return app.test_client(use_cookies=False)


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def get(self, name):
        v = header(self.headers, name)
        return v[0] if v else None

    def all(self, name):
        return header(self.headers, name)

    def json(self):
        return json.loads(self.body)


def ours(servers, mode, method, path, body=None, headers=()):
    return Answer(*request(servers[mode], method, path, body, list(headers)))


def theirs(client, method, path, body=None, headers=(), script_root="",
           host="localhost"):
    kw = {"headers": list(headers), "data": body,
          "base_url": "http://" + host + script_root}
    r = client.open(path, method=method, **kw)
    return Answer(r.status_code, list(r.headers.items()), r.get_data())


def strip_host(location):
    """Werkzeug 2.2 makes redirect URLs for strict slashes absolute; only
    the path and query are comparable across servers."""
    if location is None:
        return None
    u = urllib.parse.urlsplit(location)
    return urllib.parse.urlunsplit(("", "", u.path, u.query, u.fragment))


def same(servers, mode, client, method, path, body=None, headers=(),
         compare=("Content-Type",), script_root=""):
    a = ours(servers, mode, method, script_root + path, body, headers)
    b = theirs(client, method, path, body, headers, script_root,
               "127.0.0.1:%d" % servers[mode])
    assert a.status == b.status, (a.status, a.body)
    for name in compare:
        va, vb = a.all(name), b.all(name)
        if name == "Location":
            va, vb = [strip_host(v) for v in va], [strip_host(v) for v in vb]
        if name == "Content-Type":
            va = [v.replace(" ", "").lower() for v in va]
            vb = [v.replace(" ", "").lower() for v in vb]
        assert va == vb, name
    if method != "HEAD":
        ctype = (a.get("Content-Type") or "")
        if ctype.startswith("application/json"):
            assert a.json() == json.loads(b.body)
        else:
            assert a.body == b.body
    return a, b


# ---- the URL map ----------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/conv/int/42", "/conv/int/-1", "/conv/int/+1", "/conv/int/1.5",
    "/conv/float/1.5", "/conv/float/1", "/conv/path/a/b/c.txt",
    "/conv/uuid/0c5b2444-70a0-4932-980c-b4dc0d3f02b5",
    "/conv/uuid/0C5B2444-70A0-4932-980C-B4DC0D3F02B5", "/conv/uuid/nope",
    "/conv/any/red", "/conv/any/blue", "/conv/str/caf%C3%A9",
    "/conv/str/a%2Fb", "/conv/range/10", "/conv/range/11", "/conv/range/0",
])
def test_converters(servers, mode, flask_client, path):
    """Flask: each converter accepts and types what Werkzeug's does."""
    same(servers, mode, flask_client, "GET", path)


def test_not_found_uses_app_handler(servers, mode, flask_client):
    """Flask: an unmatched URL goes to the app's 404 handler."""
    same(servers, mode, flask_client, "GET", "/no/such/page")


def test_method_not_allowed_has_allow(servers, mode, flask_client):
    """Flask: 405 with Allow listing every method of the URL's rules."""
    a, b = same(servers, mode, flask_client, "PUT", "/methods", b"",
                compare=("Content-Type",))
    assert sorted(a.get("Allow").split(", ")) \
        == sorted(b.get("Allow").split(", "))


def test_same_path_two_methods(servers, mode, flask_client):
    same(servers, mode, flask_client, "GET", "/methods")
    same(servers, mode, flask_client, "POST", "/methods", b"")


def test_automatic_options(servers, mode, flask_client):
    """Flask: OPTIONS answers 200 with Allow and an empty body."""
    a, b = same(servers, mode, flask_client, "OPTIONS", "/methods",
                compare=())
    assert sorted(a.get("Allow").split(", ")) \
        == sorted(b.get("Allow").split(", "))
    assert a.body == b""


def test_automatic_head(servers, mode, flask_client):
    """Flask: HEAD runs the GET view and sends no body."""
    a, b = same(servers, mode, flask_client, "HEAD", "/conv/int/5")
    assert a.body == b""
    assert a.get("Content-Length") == b.get("Content-Length")


@pytest.mark.parametrize("root", ["", "/mnt"])
def test_strict_slash_redirect(servers, mode, flask_client, root):
    """Flask: a rule ending in / requested without it answers 308 to the
    slash URL, keeping SCRIPT_NAME and the query string."""
    same(servers, mode, flask_client, "GET", "/slash?x=1&y=%20",
         compare=("Location",), script_root=root)


def get_with_host(port, path, host):
    """GET with exactly this Host header: (status, Location)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.putrequest("GET", path, skip_host=True)
    c.putheader("Host", host)
    c.endheaders()
    r = c.getresponse()
    r.read()
    c.close()
    return r.status, r.getheader("Location")


@pytest.mark.parametrize("host", ["trusted.example@evil.com",
                                  "evil.com#trusted.example",
                                  "trusted.example:80@evil.com"])
def test_slash_redirect_refuses_bad_host(servers, mode, host):
    """A Host that is not a host name makes no absolute URL: 400, where
    Flask 2.2 answers 308 to http://trusted.example@evil.com/slash/ (issue
    12, finding 10; Werkzeug 3.1 no longer accepts such a host)."""
    assert get_with_host(servers[mode], "/slash?x=1", host) == (400, None)
    assert get_with_host(servers[mode], "/slash?x=1", "trusted.example:8080") \
        == (308, "http://trusted.example:8080/slash/?x=1")


def test_trusted_hosts():
    """TRUSTED_HOSTS from gateway_config and --config: a host not listed is
    a 400 in both modes, a listed one (or a subdomain of a dotted entry)
    is served."""
    pair = Pair(FWAPP, config=[("SECRET_KEY", SECRET),
                               ("TRUSTED_HOSTS",
                                "good.example,.corp.example")])
    try:
        for mode in ("embedded", "fastcgi"):
            for host, status in (("good.example", 200),
                                 ("a.corp.example:8080", 200),
                                 ("evil.example", 400),
                                 ("good.example.evil", 400)):
                assert get_with_host(pair[mode], "/args?x=1", host) \
                    == (status, None), (mode, host)
    finally:
        pair.stop()


def test_max_content_length_is_413_through_error_handlers():
    """Flask's MAX_CONTENT_LENGTH: a body past it is a 413 once the view
    reads it, the same page as Flask's; a body within it is read as usual;
    a view that does not read the body is served.  Flask 2.2 (Werkzeug
    2.2) checks it in form parsing only; JSON and raw reads are checked as
    Werkzeug 2.3 and later check them, so that row is ours alone."""
    import flask_twin
    app = flask_twin.make_app()
    app.config["MAX_CONTENT_LENGTH"] = 16
    app.logger.disabled = True
    client = app.test_client(use_cookies=False)
    pair = Pair(FWAPP, config=[("SECRET_KEY", SECRET),
                               ("MAX_CONTENT_LENGTH", "16")])
    form = [("Content-Type", "application/x-www-form-urlencoded")]
    js = [("Content-Type", "application/json")]
    try:
        for mode in ("embedded", "fastcgi"):
            for path, body, hdrs, status in (
                    ("/form", b"a=" + b"x" * 30, form, 413),
                    ("/form", b"a=1", form, 200),
                    ("/json", b'{"a": "' + b"x" * 30 + b'"}', js, 413),
                    ("/json", b'{"a": 1}', js, 200),
                    ("/", b"x" * 64, form, 200)):
                method = "GET" if path == "/" else "POST"
                if path == "/json" and status == 413:
                    a = ours(pair, mode, method, path, body, hdrs)
                    assert b"<h1>Request Entity Too Large</h1>" in a.body
                else:
                    a, b = same(pair, mode, client, method, path, body, hdrs)
                assert a.status == status, (mode, path, a.body)
    finally:
        pair.stop()


def test_slash_rule_matches(servers, mode, flask_client):
    same(servers, mode, flask_client, "GET", "/slash/")


def test_url_for(servers, mode, flask_client):
    """Flask: url_for fills the rule, percent-encodes, and turns unused
    values into the query string."""
    same(servers, mode, flask_client, "GET", "/urlfor")


@pytest.mark.parametrize("value", ["/evil.example", "//evil.example",
                                   "", "ok", "/"])
def test_url_for_never_protocol_relative(servers, mode, flask_client,
                                          value):
    """Flask: the built path is "/" + path.lstrip("/"), so a value that
    starts with a slash, or an empty first value, cannot make //host
    (issue 12, finding 9)."""
    a, _ = same(servers, mode, flask_client, "GET",
                "/urlfor/lead?v=" + urllib.parse.quote(value))
    assert not a.body.startswith(b"//")


@pytest.mark.parametrize("path", ["/urlfor/extras", "/urlfor/extras/page"])
def test_url_for_anchor_external_scheme(servers, mode, flask_client, path):
    """Flask: _anchor after "#", quoted; _external with the request's
    scheme and host, _scheme with it; _method taken out, not a query
    value.  From C and from a template."""
    a, _ = same(servers, mode, flask_client, "GET", path)
    assert b"127.0.0.1:%d/conv/int/3" % servers[mode] in a.body


def test_url_for_under_script_name(servers, mode):
    a = ours(servers, mode, "GET", "/mnt/urlfor")
    assert a.status == 200
    assert a.json()["a"] == "/mnt/conv/int/42"
    assert a.json()["d"] == "/mnt/bp/hello"


def test_url_for_missing_value_is_500(servers, mode, flask_client):
    """Flask: a BuildError is a 500; the cause goes to the log."""
    same(servers, mode, flask_client, "GET", "/urlfor/missing", compare=())


# ---- the request ----------------------------------------------------------

def test_args(servers, mode, flask_client):
    """Flask: args are multi-valued, percent-decoded, '+' is a space."""
    same(servers, mode, flask_client, "GET",
         "/args?a=1&b=two+words&a=3&c=%C3%A9&empty=&flag&=novalue")


def test_malformed_percent_encoding_is_400(servers, mode):
    a = ours(servers, mode, "GET", "/args?a=%zz")
    assert a.status == 400
    assert b"percent" in a.body.lower()


def test_urlencoded_form(servers, mode, flask_client):
    same(servers, mode, flask_client, "POST", "/form",
         b"name=Ada+Lovelace&tag=a&tag=b&x=%26",
         [("Content-Type", "application/x-www-form-urlencoded")])


def test_multipart_form_with_files(servers, mode, flask_client):
    boundary = "----gwboundary42"
    body = ("--%(b)s\r\n"
            'Content-Disposition: form-data; name="title"\r\n\r\n'
            "Hello, world\r\n"
            "--%(b)s\r\n"
            'Content-Disposition: form-data; name="upload"; '
            'filename="notes.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
            "line one\r\nline two\r\n"
            "--%(b)s--\r\n" % {"b": boundary}).encode()
    same(servers, mode, flask_client, "POST", "/form", body,
         [("Content-Type", "multipart/form-data; boundary=" + boundary)])


def test_broken_multipart_is_400(servers, mode):
    a = ours(servers, mode, "POST", "/form", b"--x\r\nnot a part",
             [("Content-Type", "multipart/form-data; boundary=x")])
    assert a.status == 400


def test_json_body(servers, mode, flask_client):
    same(servers, mode, flask_client, "POST", "/json",
         b'{"a": [1, 2.5, "caf\\u00e9", null, true], "b": {"c": {}}}',
         [("Content-Type", "application/json")])


JSON_BODIES = [
    b'{"b": [1e16, 0.1, -0.0, 1.5e-7, 123456789012345678, -9223372036854775808'
    b'], "a": "\\ud83d\\ude00 caf\\u00e9 \\u2028 \\u0000 \x7f", "a": "last"}',
    b' {"x": {"y": [true, false, null, {}, []]}, "\xc3\xa9": "\xe2\x82\xac"} ',
    b'"a string"', b"-0", b"1.0", b"1E2",
    b"[1e22, 1e-5, 5e-324, 2.5e+300, 3.141592653589793238462643383279]",
    b'["\\"\\\\\\/\\b\\f\\n\\r\\t", "\\u001f"]',
    b"[1,]", b"{", b"", b'["\\x"]', b"[01]", b'["\t"]', b'["\xc0\xaf"]',
    b"[1 2]",
]


@pytest.mark.parametrize("body", JSON_BODIES)
def test_json_body_bytes_as_flask(servers, mode, flask_client, body):
    """The body parsed and sent back by jsonify: Flask's status and, when
    it parses, Flask's bytes."""
    h = [("Content-Type", "application/json")]
    a = ours(servers, mode, "POST", "/json", body, h)
    b = theirs(flask_client, "POST", "/json", body, h)
    assert a.status == b.status, (a.status, a.body)
    if b.status == 200:
        assert a.body == b.body


@pytest.mark.parametrize("body", [b"[NaN]", b"[Infinity]", b"[1e400]",
                                  b'["\\ud800"]', b"[18446744073709551616]",
                                  b"\xef\xbb\xbf{}", b'{"\\u0000": 1}'])
def test_json_body_flask_takes_but_we_refuse(servers, mode, flask_client,
                                             body):
    """Python reads these (NaN and infinities, lone surrogates, integers of
    any size, a UTF-8 BOM, NUL in keys); a json_t cannot hold them, so we
    answer 400 as jansson did, with the reason."""
    h = [("Content-Type", "application/json")]
    assert theirs(flask_client, "POST", "/json", body, h).status == 200
    a = ours(servers, mode, "POST", "/json", body, h)
    assert a.status == 400
    assert a.json()["error"].startswith("Failed to decode JSON object: ")


def test_malformed_json_is_400_with_json_error(servers, mode):
    """Flask answers 400 for a body that does not parse; ours says why, as
    JSON."""
    a = ours(servers, mode, "POST", "/json", b'{"a": ',
             [("Content-Type", "application/json")])
    assert a.status == 400
    assert a.get("Content-Type").startswith("application/json")
    assert "error" in a.json()


def test_json_wrong_content_type_is_rejected(servers, mode, flask_client):
    a = ours(servers, mode, "POST", "/json", b'{"a": 1}',
             [("Content-Type", "text/plain")])
    b = theirs(flask_client, "POST", "/json", b'{"a": 1}',
               [("Content-Type", "text/plain")])
    assert a.status == b.status


def test_cookies(servers, mode, flask_client):
    same(servers, mode, flask_client, "GET", "/cookies",
         headers=[("Cookie", 'a=1; b="two words"; c=x=y; bad; e="q\\"x"')])


def test_repeated_cookie_headers(servers, mode):
    """nginx keeps repeated Cookie lines apart; they reach the app joined
    as one browser would send them."""
    a = ours(servers, mode, "GET", "/cookies",
             headers=[("Cookie", "a=1; b=2"), ("Cookie", "c=3")])
    assert a.json() == {"a": ["1"], "b": ["2"], "c": ["3"]}


def test_headers_case_insensitive(servers, mode):
    a = ours(servers, mode, "GET", "/headers", headers=[("X-TOKEN", "t0k")])
    assert a.json() == {"token": "t0k", "missing": True,
                        "remote_addr": "127.0.0.1"}


# ---- responses ------------------------------------------------------------

def test_redirect_default_302(servers, mode, flask_client):
    same(servers, mode, flask_client, "GET", "/redirect",
         compare=("Location", "Content-Type"))


def test_redirect_301_absolute(servers, mode, flask_client):
    same(servers, mode, flask_client, "GET", "/redirect301",
         compare=("Location", "Content-Type"))


@pytest.mark.parametrize("code", [400, 401, 403, 410, 500])
def test_abort_default_pages(servers, mode, flask_client, code):
    """Flask: abort() without a handler gives Werkzeug's error page."""
    same(servers, mode, flask_client, "GET", "/abort/%d" % code)


def test_set_cookie_attributes(servers, mode, flask_client):
    a = ours(servers, mode, "GET", "/setcookie")
    b = theirs(flask_client, "GET", "/setcookie")
    assert a.status == b.status == 200
    ours_c = a.all("Set-Cookie")
    theirs_c = b.all("Set-Cookie")
    assert len(ours_c) == 2
    # Expires depends on the clock: compare everything else exactly
    strip = lambda c: "; ".join(p for p in c.split("; ")
                                if not p.startswith("Expires="))
    assert [strip(c) for c in ours_c] == [strip(c) for c in theirs_c]
    assert "Expires=" in ours_c[1]


def test_delete_cookie(servers, mode, flask_client):
    same(servers, mode, flask_client, "GET", "/delcookie",
         compare=("Set-Cookie", "Content-Type"))


def test_header_with_crlf_is_refused(servers, mode):
    """Werkzeug refuses a header value with a newline; so do we: 500, the
    header never sent, the cause in the log."""
    a = ours(servers, mode, "GET", "/badheader")
    assert a.status == 500
    assert a.get("X-Injected") is None
    assert a.get("Set-Cookie") is None
    assert b"should not get here" not in a.body


# ---- hooks, blueprints, error handlers ------------------------------------

def test_blueprint_route_and_hooks(servers, mode, flask_client):
    same(servers, mode, flask_client, "GET", "/bp/hello",
         compare=("X-BP-After", "X-App-After", "Content-Type"))


def test_blueprint_before_request_short_circuits(servers, mode,
                                                 flask_client):
    same(servers, mode, flask_client, "GET", "/bp/hello?stop=1",
         compare=("X-BP-After", "X-App-After"))


def test_blueprint_error_handler_wins(servers, mode, flask_client):
    """Flask: abort(404) inside a blueprint uses the blueprint's handler."""
    same(servers, mode, flask_client, "GET", "/bp/missing")


def test_app_after_request_on_errors(servers, mode, flask_client):
    same(servers, mode, flask_client, "GET", "/nowhere",
         compare=("X-App-After",))


def test_failing_error_handler_is_plain_500(servers, mode, flask_client):
    same(servers, mode, flask_client, "GET", "/teapot", compare=())


def test_500_cause_in_log_not_page(servers, mode):
    a = ours(servers, mode, "GET", "/fail")
    assert a.status == 500
    assert b"fire" not in a.body
    time.sleep(0.1)
    assert "the database is on fire (fwapp)" in servers.log(mode)


def test_log_lines_cannot_be_forged(servers, mode, flask_client):
    """The decoded path in gw_fail's message cannot start a line of its
    own in nginx's error log or gateway-fcgi's: control characters are
    escaped (issue 12, finding 7).  Behind gateway-fcgi the path reaches
    the view only because fastcgi_split_path_info's pattern lets "." match
    a newline ((?s)), as conf/gateway_fastcgi_params says."""
    forged = "2026-01-01 00:00:00 [emerg] 1#1: forged"
    path = "/fail/x%0a" + urllib.parse.quote(forged) + "%0d%1b%7f"
    same(servers, mode, flask_client, "GET", path, compare=())
    time.sleep(0.1)
    log = servers.log(mode)
    assert "x\\n" + forged + "\\r\\x1b\\x7f: the database is on fire" in log
    assert not any(line.startswith(forged) for line in log.splitlines())


# ---- sessions -------------------------------------------------------------

def session_cookie(answer):
    for c in answer.all("Set-Cookie"):
        if c.startswith("session="):
            return c.split(";")[0][len("session="):]
    return None


def test_session_round_trip(servers, mode):
    a = ours(servers, mode, "GET", "/session/set?user=ada&lang=en")
    cookie = session_cookie(a)
    assert cookie
    sc = [c for c in a.all("Set-Cookie") if c.startswith("session=")][0]
    assert "HttpOnly" in sc and "Path=/" in sc
    b = ours(servers, mode, "GET", "/session/get",
             headers=[("Cookie", "session=" + cookie)])
    assert b.json() == {"user": "ada", "lang": "en"}
    # unchanged session: no new cookie, as Flask
    assert session_cookie(b) is None


def test_session_tampered_is_empty(servers, mode):
    cookie = session_cookie(ours(servers, mode, "GET",
                                 "/session/set?user=ada"))
    payload, rest = cookie.split(".", 1)
    forged = payload[:-2] + ("A" if payload[-2] != "A" else "B") \
        + payload[-1] + "." + rest
    for bad in (forged, cookie[:-3], "garbage", ""):
        b = ours(servers, mode, "GET", "/session/get",
                 headers=[("Cookie", "session=" + bad)])
        assert b.status == 200
        assert b.json() == {}


def test_session_shared_between_servers(servers):
    """Same SECRET_KEY, same cookie format: either server reads the
    other's session."""
    cookie = session_cookie(ours(servers, "embedded", "GET",
                                 "/session/set?k=v"))
    b = ours(servers, "fastcgi", "GET", "/session/get",
             headers=[("Cookie", "session=" + cookie)])
    assert b.json() == {"k": "v"}


@pytest.mark.parametrize("sort", ["endpoint", "rule", "methods", "match"])
def test_gw_routes_lists_as_flask_routes(sort):
    """gw-routes APP.so prints what `flask routes` prints for the same app
    (Flask adds its static route, which the C app has not)."""
    import flask_twin
    from flask.cli import routes_command
    app = flask_twin.make_app()
    flask = app.test_cli_runner().invoke(routes_command, ["--sort", sort])
    assert flask.exit_code == 0, flask.output
    ours = subprocess.run([os.path.join(BUILD, "gw-routes"), "--sort", sort,
                           "--config", "SECRET_KEY=x", FWAPP],
                          capture_output=True, text=True)
    assert ours.returncode == 0, ours.stderr

    def rows(text):
        lines = text.splitlines()
        return [l.split() for l in lines[2:] if not l.startswith("static ")]

    a, b = rows(ours.stdout), rows(flask.output)
    if sort in ("endpoint", "rule"):
        assert a == b
    else:
        # the twin adds its routes in another order: ties (and "match",
        # the order of adding) are compared as sets
        assert sorted(a) == sorted(b)
        if sort == "methods":
            assert [r[1:-1] for r in a] == sorted(r[1:-1] for r in a)
    assert ours.stdout.splitlines()[0].split() == ["Endpoint", "Methods",
                                                   "Rule"]


def test_gw_routes_refuses_what_it_cannot_list(tmp_path):
    exe = os.path.join(BUILD, "gw-routes")
    p = subprocess.run([exe, os.path.join(BUILD, "examples", "echo.so")],
                       capture_output=True, text=True)
    assert p.returncode == 1 and "not a framework app" in p.stderr
    p = subprocess.run([exe, str(tmp_path / "none.so")],
                       capture_output=True, text=True)
    assert p.returncode == 1 and "cannot open application" in p.stderr
    p = subprocess.run([exe, "--sort", "nd", FWAPP], capture_output=True,
                       text=True)
    assert p.returncode == 2 and "usage" in p.stderr
