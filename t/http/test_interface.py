"""The gateway interface through real nginx: the echo app answers with the
environ it was given, embedded in nginx and behind fastcgi_pass to
gateway-fcgi.  For the same request both servers must build the same
environ."""

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time

import pytest

from harness import (BUILD, Fcgi, Nginx, Pair, fcgi_location, free_port,
                     header, request, wait_for)

ECHO = os.path.join(BUILD, "examples", "echo.so")

# Keys that differ between the two servers by design.
DIFFERENT = {"SERVER_PORT", "HTTP_HOST", "REMOTE_PORT", "gateway.multithread",
             "gateway.multiprocess", "gateway.errors"}


@pytest.fixture(scope="module")
def servers():
    pair = Pair(ECHO, threads=2, locations=[
        ("/", ""), ("/app/", ""), ("/small/", "client_max_body_size 1k;"),
        ("/param/", "gateway_param X_METHOD_SEEN $request_method; "
                    "gateway_param X_EMPTY $http_x_not_sent if_not_empty; "
                    "gateway_param X_KEPT_EMPTY $http_x_not_sent;")],
        http="client_max_body_size 4m; client_body_buffer_size 16k;")
    yield pair
    pair.stop()


@pytest.fixture(params=["embedded", "fastcgi"])
def port(request, servers):
    return servers[request.param]


def echo(port, method="GET", path="/", body=None, headers=()):
    status, hdrs, data = request(port, method, path, body, headers)
    assert status == 200, data
    return json.loads(data)


def same_environ(servers, **kw):
    """Sends one request to both servers; checks the environs agree."""
    a = echo(servers["embedded"], **kw)
    b = echo(servers["fastcgi"], **kw)
    common_a = {k: v for k, v in a.items() if k not in DIFFERENT}
    common_b = {k: v for k, v in b.items() if k not in DIFFERENT}
    assert common_a == common_b
    return a, b


