"""Hostile clients on raw sockets against both modes: request
smuggling attempts, header bombs, body framing, slow clients and pipelining
after odd statuses.  The echo app answers with the environ it got, so each
response says which request the app saw.  The property throughout: nginx
and the app agree on where each request ends, a refused request never
reaches the app, and the worker survives to serve the next client."""

import json
import os
import socket
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "http"))
from harness import BUILD, Pair  # noqa: E402

ECHO = os.path.join(BUILD, "examples", "echo.so")


@pytest.fixture(scope="module")
def servers():
    pair = Pair(ECHO, server="client_body_timeout 5s; "
                             "client_header_timeout 5s;",
                http="client_body_buffer_size 16k; client_max_body_size 1m;")
    yield pair
    pair.stop()


@pytest.fixture(params=["embedded", "fastcgi"])
def port(request, servers):
    return servers[request.param]


def exchange(port, data, pause=None, timeout=10, half_close=False):
    """Sends data (a list of byte strings is sent piece by piece, pause
    seconds apart), reads until the server closes (the last request says
    Connection: close, or is refused); returns the responses.  Behind
    fastcgi_pass nginx drops a request whose client half-closed, so only
    a client that gives up mid-request half-closes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        for piece in data if isinstance(data, list) else [data]:
            s.sendall(piece)
            if pause:
                time.sleep(pause)
        if half_close:
            s.shutdown(socket.SHUT_WR)
        raw = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            raw += chunk
            # nginx lingers on a connection it closes: stop at the answer
            # that says so rather than wait for lingering_timeout
            done = parse(raw, partial=True)
            if done and done[-1][1].get("connection") == "close":
                break
    finally:
        s.close()
    return parse(raw)


def parse(raw, partial=False):
    """HTTP/1.1 responses framed by Content-Length (what nginx sends for
    the app's answers and its own errors): [(status, headers, body)].
    With partial, None when the last one is not complete yet."""
    out = []
    while raw:
        head, sep, rest = raw.partition(b"\r\n\r\n")
        if partial and not sep:
            return None
        assert sep, "truncated response: %r" % raw[:200]
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0"))
        if partial and len(rest) < n:
            return None
        assert "transfer-encoding" not in headers
        out.append((status, headers, rest[:n]))
        raw = rest[n:]
    return out


def req(path, headers=(), body=b"", method=None):
    method = method or ("POST" if body else "GET")
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: hostile.test"]
    lines += ["%s: %s" % h for h in headers]
    if body and not any(k.lower() in ("content-length", "transfer-encoding")
                        for k, _ in headers):
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def paths(responses):
    return [json.loads(b)["PATH_INFO"] for s, _, b in responses
            if s == 200]


def alive(port):
    r = exchange(port, req("/alive", [("Connection", "close")]))
    assert [s for s, _, _ in r] == [200]
    assert paths(r) == ["/alive"]


# ---- smuggling: two framings in one request --------------------------------

SMUGGLED = req("/smuggled", [("Connection", "close")])


@pytest.mark.parametrize("headers, body", [
    # CL.TE and TE.CL: the chunked body ends early, the rest is a request
    ([("Content-Length", "200"), ("Transfer-Encoding", "chunked")],
     b"0\r\n\r\n" + SMUGGLED),
    ([("Transfer-Encoding", "chunked"), ("Content-Length", "3")],
     b"5\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
    # two lengths that disagree, and two that agree on a short body
    ([("Content-Length", "3"), ("Content-Length", "60")], b"abc" + SMUGGLED),
    ([("Content-Length", "3"), ("Content-Length", "3")], b"abc" + SMUGGLED),
    ([("Content-Length", "3, 60")], b"abc" + SMUGGLED),
    ([("Content-Length", "+3")], b"abc" + SMUGGLED),
    ([("Content-Length", "-1")], b"abc" + SMUGGLED),
    # codings nginx does not decode, and obfuscated chunked
    ([("Transfer-Encoding", "gzip, chunked")], b"0\r\n\r\n" + SMUGGLED),
    ([("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "identity")],
     b"0\r\n\r\n" + SMUGGLED),
    ([("Transfer-Encoding", "xchunked")], b"0\r\n\r\n" + SMUGGLED),
])
def test_ambiguous_framing_is_refused(port, headers, body):
    """nginx refuses every one, and closes: neither request reaches the
    app."""
    r = exchange(port, req("/first", headers, body))
    assert [(s, h.get("connection")) for s, h, _ in r] \
        in ([(400, "close")], [(501, "close")])
    alive(port)


@pytest.mark.parametrize("chunks", [
    b"zz\r\nhello\r\n0\r\n\r\n",                   # not hex
    b"-5\r\nhello\r\n0\r\n\r\n",                   # negative
    b"ffffffffffffffffffff\r\nx\r\n0\r\n\r\n",     # overflows off_t
    b"5\r\nhelloXX\r\n0\r\n\r\n",                  # data longer than size
    b"5 ;ext\r\nhello\r\n0\r\n\r\n",               # space before extension
    b"5\nhello\n0\n\n",                            # bare LFs
    b"0x5\r\nhello\r\n0\r\n\r\n",                  # C hex prefix
])
def test_bad_chunk_sizes(port, chunks):
    r = exchange(port, req("/chunky", [("Transfer-Encoding", "chunked")],
                           chunks + SMUGGLED))
    assert r, "no answer"
    if r[0][0] == 200:
        # a chunking nginx accepts gives the app exactly its data, and what
        # follows the last chunk is the next request, as for nginx
        assert json.loads(r[0][2])["gateway.input"] == "hello"
        assert paths(r) == ["/chunky", "/smuggled"]
    else:
        assert r[0][0] == 400
        assert "/smuggled" not in paths(r)
    alive(port)


def test_chunked_then_pipelined(port):
    """A valid chunked body with extensions and trailers, then a second
    request on the same connection: both reach the app, in order."""
    body = b"3;a=b\r\nhel\r\n2\r\nlo\r\n0\r\nX-Trailer: t\r\n\r\n"
    r = exchange(port, req("/one", [("Transfer-Encoding", "chunked")], body)
                 + req("/two", [("Connection", "close")]))
    assert paths(r) == ["/one", "/two"]
    assert json.loads(r[0][2])["gateway.input"] == "hello"
    assert json.loads(r[0][2])["CONTENT_LENGTH"] == "5"


# ---- header bombs ---------------------------------------------------------

def test_many_repeats_of_one_header(port):
    """990 repeats (Debian's nginx takes 1000 header lines) join into one
    value, in order."""
    n = 990
    r = exchange(port, req("/bomb", [("X-Rep", "%d" % i) for i in range(n)]
                           + [("Connection", "close")]))
    assert [s for s, _, _ in r] == [200]
    assert json.loads(r[0][2])["HTTP_X_REP"] \
        == ", ".join("%d" % i for i in range(n))


def test_many_distinct_headers(port):
    n = 990
    r = exchange(port, req("/bomb", [("X-H%d" % i, "v") for i in range(n)]
                           + [("Connection", "close")]))
    assert [s for s, _, _ in r] == [200]
    env = json.loads(r[0][2])
    assert sum(1 for k in env if k.startswith("HTTP_X_H")) == n


def test_headers_beyond_nginx_buffers(port):
    r = exchange(port, req("/bomb", [("X-Big", "a" * 9000)]))
    assert [s for s, _, _ in r] == [400]
    r = exchange(port, req("/bomb", [("X-H%d" % i, "v" * 60)
                                     for i in range(600)]))
    assert [s for s, _, _ in r] == [400]
    r = exchange(port, req("/bomb", [("X", "1")] * 1001))
    assert [s for s, _, _ in r] == [400]
    alive(port)


@pytest.mark.parametrize("line", [
    b"X-Bad\x00Name: v", b"X-Ctl: a\x01b", b"Bad Name: v", b"X-Fold: a\r\n b",
    b": empty-name", b"X-No-Colon",
])
def test_odd_header_lines(port, line):
    """Odd lines are refused by nginx or kept out of the environ; the
    value never carries a line break into it."""
    raw = b"GET /odd HTTP/1.1\r\nHost: h\r\n" + line \
        + b"\r\nConnection: close\r\n\r\n"
    r = exchange(port, raw)
    assert len(r) == 1
    status, _, body = r[0]
    assert status in (200, 400)
    if status == 200:
        env = json.loads(body)
        for k, v in env.items():
            assert "\n" not in k and "\r" not in k
            if k.startswith("HTTP_"):
                assert "\n" not in v and "\r" not in v
    alive(port)


# ---- body framing ----------------------------------------------------------

def test_body_exactly_content_length_then_pipelined(port):
    r = exchange(port, req("/a", body=b"xyz") + req("/b", body=b"12")
                 + req("/c", [("Connection", "close")]))
    assert paths(r) == ["/a", "/b", "/c"]
    assert [json.loads(b)["gateway.input"] for _, _, b in r] \
        == ["xyz", "12", ""]


def test_body_shorter_than_content_length(port):
    """The client stops mid-body: nginx times out or sees EOF, the app is
    not called with a partial body, the worker lives."""
    r = exchange(port, req("/short", [("Content-Length", "100")], b"abc"),
                 half_close=True)
    assert "/short" not in paths(r)
    alive(port)


def test_body_too_large_is_413_and_not_read_as_requests(port):
    big = b"GET /inside HTTP/1.1\r\nHost: x\r\n\r\n" * 40000
    r = exchange(port, req("/big", [("Connection", "close")], big))
    assert "/inside" not in paths(r)
    assert r[0][0] == 413
    alive(port)


# ---- slow clients ----------------------------------------------------------

def test_slow_headers_and_body(port):
    """A request trickled in small pieces is still one request."""
    raw = req("/slow", [("Connection", "close")], b"0123456789" * 5)
    pieces = [raw[i:i + 7] for i in range(0, len(raw), 7)]
    r = exchange(port, pieces, pause=0.01)
    assert paths(r) == ["/slow"]
    assert json.loads(r[0][2])["gateway.input"] == "0123456789" * 5


def test_idle_and_abandoned_connections(port):
    """Connections that send nothing, half a request line, or half the
    headers, then go away, cost the worker nothing lasting."""
    socks = []
    try:
        for data in (b"", b"GET /half", b"GET /h HTTP/1.1\r\nHost: x\r\n"):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(data)
            socks.append(s)
        alive(port)
    finally:
        for s in socks:
            s.close()
    alive(port)


# ---- pipelining after odd statuses ----------------------------------------

@pytest.mark.parametrize("first", [
    req("/s204", [("X-Echo-Status", "204")]),
    req("/s304", [("X-Echo-Status", "304")]),
    req("/head", method="HEAD"),
    req("/s404", [("X-Echo-Status", "404")]),
    req("/fail", [("X-Echo-Fail", "1")]),
    req("/s200", [("Expect", "100-continue")], b"abc"),
])
def test_pipelining_after_odd_status(port, first):
    """Whatever the first answer, the next request on the connection is
    read and answered as its own."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(first + req("/next", [("Connection", "close")]))
        raw = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            raw += chunk
    finally:
        s.close()
    # a 100 Continue may come first; bodiless answers carry no body
    raw = raw.replace(b"HTTP/1.1 100 Continue\r\n\r\n", b"")
    head, _, rest = raw.partition(b"\r\n\r\n")
    status = int(head.split()[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v)
    if status in (204, 304) or first.startswith(b"HEAD"):
        length = 0
    r = parse(rest[length:])
    assert paths(r) == ["/next"]
