"""Quiz routes (see issue: scored quizzes that teach)."""
from app.quizzes import bp  # noqa: F401
