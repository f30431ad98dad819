"""The demo site as a site that writes: login, the forms, the API's CRUD,
CSRF, in both modes (embedded and gateway-fcgi), each answer compared with
the Flask twin; every nginx worker and gateway-fcgi on one SQLite file;
data that outlives a restart; SQLite failures as 500s."""

import json
import os
import re
import shutil
import sqlite3
import tempfile

import pytest

from demo_site import (APP, NOTES, Client, TwinClient, config, masked,
                       pair, twin)
from harness import (Fcgi, Nginx, demo_site_copy, fcgi_location, free_port,
                     request)

MODES = ["embedded", "fastcgi"]


@pytest.fixture
def root():
    r = demo_site_copy()
    yield r
    shutil.rmtree(r, ignore_errors=True)


@pytest.fixture
def site(root):
    p = pair(root)
    yield p
    p.stop()


@pytest.fixture
def flask_client():
    r = demo_site_copy()
    yield TwinClient(twin(r))
    shutil.rmtree(r, ignore_errors=True)


def run_both(site, mode, flask_client, steps):
    """Runs steps (method, path, form or None, json or None; "TOKEN" in a
    form stands for the page's CSRF token) on the C site and on the twin;
    every answer must be the same.  Returns the C site's answers."""
    c = Client(site[mode])
    out = []
    for method, path, form, body in steps:
        answers = []
        for cl in (c, flask_client):
            f = form
            if f and f.get("csrf_token") == "TOKEN":
                f = dict(f, csrf_token=cl.csrf)
            a = cl.send(method, path, form=f, json_body=body)
            m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', a.text)
            if m:
                cl.csrf = m.group(1)
            answers.append(a)
        assert answers[0].same() == answers[1].same(), (method, path)
        out.append(answers[0])
    return out


# ---- the pages that write ----------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_form_flow(site, mode, flask_client):
    new = {"csrf_token": "TOKEN", "title": "A <new> note",
           "body": "Written through the form.", "tags": "c, forms c"}
    steps = [
        ("GET", "/notes/new", None, None),                      # 0
        ("GET", "/login?next=/notes/new", None, None),          # 1
        ("POST", "/login", {"csrf_token": "TOKEN", "user": "demo",
                            "password": "wrong", "next": "/notes/new"},
         None),                                                 # 2
        ("POST", "/login", {"csrf_token": "TOKEN", "user": "demo",
                            "password": "demo", "next": "/notes/new"},
         None),                                                 # 3
        ("GET", "/notes/new", None, None),                      # 4
        ("POST", "/notes/new", dict(new, title="  ", tags="Bad!"),
         None),                                                 # 5
        ("POST", "/notes/new", new, None),                      # 6
        ("GET", "/", None, None),                               # 7
        ("GET", "/notes/21", None, None),                       # 8
        ("GET", "/tags/forms", None, None),                     # 9
        ("GET", "/notes/21/edit", None, None),                  # 10
        ("POST", "/notes/21/edit", dict(new, title="Edited",
                                        tags="forms"), None),   # 11
        ("GET", "/notes/21", None, None),                       # 12
        ("POST", "/notes/21/delete", {"csrf_token": "TOKEN"}, None),  # 13
        ("GET", "/", None, None),                               # 14
        ("GET", "/notes/21", None, None),                       # 15
        ("POST", "/notes/21/delete", {"csrf_token": "TOKEN"}, None),  # 16
        ("GET", "/logout", None, None),                         # 17
        ("POST", "/logout", {"csrf_token": "TOKEN"}, None),     # 18
        ("GET", "/", None, None),                               # 19
        ("GET", "/notes/1/edit", None, None),                   # 20
    ]
    a = run_both(site, mode, flask_client, steps)
    assert a[0].status == 302
    assert a[0].location == ["/login?next=%2Fnotes%2Fnew"]
    assert a[2].status == 200 and "Wrong user or password." in a[2].text
    assert 'value="demo"' in a[2].text
    assert (a[3].status, a[3].location) == (302, ["/notes/new"])
    assert "You are logged in." in a[4].text
    # refused: the form again, with the errors and what was typed
    assert a[5].status == 200
    assert "Title is required." in a[5].text
    assert "Tags are lowercase letters" in a[5].text
    assert 'value="Bad!"' in a[5].text
    assert "Written through the form.</textarea>" in a[5].text
    # POST, redirect, GET: the note listed with the flashed message
    assert (a[6].status, a[6].location) == (302, ["/"])
    assert "<li>Note created.</li>" in a[7].text
    assert '<a href="/notes/21">A &lt;new&gt; note</a>' in a[7].text
    assert "<h1>All notes <small>(21)</small>" in a[7].text
    assert "Note created." not in a[8].text           # flashed once
    assert '<a href="/tags/forms">forms</a>' in a[8].text
    assert a[9].status == 200 and "Notes tagged #forms" in a[9].text
    assert 'value="c, forms"' in a[10].text
    assert (a[11].status, a[11].location) == (302, ["/notes/21"])
    assert "<h1>Edited</h1>" in a[12].text and "Note saved." in a[12].text
    assert (a[13].status, a[13].location) == (302, ["/"])
    assert "Note deleted." in a[14].text and "(20)" in a[14].text
    assert a[15].status == 404 and a[16].status == 404
    assert a[18].status == 302 and "You are logged out." in a[19].text
    assert a[20].status == 302                          # logged out


