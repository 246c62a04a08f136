"""Scenario routes."""
from app.scenarios import bp  # noqa: F401
