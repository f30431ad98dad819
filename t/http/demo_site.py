"""The demo site for HTTP tests: each test serves its own copy of the site
root (so its own database, never the repository's), logs in as the user
DEMO_USER with a cookie jar, and compares with the Flask twin on another
copy of the same data."""

import json
import os
import re
import urllib.parse

from harness import BUILD, ROOT, Pair, header, request

APP = os.path.join(BUILD, "app.so")
USER, PASSWORD = "demo", "demo"
# generate_password_hash("demo", "pbkdf2:sha256:1000"): few rounds, for speed
PASSWORD_HASH = ("pbkdf2:sha256:1000$qI32muFevakmIrNB$ad142890837016c0a22de"
                 "9548094ccbf1a24969d554f160e4839f7c1a24c1c55")
SECRET = "demo-tests"

with open(os.path.join(ROOT, "data", "notes.json")) as f:
    NOTES = json.load(f)


def config(root):
    return [("ROOT_PATH", root), ("SECRET_KEY", SECRET), ("DEMO_USER", USER),
            ("DEMO_PASSWORD_HASH", PASSWORD_HASH)]


def pair(root, **kw):
    """The demo served embedded and through gateway-fcgi, both on root."""
    return Pair(APP, config=config(root),
                http="include /etc/nginx/mime.types;",
                server="location /static/ { alias %s/static/; }" % ROOT,
                **kw)


def twin(root):
    """The Flask twin's test client, on its own copy of the data."""
    import flask_demo
    return flask_demo.make_app(os.path.join(root, "data", "notes.db"), USER,
                               PASSWORD_HASH).test_client()


TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]*)"')


def masked(body):
    """What must be equal in both: all but CSRF tokens and write times."""
    body = TOKEN.sub('name="csrf_token" value="TOKEN"', body)
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "TIME", body)


class Client:
    """A browser's cookie jar over harness.request, for one port."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def send(self, method, path, form=None, json_body=None, headers=()):
        headers = list(headers)
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers.append(("Content-Type",
                            "application/x-www-form-urlencoded"))
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            headers.append(("Content-Type", "application/json"))
        if self.cookies:
            headers.append(("Cookie", "; ".join(
                "%s=%s" % kv for kv in self.cookies.items())))
        status, hdrs, data = request(self.port, method, path, body, headers)
        for c in header(hdrs, "Set-Cookie"):
            name, _, rest = c.partition("=")
            value = rest.split(";")[0]
            if value in ("", '""') or "Max-Age=0" in c:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return Answer(status, header(hdrs, "Location"),
                      header(hdrs, "Content-Type"), data)

    def token(self, path="/login"):
        """The CSRF token of the form at path."""
        a = self.send("GET", path)
        assert a.status == 200, a
        return TOKEN.search(a.text).group(1)

    def login(self):
        a = self.send("POST", "/login", form={
            "csrf_token": self.token(), "user": USER, "password": PASSWORD})
        assert a.status == 302, a
        return a


class TwinClient:
    """The same calls on the Flask twin's test client."""

    def __init__(self, client):
        self.c = client

    def send(self, method, path, form=None, json_body=None, headers=()):
        r = self.c.open(path, method=method, data=form, json=json_body,
                        headers=list(headers))
        loc = [r.headers["Location"]] if "Location" in r.headers else []
        return Answer(r.status_code, loc, [r.headers["Content-Type"]],
                      r.get_data())

    token = Client.token
    login = Client.login


class Answer:
    def __init__(self, status, location, content_type, data):
        self.status = status
        self.location = location
        self.content_type = content_type
        self.data = data
        self.text = data.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.data)

    def same(self):
        """What the twin must answer alike (nginx sends a 204 without a
        Content-Type, whatever the app says)."""
        return (self.status, self.location,
                self.content_type if self.status != 204 else [],
                masked(self.text))

    def __repr__(self):
        return "<%d %s %s>" % (self.status, self.location, self.text[:300])