@pytest.mark.parametrize("mode", MODES)
def test_post_without_csrf_token_is_refused(site, mode, flask_client):
    steps = [
        ("GET", "/login", None, None),
        ("POST", "/login", {"user": "demo", "password": "demo"}, None),
        ("POST", "/login", {"csrf_token": "TOKEN", "user": "demo",
                            "password": "demo"}, None),
        ("POST", "/notes/new", {"title": "t", "body": "b"}, None),
        ("POST", "/notes/new", {"csrf_token": "0" * 40, "title": "t",
                                "body": "b"}, None),
        ("POST", "/notes/1/delete", {}, None),
        ("POST", "/notes/1/edit", {"title": "t", "body": "b"}, None),
        ("POST", "/logout", {}, None),
        ("GET", "/api/notes/1", None, None),
    ]
    a = run_both(site, mode, flask_client, steps)
    assert a[1].status == 400 and "The CSRF token is missing." in a[1].text
    assert a[2].status == 302
    assert a[3].status == 400 and "The CSRF token is missing." in a[3].text
    assert a[4].status == 400 and "do not match" in a[4].text
    assert [x.status for x in a[5:8]] == [400, 400, 400]
    assert a[8].json() == NOTES[0]                       # nothing changed
    status, _, body = request(site[mode], "GET", "/api/notes/")
    assert len(json.loads(body)) == len(NOTES)


@pytest.mark.parametrize("mode", MODES)
def test_login_goes_only_to_this_site(site, mode):
    c = Client(site[mode])
    for bad in ("//evil.example/", "/\\evil.example", "http://evil/",
                "/ok\r\nX-Evil: 1"):
        c.cookies.clear()
        a = c.send("POST", "/login", form={
            "csrf_token": c.token(), "user": "demo", "password": "demo",
            "next": bad})
        assert (a.status, a.location) == (302, ["/"])


