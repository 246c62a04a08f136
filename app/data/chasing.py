"""Reminders officers send from the officer pages, and a member's history of officer actions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Councillor, Person, ReminderSent, utcnow


def last_reminders(member_ids=None) -> dict[int, datetime]:
    """When each member was last sent a reminder (by cron or by an officer)."""
    query = select(ReminderSent.person_id, func.max(ReminderSent.sent_at)).group_by(ReminderSent.person_id)
    if member_ids is not None:
        ids = list(member_ids)
        if not ids:
            return {}
        query = query.where(ReminderSent.person_id.in_(ids))
    return dict(db.session.execute(query).all())


def record_reminder_sent(member_id: int, step: str) -> None:
    # The officer's reminders use their own step (with the time), so the weekly cron still runs.
    db.session.add(ReminderSent(person_id=member_id, step=step, sent_at=utcnow()))


def chaseable_members(member_ids) -> dict[int, Councillor]:
    ids = list(member_ids)
    if not ids:
        return {}
    return {m.id: m for m in db.session.scalars(
        select(Councillor).where(Councillor.id.in_(ids), Councillor.active.is_(True),
                                 Councillor.erased_at.is_(None)))}


def emails(member_ids) -> dict[int, str | None]:
    ids = list(member_ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Councillor.id, Councillor.email).where(Councillor.id.in_(ids))).all())


def member_history(member_id: int, limit: int = 50) -> tuple[list[AuditEvent], dict[int, str]]:
    """The newest officer actions and events on one member's record, and the actors' names."""
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.target_person_id == member_id)
                                     .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)))
    ids = {e.actor_id for e in events if e.actor_id is not None}
    names = dict(db.session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all()) if ids else {}
    return events, names


def commit() -> None:
    db.session.commit()


def rollback() -> None:
    db.session.rollback()
