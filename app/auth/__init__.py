from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    sso.init_app(app)


from app.auth import routes, sso  # noqa: E402,F401
