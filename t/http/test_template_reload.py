"""TEMPLATES_AUTO_RELOAD as an operator uses it while developing: with
`gateway_config TEMPLATES_AUTO_RELOAD true;` an edited template shows on the
next request (files are looked at most once a second), a broken one is a
500 with name:line:col in the log until it is fixed; without the option the
templates compiled at start-up stay."""

import os
import shutil
import tempfile
import time

import pytest

from harness import (BUILD, Fcgi, Nginx, demo_site_copy, fcgi_location,
                     free_port, request)

APP = os.path.join(BUILD, "app.so")
FOOTER = b"Served by a C application inside nginx."
BROKEN = ("{% extends 'base.html' %}\n{% block content %}\n"
          "{{ foo( }}\n{% endblock %}\n")
# past the one-second interval between looks at a file
WAIT = 1.3


@pytest.fixture
def site():
    """A copy of the demo site's data and templates, to edit at will."""
    root = demo_site_copy()
    yield root
    shutil.rmtree(root, ignore_errors=True)


def edit(root, name, change, bump):
    """Rewrite a template through change(text) and move its mtime `bump`
    seconds on, so the edit is seen even within the same second."""
    path = os.path.join(root, "templates", name)
    with open(path) as f:
        text = f.read()
    st = os.stat(path)
    with open(path, "w") as f:
        f.write(change(text))
    os.utime(path, (st.st_atime + bump, st.st_mtime + bump))
    return text


class Servers:
    """The demo app on a copy of the site, in nginx or in gateway-fcgi
    (two threads) behind nginx; reload adds the config key."""

    def __init__(self, root, mode, reload):
        self.work = tempfile.mkdtemp(prefix="gw-rl-")
        self.port = free_port()
        self.fcgi = None
        if mode == "embedded":
            cfg = "gateway_config ROOT_PATH %s;" % root
            if reload is not None:
                cfg += " gateway_config TEMPLATES_AUTO_RELOAD %s;" % reload
            conf = ("gateway_app %s; %s server { listen 127.0.0.1:%d; "
                    "location / { gateway; } }" % (APP, cfg, self.port))
        else:
            sock = os.path.join(self.work, "app.sock")
            cfg = ["ROOT_PATH=" + root]
            if reload is not None:
                cfg.append("TEMPLATES_AUTO_RELOAD=" + reload)
            self.fcgi = Fcgi(APP, sock, threads=2, config=cfg).start()
            conf = ("server { listen 127.0.0.1:%d; %s }"
                    % (self.port, fcgi_location("/", sock)))
        self.nginx = Nginx(conf, workdir=self.work).start(self.port)

    def get(self, path="/"):
        status, _, body = request(self.port, "GET", path)
        return status, body

    def log(self):
        time.sleep(0.1)
        return self.nginx.log() + (self.fcgi.log() if self.fcgi else "")

    def stop(self):
        self.nginx.stop()
        if self.fcgi:
            self.fcgi.stop()
        shutil.rmtree(self.work, ignore_errors=True)


@pytest.mark.parametrize("mode", ["embedded", "fastcgi"])
def test_edits_show_errors_fail_fixes_recover(site, mode):
    s = Servers(site, mode, "true")
    try:
        status, body = s.get()
        assert status == 200 and FOOTER in body

        # an edited layout shows on every page that extends it
        edit(site, "base.html",
             lambda t: t.replace("Served by a C application",
                                 "Reloaded by a C application"), 10)
        time.sleep(WAIT)
        status, body = s.get()
        assert status == 200, s.log()
        assert b"Reloaded by a C application" in body and FOOTER not in body
        status, body = s.get("/notes/1")
        assert status == 200 and b"Reloaded by a C application" in body

        # a syntax error is a 500 with the cause in the log, not the page,
        # and the version compiled before is not served instead
        original = edit(site, "index.html", lambda t: BROKEN, 10)
        time.sleep(WAIT)
        for _ in range(2):
            status, body = s.get()
            assert status == 500
            assert b"foo(" not in body and b"index.html" not in body
        assert "index.html:3:9: unexpected '}', expected ')'" in s.log()
        # the other pages do not depend on it
        assert s.get("/notes/1")[0] == 200

        # fixing the file recovers
        edit(site, "index.html",
             lambda t: original.replace("<h1>", "<h1>Fixed "), 20)
        time.sleep(WAIT)
        status, body = s.get()
        assert status == 200, s.log()
        assert b"<h1>Fixed " in body
    finally:
        s.stop()


@pytest.mark.parametrize("reload", [None, "false"])
def test_without_the_option_templates_stay(site, reload):
    s = Servers(site, "embedded", reload)
    try:
        status, body = s.get()
        assert status == 200 and FOOTER in body
        edit(site, "base.html",
             lambda t: t.replace("Served by a C application",
                                 "Reloaded by a C application"), 10)
        edit(site, "index.html", lambda t: BROKEN, 10)
        time.sleep(WAIT)
        status, body = s.get()
        assert status == 200
        assert FOOTER in body and b"Reloaded" not in body
    finally:
        s.stop()
