"""The levels 1-3 responsibility checklists and the member's action plan."""
from flask import Blueprint

bp = Blueprint("checklists", __name__)

from app.checklists import routes  # noqa: E402,F401
