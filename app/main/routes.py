from flask import redirect, render_template
from flask_login import current_user

from app.auth.access import public
from app.auth.routes import home_for
from app.main import bp


@bp.route("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return render_template("main/index.html")


@bp.route("/sources")
@public
def sources():
    return render_template("main/sources.html")


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("main/accessibility.html")


@bp.route("/privacy")
@public
def privacy():
    return render_template("main/privacy.html")


@bp.route("/healthz")
@public
def healthz():
    return {"status": "ok"}
