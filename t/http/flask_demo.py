"""The demo site written for Flask, over the same templates/ and the same
kind of SQLite database: the reference its HTML and JSON must match (byte
for byte, but for CSRF tokens and the times notes are written)."""

import json
import os
import re
import secrets
import sqlite3

from flask import (Blueprint, Flask, abort, flash, jsonify, redirect,
                   render_template, request, session, url_for)
from werkzeug.security import check_password_hash

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE notes (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  title   TEXT NOT NULL,
  body    TEXT NOT NULL,
  created TEXT NOT NULL,
  tags    TEXT NOT NULL DEFAULT '[]');
"""

TAG = re.compile(r"[a-z0-9-]{1,32}\Z")
SPACE = " \t\n\r\f\v"


def create_db(path, notes_json):
    """What app/notes_sqlite.c makes from data/notes.json."""
    with open(notes_json) as f:
        notes = json.load(f)
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.executemany("INSERT INTO notes (id, title, body, tags, created) "
                   "VALUES (?, ?, ?, ?, ?)",
                   [(n["id"], n["title"], n["body"],
                     json.dumps(n["tags"], separators=(",", ":"),
                                ensure_ascii=False), n["created"])
                    for n in notes])
    db.commit()
    db.close()


def clean(fields, partial, errors):
    """app/note_fields.c's rules."""
    for key, label, most in (("title", "Title", 200),
                             ("body", "Body", 10000)):
        if key not in fields:
            if not partial:
                errors[key] = "%s is required." % label
            continue
        fields[key] = fields[key].strip(SPACE)
        if not fields[key]:
            errors[key] = "%s is required." % label
        elif len(fields[key]) > most:
            errors[key] = "%s must be at most %d characters." % (label, most)
    if "tags" not in fields:
        if not partial:
            fields["tags"] = []
        return errors
    tags = []
    for t in fields["tags"]:
        if not TAG.match(t):
            errors["tags"] = ("Tags are lowercase letters, digits and "
                              "dashes, at most 32 characters each.")
            break
        if t not in tags:
            tags.append(t)
    if "tags" not in errors and len(tags) > 8:
        errors["tags"] = "At most 8 tags."
    fields["tags"] = tags
    return errors


