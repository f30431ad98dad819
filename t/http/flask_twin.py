"""t/apps/fwapp.c written for Flask (Debian's python3-flask): the reference
the framework's HTTP tests compare against."""

from flask import (Blueprint, Flask, abort, flash, get_flashed_messages,
                   jsonify, redirect, render_template_string, request,
                   session, url_for)


def make_app():
    app = Flask("fwapp")
    app.config["SECRET_KEY"] = "twin-secret"

    def text(s, status=200):
        return app.response_class(s, status=status,
                                  mimetype="text/plain")

    @app.route("/")
    def index():
        return text("index")

    def conv(**kw):
        return jsonify(kw)

    app.add_url_rule("/conv/int/<int:n>", "conv_int", conv)
    app.add_url_rule("/conv/float/<float:x>", "conv_float", conv)
    app.add_url_rule("/conv/path/<path:p>", "conv_path", conv)
    app.add_url_rule("/conv/uuid/<uuid:u>", "conv_uuid",
                     lambda u: jsonify(u=str(u)))
    app.add_url_rule("/conv/any/<any(red,green):c>", "conv_any", conv)
    app.add_url_rule("/conv/str/<s>", "conv_str", conv)
    app.add_url_rule("/conv/range/<int(min=1,max=10):n>", "conv_range", conv)

    @app.route("/slash/")
    def slash():
        return text("slash")

    @app.get("/methods")
    def methods_get():
        return text("get")

    @app.post("/methods")
    def methods_post():
        return text("post")

    @app.route("/args")
    def args():
        return jsonify(request.args.to_dict(flat=False))

    @app.post("/form")
    def form():
        files = {k: {"filename": f.filename, "content_type": f.content_type,
                     "data": f.read().decode()}
                 for k, f in request.files.items()}
        return jsonify(form=request.form.to_dict(flat=False), files=files)

    @app.post("/json", endpoint="json")
    def json_():
        return jsonify(got=request.get_json())

    @app.route("/cookies")
    def cookies():
        return jsonify(request.cookies.to_dict(flat=False))

    @app.route("/headers")
    def headers():
        return jsonify(token=request.headers.get("x-token"),
                       missing=request.headers.get("X-MISSING") is None,
                       remote_addr=request.remote_addr)

    @app.route("/redirect", endpoint="redirect")
    def redirect_():
        return redirect("/target")

    @app.route("/redirect301")
    def redirect301():
        return redirect("https://example.org/x?a=1&b=2", 301)

    @app.route("/abort/<int:code>", endpoint="abort")
    def abort_(code):
        abort(code)

    @app.route("/setcookie")
    def setcookie():
        r = text("cookies set")
        r.set_cookie("plain", "1")
        r.set_cookie("full", "a value; with, specials", max_age=3600,
                     path="/app", domain="example.org", secure=True,
                     httponly=True, samesite="Lax")
        return r

    @app.route("/delcookie")
    def delcookie():
        r = text("cookie deleted")
        r.delete_cookie("plain")
        return r

    @app.route("/session/set")
    def session_set():
        for k, v in request.args.items():
            session[k] = v
        return text("stored")

    @app.route("/session/get")
    def session_get():
        return jsonify(dict(session))

    @app.route("/flash/add")
    def flash_add():
        flash(request.args["m"], request.args.get("c", "message"))
        return text("flashed")

    @app.route("/flash/show")
    def flash_show():
        return jsonify(get_flashed_messages(with_categories=True))

    @app.route("/urlfor")
    def urlfor():
        return jsonify(a=url_for("conv_int", n=42),
                       b=url_for("conv_int", n=7, q="a b&c"),
                       c=url_for("conv_path", p="dir/f i le.txt"),
                       d=url_for("bp.hello"),
                       e=url_for("conv_str", s="caf\u00e9"))

    @app.route("/teapot")
    def teapot():
        abort(418)

    @app.errorhandler(418)
    def app_418_fails(e):
        raise RuntimeError("the 418 handler fails")

    @app.route("/badheader")
    def badheader():
        r = text("should not get here")
        r.headers["X-Injected"] = "a\r\nSet-Cookie: evil=1"
        return r

    @app.route("/urlfor/extras")
    def urlfor_extras():
        return jsonify(a=url_for("conv_int", n=2, _anchor="a b#c"),
                       b=url_for("conv_int", n=3, _external=True),
                       c=url_for("conv_int", n=4, _external=True,
                                 _scheme="https"),
                       d=url_for("conv_int", n=5, _method="GET", q="x"))

    @app.route("/urlfor/extras/page")
    def urlfor_extras_page():
        return render_template_string(
            "{{ url_for('conv_int', n=2, _anchor='a b#c') }}\n"
            "{{ url_for('conv_int', n=3, _external=True) }}\n"
            "{{ url_for('conv_int', n=4, _external=True, _scheme='https') }}\n"
            "{{ url_for('conv_int', n=5, _method='GET', q='x') }}\n"
            "{{ url_for('bp.hello', _anchor=7) }}\n")

    @app.route("/urlfor/missing")
    def urlfor_missing():
        return text(url_for("conv_int"))

    @app.route("/urlfor/lead")
    def urlfor_lead():
        return url_for("lead", lead=request.args.get("v", ""))

    @app.route("/<lead>/lead-end")
    def lead(lead):
        return url_for("lead", lead=lead)

    @app.route("/fail")
    @app.route("/fail/<p>", endpoint="fail_path")
    def fail(p=None):
        raise RuntimeError("the database is on fire (fwapp)")

    @app.after_request
    def app_after(r):
        r.headers["X-App-After"] = "1"
        return r

    @app.errorhandler(404)
    def app_404(e):
        return text("app 404", 404)

    bp = Blueprint("bp", "fwapp", url_prefix="/bp")

    @bp.route("/hello")
    def hello():
        return text("hello from bp")

    @bp.route("/missing")
    def missing():
        abort(404)

    @bp.before_request
    def bp_before():
        if "stop" in request.args:
            return text("stopped by before_request", 403)

    @bp.after_request
    def bp_after(r):
        r.headers["X-BP-After"] = "1"
        return r

    @bp.errorhandler(404)
    def bp_404(e):
        return jsonify(bp="not found"), 404

    app.register_blueprint(bp)
    return app
