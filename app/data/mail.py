"""The mail queue and the outbox: every email the service sends is a row here first."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CursorResult, delete, func, or_, select

from app.extensions import db
from app.models import OutboxMessage


def add(recipient: str, subject: str, body: str, person_id: int | None, kind: str = "general") -> OutboxMessage:
    """Queue one email in the caller's transaction: it is saved with the change it tells about."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, person_id=person_id, kind=kind)
    db.session.add(message)
    return message


def get(message_id: int) -> OutboxMessage | None:
    return db.session.get(OutboxMessage, message_id)


def undelivered_ids(limit: int) -> list[int]:
    return list(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.delivered_at.is_(None))
                                   .order_by(OutboxMessage.id).limit(limit)))


def mark_delivered(message: OutboxMessage, when: datetime, body: str | None = None,
                   by_smtp: bool = False) -> None:
    message.delivered_at = when
    message.sent_by_smtp = by_smtp
    if body is not None:
        message.body = body


def latest(limit: int = 100) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))


def delete_for_person(person_id: int, addresses: set[str]) -> int:
    """Every email to or about a person: by their id, and by every address they have held."""
    conditions = [OutboxMessage.person_id == person_id]
    if addresses:
        conditions.append(OutboxMessage.recipient.in_(sorted(addresses)))
    result: CursorResult = db.session.execute(delete(OutboxMessage).where(or_(*conditions)))  # type: ignore[assignment]
    return result.rowcount


def any_for_person(person_id: int, addresses: set[str]) -> bool:
    conditions = [OutboxMessage.person_id == person_id]
    if addresses:
        conditions.append(OutboxMessage.recipient.in_(sorted(addresses)))
    return db.session.scalar(select(OutboxMessage.id).where(or_(*conditions)).limit(1)) is not None


def _not_sent():
    # Tried at least once and still not delivered: what officers must hear about.
    return (OutboxMessage.delivered_at.is_(None), OutboxMessage.attempts > 0)


def not_sent(limit: int = 200) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(*_not_sent())
                                   .order_by(OutboxMessage.id.desc()).limit(limit)))


def count_not_sent() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(*_not_sent())) or 0
