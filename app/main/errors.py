from flask import render_template
from flask_wtf.csrf import CSRFError

from app.extensions import db
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
    db.session.rollback()
    return _page(500)
