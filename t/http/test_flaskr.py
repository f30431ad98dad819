"""Flask's tutorial app (flaskr) in its essentials, through real nginx in
both modes, held to the same app in Flask (Debian's python3-flask): g.user
from bp.before_app_request, a login_required guard, required form values
(400), flashes, Werkzeug password hashes, dates and request.form/headers/
cookies in templates, teardown_request, config from a JSON file and
GATEWAY_* environment variables with a warning for unknown keys."""

import datetime
import functools
import json
import logging
import os
import shutil
import tempfile
import urllib.parse

import pytest

from harness import BUILD, Pair, header, request, wait_for

APP = os.path.join(BUILD, "t", "apps", "flaskr.so")
SECRET = "flaskr-secret"

TEMPLATES = {
    "login.html":
        "{% for m in get_flashed_messages() %}<p class=flash>{{ m }}</p>"
        "{% endfor %}\n<form method=post><input name=username value=\""
        "{{ request.form['username'] }}\"><input name=password></form>\n"
        "{{ request.method }} {{ request.path }} {{ request.endpoint }} "
        "{{ request.args.get('next', '-') }}\n",
    "create.html":
        "{% for m in get_flashed_messages() %}<p class=flash>{{ m }}</p>"
        "{% endfor %}\n<input name=title value=\"{{ request.form['title'] }}"
        "\"><textarea>{{ request.form['body'] }}</textarea>\n"
        "{{ g.user['username'] }}\n",
    "index.html":
        "{% if g.user %}{{ g.user['username'] }} <a href=\""
        "{{ url_for('blog.create') }}\">New</a>{% else %}<a href=\""
        "{{ url_for('auth.login') }}\">Log In</a>{% endif %}\n"
        "{% for c, m in get_flashed_messages(with_categories=true) %}"
        "[{{ c }}: {{ m }}]{% endfor %}\n"
        "{% for post in posts %}<h1>{{ post['title'] }}</h1>"
        "{% if loop.first %}{{ post['created'].strftime('%Y-%m-%d') }}"
        "{% else %}{{ post['created']|strftime('%d %b %Y %H:%M %Z') }}"
        "{% endif %}\n{% endfor %}"
        "{{ request.headers['User-Agent'] }} "
        "{{ request.cookies.get('theme', 'none') }} {{ request.url }}\n",
}


def flask_app(root):
    """The same app in Flask."""
    from flask import (Blueprint, Flask, flash, g, redirect,
                       render_template, request, session, url_for)
    from werkzeug.security import check_password_hash

    app = Flask("flaskr", root_path=root)
    app.config["SECRET_KEY"] = SECRET
    app.config.from_file(os.path.join(root, "site.json"), load=json.load)
    app.add_template_filter(lambda v, f: v.strftime(f), "strftime")

    auth = Blueprint("auth", "flaskr", url_prefix="/auth")

    @auth.before_app_request
    def load_user():
        u = session.get("user")
        g.user = {"username": u} if u else None

    @auth.route("/login", methods=("GET", "POST"))
    def login():
        if request.method == "POST":
            user = request.form["username"]
            pw = request.form["password"]
            if user != app.config["USER_NAME"]:
                flash("Incorrect username.")
            elif not check_password_hash(app.config["USER_HASH"], pw):
                flash("Incorrect password.")
            else:
                session.clear()
                session["user"] = user
                return redirect(url_for("index"))
        return render_template("login.html")

    blog = Blueprint("blog", "flaskr")

    def login_required(view):
        @functools.wraps(view)
        def wrapped(**kw):
            if g.user is None:
                return redirect(url_for("auth.login"))
            return view(**kw)
        return wrapped

    @blog.route("/create", methods=("GET", "POST"))
    @login_required
    def create():
        if request.method == "POST":
            title = request.form["title"]
            if not title:
                flash("Title is required.")
            else:
                flash(title, "created")
                return redirect(url_for("index"))
        return render_template("create.html")

    app.register_blueprint(auth)
    app.register_blueprint(blog)

    @app.route("/")
    def index():
        utc = datetime.timezone.utc
        posts = [{"title": "first",
                  "created": datetime.datetime(2019, 3, 4, 5, 6, 7)},
                 {"title": "second",
                  "created": datetime.datetime.fromtimestamp(1700000000,
                                                             utc)}]
        return render_template("index.html", posts=posts)

    return app


@pytest.fixture(scope="module")
def site():
    """The site's root (templates, the config file), the user's password
    hash made by Werkzeug, both servers, and the environment they read."""
    from werkzeug.security import generate_password_hash

    root = tempfile.mkdtemp(prefix="gw-flaskr-")
    os.mkdir(os.path.join(root, "templates"))
    for name, text in TEMPLATES.items():
        with open(os.path.join(root, "templates", name), "w") as f:
            f.write(text)
    with open(os.path.join(root, "site.json"), "w") as f:
        json.dump({"USER_NAME": "ann", "FROM_FILE": "file", "BOTH": "file",
                   "USER_HASH": generate_password_hash(
                       "s3cret", "pbkdf2:sha256:1000")}, f)

    saved = dict(os.environ)
    os.environ["GATEWAY_FROM_ENV"] = '"from env"'
    os.environ["GATEWAY_BOTH"] = "env"
    try:
        pair = Pair(APP, config=[("SECRET_KEY", SECRET), ("ROOT_PATH", root),
                                 ("CONFIG_FILE", "site.json"),
                                 ("SECERT_KEY", "typo")])
    finally:
        os.environ.clear()
        os.environ.update(saved)
    logging.getLogger("werkzeug").disabled = True
    yield root, pair
    pair.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["embedded", "fastcgi"])
