import logging

from flask import g, render_template
from markupsafe import escape
from flask_wtf.csrf import CSRFError

from app.extensions import db, login_manager
from app.main import bp

MESSAGES = {
    400: ("There is a problem with your request", "Something in what was sent was not right. Go back and try again."),
    403: ("You do not have permission to see this page", "This page is for democratic services officers. "
          "If you think you should see it, contact democratic services."),
    404: ("Page not found", "If you typed the web address, check it is correct. "
                            "If you pasted it, check you copied all of it."),
    405: ("There is a problem with your request", "That page cannot be used in that way."),
    413: ("The file is too large", "Choose a smaller file and try again."),
    429: ("Too many attempts", "You have tried too many times in a short while. Wait a minute, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later. What you had saved before this is safe."),
}


def _page(code: int, detail: str | None = None):
    title, body = MESSAGES.get(code, MESSAGES[500])
    return render_template("main/error.html", title=title, body=detail or body, code=code), code


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    return _page(400, "The form had expired or was sent from somewhere else. Go back, reload the page and try again.")


@bp.app_errorhandler(400)
@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
@bp.app_errorhandler(413)
@bp.app_errorhandler(429)
def client_error(error):
    return _page(error.code)


@bp.app_errorhandler(500)
def server_error(error):
    # Often the database is the problem: this page must not need it (security review, HIGH-1).
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone; the page matters more
        logging.getLogger(__name__).warning("rollback failed while showing the error page")
    # Drawn as for a visitor: loading (or refreshing, after the rollback) the signed-in person
    # would need the database again.
    g._login_user = login_manager.anonymous_user()
    try:
        return _page(500)
    except Exception:  # noqa: BLE001 - a plain page rather than an error escaping to gunicorn
        logging.getLogger(__name__).exception("the error page could not be drawn")
        title, body = MESSAGES[500]
        return (f"<!DOCTYPE html><html lang=\"en-GB\"><title>{escape(title)}</title>"
                f"<h1>{escape(title)}</h1><p>{escape(body)}</p></html>"), 500
