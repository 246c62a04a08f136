"""Counters for the sign-in and reset limits, in the database so every process shares them.

Each step is one statement evaluated by the database (an upsert), never a read-modify-write in
Python, so concurrent attempts from several workers cannot lose a count.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import CursorResult, case, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import Throttle


def hit(key: str, window: timedelta, now: datetime) -> int:
    """Count one attempt against key; the count within the current window, this one included."""
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    window_over = Throttle.window_started_at < now - window
    upsert = insert(Throttle).values(key=key, count=1, window_started_at=now).on_conflict_do_update(
        index_elements=[Throttle.key],
        # Both right-hand sides read the row as it was before this statement.
        set_={"count": case((window_over, 1), else_=Throttle.count + 1),
              "window_started_at": case((window_over, now), else_=Throttle.window_started_at)},
    )
    return db.session.execute(upsert.returning(Throttle.count)).scalar_one()


def count(key: str, window: timedelta, now: datetime) -> int:
    return db.session.scalar(select(Throttle.count).where(
        Throttle.key == key, Throttle.window_started_at >= now - window)) or 0


def clear(key: str) -> None:
    db.session.execute(delete(Throttle).where(Throttle.key == key))


def clear_ending(suffix: str, prefix: str) -> None:
    """Every counter whose key starts with prefix and ends with suffix (one account, any address)."""
    db.session.execute(delete(Throttle).where(Throttle.key.startswith(prefix, autoescape=True),
                                              Throttle.key.endswith(suffix, autoescape=True)))


def forget_older_than(when: datetime) -> int:
    result: CursorResult = db.session.execute(  # type: ignore[assignment]
        delete(Throttle).where(Throttle.window_started_at < when))
    return result.rowcount
