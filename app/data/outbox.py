"""The outbox: every email the service sent (shown to officers in demo mode)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage


def add(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Keep the email (not committed: it is saved with the action that sent it)."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    return message


def latest(limit: int = 100) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))