def mode(request):
    return request.param


class Browser:
    """Keeps the session cookie across requests, as a browser would (and
    sends other cookies a step gives)."""

    def __init__(self):
        self.cookie = None

    def open(self, method, path, form=None, headers=()):
        headers = list(headers)
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers.append(("Content-Type",
                            "application/x-www-form-urlencoded"))
        if self.cookie:
            headers.append(("Cookie", self.cookie))
        status, hdrs, data = self.send(method, path, body, headers)
        for v in header(hdrs, "Set-Cookie"):
            if v.startswith("session="):
                self.cookie = v.split(";")[0]
        loc = header(hdrs, "Location")
        return status, urllib.parse.urlsplit(loc[0]).path if loc else None, \
            data


class Ours(Browser):
    def __init__(self, port):
        super().__init__()
        self.port = port

    def send(self, method, path, body, headers):
        return request(self.port, method, path, body, headers)


class Theirs(Browser):
    def __init__(self, root, port):
        super().__init__()
        self.client = flask_app(root).test_client(use_cookies=False)
        self.base = "http://127.0.0.1:%d" % port

    def send(self, method, path, body, headers):
        r = self.client.open(path, method=method, data=body,
                             headers=headers, base_url=self.base)
        return r.status_code, list(r.headers.items()), r.get_data()


def test_flaskr_flow_as_flask(site, mode):
    """The tutorial's flow, step by step, answered as Flask answers it."""
    root, pair = site
    ours, theirs = Ours(pair[mode]), Theirs(root, pair[mode])
    steps = [
        ("GET", "/", None, [("User-Agent", "tester/1"),
                            ("Cookie", "theme=dark")]),
        ("GET", "/create", None, ()),
        ("GET", "/auth/login?next=%2Fcreate", None, ()),
        ("POST", "/auth/login", {"username": "bob", "password": "x"}, ()),
        ("POST", "/auth/login", {"username": "ann", "password": "wrong"},
         ()),
        ("POST", "/auth/login", {"username": "ann"}, ()),
        ("POST", "/auth/login", {"username": "ann", "password": "s3cret"},
         ()),
        ("GET", "/", None, [("User-Agent", "tester/2")]),
        ("GET", "/create", None, ()),
        ("POST", "/create", {"title": "", "body": "b <i>"}, ()),
        ("POST", "/create", {"body": "no title"}, ()),
        ("POST", "/create", {"title": "Hello", "body": "x"}, ()),
        ("GET", "/?a=1&b=%20", None, [("User-Agent", "tester/3")]),
    ]
    for method, path, form, headers in steps:
        a = ours.open(method, path, form, headers)
        b = theirs.open(method, path, form, headers)
        assert a == b, (method, path, form)
    # the steps did what they say
    assert b"Incorrect password." in theirs.open(
        "POST", "/auth/login", {"username": "ann", "password": "no"})[2]


def test_password_hash_made_here_checks_in_werkzeug(site, mode):
    from werkzeug.security import check_password_hash
    _, pair = site
    status, _, h = request(pair[mode], "GET", "/hash?pw=p%C3%A4ss")
    assert status == 200
    h = h.decode()
    assert h.startswith("pbkdf2:sha256:1000$")
    assert check_password_hash(h, "päss")
    assert not check_password_hash(h, "pass")


def test_teardown_runs_with_the_cause(site, mode):
    _, pair = site
    assert request(pair[mode], "GET", "/fails")[0] == 500
    wait_for(lambda: "flaskr teardown: closed db (error: fails /fails: "
             "the database is locked)" in pair.log(mode),
             what="the teardown's line")
    assert request(pair[mode], "GET", "/auth/login")[0] == 200
    wait_for(lambda: "flaskr teardown: closed db (error: none)"
             in pair.log(mode), what="the teardown's line")


def test_config_from_file_and_environment(site, mode):
    """CONFIG_FILE and GATEWAY_* are read by the framework in both modes;
    the environment wins over the file."""
    _, pair = site
    assert request(pair[mode], "GET", "/config/FROM_FILE")[2] == b"file"
    assert request(pair[mode], "GET", "/config/FROM_ENV")[2] == b"from env"
    assert request(pair[mode], "GET", "/config/BOTH")[2] == b"env"
    assert request(pair[mode], "GET", "/config/NOPE")[0] == 404


def test_unknown_config_key_is_a_warning(site, mode):
    _, pair = site
    log = pair.log(mode)
    assert 'unknown config key "SECERT_KEY" (gateway_config or --config)' \
        in log
    for known in ("FROM_FILE", "FROM_ENV", "USER_HASH", "CONFIG_FILE",
                  "ROOT_PATH", "SECRET_KEY"):
        assert 'unknown config key "%s"' % known not in log
