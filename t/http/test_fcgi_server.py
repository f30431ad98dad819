"""gateway-fcgi as an app server: a master with worker processes that
survives crashes and hangs, reloads new code on SIGHUP without failing a
request, stops gracefully, serves nginx's kept connections, and checks the
params it is given.  All through the real nginx and gateway-fcgi, plus a
tiny raw FastCGI client for what nginx would never send."""

import os
import re
import shutil
import signal
import socket
import stat
import struct
import subprocess
import tempfile
import threading
import time

import pytest

from harness import (BUILD, Fcgi, Nginx, fcgi_location, free_port, request,
                     wait_for)

TROUBLE = os.path.join(BUILD, "t", "apps", "trouble.so")
ECHO = os.path.join(BUILD, "examples", "echo.so")
COUNTER_A = os.path.join(BUILD, "t", "apps", "counter.so")
COUNTER_B = os.path.join(BUILD, "t", "apps", "counter_b.so")
EXE = os.path.join(BUILD, "gateway-fcgi")

KEEP = """
    upstream fcgi_kept { server unix:%s; keepalive 8; }
    server {
        listen 127.0.0.1:%d;
        location / {
            include %s;
            fastcgi_keep_conn on;
            fastcgi_pass fcgi_kept;
        }
    }"""


class Site:
    """gateway-fcgi behind one nginx on a fresh port; kept=True passes
    through an upstream with keepalive and fastcgi_keep_conn on."""

    def __init__(self, app, kept=False, **kw):
        from harness import PARAMS
        self.work = tempfile.mkdtemp(prefix="gw-srv-")
        self.sock = os.path.join(self.work, "app.sock")
        self.port = free_port()
        self.fcgi = Fcgi(app, self.sock, **kw).start()
        conf = (KEEP % (self.sock, self.port, PARAMS) if kept else
                "server { listen 127.0.0.1:%d; %s }"
                % (self.port, fcgi_location("/", self.sock)))
        try:
            self.nginx = Nginx(conf, workdir=self.work).start(self.port)
        except Exception:
            self.fcgi.stop()
            raise

    def get(self, path, **kw):
        return request(self.port, "GET", path, **kw)

    def stop(self):
        self.nginx.stop()
        rc = self.fcgi.stop()
        shutil.rmtree(self.work, ignore_errors=True)
        return rc


@pytest.fixture
def site(request):
    made = []

    def make(app=TROUBLE, **kw):
        s = Site(app, **kw)
        made.append(s)
        return s

    yield make
    for s in made:
        s.stop()


# ---- a tiny FastCGI client ----------------------------------------------------

def record(rtype, content, req_id=1):
    return struct.pack(">BBHHBx", 1, rtype, req_id, len(content), 0) + content


def nv(name, value):
    out = b""
    for x in (name, value):
        out += (struct.pack(">B", len(x)) if len(x) < 128
                else struct.pack(">I", len(x) | 0x80000000))
    return out + name + value


def fcgi_params(params):
    return b"".join(nv(k.encode(), v if isinstance(v, bytes) else v.encode())
                    for k, v in params.items())


def fcgi_request(sock_path, params, body=b"", conn=None):
    """One request over a new connection, or over conn, kept open after
    the request (FCGI_KEEP_CONN); returns (status, body)."""
    s = conn or socket.socket(socket.AF_UNIX)
    if conn is None:
        s.settimeout(30)
        s.connect(sock_path)
    p = fcgi_params(params)
    data = record(1, struct.pack(">HB5x", 1, 1 if conn else 0))
    data += record(4, p) + record(4, b"")
    for i in range(0, len(body), 32768):
        data += record(5, body[i:i + 32768])
    data += record(5, b"")
    try:
        s.sendall(data)
    except OSError:
        pass                     # refused early: read the answer anyway
    out, buf = b"", b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 8:
            _, rtype, _, clen, plen = struct.unpack(">BBHHB", buf[:7])
            if len(buf) < 8 + clen + plen:
                break
            if rtype == 6:
                out += buf[8:8 + clen]
            buf = buf[8 + clen + plen:]
            if rtype == 3:
                if conn is None:
                    s.close()
                return parse_cgi(out)
    if conn is None:
        s.close()
    return parse_cgi(out)


