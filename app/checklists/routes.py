"""Checklist routes."""
from app.checklists import bp  # noqa: F401
