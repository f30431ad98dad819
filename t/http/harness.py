"""Starts the real Debian nginx with our module, and gateway-fcgi, for tests.

Every server listens on a free 127.0.0.1 port, logs into its own temporary
directory, and is stopped by its pid when the test is done.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.abspath(os.path.join(ROOT, os.environ.get("GW_BUILD", "build")))
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
SANITIZED = os.path.basename(BUILD) == "build-san"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sanitizer_env():
    """nginx itself is not instrumented: preload the sanitizer runtimes that
    our module and libgateway were built against."""
    env = dict(os.environ)
    if SANITIZED:
        libs = [subprocess.check_output(["gcc", "-print-file-name=" + lib],
                                        text=True).strip()
                for lib in ("libasan.so", "libubsan.so")]
        env["LD_PRELOAD"] = " ".join(libs)
        # nginx frees its pools with the process, not one by one
        env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1"
        env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    return env


def _wait_port(port, proc, what, log):
    deadline = time.time() + 10
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("%s exited with %s:\n%s"
                               % (what, proc.returncode, _read(log)))
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("%s did not start listening on %d:\n%s"
                       % (what, port, _read(log)))


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


SANITIZER_REPORT = re.compile(r"runtime error:|ERROR: (?:Address|Leak)"
                              r"Sanitizer|SUMMARY: \w+Sanitizer")


def _no_sanitizer_report(*logs):
    """Under ASan+UBSan a report in a server's output fails the test that
    started the server, even when the request it broke went unchecked."""
    if not SANITIZED:
        return
    for path in logs:
        text = _read(path)
        m = SANITIZER_REPORT.search(text)
        if m:
            raise AssertionError("sanitizer report in %s:\n%s" % (
                path, text[max(0, m.start() - 2000):m.start() + 6000]))


def _stop(proc, sig=signal.SIGTERM, timeout=10):
    if proc is None or proc.poll() is not None:
        return proc.returncode if proc else None
    os.kill(proc.pid, sig)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        return proc.wait()


class Nginx:
    """One nginx master + its workers (one unless told), with http {} body
    given by the test."""

    def __init__(self, http_conf, workdir=None, main_conf="", workers=1):
        self.dir = workdir or tempfile.mkdtemp(prefix="gw-nginx-")
        self.http_conf = http_conf
        self.main_conf = main_conf
        self.workers = workers
        self.conf = os.path.join(self.dir, "nginx.conf")
        self.error_log = os.path.join(self.dir, "error.log")
        self.proc = None
        self.write_conf()

    def write_conf(self):
        user = "user root;" if os.geteuid() == 0 else ""
        with open(self.conf, "w") as f:
            f.write("""
