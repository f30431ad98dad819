"""`make install` and what a user does with it: the installed files (soname,
pkg-config, no path into the checkout), then the skeleton copied outside
the checkout and built with pkg-config only: its own tests through the test
client, `make run` serving it with the installed module in the real nginx,
`make dev` rebuilding and reloading on a change, the installed gw-render;
and `make uninstall` leaving nothing behind.  Runs on the normal build
only: an installed sanitizer build is nobody's product."""

import os
import shutil
import signal
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "http"))
import harness  # noqa: E402

ROOT = harness.ROOT
VERSION = "0.1.0"


def clean_env(**extra):
    """The environment without what a calling make (`make test`) passes to
    its children: each make here is a user's own."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "GW_BUILD")}
    env.update(extra)
    return env


def make(*args, cwd=ROOT, env=None, check=True):
    p = subprocess.run(["make", "-s"] + list(args), cwd=cwd,
                       env=env or clean_env(), capture_output=True,
                       text=True)
    if check and p.returncode != 0:
        raise AssertionError("make %s failed:\n%s%s"
                             % (" ".join(args), p.stdout, p.stderr))
    return p


def files_under(top):
    """Every file and link below top, relative; directories left out."""
    out = set()
    for d, dirs, files in os.walk(top):
        for name in files + [x for x in dirs
                             if os.path.islink(os.path.join(d, x))]:
            out.add(os.path.relpath(os.path.join(d, name), top))
    return out


def readelf(path):
    return subprocess.run(["readelf", "-d", path], check=True,
                          capture_output=True, text=True).stdout


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def nginx_dirs(top):
    return ["NGINX_MODULES_DIR=%s/nginx/modules" % top,
            "NGINX_MODULES_AVAILABLE=%s/nginx/modules-available" % top,
            "NGINX_MODULES_ENABLED=%s/nginx/modules-enabled" % top,
            "NGINX_CONF_DIR=%s/nginx" % top]


def test_destdir_layout_and_uninstall(tmp_path):
    dest = str(tmp_path / "root")
    make("install", "DESTDIR=" + dest)

    assert files_under(dest) == {
        "usr/local/lib/libgateway.so." + VERSION,
        "usr/local/lib/libgateway.so.0",
        "usr/local/lib/libgateway.so",
        "usr/local/lib/pkgconfig/gateway.pc",
        "usr/local/include/gateway/gateway.h",
        "usr/local/include/gateway/gw_core.h",
        "usr/local/include/gateway/gw_template.h",
        "usr/local/include/gateway/gw_framework.h",
        "usr/local/include/gateway/gw_testing.h",
        "usr/local/bin/gateway-fcgi",
        "usr/local/bin/gw-render",
        "usr/local/bin/gw-routes",
        "usr/local/bin/gw-cmd",
        "usr/local/bin/gw-dev",
        "usr/local/bin/gw-new",
        "usr/local/share/gateway/skeleton/.gitignore",
        "usr/local/share/gateway/skeleton/Makefile",
        "usr/local/share/gateway/skeleton/app.c",
        "usr/local/share/gateway/skeleton/test_app.c",
        "usr/local/share/gateway/skeleton/nginx.conf",
        "usr/local/share/gateway/skeleton/templates/base.html",
        "usr/local/share/gateway/skeleton/templates/index.html",
        "usr/local/share/gateway/skeleton/static/style.css",
        "usr/lib/nginx/modules/ngx_http_gateway_module.so",
        "usr/share/nginx/modules-available/mod-http-gateway.conf",
        "etc/nginx/modules-enabled/50-mod-http-gateway.conf",
        "etc/nginx/gateway_fastcgi_params",
    }
    lib = os.path.join(dest, "usr/local/lib")
    assert os.readlink(os.path.join(lib, "libgateway.so")) \
        == "libgateway.so.0"
    assert os.readlink(os.path.join(lib, "libgateway.so.0")) \
        == "libgateway.so." + VERSION
    assert "Library soname: [libgateway.so.0]" \
        in readelf(os.path.join(lib, "libgateway.so." + VERSION))

    # Debian's layout: the snippet loads the module by its absolute path,
    # and modules-enabled links to it where it will be, not into DESTDIR
    with open(os.path.join(dest, "usr/share/nginx/modules-available",
                           "mod-http-gateway.conf")) as f:
        assert f.read() == ("load_module /usr/lib/nginx/modules/"
                            "ngx_http_gateway_module.so;\n")
    assert os.readlink(os.path.join(
        dest, "etc/nginx/modules-enabled/50-mod-http-gateway.conf")) \
        == "/usr/share/nginx/modules-available/mod-http-gateway.conf"

    # nothing installed names the checkout or DESTDIR; the ELF files need
    # libgateway by its soname, and find it in the installed libdir
    # (the ELF files' debug information names the sources they were built
    # from, as any -g build does; what the loader reads must not)
    for rel in files_under(dest):
        path = os.path.join(dest, rel)
        if os.path.islink(path):
            continue
        if not is_elf(path):
            with open(path, "rb") as f:
                data = f.read()
            assert ROOT.encode() not in data, rel
            assert dest.encode() not in data, rel
            continue
        d = readelf(path)
        assert ROOT not in d and dest not in d, rel
        if "libgateway.so." not in rel:
            assert "Shared library: [libgateway.so.0]" in d, rel
            assert "runpath: [/usr/local/lib]" in d, rel

    make("uninstall", "DESTDIR=" + dest)
    assert files_under(dest) == set()


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Installed under a fresh PREFIX (no DESTDIR: it is run from there),
    the nginx files beside it; uninstalled afterwards, which must leave no
    file."""
    top = str(tmp_path_factory.mktemp("gw-install"))
    prefix = os.path.join(top, "prefix")
    args = ["PREFIX=" + prefix] + nginx_dirs(top)
    make("install", *args)
    env = clean_env(PKG_CONFIG_PATH=os.path.join(prefix, "lib",
                                                 "pkgconfig"))
    yield {"top": top, "prefix": prefix, "env": env}
    make("uninstall", *args)
    assert files_under(top) == set()


