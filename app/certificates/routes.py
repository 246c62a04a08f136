"""Certificate routes."""
from app.certificates import bp  # noqa: F401