def parse_cgi(out):
    head, _, body = out.partition(b"\r\n\r\n")
    status = 200
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"status:"):
            status = int(line.split()[1])
    return status, body


def base_params(**kw):
    p = {"REQUEST_METHOD": "POST", "SCRIPT_NAME": "", "PATH_INFO": "/body",
         "REQUEST_URI": "/body", "QUERY_STRING": "", "SERVER_NAME": "t",
         "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
         "REMOTE_ADDR": "127.0.0.1"}
    p.update(kw)
    return p


class Load:
    """Client threads sending GET path in a loop until stopped: answers
    (first word of each body) and failures (status or exception)."""

    def __init__(self, port, path, clients):
        self.port, self.path = port, path
        self.answers, self.failures = [], []
        self.done = threading.Event()
        self.threads = [threading.Thread(target=self.run)
                        for _ in range(clients)]
        for t in self.threads:
            t.start()

    def run(self):
        while not self.done.is_set():
            try:
                status, _, body = request(self.port, "GET", self.path)
            except OSError as e:
                self.failures.append(repr(e))
                continue
            if status != 200:
                self.failures.append(status)
            else:
                self.answers.append(body.decode().split()[0])

    def stop(self):
        self.done.set()
        for t in self.threads:
            t.join()


# ---- processes and supervision ----------------------------------------------

def test_crash_costs_only_its_own_request(site):
    s = site(workers=2, threads=2, crashes=True)
    for path, sig in (("/crash", "signal"), ("/abort", "signal")):
        status, _, _ = s.get(path)
        assert status == 502
        for _ in range(20):
            assert s.get("/")[0] == 200
        wait_for(lambda: ('"GET %s"' % path) in s.fcgi.log(),
                 what="the crash logged with its request line")
    log = s.fcgi.log()
    assert "died on signal" in log
    wait_for(lambda: len(s.fcgi.workers()) == 2, what="workers replaced")


def test_crash_logs_backtrace_of_the_view(site):
    """A worker that faults writes the crashing thread's frames to the log,
    as log lines, before the master reports the signal and the request."""
    s = site(workers=1, threads=2, crashes=True)
    status, _, _ = s.get("/segv")
    assert status == 502
    wait_for(lambda: '"GET /segv"' in s.fcgi.log(),
             what="the crash logged with its request line")
    log = s.fcgi.log()
    assert re.search(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[error\] "
                     r"gateway-fcgi\[\d+\]: crashed on SIG(SEGV|ABRT); "
                     r"backtrace:$", log, re.M), log
    frames = re.findall(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[error\] "
                        r"gateway-fcgi\[\d+\]:     #\d+ (.*)$", log, re.M)
    assert any("(trouble_segv_view+0x" in f for f in frames), log
    # the backtrace comes before the master's line, and the worker's
    # replacement serves
    assert log.index("trouble_segv_view") < log.index('"GET /segv"')
    assert s.get("/")[0] == 200


def test_crash_log_line_is_escaped(site):
    """Request data in a log line has its control characters escaped: a
    request cannot write a line of its own into the log."""
    s = site(workers=1, crashes=True)
    params = base_params(REQUEST_METHOD="GET", PATH_INFO="/crash",
                         REQUEST_URI="/crash\n2026/01/01 [error] forged")
    try:
        fcgi_request(s.sock, params)
    except OSError:
        pass
    wait_for(lambda: "died on signal" in s.fcgi.log(), what="crash logged")
    log = s.fcgi.log()
    assert '"GET /crash\\x0a2026/01/01 [error] forged"' in log
    assert "\n2026/01/01 [error] forged" not in log
    assert s.get("/")[0] == 200