load_module %(module)s;
daemon off;
master_process on;
worker_processes %(workers)d;
%(user)s
pid %(dir)s/nginx.pid;
error_log %(dir)s/error.log info;
%(main)s
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path %(dir)s/body;
    fastcgi_temp_path %(dir)s/fastcgi;
    proxy_temp_path %(dir)s/proxy;
    scgi_temp_path %(dir)s/scgi;
    uwsgi_temp_path %(dir)s/uwsgi;
    %(http)s
}
""" % {"module": os.path.join(BUILD, "ngx_http_gateway_module.so"),
       "dir": self.dir, "user": user, "http": self.http_conf,
       "main": self.main_conf, "workers": self.workers})

    def test_config(self):
        """Runs `nginx -t`; returns (exit code, output)."""
        p = subprocess.run([NGINX, "-t", "-p", self.dir, "-c", self.conf],
                           capture_output=True, text=True,
                           env=_sanitizer_env())
        return p.returncode, p.stdout + p.stderr

    def start(self, port):
        self.port = port
        self.log_out = open(os.path.join(self.dir, "stderr.log"), "w")
        self.proc = subprocess.Popen(
            [NGINX, "-p", self.dir, "-c", self.conf],
            stdout=self.log_out, stderr=subprocess.STDOUT,
            env=_sanitizer_env())
        _wait_port(port, self.proc, "nginx", self.error_log)
        return self

    def stop(self):
        rc = _stop(self.proc, signal.SIGQUIT)
        if self.proc is not None:
            self.log_out.close()
        _no_sanitizer_report(self.error_log,
                             os.path.join(self.dir, "stderr.log"))
        return rc

    def log(self):
        return _read(self.error_log) + _read(os.path.join(self.dir,
                                                          "stderr.log"))


class Fcgi:
    """gateway-fcgi serving app on a unix socket (sock, logging to
    sock.log), or on listen="127.0.0.1:PORT" (logging to log_path); args:
    more options, e.g. ["--timeout", "1"]."""

    def __init__(self, app, sock, threads=1, config=(), workers=None,
                 args=(), listen=None, log_path=None, crashes=False):
        self.sock = sock
        # a test that crashes the app on purpose: under ASan the signal
        # stays a plain signal, as without it, rather than a report
        self.crashes = crashes
        self.listen = listen or "unix:" + sock
        self.log_path = log_path or sock + ".log"
        self.args = [os.path.join(BUILD, "gateway-fcgi"), "--app", app,
                     "--listen", self.listen, "--threads", str(threads)]
        if workers is not None:
            self.args += ["--workers", str(workers)]
        for kv in config:
            self.args += ["--config", kv]
        self.args += list(args)
        self.proc = None

    def start(self):
        self.log_out = open(self.log_path, "w")
        env = dict(os.environ)
        if SANITIZED:
            env["ASAN_OPTIONS"] = "abort_on_error=1" + (
                ":handle_segv=0:handle_abort=0" if self.crashes else "")
            env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
        self.proc = subprocess.Popen(self.args, stdout=self.log_out,
                                     stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 10
        while not self._listening():
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError("gateway-fcgi did not start:\n"
                                   + _read(self.log_path))
            time.sleep(0.05)
        return self

    def _listening(self):
        if self.sock is not None:
            return os.path.exists(self.sock)
        host, port = self.listen.rsplit(":", 1)
        try:
            socket.create_connection((host, int(port)), 0.2).close()
            return True
        except OSError:
            return False

    @property
    def pid(self):
        return self.proc.pid

    def workers(self):
        """The pids of the master's children (its workers)."""
        try:
            with open("/proc/%d/task/%d/children" % (self.pid, self.pid)) as f:
                return [int(p) for p in f.read().split()]
        except OSError:
            return []

    def kill(self, sig):
        os.kill(self.proc.pid, sig)

    def stop(self, sig=signal.SIGTERM):
        children = self.workers() if self.proc is not None else []
        rc = _stop(self.proc, sig)
        # the master stops its workers; any it left behind go now
        for pid in children:
            if "gateway-fcgi" in _read("/proc/%d/cmdline" % pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        if self.proc is not None and not self.log_out.closed:
            self.log_out.close()
        _no_sanitizer_report(self.log_path)
        return rc

    def log(self):
        return _read(self.log_path)


def wait_for(cond, timeout=20, what="condition"):
    """Polls cond() until true; fails after timeout seconds (a bound, not
    a timing assertion)."""
    deadline = time.time() + timeout
    while not cond():
        if time.time() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


def request(port, method, path, body=None, headers=(), timeout=30):
    """One HTTP/1.1 request; headers is a list of (name, value) so names
    may repeat.  Returns (status, [(name, value)], body bytes)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.putrequest(method, path, skip_accept_encoding=True)
    for k, v in headers:
        c.putheader(k, v)
    if body is not None:
        c.putheader("Content-Length", str(len(body)))
    c.endheaders(body)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, r.getheaders(), data


def header(headers, name):
    return [v for k, v in headers if k.lower() == name.lower()]


def get_json(port, path, **kw):
    status, headers, body = request(port, "GET", path, **kw)
    return status, headers, json.loads(body)


PARAMS = os.path.join(ROOT, "conf", "gateway_fastcgi_params")


def fcgi_location(prefix, sock, extra=""):
    """A location that passes prefix to gateway-fcgi on sock, split into
    SCRIPT_NAME and PATH_INFO as the module splits it."""
    # (?s): a path may hold a decoded newline, which "." alone stops at
    split = "^(%s)((?s)/.*)$" % prefix.rstrip("/") if prefix != "/" \
        else "^()((?s).*)$"
    return """
        location %s {
            %s
            fastcgi_split_path_info %s;
            include %s;
            fastcgi_pass unix:%s;
        }""" % (prefix, extra, split, PARAMS, sock)


class Pair:
    """The same app served both ways by one nginx: embedded on one port,
    through gateway-fcgi on the other, with the same locations.

    locations: [(prefix, extra directives)]; config: [(KEY, VALUE)] given
    to the app as gateway_config and --config; http: more http{} lines;
    server: lines for both server{} blocks (e.g. a static location);
    workers: nginx's worker_processes."""

    def __init__(self, app, locations=(("/", ""),), config=(), http="",
                 server="", threads=1, workers=1):
        self.work = tempfile.mkdtemp(prefix="gw-pair-")
        sock = os.path.join(self.work, "app.sock")
        self.embedded, self.fastcgi = free_port(), free_port()
        conf = ["gateway_app %s;" % app]
        conf += ["gateway_config %s %s;" % kv for kv in config]
        conf += [http, "server { listen 127.0.0.1:%d; %s" % (self.embedded,
                                                           server)]
        conf += ["location %s { %s gateway; }" % loc for loc in locations]
        conf += ["}", "server { listen 127.0.0.1:%d; %s" % (self.fastcgi,
                                                          server)]
        conf += [fcgi_location(p, sock, extra) for p, extra in locations]
        conf += ["}"]
        self.fcgi = Fcgi(app, sock, threads=threads,
                         config=["%s=%s" % kv for kv in config]).start()
        try:
            self.nginx = Nginx("\n".join(conf), workdir=self.work,
                               workers=workers)
            self.nginx.start(self.embedded)
        except Exception:
            self.fcgi.stop()
            raise

    def __getitem__(self, mode):
        """pair["embedded"] / pair["fastcgi"]: the port of that mode."""
        return getattr(self, mode)

    def log(self, mode):
        return self.nginx.log() if mode == "embedded" else self.fcgi.log()

    def stop(self):
        try:
            self.nginx.stop()
        finally:
            try:
                self.fcgi.stop()
            finally:
                shutil.rmtree(self.work, ignore_errors=True)


def demo_site_copy():
    """A copy of the demo site's templates, static files and data (not
    its database: the app makes one from data/notes.json), for tests that
    write, edit or break them."""
    root = tempfile.mkdtemp(prefix="gw-site-")
    for d in ("templates", "static", "data"):
        shutil.copytree(os.path.join(ROOT, d), os.path.join(root, d),
                        ignore=shutil.ignore_patterns("notes.db*"))
    return root
