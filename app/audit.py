"""The audit log: officer actions and security events, recorded with the change they describe.

record() adds to the caller's transaction, so an action and its audit entry are saved together or
not at all. Detail holds ids and counts, never passwords, tokens or free-text personal data.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app, has_request_context
from flask_login import current_user

from app.data import audit as audit_data

if TYPE_CHECKING:
    from app.models import AuditEvent


def record(action: str, target_person_id: int | None = None, actor_id: int | None = None,
           **detail) -> AuditEvent:
    if actor_id is None and has_request_context() and current_user.is_authenticated:
        actor_id = current_user.id
    event = audit_data.add(action, actor_id, target_person_id, detail)
    current_app.logger.info("audit action=%s actor_id=%s target_id=%s", action, actor_id,
                            target_person_id)
    return event