def test_timeout_kills_and_replaces_hung_worker(site):
    s = site(workers=2, threads=1, args=["--timeout", "1"])
    result = {}
    t = threading.Thread(target=lambda: result.update(r=s.get("/hang")))
    t.start()
    # the other worker keeps serving while one hangs
    for _ in range(10):
        assert s.get("/")[0] == 200
    t.join(30)
    assert not t.is_alive()
    assert result["r"][0] == 502
    log = s.fcgi.log()
    assert 'request "GET /hang" ran longer than --timeout 1 s' in log
    wait_for(lambda: len(s.fcgi.workers()) == 2, what="worker replaced")
    for _ in range(10):
        assert s.get("/")[0] == 200


def test_failing_worker_init_stops_start_without_fork_loop(tmp_path):
    p = subprocess.run([EXE, "--app", TROUBLE, "--listen",
                        "unix:%s/s" % tmp_path, "--workers", "2",
                        "--config", "FAIL_INIT=1"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    assert "failed to start in worker: FAIL_INIT is set" \
        in p.stderr
    assert "giving up" in p.stderr
    # backs off and gives up: a handful of attempts, not a fork loop
    assert p.stderr.count("FAIL_INIT is set") <= 12
    assert not os.path.exists("%s/s" % tmp_path)


def test_max_requests_replaces_worker(site):
    s = site(workers=1, args=["--max-requests", "5"])
    pids = set()
    for _ in range(23):
        status, _, body = s.get("/")
        assert status == 200
        pids.add(body.split(b"pid=")[1].strip())
    assert len(pids) >= 4
    assert "served 5 requests (--max-requests)" in s.fcgi.log()


def test_sigterm_finishes_in_flight_on_kept_connections(site):
    """nginx holds kept connections open: SIGTERM still finishes the
    request in flight, closes the idle ones and exits 0."""
    s = site(app=ECHO, kept=True, workers=2, threads=2)
    for _ in range(5):
        assert s.get("/")[0] == 200        # leaves kept idle connections
    result = {}
    t = threading.Thread(target=lambda: result.update(
        r=s.get("/slow", headers=[("X-Echo-Sleep", "1500")])))
    t.start()
    wait_for(lambda: "echo: sleeping 1500 ms" in s.fcgi.log(),
             what="the slow request running")
    rc = s.fcgi.stop()
    t.join(30)
    assert result["r"][0] == 200 and b'"REQUEST_URI":"/slow"' in result["r"][2]
    assert rc == 0
    assert "stopped" in s.fcgi.log()
    assert not os.path.exists(s.sock)


def test_socket_mode(tmp_path):
    for args, mode in (([], 0o660), (["--socket-mode", "0600"], 0o600)):
        sock = str(tmp_path / ("s%o" % mode))
        f = Fcgi(TROUBLE, sock, args=args).start()
        try:
            assert stat.S_IMODE(os.stat(sock).st_mode) == mode
        finally:
            assert f.stop() == 0
    p = subprocess.run([EXE, "--app", TROUBLE, "--listen", "unix:x",
                        "--socket-mode", "999"], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 2 and "--socket-mode" in p.stderr


# ---- reload -------------------------------------------------------------------

def install(src, dst, rename):
    """Puts a build at dst: by rename over it, or by rewriting it in place
    (the running workers' code must not change under them)."""
    if rename:
        tmp = dst + ".new"
        shutil.copyfile(src, tmp)
        os.rename(tmp, dst)
    else:
        with open(src, "rb") as f, open(dst, "r+b") as g:
            data = f.read()
            g.truncate(0)
            g.write(data)


def test_sighup_reload_under_load_fails_no_request(site, tmp_path):
    app = str(tmp_path / "app.so")
    shutil.copyfile(COUNTER_A, app)
    s = site(app=app, workers=2, threads=2)
    load = Load(s.port, "/", 2)
    try:
        builds = ["b", "a", "b", "a", "b", "a"]
        for i, build in enumerate(builds):
            install(COUNTER_B if build == "b" else COUNTER_A, app,
                    rename=i % 2 == 0)
            s.fcgi.kill(signal.SIGHUP)
            wait_for(lambda: s.fcgi.log().count("reloaded:") == i + 1,
                     what="reload %d" % (i + 1))
            wait_for(lambda: load.answers[-1] == "build=" + build,
                     what="build %s served" % build)
        wait_for(lambda: len(load.answers) >= 2000, timeout=120,
                 what="2000 answers")
    finally:
        load.stop()
    assert load.failures == []
    assert set(load.answers) == {"build=a", "build=b"}
    assert load.answers[-1] == "build=a"
    # every load started from fresh globals
    status, _, body = s.get("/")
    assert body == b"build=a loads=1\n"


def test_reload_of_broken_file_keeps_old_workers(site, tmp_path):
    app = str(tmp_path / "app.so")
    shutil.copyfile(COUNTER_A, app)
    s = site(app=app, workers=2)
    with open(app + ".new", "w") as f:
        f.write("not a shared object\n")
    os.rename(app + ".new", app)
    s.fcgi.kill(signal.SIGHUP)
    wait_for(lambda: "reload failed, the running workers keep serving"
             in s.fcgi.log(), what="reload failure logged")
    for _ in range(10):
        status, _, body = s.get("/")
        assert status == 200 and body == b"build=a loads=1\n"


def test_reload_whose_workers_cannot_start_keeps_old_workers(site,
                                                             tmp_path):
    flag = str(tmp_path / "fail")
    s = site(workers=2, config=["FAIL_INIT_FILE=" + flag])
    wait_for(lambda: len(s.fcgi.workers()) == 2, what="workers")
    before = set(s.fcgi.workers())
    open(flag, "w").close()
    s.fcgi.kill(signal.SIGHUP)
    wait_for(lambda: "reload failed: the new workers cannot start"
             in s.fcgi.log(), what="reload failure logged")
    assert "%s exists" % flag in s.fcgi.log()
    os.unlink(flag)
    # the workers from before the reload still serve, and only they
    wait_for(lambda: set(s.fcgi.workers()) == before, what="old workers")
    for _ in range(10):
        status, _, body = s.get("/")
        assert status == 200
        assert int(body.split(b"pid=")[1]) in before


# ---- kept connections and stalled clients -----------------------------------

@pytest.mark.parametrize("threads", [1, 2])
def test_kept_connections_never_starve_new_ones(site, threads):
    s = site(kept=True, workers=1, threads=threads)
    results = []

    def client():
        for _ in range(2):
            try:
                results.append(s.get("/sleep?20")[0])
            except OSError as e:
                results.append(repr(e))

    clients = [threading.Thread(target=client) for _ in range(50)]
    for c in clients:
        c.start()
    for c in clients:
        c.join(120)
    assert results == [200] * 100


def test_half_sent_params_do_not_block_other_requests(site):
    s = site(workers=1, threads=1, args=["--read-timeout", "1"])
    stalled = []
    for _ in range(2):
        c = socket.socket(socket.AF_UNIX)
        c.connect(s.sock)
        p = fcgi_params(base_params())
        c.sendall(record(1, struct.pack(">HB5x", 1, 0))
                  + record(4, p)[:8 + len(p) // 2])
        stalled.append(c)
    try:
        for _ in range(5):
            assert s.get("/")[0] == 200
    finally:
        for c in stalled:
            c.close()


def test_idle_kept_connection_closed_after_idle_timeout(site):
    s = site(workers=1, args=["--idle-timeout", "1"])
    c = socket.socket(socket.AF_UNIX)
    c.settimeout(30)
    c.connect(s.sock)
    try:
        for _ in range(3):
            got = fcgi_request(s.sock, base_params(CONTENT_LENGTH="2"), b"ab",
                               conn=c)
            assert got == (200, b"len=2 sum=195\n")
        # kept between requests, then closed by the server once idle
        assert c.recv(1) == b""
    finally:
        c.close()


# ---- params ---------------------------------------------------------------------

@pytest.mark.parametrize("value,status", [
    ("-1", 400), ("abc", 400), (" 12", 400), ("12 ", 400), ("+5", 400),
    ("0x10", 400), ("99999999999999999999", 413), (str(2 ** 31), 413),
    (str(2 ** 64 + 5), 413), ("1048577", 413)])
def test_bad_content_length_refused(site, value, status):
    s = site(workers=1)
    got, body = fcgi_request(s.sock, base_params(CONTENT_LENGTH=value),
                             b"x" * 16)
    assert got == status
    assert (b"CONTENT_LENGTH" if status == 400 else b"--max-body") in body
    # the daemon stays up and answers the next request on the raw socket
    got, body = fcgi_request(s.sock, base_params(CONTENT_LENGTH="5"),
                             b"hello")
    assert (got, body) == (200, b"len=5 sum=532\n")
    assert s.get("/")[0] == 200


def test_body_shorter_than_announced_is_refused(site):
    s = site(workers=1)
    got, body = fcgi_request(s.sock, base_params(CONTENT_LENGTH="10"),
                             b"abc")
    assert got == 400 and b"shorter than CONTENT_LENGTH" in body
    assert "shorter than CONTENT_LENGTH" in s.fcgi.log()


def test_max_body_option(site):
    s = site(workers=1, args=["--max-body", "2k"])
    got, _ = fcgi_request(s.sock, base_params(CONTENT_LENGTH="2049"),
                          b"y" * 2049)
    assert got == 413
    got, body = fcgi_request(s.sock, base_params(CONTENT_LENGTH="2048"),
                             b"\x01" * 2048)
    assert (got, body) == (200, b"len=2048 sum=2048\n")
    p = subprocess.run([EXE, "--app", TROUBLE, "--listen", "unix:x",
                        "--max-body", "-1"], capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 2 and "--max-body" in p.stderr


def test_large_body_through_nginx(site):
    s = site(workers=1)
    body = bytes(range(256)) * 3000
    status, _, out = request(s.port, "POST", "/body", body=body)
    assert status == 200
    assert out == b"len=%d sum=%d\n" % (len(body), sum(body))


# ---- beyond one machine ---------------------------------------------------------

def test_upstream_failover_between_hosts(tmp_path):
    """Two gateway-fcgi hosts on TCP behind one upstream: SIGKILL one
    (master and workers) under load and no GET fails; started again, it
    takes requests again."""
    from harness import PARAMS
    ports = {"a": free_port(), "b": free_port()}
    hosts = {}

    def start(name):
        hosts[name] = Fcgi(TROUBLE, None, listen="127.0.0.1:%d" % ports[name],
                           workers=2, config=["HOST=" + name],
                           log_path=str(tmp_path / (name + ".log"))).start()

    port = free_port()
    conf = """
        upstream cluster {
            server 127.0.0.1:%d max_fails=1 fail_timeout=1s;
            server 127.0.0.1:%d max_fails=1 fail_timeout=1s;
        }
        server {
            listen 127.0.0.1:%d;
            location / {
                include %s;
                fastcgi_next_upstream error timeout;
                fastcgi_connect_timeout 2s;
                fastcgi_pass cluster;
            }
        }""" % (ports["a"], ports["b"], port, PARAMS)
    nginx = load = None
    try:
        start("a")
        start("b")
        nginx = Nginx(conf, workdir=str(tmp_path)).start(port)
        load = Load(port, "/sleep?5", 3)
        seen = load.answers
        wait_for(lambda: {"host=a", "host=b"} <= set(seen[-50:]),
                 what="both hosts serving")

        # the machine goes away: master and workers at once
        a = hosts["a"]
        pids = [a.pid] + a.workers()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        a.proc.wait()
        a.stop()
        n = len(seen)
        wait_for(lambda: len(seen) >= n + 300, what="load after the kill")

        start("a")
        n = len(seen)
        wait_for(lambda: "host=a" in seen[n:], what="host a back")
    finally:
        if load is not None:
            load.stop()
        if nginx is not None:
            nginx.stop()
        for h in hosts.values():
            h.stop()
    assert load.failures == []
