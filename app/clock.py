"""Today's date and the time, in one place so that tests can set them.

Tests set app.config["TODAY"] (a date) to check refresher rules on any day.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import current_app, has_app_context


def today() -> date:
    if has_app_context() and current_app.config.get("TODAY"):
        return current_app.config["TODAY"]
    return date.today()


def now() -> datetime:
    """Naive UTC, as stored in the database."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def timestamp(moment: datetime | None = None) -> int:
    """Seconds since the epoch for a naive UTC time (now by default)."""
    return int((moment or now()).replace(tzinfo=timezone.utc).timestamp())
