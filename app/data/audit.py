"""The audit log's rows: added to the caller's transaction, never committed here."""
from __future__ import annotations

from app.extensions import db
from app.models import AuditEvent


def add(action: str, actor_id: int | None, target_person_id: int | None, detail: dict) -> AuditEvent:
    event = AuditEvent(actor_id=actor_id, action=action, target_person_id=target_person_id, detail=detail)
    db.session.add(event)
    return event