def test_cgi_keys(port):
    env = echo(port, path="/app/x?a=1")
    for key in ("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
                "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
                "REMOTE_ADDR", "REMOTE_PORT", "gateway.url_scheme",
                "gateway.input", "gateway.multithread",
                "gateway.multiprocess", "gateway.errors"):
        assert key in env, key
    assert env["SERVER_PORT"] == str(port)
    assert env["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert env["REMOTE_ADDR"] == "127.0.0.1"
    assert int(env["REMOTE_PORT"]) > 0
    assert env["gateway.url_scheme"] == "http"
    assert env["HTTP_HOST"] == "127.0.0.1:%d" % port


def test_percent_encoded_path_and_query(servers):
    a, b = same_environ(servers, path="/app/caf%C3%A9/a%20b?q=caf%C3%A9&x=1+2")
    assert a["SCRIPT_NAME"] == "/app"
    assert a["PATH_INFO"] == "/caf\u00e9/a b"
    assert a["QUERY_STRING"] == "q=caf%C3%A9&x=1+2"
    assert a["REQUEST_URI"] == "/app/caf%C3%A9/a%20b?q=caf%C3%A9&x=1+2"
    assert a["REQUEST_METHOD"] == "GET"


@pytest.mark.parametrize("path,script,info", [
    ("/app/notes/1", "/app", "/notes/1"),
    ("/app/", "/app", "/"),
    ("/elsewhere", "", "/elsewhere"),
    ("/", "", "/"),
])
def test_location_prefix(servers, path, script, info):
    a, b = same_environ(servers, path=path)
    assert (a["SCRIPT_NAME"], a["PATH_INFO"]) == (script, info)


def test_repeated_and_mixed_case_headers(servers):
    a, b = same_environ(servers, path="/app/h", headers=[
        ("X-Multi", "one"), ("x-multi", "two"), ("X-MULTI", "three"),
        ("Cookie", "a=1"), ("Cookie", "b=2"), ("X-Dash-Name", "v"),
        ("Accept-Language", "en")])
    assert a["HTTP_X_MULTI"] == "one, two, three"
    assert a["HTTP_COOKIE"] == "a=1; b=2"
    assert a["HTTP_X_DASH_NAME"] == "v"
    assert a["HTTP_ACCEPT_LANGUAGE"] == "en"


def test_content_type_and_length_keys(servers):
    body = b'{"k": 1}'
    a, b = same_environ(servers, method="POST", path="/app/p", body=body,
                        headers=[("Content-Type", "application/json")])
    assert a["CONTENT_TYPE"] == "application/json"
    assert a["CONTENT_LENGTH"] == str(len(body))
    assert "HTTP_CONTENT_TYPE" not in a and "HTTP_CONTENT_LENGTH" not in a
    assert a["gateway.input"] == body.decode()


def body_of(size):
    line = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\n"
    return (line * (size // len(line) + 1))[:size]


@pytest.mark.parametrize("size", [1, 8000, 100 * 1024, 1024 * 1024])
def test_post_body(servers, size):
    body = body_of(size)
    a, b = same_environ(servers, method="POST", path="/app/upload", body=body,
                        headers=[("Content-Type", "text/plain")])
    assert a["CONTENT_LENGTH"] == str(size)
    assert a["gateway.input"] == body.decode()


def test_spooled_body_reaches_app(servers):
    """Above client_body_buffer_size nginx writes the body to a temporary
    file; the app must still see every byte."""
    body = body_of(1024 * 1024 + 17)
    env = echo(servers["embedded"], "POST", "/app/big", body)
    assert env["gateway.input"] == body.decode()
    assert "client request body is buffered to a temporary file" \
        in servers.log("embedded")


def chunked(port, path, body, piece=1000):
    """POSTs body with Transfer-Encoding: chunked, piece bytes a chunk;
    returns the echoed environ."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", path, (body[i:i + piece]
                             for i in range(0, len(body), piece)),
              headers={"Content-Type": "text/plain"}, encode_chunked=True)
    r = c.getresponse()
    data = r.read()
    c.close()
    assert r.status == 200, data
    return json.loads(data)


@pytest.mark.parametrize("size", [0, 1, 8000, 100 * 1024])
def test_chunked_body(servers, size):
    """Chunked bodies, kept in memory (under client_body_buffer_size) and
    spooled to a file: nginx ends them with an empty buffer, which the
    sanitizer build once refused (issue 12, finding 4)."""
    body = body_of(size)
    for mode in ("embedded", "fastcgi"):
        env = chunked(servers[mode], "/app/chunked", body)
        assert env["gateway.input"] == body.decode(), mode
        assert env["CONTENT_LENGTH"] == str(size), mode
    if size > 16 * 1024:
        assert "client request body is buffered to a temporary file" \
            in servers.log("embedded")


def test_body_too_large_is_413(port):
    status, _, _ = request(port, "POST", "/small/x", body_of(4096))
    assert status == 413
    status, _, _ = request(port, "POST", "/small/x", body_of(512))
    assert status == 200


def test_head_has_no_body(port):
    status, hdrs, data = request(port, "HEAD", "/app/x")
    assert status == 200
    assert data == b""
    assert int(header(hdrs, "Content-Length")[0]) > 0
    assert header(hdrs, "Content-Type") == ["application/json"]


def test_status_and_repeated_response_headers(port):
    status, hdrs, data = request(port, "GET", "/app/x", headers=[
        ("X-Echo-Status", "201"),
        ("X-Echo-Header", "Set-Cookie: a=1; Path=/"),
        ("X-Echo-Header", "Set-Cookie: b=2"),
        ("X-Echo-Header", "X-Custom: yes")])
    assert status == 201
    assert header(hdrs, "Set-Cookie") == ["a=1; Path=/", "b=2"]
    assert header(hdrs, "X-Custom") == ["yes"]
    assert header(hdrs, "Content-Length") == [str(len(data))]


def raw_exchange(port, data, timeout=5):
    """Sends raw bytes, reads until the server closes or goes quiet."""
    with socket.create_connection(("127.0.0.1", port), timeout) as s:
        s.sendall(data)
        s.settimeout(1)
        got = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
        except socket.timeout:
            pass
    return got


@pytest.mark.parametrize("status", ["100", "101", "103", "199"])
def test_informational_status_is_never_final(servers, status):
    """A 1xx set by the app is a 500, and the pipelined request after it
    gets its own answer, not the 1xx's body."""
    for mode in ("embedded", "fastcgi"):
        got = raw_exchange(servers[mode], (
            "GET /app/x HTTP/1.1\r\nHost: t\r\nX-Echo-Status: %s\r\n\r\n"
            "GET /app/y HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
            % status).encode())
        heads = re.findall(rb"HTTP/1\.1 \d{3}[^\r]*", got)
        assert heads[0].startswith(b"HTTP/1.1 500"), (mode, got[:300])
        assert heads[1] == b"HTTP/1.1 200 OK", (mode, got[:300])
        assert b'"PATH_INFO": "/y"' in got.replace(b'":"', b'": "'), mode
        assert "returned invalid status %s" % status in servers.log(mode)


@pytest.mark.parametrize("status,line", [
    ("405", "405 Method Not Allowed"), ("302", "302 Found"),
    ("507", "507 Insufficient Storage"), ("418", "418 I'm a teapot"),
    ("204", "204 No Content"), ("304", "304 Not Modified")])
def test_reason_phrase_is_the_same_in_both_modes(servers, status, line):
    """The status line is Flask's (Werkzeug's phrase) in both modes, not
    nginx's own "405 Not Allowed" or "302 Moved Temporarily"."""
    for mode in ("embedded", "fastcgi"):
        got = raw_exchange(servers[mode], (
            "GET /app/x HTTP/1.1\r\nHost: t\r\nX-Echo-Status: %s\r\n"
            "Connection: close\r\n\r\n" % status).encode())
        assert got.startswith(("HTTP/1.1 %s\r\n" % line).encode()), \
            (mode, got[:100])


def test_connection_headers_from_app_are_dropped(servers):
    """Both modes drop what belongs to the connection, as nginx's fastcgi
    module does, and keep the connection as nginx decided."""
    answers = {}
    for mode in ("embedded", "fastcgi"):
        status, hdrs, _ = request(servers[mode], "GET", "/app/x", headers=[
            ("X-Echo-Header", "Connection: close"),
            ("X-Echo-Header", "Keep-Alive: timeout=1"),
            ("X-Echo-Header", "Transfer-Encoding: chunked"),
            ("X-Echo-Header", "Upgrade: websocket"),
            ("X-Echo-Header", "Status: 404 Not Found"),
            ("X-Echo-Header", "Trailer: X"),
            ("X-Echo-Header", "X-Kept: 1")])
        assert status == 200, mode
        names = sorted(k.lower() for k, _ in hdrs)
        for gone in ("keep-alive", "transfer-encoding", "upgrade", "status",
                     "trailer"):
            assert gone not in names, (mode, gone)
        assert header(hdrs, "Connection") in ([], ["keep-alive"]), mode
        assert header(hdrs, "X-Kept") == ["1"]
        answers[mode] = [n for n in names if n not in ("date", "server")]
    assert answers["embedded"] == answers["fastcgi"]


def test_date_and_server_from_app_replace_nginx_own(servers):
    # (the echo app splits its X-Echo-Header on ", ": no comma in the date)
    for mode in ("embedded", "fastcgi"):
        _, hdrs, _ = request(servers[mode], "GET", "/app/x", headers=[
            ("X-Echo-Header", "Date: Tue 01 Dec 2026 10:00:00 GMT"),
            ("X-Echo-Header", "Server: app/1.0")])
        assert header(hdrs, "Date") == ["Tue 01 Dec 2026 10:00:00 GMT"], \
            mode
        assert header(hdrs, "Server") == ["app/1.0"], mode


def test_control_characters_in_header_value_refused(servers):
    for mode in ("embedded", "fastcgi"):
        status, hdrs, _ = request(servers[mode], "GET", "/app/x", headers=[
            ("X-Echo-Header", "X-Bad: a\x01b")])
        assert status == 500, mode
        assert header(hdrs, "X-Bad") == []


def test_app_failure_is_500_with_cause_in_log(servers):
    for mode in ("embedded", "fastcgi"):
        status, _, data = request(servers[mode], "GET", "/app/x",
                                  headers=[("X-Echo-Fail", "1")])
        assert status == 500
        assert b"X-Echo-Fail" not in data
        time.sleep(0.1)
        assert "echo: failing on request (X-Echo-Fail)" \
            in servers.log(mode), mode


def test_gateway_param(servers):
    env = echo(servers["embedded"], "PUT", "/param/x", b"")
    assert env["X_METHOD_SEEN"] == "PUT"
    assert "X_EMPTY" not in env
    assert env["X_KEPT_EMPTY"] == ""
    assert env["SCRIPT_NAME"] == "/param"
    # gateway_param is the module's; fastcgi_param is fastcgi's
    env = echo(servers["fastcgi"], "PUT", "/param/x", b"")
    assert "X_METHOD_SEEN" not in env


def test_server_specific_keys(servers):
    a = echo(servers["embedded"])
    b = echo(servers["fastcgi"])
    assert a["gateway.errors"] == "error_log"
    assert b["gateway.errors"] == "stderr"
    assert b["gateway.multithread"] == "true"      # --threads 2
    assert a["gateway.multithread"] == "false"


# ---- nginx -t -------------------------------------------------------------

def nginx_t(http_conf):
    work = tempfile.mkdtemp(prefix="gw-t-")
    try:
        return Nginx(http_conf, workdir=work).test_config()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_nginx_t_ok():
    rc, out = nginx_t("gateway_app %s; server { listen 127.0.0.1:%d; "
                      "location / { gateway; } }" % (ECHO, free_port()))
    assert rc == 0, out


def test_nginx_t_missing_app_file():
    rc, out = nginx_t("gateway_app /nonexistent/app.so; server { listen "
                      "127.0.0.1:%d; location / { gateway; } }" % free_port())
    assert rc != 0
    assert 'cannot open application "/nonexistent/app.so"' in out
    assert "No such file or directory" in out
    assert "nginx.conf:" in out


def test_nginx_t_app_without_entry_point():
    noentry = os.path.join(BUILD, "t", "apps", "noentry.so")
    rc, out = nginx_t("server { listen 127.0.0.1:%d; location / { "
                      "gateway_app %s; gateway; } }" % (free_port(), noentry))
    assert rc != 0
    assert noentry in out
    assert 'no "gw_app_entry" symbol' in out


def test_nginx_t_app_load_failure_message():
    failload = os.path.join(BUILD, "t", "apps", "failload.so")
    rc, out = nginx_t("server { listen 127.0.0.1:%d; location / { "
                      "gateway_app %s; gateway_config FAIL_REASON because; "
                      "gateway; } }" % (free_port(), failload))
    assert rc != 0
    assert "refusing to start: FAIL_REASON=because" in out


def test_nginx_t_gateway_without_app():
    rc, out = nginx_t("server { listen 127.0.0.1:%d; location / { gateway; "
                      "} }" % free_port())
    assert rc != 0
    assert 'no "gateway_app" is set for this location' in out


def test_nginx_t_config_without_app():
    rc, out = nginx_t("gateway_app %s; server { listen 127.0.0.1:%d; "
                      "location / { gateway_config A b; gateway; } }"
                      % (ECHO, free_port()))
    assert rc != 0
    assert '"gateway_config" needs "gateway_app" in the same block' in out


# ---- gateway-fcgi ---------------------------------------------------------

def test_fcgi_refuses_app_without_entry_point(tmp_path):
    noentry = os.path.join(BUILD, "t", "apps", "noentry.so")
    p = subprocess.run([os.path.join(BUILD, "gateway-fcgi"), "--app", noentry,
                        "--listen", "unix:%s/s" % tmp_path],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 1
    assert 'no "gw_app_entry" symbol' in p.stderr


def test_fcgi_usage_errors(tmp_path):
    exe = os.path.join(BUILD, "gateway-fcgi")
    p = subprocess.run([exe], capture_output=True, text=True, timeout=30)
    assert p.returncode == 2 and "usage:" in p.stderr
    p = subprocess.run([exe, "--app", ECHO, "--listen", "nowhere"],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 1 and 'cannot listen on "nowhere"' in p.stderr


def test_fcgi_sigterm_finishes_requests_in_flight():
    """SIGTERM while a slow request runs: the request still gets its full
    answer, then the daemon exits 0."""
    work = tempfile.mkdtemp(prefix="gw-term-")
    sock = os.path.join(work, "s.sock")
    port = free_port()
    fcgi = Fcgi(ECHO, sock, threads=2).start()
    nginx = Nginx("server { listen 127.0.0.1:%d; %s }"
                  % (port, fcgi_location("/", sock)), workdir=work).start(port)
    try:
        result = {}

        def slow():
            result["r"] = request(port, "GET", "/slow",
                                  headers=[("X-Echo-Sleep", "1500")])

        t = threading.Thread(target=slow)
        t.start()
        wait_for(lambda: "echo: sleeping 1500 ms" in fcgi.log())
        rc = fcgi.stop()
        t.join()
        status, _, body = result["r"]
        assert status == 200
        assert json.loads(body)["PATH_INFO"] == "/slow"
        assert rc == 0
        assert "stopped" in fcgi.log()
        assert not os.path.exists(sock)
    finally:
        nginx.stop()
        fcgi.stop()
        shutil.rmtree(work, ignore_errors=True)


# ---- the thread pool --------------------------------------------------------

def test_thread_pool_keeps_event_loop_free():
    """With gateway_thread_pool a slow handler runs on a pool thread: a
    second request on the same single worker is answered while the first
    is still inside the app."""
    work = tempfile.mkdtemp(prefix="gw-pool-")
    port = free_port()
    nginx = Nginx("gateway_app %s; server { listen 127.0.0.1:%d; "
                  "location /pool/ { gateway_thread_pool default; gateway; } "
                  "location / { gateway; } }" % (ECHO, port),
                  workdir=work).start(port)
    try:
        result = {}

        def slow():
            result["r"] = request(port, "GET", "/pool/slow",
                                  headers=[("X-Echo-Sleep", "3000")])

        t = threading.Thread(target=slow)
        t.start()
        # a pool thread's log lines reach the log when its task is done, so
        # there is nothing to wait for but time
        time.sleep(1)
        status, _, body = request(port, "GET", "/pool/fast")
        assert status == 200
        env = json.loads(body)
        assert env["gateway.multithread"] == "true"
        assert t.is_alive(), "the slow request should still be running"
        t.join()
        assert result["r"][0] == 200
        assert "echo: sleeping 3000 ms" in nginx.log()
        # a failing app on a pool thread logs from the event loop
        status, _, _ = request(port, "GET", "/pool/x",
                               headers=[("X-Echo-Fail", "1")])
        assert status == 500
        time.sleep(0.1)
        assert "echo: failing on request" in nginx.log()
    finally:
        nginx.stop()
        shutil.rmtree(work, ignore_errors=True)


def test_two_apps_in_one_nginx():
    """Each location may load its own app; both define gw_app_entry and
    share the one libgateway in the process."""
    work = tempfile.mkdtemp(prefix="gw-two-")
    port = free_port()
    fwapp = os.path.join(BUILD, "t", "apps", "fwapp.so")
    nginx = Nginx("server { listen 127.0.0.1:%d; "
                  "location /echo/ { gateway_app %s; gateway; } "
                  "location / { gateway_app %s; gateway; } }"
                  % (port, ECHO, fwapp), workdir=work).start(port)
    try:
        status, _, body = request(port, "GET", "/echo/x")
        assert status == 200
        assert json.loads(body)["SCRIPT_NAME"] == "/echo"
        status, _, body = request(port, "GET", "/conv/int/3")
        assert (status, json.loads(body)) == (200, {"n": 3})
    finally:
        nginx.stop()
        shutil.rmtree(work, ignore_errors=True)
