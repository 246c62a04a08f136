from flask import Blueprint

bp = Blueprint("officers", __name__, url_prefix="/officers")

from app.officers import routes  # noqa: E402,F401