def test_pkg_config(installed):
    prefix, env = installed["prefix"], installed["env"]

    def pc(*args):
        return subprocess.run(["pkg-config"] + list(args) + ["gateway"],
                              env=env, check=True, capture_output=True,
                              text=True).stdout.strip()

    assert pc("--modversion") == VERSION
    assert pc("--cflags") == "-I%s/include/gateway" % prefix
    libs = pc("--libs").split()
    assert libs[:3] == ["-L%s/lib" % prefix, "-lgateway",
                        "-Wl,-rpath,%s/lib" % prefix]
    assert "-ljansson" in libs
    assert pc("--variable=module") == os.path.join(
        installed["top"], "nginx/modules/ngx_http_gateway_module.so")
    for word in libs:
        assert ROOT not in word


@pytest.fixture(scope="module")
def site(installed, tmp_path_factory):
    """A site made by the installed gw-new from the installed skeleton,
    outside the checkout, and built there."""
    d = str(tmp_path_factory.mktemp("site") / "site")
    p = subprocess.run([os.path.join(installed["prefix"], "bin", "gw-new"),
                        d], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert sorted(os.listdir(d)) == [".gitignore", "Makefile", "app.c",
                                     "nginx.conf", "static", "templates",
                                     "test_app.c"]
    p = subprocess.run([os.path.join(installed["prefix"], "bin", "gw-new"),
                        d], capture_output=True, text=True)
    assert p.returncode == 1 and "already exists" in p.stderr
    make(cwd=d, env=installed["env"])
    assert ROOT not in readelf(os.path.join(d, "app.so"))
    return d


def test_skeleton_tests_pass_and_catch_a_change(installed, site, tmp_path):
    p = make("test", cwd=site, env=installed["env"])
    assert "test_app: all passed" in p.stdout

    # the skeleton's test really looks at the page
    broken = str(tmp_path / "broken")
    shutil.copytree(site, broken)
    index = os.path.join(broken, "templates", "index.html")
    with open(index) as f:
        text = f.read()
    with open(index, "w") as f:
        f.write(text.replace("Hello, {{ name }}!", "Bye"))
    p = make("test", cwd=broken, env=installed["env"], check=False)
    assert p.returncode != 0
    assert "check failed" in p.stderr


class Served:
    """`make TARGET PORT=...` in the site, in its own process group (make,
    the shell it runs, nginx and gw-dev), stopped by that group's id."""

    def __init__(self, site, env, target):
        self.port = harness.free_port()
        self.log = os.path.join(site, "serve-%d.log" % self.port)
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                ["make", "-s", target, "PORT=%d" % self.port], cwd=site,
                env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        harness._wait_port(self.port, self.proc, "make " + target, self.log)

    def get(self, path):
        return harness.request(self.port, "GET", path)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        # nginx's workers are in the group too: wait until none is left
        harness.wait_for(lambda: not self._group_alive(), 15,
                         "the served site's processes to exit")

    def _group_alive(self):
        try:
            os.killpg(self.proc.pid, 0)
            return True
        except ProcessLookupError:
            return False


def test_skeleton_served_by_installed_module(installed, site):
    s = Served(site, installed["env"], "run")
    try:
        status, headers, body = s.get("/?name=nginx")
        assert status == 200
        assert b"<h1>Hello, nginx!</h1>" in body
        assert b'href="/static/style.css"' in body
        status, headers, body = s.get("/api/hello/you")
        assert (status, body) == \
            (200, b'{"greeting":"Hello","name":"you"}\n')
        status, headers, body = s.get("/static/style.css")
        assert status == 200 and body.startswith(b"body {")
    finally:
        s.stop()
    with open(os.path.join(site, "run", "nginx.conf")) as f:
        generated = f.read()
    module = os.path.join(installed["top"],
                          "nginx/modules/ngx_http_gateway_module.so")
    assert "load_module %s;" % module in generated
    assert ROOT not in generated


def test_dev_loop_rebuilds_and_reloads(installed, site, tmp_path):
    dev = str(tmp_path / "dev")
    shutil.copytree(site, dev, ignore=shutil.ignore_patterns("run"))
    s = Served(dev, installed["env"], "dev")
    try:
        assert s.get("/api/hello/x")[2] == \
            b'{"greeting":"Hello","name":"x"}\n'
        app = os.path.join(dev, "app.c")
        with open(app) as f:
            text = f.read()
        with open(app, "w") as f:
            f.write(text.replace('"greeting", "Hello"', '"greeting", "Hi"'))
        harness.wait_for(lambda: s.get("/api/hello/x")[2]
                         == b'{"greeting":"Hi","name":"x"}\n', 120,
                         "the rebuilt app to answer")
        # templates reload without a rebuild (TEMPLATES_AUTO_RELOAD)
        index = os.path.join(dev, "templates", "index.html")
        with open(index) as f:
            text = f.read()
        with open(index, "w") as f:
            f.write(text.replace("Hello, {{ name }}!", "Hey {{ name }}"))
        harness.wait_for(lambda: b"Hey x" in s.get("/?name=x")[2], 60,
                         "the edited template")
    finally:
        s.stop()
    with open(s.log) as f:
        log = f.read()
    assert "app.c changed: rebuilding" in log


def test_gw_render_installed(installed, site, tmp_path):
    render = os.path.join(installed["prefix"], "bin", "gw-render")
    p = subprocess.run([render, "--help"], capture_output=True, text=True)
    assert p.returncode == 0
    assert p.stdout.startswith("usage: gw-render")
    assert "--app APP.so" in p.stdout

    tdir = tmp_path / "t"
    tdir.mkdir()
    (tdir / "links.html").write_text(
        "{{ url_for('api.hello', name='a b', page=2) }} "
        "{{ url_for('static', filename='s.css', _anchor='top') }} "
        "{{ url_for('home', _external=True) }}")
    (tdir / "ctx.json").write_text("{}")
    args = [str(tdir), "links.html", str(tdir / "ctx.json")]
    p = subprocess.run([render, "--app", os.path.join(site, "app.so")]
                       + args, capture_output=True, text=True)
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == ("/api/hello/a%20b?page=2 /static/s.css#top "
                        "http://localhost/")

    p = subprocess.run([render] + args, capture_output=True, text=True)
    assert p.returncode == 1
    assert "'url_for' is undefined" in p.stderr
    assert "--app APP.so" in p.stderr

    p = subprocess.run([render, "--no-such-flag"] + args,
                       capture_output=True, text=True)
    assert p.returncode == 2 and p.stderr.startswith("usage: gw-render")


def test_installed_programs_run(installed, site):
    """The installed gw-routes and gateway-fcgi find the installed
    library (no checkout RUNPATH to fall back on)."""
    bindir = os.path.join(installed["prefix"], "bin")
    p = subprocess.run([os.path.join(bindir, "gw-routes"),
                        os.path.join(site, "app.so")],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "api.hello" in p.stdout and "/api/hello/<name>" in p.stdout
    p = subprocess.run([os.path.join(bindir, "gw-cmd"),
                        os.path.join(site, "app.so")],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("usage: gw-cmd")
    p = subprocess.run([os.path.join(bindir, "gateway-fcgi"), "--help"],
                       capture_output=True, text=True)
    assert "error while loading shared libraries" not in p.stderr
    assert p.returncode == 0 and p.stdout.startswith("usage: gateway-fcgi")


def test_skeleton_served_by_installed_gateway_fcgi(installed, site,
                                                   tmp_path):
    """The other mode: the installed daemon runs the site's app.so behind
    nginx's stock fastcgi_pass, with the installed params file."""
    params = subprocess.run(["pkg-config", "--variable=fastcgi_params",
                             "gateway"], env=installed["env"], check=True,
                            capture_output=True, text=True).stdout.strip()
    assert params == os.path.join(installed["top"], "nginx",
                                  "gateway_fastcgi_params")
    sock = str(tmp_path / "app.sock")
    fcgi = harness.Fcgi(os.path.join(site, "app.so"), sock)
    fcgi.args[0] = os.path.join(installed["prefix"], "bin", "gateway-fcgi")
    port = harness.free_port()
    nginx = None
    fcgi.start()
    try:
        nginx = harness.Nginx(
            "server { listen 127.0.0.1:%d; location / { "
            "fastcgi_split_path_info ^()((?s).*)$; include %s; "
            "fastcgi_pass unix:%s; } }" % (port, params, sock),
            workdir=str(tmp_path)).start(port)
        status, _, body = harness.request(port, "GET", "/api/hello/fcgi")
        assert (status, body) == \
            (200, b'{"greeting":"Hello","name":"fcgi"}\n')
        status, _, body = harness.request(port, "GET", "/?name=both")
        assert status == 200 and b"<h1>Hello, both!</h1>" in body
    finally:
        if nginx is not None:
            nginx.stop()
        fcgi.stop()
