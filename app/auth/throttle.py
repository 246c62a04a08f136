"""Account-level sign-in throttling, kept in the database so every app process shares it.

After MAX_FAILURES wrong attempts within WINDOW the account is locked for LOCK_FOR. Each step is
one UPDATE evaluated by the database, never a read-modify-write in Python, so that concurrent
wrong attempts (several workers, several threads) cannot lose a count and slip past the lock.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, or_, update

from app.extensions import db
from app.models import Person

MAX_FAILURES = 10
WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)


def is_locked(person: Person, now: datetime) -> bool:
    return person.locked_until is not None and person.locked_until > now


def record_failure(person_id: int, now: datetime) -> bool:
    """Count one failed sign-in; lock the account at the limit. True if this attempt locked it.

    Runs in the caller's transaction; the caller commits.
    """
    window_over = or_(Person.first_failed_at.is_(None), Person.first_failed_at < now - WINDOW)
    db.session.execute(
        update(Person).where(Person.id == person_id).values(
            # Both right-hand sides read the row as it was before this UPDATE.
            failed_sign_ins=case((window_over, 1), else_=Person.failed_sign_ins + 1),
            first_failed_at=case((window_over, now), else_=Person.first_failed_at),
        ).execution_options(synchronize_session=False))
    # A separate conditional UPDATE in the same transaction: the row is already write-locked by the
    # first one, and rowcount tells exactly one attempt that it was the one that locked the account.
    locked = db.session.execute(
        update(Person).where(
            Person.id == person_id,
            Person.failed_sign_ins >= MAX_FAILURES,
            or_(Person.locked_until.is_(None), Person.locked_until <= now),
        ).values(locked_until=now + LOCK_FOR).execution_options(synchronize_session=False))
    return locked.rowcount == 1


def clear(person_id: int) -> None:
    """A successful sign-in, an unlock or a new password: start counting afresh."""
    db.session.execute(
        update(Person).where(Person.id == person_id, or_(
            Person.failed_sign_ins != 0, Person.first_failed_at.is_not(None),
            Person.locked_until.is_not(None),
        )).values(failed_sign_ins=0, first_failed_at=None, locked_until=None)
        .execution_options(synchronize_session=False))