# ---- the API -------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_api_crud(site, mode, flask_client):
    note = {"title": " API note ", "body": "from JSON", "tags": ["api", "c",
                                                                  "api"]}
    steps = [
        ("POST", "/api/notes/", None, note),                       # 0
        ("DELETE", "/api/notes/1", None, None),                    # 1
        ("PUT", "/api/notes/1", None, note),                       # 2
        ("POST", "/api/login", None, {"user": "demo",
                                      "password": "nope"}),        # 3
        ("POST", "/api/login", None, {"user": "demo"}),            # 4
        ("POST", "/api/login", None, {"user": "demo",
                                      "password": "demo"}),        # 5
        ("POST", "/api/notes/", None, note),                       # 6
        ("GET", "/api/notes/21", None, None),                      # 7
        ("GET", "/api/notes/?tag=api", None, None),                # 8
        ("PATCH", "/api/notes/21", None, {"title": "Patched"}),    # 9
        ("PUT", "/api/notes/21", None, {"title": "Put",
                                        "body": "again"}),         # 10
        ("PUT", "/api/notes/21", None, {"title": "Put"}),          # 11
        ("PATCH", "/api/notes/21", None, {"tags": ["No"]}),        # 12
        ("PATCH", "/api/notes/21", None, {"title": 7}),            # 13
        ("PATCH", "/api/notes/21", None, [1]),                     # 14
        ("PATCH", "/api/notes/99", None, {"title": "x"}),          # 15
        ("DELETE", "/api/notes/21", None, None),                   # 16
        ("DELETE", "/api/notes/21", None, None),                   # 17
        ("GET", "/api/notes/21", None, None),                      # 18
        ("POST", "/api/notes/", None, {"title": "x" * 201,
                                       "body": ""}),               # 19
    ]
    a = run_both(site, mode, flask_client, steps)
    for x in a[0:3]:
        assert (x.status, x.json()) == (401, {"error": "login required"})
    assert a[3].status == 401 and a[4].status == 400
    assert (a[5].status, a[5].json()) == (200, {"user": "demo"})
    assert (a[6].status, a[6].location) == (201, ["/api/notes/21"])
    created = a[6].json()
    assert created["title"] == "API note" and created["tags"] == ["api", "c"]
    assert a[7].json() == created
    assert a[8].json() == [created]
    assert a[9].json() == dict(created, title="Patched")
    assert a[10].json() == dict(created, title="Put", body="again", tags=[])
    assert a[11].status == 422
    assert a[11].json() == {"error": "invalid note",
                            "errors": {"body": "Body is required."}}
    assert a[12].status == 422 and "tags" in a[12].json()["errors"]
    assert a[13].status == 400 and a[14].status == 400
    assert a[15].json() == {"error": "note 99 not found"}
    assert (a[16].status, a[16].data) == (204, b"")
    assert a[17].status == 404 and a[18].status == 404
    assert a[19].json()["errors"] == {
        "title": "Title must be at most 200 characters.",
        "body": "Body is required."}


# ---- one database for every process -------------------------------------------

def test_every_worker_and_gateway_fcgi_share_the_notes(root):
    """Two nginx workers (reuseport spreads connections over both) and
    gateway-fcgi with two threads start together on a site with no
    database yet: one of them makes it, and what any of them writes every
    other reads."""
    work = tempfile.mkdtemp(prefix="gw-share-")
    sock = os.path.join(work, "app.sock")
    emb, fcgi_port = free_port(), free_port()
    fcgi = Fcgi(APP, sock, threads=2,
                config=["%s=%s" % kv for kv in config(root)]).start()
    conf = ["gateway_app %s;" % APP]
    conf += ["gateway_config %s %s;" % kv for kv in config(root)]
    conf += ["server { listen 127.0.0.1:%d reuseport;" % emb,
             "add_header X-Worker $pid always;",
             "location / { gateway; } }",
             "server { listen 127.0.0.1:%d;" % fcgi_port,
             fcgi_location("/", sock), "}"]
    nginx = Nginx("\n".join(conf), workdir=work, workers=2)
    try:
        nginx.start(emb)
        writer = {emb: Client(emb), fcgi_port: Client(fcgi_port)}
        for c in writer.values():
            a = c.send("POST", "/api/login", json_body={
                "user": "demo", "password": "demo"})
            assert a.status == 200
        pids, made = set(), []
        for i in range(40):
            port = emb if i % 2 == 0 else fcgi_port
            status, hdrs, body = request(
                port, "POST", "/api/notes/",
                json.dumps({"title": "n%d" % i, "body": "b"}).encode(),
                [("Content-Type", "application/json"),
                 ("Cookie", "session=" + writer[port].cookies["session"])])
            assert status == 201, body
            made.append(json.loads(body)["id"])
            pids.update(v for k, v in hdrs if k == "X-Worker")
            # a new connection, so any worker may answer
            for p in (emb, fcgi_port):
                status, hdrs, body = request(p, "GET", "/api/notes/%d"
                                             % made[-1])
                assert status == 200
                pids.update(v for k, v in hdrs if k == "X-Worker")
        assert len(pids) == 2, "one worker answered everything: %s" % pids
        assert len(set(made)) == 40
        for p in (emb, fcgi_port):
            status, _, body = request(p, "GET", "/api/notes/")
            assert [n["id"] for n in json.loads(body)] \
                == [n["id"] for n in NOTES] + made
        # each process keeps the nav's tags until another one writes
        for i in range(10):
            assert b"#shared" not in request(emb, "GET", "/")[2]
            assert b"#shared" not in request(fcgi_port, "GET", "/")[2]
        status, _, _ = request(
            fcgi_port, "POST", "/api/notes/", json.dumps(
                {"title": "t", "body": "b", "tags": ["shared"]}).encode(),
            [("Content-Type", "application/json"),
             ("Cookie", "session=" + writer[fcgi_port].cookies["session"])])
        assert status == 201
        for i in range(10):
            assert b'<a href="/tags/shared">#shared</a>' \
                in request(emb if i % 2 else fcgi_port, "GET", "/")[2]
    finally:
        nginx.stop()
        fcgi.stop()
    log = nginx.log()
    assert "emerg" not in log and "[alert]" not in log, log
    shutil.rmtree(work, ignore_errors=True)


