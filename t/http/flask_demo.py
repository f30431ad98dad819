"""The demo site's pages written for Flask, over the same templates/ and
data/notes.json: the reference its HTML must match byte for byte."""

import json
import os

from flask import Flask, abort, render_template

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def make_app():
    app = Flask("demo", root_path=ROOT, template_folder="templates",
                static_folder="static")
    with open(os.path.join(ROOT, "data", "notes.json")) as f:
        notes = json.load(f)
    tags = sorted({t for n in notes for t in n["tags"]})
    byid = {n["id"]: n for n in notes}

    @app.route("/", endpoint="pages.index")
    def index():
        return render_template("index.html", notes=notes, tags=tags)

    @app.route("/notes/<int:id>", endpoint="pages.note")
    def note(id):
        if id not in byid:
            abort(404)
        return render_template("note.html", note=byid[id], tags=tags)

    @app.route("/tags/<tag>", endpoint="pages.tag")
    def tag(tag):
        tagged = [n for n in notes if tag in n["tags"]]
        if not tagged:
            abort(404)
        return render_template("index.html", notes=tagged, tags=tags,
                               heading="Notes tagged #" + tag)

    # the API's URLs, for url_for (its answers are tested elsewhere)
    app.add_url_rule("/api/notes/", "api.list_notes", lambda: "")
    app.add_url_rule("/api/notes/<int:id>", "api.get_note", lambda id: "")

    @app.errorhandler(404)
    def not_found(e):
        return render_template("404.html", tags=tags), 404

    return app
