from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    pass


from app.auth import routes  # noqa: E402,F401
