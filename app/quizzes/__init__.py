"""'Test your knowledge': module quizzes and the assessment."""
from flask import Blueprint

bp = Blueprint("quizzes", __name__)

from app.quizzes import routes  # noqa: E402,F401