def test_notes_survive_a_restart(root):
    p = pair(root)
    try:
        c = Client(p.embedded)
        c.login()
        a = c.send("POST", "/notes/new", form={
            "csrf_token": c.token("/notes/new"), "title": "Kept",
            "body": "across restarts", "tags": ""})
        assert a.status == 302
        p.nginx.stop()
        p.fcgi.stop()
        p.fcgi.start()
        p.nginx.start(p.embedded)
        for port in (p.embedded, p.fastcgi):
            status, _, body = request(port, "GET", "/api/notes/21")
            assert status == 200 and json.loads(body)["title"] == "Kept"
    finally:
        p.stop()


@pytest.mark.parametrize("mode", MODES)
def test_sqlite_error_is_a_500_with_the_cause_logged(site, root, mode):
    # the worker has started and prepared its statements
    assert request(site[mode], "GET", "/")[0] == 200
    db = sqlite3.connect(os.path.join(root, "data", "notes.db"))
    db.execute("ALTER TABLE notes RENAME TO gone")
    db.commit()
    db.close()
    status, _, body = request(site[mode], "GET", "/")
    assert status == 500, site.log(mode)
    assert b"sqlite" not in body
    status, _, body = request(site[mode], "GET", "/api/notes/3")
    assert status == 500 and json.loads(body)["error"]
    assert "sqlite: list: no such table: notes" in site.log(mode)
    # the worker lives on
    status, _, body = request(site[mode], "POST", "/api/echo", b"[1]",
                              [("Content-Type", "application/json")])
    assert (status, body) == (200, b"[1]\n")


@pytest.mark.parametrize("bad", ["database", "seed"])
def test_bad_data_stops_nginx_t(root, bad):
    """A file at the database's place that is not one, or (without a
    database) a data/notes.json that would not make one."""
    if bad == "database":
        with open(os.path.join(root, "data", "notes.db"), "w") as f:
            f.write("not a database, but long enough to be read")
        want = "notes.db: not an SQLite database"
    else:
        with open(os.path.join(root, "data", "notes.json"), "w") as f:
            json.dump([NOTES[0], NOTES[1], NOTES[0]], f)
        want = "notes.json: two notes have the id 1"
    conf = "gateway_app %s;\n%s\nserver { listen 127.0.0.1:%d; }" % (
        APP, "\n".join("gateway_config %s %s;" % kv for kv in config(root)),
        free_port())
    n = Nginx(conf)
    rc, out = n.test_config()
    assert rc != 0
    assert want in out
    shutil.rmtree(n.dir, ignore_errors=True)


def test_masked_keeps_what_differs_out():
    assert masked('name="csrf_token" value="ab12"') \
        == 'name="csrf_token" value="TOKEN"'