def make_app(db_path, user=None, password_hash=None, secret="twin"):
    app = Flask("demo", root_path=ROOT, template_folder="templates",
                static_folder="static")
    app.secret_key = secret
    if not os.path.exists(db_path):
        create_db(db_path, os.path.join(ROOT, "data", "notes.json"))

    def db():
        c = sqlite3.connect(db_path)
        c.row_factory = sqlite3.Row
        return c

    def as_note(r):
        return {"id": r["id"], "title": r["title"], "body": r["body"],
                "created": r["created"], "tags": json.loads(r["tags"])}

    def list_notes(tag=None):
        with db() as c:
            rows = c.execute("SELECT * FROM notes ORDER BY id").fetchall()
        notes = [as_note(r) for r in rows]
        return notes if tag is None else [n for n in notes
                                          if tag in n["tags"]]

    def find(id):
        with db() as c:
            r = c.execute("SELECT * FROM notes WHERE id = ?",
                          (id,)).fetchone()
        return as_note(r) if r else None

    def all_tags():
        return sorted({t for n in list_notes() for t in n["tags"]})

    def write(sql, args):
        with db() as c:
            cur = c.execute(sql, args)
            return cur.lastrowid, cur.rowcount

    def create(f):
        return write("INSERT INTO notes (title, body, tags, created) VALUES "
                     "(?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                     (f["title"], f["body"], json.dumps(f["tags"])))[0]

    def update(id, f):
        tags = json.dumps(f["tags"]) if "tags" in f else None
        return write("UPDATE notes SET title = coalesce(?, title), body = "
                     "coalesce(?, body), tags = coalesce(?, tags) WHERE id "
                     "= ?", (f.get("title"), f.get("body"), tags, id))[1]

    def delete(id):
        return write("DELETE FROM notes WHERE id = ?", (id,))[1]

    def logged_in():
        return user is not None and session.get("user") == user

    def csrf_token():
        if "csrf_token" not in session:
            session["csrf_token"] = secrets.token_hex(20)
        return session["csrf_token"]

    def csrf_check():
        sent = request.form.get("csrf_token")
        if not sent:
            abort(400, "The CSRF token is missing.")
        if "csrf_token" not in session:
            abort(400, "The CSRF session token is missing.")
        if not secrets.compare_digest(sent, session["csrf_token"]):
            abort(400, "The CSRF tokens do not match.")

    def password_ok(u, p):
        return (user is not None and u == user
                and check_password_hash(password_hash, p))

    def login():
        csrf_token()
        session["user"] = user

    def to_login():
        return redirect(url_for("auth.login",
                                next=request.script_root + request.path))

    # ---- pages ----

    pages = Blueprint("pages", "demo")

    @pages.route("/")
    def index():
        return render_template("index.html", notes=list_notes(),
                               tags=all_tags())

    @pages.route("/notes/<int:id>")
    def note(id):
        n = find(id)
        if n is None:
            abort(404)
        return render_template("note.html", note=n, tags=all_tags())

    @pages.route("/tags/<tag>")
    def tag(tag):
        tagged = list_notes(tag)
        if not tagged:
            abort(404)
        return render_template("index.html", notes=tagged, tags=all_tags(),
                               heading="Notes tagged #" + tag)

    def form_page(n):
        csrf_token()
        errors = {}
        if request.method != "POST":
            form = {"title": n["title"] if n else "",
                    "body": n["body"] if n else "",
                    "tags": ", ".join(n["tags"]) if n else ""}
        else:
            csrf_check()
            form = {k: request.form.get(k, "")
                    for k in ("title", "body", "tags")}
            fields = {"title": form["title"], "body": form["body"],
                      "tags": [t for t in re.split("[,%s]+" % SPACE,
                                                   form["tags"]) if t]}
            if not clean(fields, False, errors):
                if n is None:
                    create(fields)
                    flash("Note created.")
                    return redirect(url_for("pages.index"))
                update(n["id"], fields)
                flash("Note saved.")
                return redirect(url_for("pages.note", id=n["id"]))
        return render_template("note_form.html", form=form, errors=errors,
                               note=n, tags=all_tags())

    @pages.route("/notes/new", methods=["GET", "POST"])
    def new_note():
        if not logged_in():
            return to_login()
        return form_page(None)

    @pages.route("/notes/<int:id>/edit", methods=["GET", "POST"])
    def edit_note(id):
        if not logged_in():
            return to_login()
        n = find(id)
        if n is None:
            abort(404)
        return form_page(n)

    @pages.route("/notes/<int:id>/delete", methods=["POST"])
    def delete_note(id):
        if not logged_in():
            return to_login()
        csrf_check()
        if not delete(id):
            abort(404)
        flash("Note deleted.")
        return redirect(url_for("pages.index"))

    # ---- login ----

    auth = Blueprint("auth", "demo")

    @auth.route("/login", methods=["GET", "POST"], endpoint="login")
    def login_page():
        csrf_token()
        if request.method != "POST":
            return render_template("login.html",
                                   next=request.args.get("next", ""),
                                   user="", tags=all_tags())
        csrf_check()
        u = request.form.get("user", "")
        nxt = request.form.get("next", "")
        if not password_ok(u, request.form.get("password", "")):
            return render_template("login.html", next=nxt, user=u,
                                   error="Wrong user or password.",
                                   tags=all_tags())
        login()
        flash("You are logged in.")
        if not (nxt.startswith("/") and nxt[1:2] not in ("/", "\\")):
            nxt = url_for("pages.index")
        return redirect(nxt)

    @auth.route("/logout", methods=["GET", "POST"])
    def logout():
        if request.method != "POST":
            csrf_token()
            return render_template("logout.html", tags=all_tags())
        csrf_check()
        session.pop("user", None)
        flash("You are logged out.")
        return redirect(url_for("pages.index"))

    # ---- the API ----

    api = Blueprint("api", "demo", url_prefix="/api")

    @api.before_request
    def need_login():
        if (request.method not in ("GET", "HEAD", "OPTIONS")
                and request.endpoint not in ("api.login", "api.echo")
                and not logged_in()):
            abort(401, "login required")

    @api.route("/notes/", endpoint="list_notes")
    def list_notes_api():
        return jsonify(list_notes(request.args.get("tag")))

    @api.route("/notes/<int:id>")
    def get_note(id):
        n = find(id)
        if n is None:
            abort(404, "note %d not found" % id)
        return jsonify(n)

    @api.route("/echo", methods=["POST"])
    def echo():
        return jsonify(request.get_json())

    @api.route("/login", methods=["POST"], endpoint="login")
    def login_api():
        body = request.get_json()
        u, p = body.get("user"), body.get("password")
        if not isinstance(u, str) or not isinstance(p, str):
            abort(400, 'expected {"user": string, "password": string}')
        if not password_ok(u, p):
            abort(401, "wrong user or password")
        login()
        return jsonify(user=u)

    def fields(partial):
        body = request.get_json()
        if not isinstance(body, dict):
            abort(400, "expected a JSON object")
        f = {}
        for k, v in body.items():
            if k not in ("title", "body", "tags"):
                continue
            if not (isinstance(v, str) if k != "tags" else
                    isinstance(v, list)
                    and all(isinstance(t, str) for t in v)):
                abort(400, "title and body must be strings, tags an array "
                      "of strings")
            f[k] = v
        errors = clean(f, partial, {})
        if errors:
            r = jsonify(error="invalid note", errors=errors)
            r.status_code = 422
            abort(r)
        return f

    @api.route("/notes/", methods=["POST"])
    def create_note():
        id = create(fields(False))
        return jsonify(find(id)), 201, {"Location": url_for("api.get_note",
                                                              id=id)}

    @api.route("/notes/<int:id>", methods=["PUT", "PATCH"])
    def update_note(id):
        if not update(id, fields(request.method == "PATCH")):
            abort(404, "note %d not found" % id)
        return jsonify(find(id))

    @api.route("/notes/<int:id>", methods=["DELETE"],
               endpoint="delete_note")
    def delete_note_api(id):
        if not delete(id):
            abort(404, "note %d not found" % id)
        return "", 204

    for code in (400, 401, 404, 405, 413, 415, 500):
        api.register_error_handler(
            code, lambda e: (jsonify(error=e.description), e.code))

    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.register_blueprint(auth)
    @app.errorhandler(404)
    @app.errorhandler(405)
    def not_found(e):
        if request.path.startswith("/api/"):
            return jsonify(error=e.description), e.code
        if e.code == 405:
            return e
        return render_template("404.html", tags=all_tags()), 404

    return app
