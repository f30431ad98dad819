"""The app's lifecycle in nginx: deploys and reloads under load, a file
replaced under running workers, requests on a thread pool across reload and
graceful quit, and a worker whose app failed to start."""

import http.client
import os
import shutil
import signal
import threading
import time

import pytest

from harness import BUILD, Nginx, free_port, request, wait_for

COUNTER = {"a": os.path.join(BUILD, "t", "apps", "counter.so"),
           "b": os.path.join(BUILD, "t", "apps", "counter_b.so")}
ECHO = os.path.join(BUILD, "examples", "echo.so")
FAILINIT = os.path.join(BUILD, "t", "apps", "failinit.so")


def deploy(build, path, in_place):
    """Puts a build at path: written over the same inode (cp), or written
    beside and renamed over (the careful way)."""
    if in_place:
        with open(COUNTER[build], "rb") as src, open(path, "r+b") as dst:
            data = src.read()
            dst.write(data)
            dst.truncate(len(data))
    else:
        shutil.copyfile(COUNTER[build], path + ".new")
        os.rename(path + ".new", path)


def get(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request("GET", "/", headers={"Connection": "close"})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


class Load:
    """Clients sending requests in a loop, each on a new connection,
    recording every answer and every failure."""

    def __init__(self, port, clients=4):
        self.port = port
        self.answers = []
        self.failures = []
        self.stopping = False
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run)
                        for _ in range(clients)]
        for t in self.threads:
            t.start()

    def run(self):
        while not self.stopping:
            try:
                status, body = get(self.port)
                with self.lock:
                    if status == 200:
                        self.answers.append(body)
                    else:
                        self.failures.append((status, body[:200]))
            except Exception as e:           # a dropped request is a failure
                with self.lock:
                    self.failures.append(repr(e))

    def count(self):
        with self.lock:
            return len(self.answers) + len(self.failures)

    def last(self):
        with self.lock:
            return self.answers[-1] if self.answers else b""

    def stop(self):
        self.stopping = True
        for t in self.threads:
            t.join(60)


def counter_nginx(work, extra="", main=""):
    app = os.path.join(work, "app.so")
    shutil.copyfile(COUNTER["a"], app)
    port = free_port()
    ngx = Nginx("gateway_app %s; server { listen 127.0.0.1:%d; "
                "location / { %s gateway; } }" % (app, port, extra),
                workdir=work, main_conf=main)
    return ngx.start(port), app, port


def no_crash(log):
    assert "exited on signal" not in log, log[-3000:]
    assert "open socket" not in log, log[-3000:]
    assert "[alert]" not in log, log[-3000:]


@pytest.mark.parametrize("mode", ["inline", "thread_pool"])
def test_reload_under_load_switches_builds(tmp_path, mode):
    """At least 2,000 requests across at least 6 reloads alternating two
    builds: none fails, every reload switches the answers to the build just
    deployed, and every load starts from fresh globals (loads=1)."""
    extra, main = "", ""
    if mode == "thread_pool":
        extra, main = "gateway_thread_pool gw;", "thread_pool gw threads=4;"
    ngx, app, port = counter_nginx(str(tmp_path), extra, main)
    load = Load(port)
    try:
        wait_for(lambda: load.count() > 100)
        build = "a"
        for i in range(6):
            build = "b" if build == "a" else "a"
            deploy(build, app, in_place=(i % 2 == 1))
            os.kill(ngx.proc.pid, signal.SIGHUP)
            want = ("build=%s loads=1\n" % build).encode()
            wait_for(lambda: load.last() == want)
            start = load.count()
            wait_for(lambda: load.count() > start + 300)
    finally:
        load.stop()
        log = ngx.log()
        ngx.stop()
    assert load.failures == []
    assert len(load.answers) >= 2000
    assert set(load.answers) == {b"build=a loads=1\n", b"build=b loads=1\n"}
    no_crash(log)


def test_file_replaced_in_place_under_running_workers(tmp_path):
    """cp over the running app: the workers keep serving the code they
    loaded, without a crash, until a reload brings the new build."""
    ngx, app, port = counter_nginx(str(tmp_path))
    try:
        assert get(port) == (200, b"build=a loads=1\n")
        deploy("b", app, in_place=True)
        for _ in range(50):
            assert get(port) == (200, b"build=a loads=1\n")
        os.kill(ngx.proc.pid, signal.SIGHUP)
        # until the old worker has stopped accepting, both answer
        wait_for(lambda: all(get(port)[1] == b"build=b loads=1\n"
                               for _ in range(20)))
        # and the other way, a rebuild that truncates first
        with open(app, "wb") as f:
            f.write(open(COUNTER["a"], "rb").read())
        for _ in range(50):
            assert get(port) == (200, b"build=b loads=1\n")
    finally:
        log = ngx.log()
        ngx.stop()
    no_crash(log)


def test_reload_with_broken_app_keeps_old_code(tmp_path):
    """A file that is not an app fails the reload as a bad configuration
    does: the old workers keep serving the old code."""
    ngx, app, port = counter_nginx(str(tmp_path))
    try:
        with open(app + ".new", "wb") as f:
            f.write(b"not an ELF file")
        os.rename(app + ".new", app)
        os.kill(ngx.proc.pid, signal.SIGHUP)
        wait_for(lambda: "cannot load application" in ngx.log())
        for _ in range(20):
            assert get(port) == (200, b"build=a loads=1\n")
    finally:
        log = ngx.log()
        ngx.stop()
    no_crash(log)


def slow_requests(port, n, ms):
    results = [None] * n

    def one(i):
        try:
            results[i] = request(port, "GET", "/slow",
                                 headers=[("X-Echo-Sleep", str(ms))])[0]
        except Exception as e:
            results[i] = repr(e)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    return threads, results


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGQUIT])
def test_thread_pool_requests_finish_across_reload_and_quit(tmp_path, sig):
    port = free_port()
    ngx = Nginx("gateway_app %s; server { listen 127.0.0.1:%d; "
                "location / { gateway_thread_pool gw; gateway; } }"
                % (ECHO, port), workdir=str(tmp_path),
                main_conf="thread_pool gw threads=4;").start(port)
    try:
        threads, results = slow_requests(port, 8, 1500)
        time.sleep(0.5)             # all eight are on the pool by now
        os.kill(ngx.proc.pid, sig)
        for t in threads:
            t.join(30)
        assert results == [200] * 8
        if sig == signal.SIGQUIT:
            assert ngx.proc.wait(30) == 0
    finally:
        log = ngx.log()
        ngx.stop()
    no_crash(log)


def test_failing_worker_init_answers_503(tmp_path):
    port = free_port()
    ngx = Nginx("gateway_app %s; server { listen 127.0.0.1:%d; "
                "location / { gateway; } location /static { return 204; } }"
                % (FAILINIT, port), workdir=str(tmp_path))
    rc, out = ngx.test_config()
    assert rc == 0, out             # worker_init runs in workers only
    ngx.start(port)
    try:
        status, _, body = request(port, "GET", "/", timeout=10)
        assert status == 503
        assert b"should not run" not in body
        # the worker is alive and serves what does not need the app
        assert request(port, "GET", "/static", timeout=10)[0] == 204
        log = ngx.log()
        assert "[emerg]" in log
        assert ('application "%s" failed to start in worker: cannot open '
                'the database: testing' % FAILINIT) in log
        assert 'application "%s" did not start in this worker' \
            % FAILINIT in log
        assert "cannot be respawned" not in log
    finally:
        ngx.stop()
