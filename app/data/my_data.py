"""A member's own training data, for them to download (the right of access, UK GDPR article 15).

Only rows whose person_id is the member's own: every query below filters on it.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from app.extensions import db
from app.models import (ROLE_LABELS, AuditEvent, Certificate, ChangesAcknowledgement, ChecklistAnswer,
                        Councillor, ModuleRead, QuizAttempt, ReminderSent, ScenarioRun)


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _row(obj, names: tuple[str, ...]) -> dict:
    return {name: _plain(getattr(obj, name)) for name in names}


def _rows(model, person_id: int, names: tuple[str, ...], order) -> list[dict]:
    query = select(model).where(model.person_id == person_id).order_by(order)
    return [_row(obj, names) for obj in db.session.scalars(query)]


def member_data(member: Councillor, council_name: str) -> dict:
    pid = member.id
    return {
        "about": f"Your training data held by {council_name}, as at the time you downloaded it.",
        "you": {
            **_row(member, ("id", "name", "email", "ward", "party", "elected_on", "created_at",
                            "invited_at", "last_signed_in_at")),
            "roles": [{"role": r.role, "label": ROLE_LABELS.get(r.role, r.role),
                       "assigned_on": _plain(r.assigned_on)} for r in member.roles],
        },
        "modules_read": _rows(ModuleRead, pid, ("module_id", "read_at"), ModuleRead.read_at),
        "quiz_attempts": _rows(QuizAttempt, pid, ("quiz", "status", "question_ids", "answers",
                                                  "score_percent", "passed", "pass_mark",
                                                  "started_at", "submitted_at"), QuizAttempt.id),
        "dilemma_runs": _rows(ScenarioRun, pid, ("scenario_id", "status", "path", "ending_node",
                                                 "reflection", "started_at", "finished_at"),
                              ScenarioRun.id),
        "checklist_answers": _rows(ChecklistAnswer, pid, ("level", "question_id", "answer", "note",
                                                          "action", "priority", "by_when",
                                                          "who_can_help", "updated_at"),
                                   ChecklistAnswer.question_id),
        "certificates": _rows(Certificate, pid, ("pathway_id", "level", "completed_on",
                                                 "refresher_due", "score_percent", "code", "how",
                                                 "issued_at", "revoked_at", "revoked_reason"),
                              Certificate.completed_on),
        "changes_read": _rows(ChangesAcknowledgement, pid, ("certificate_id", "acknowledged_at"),
                              ChangesAcknowledgement.acknowledged_at),
        "reminders_sent": _rows(ReminderSent, pid, ("step", "sent_at"), ReminderSent.sent_at),
        # What officers did to your record: the action and when, not which officer.
        "record_changes": [{"action": e.action, "at": _plain(e.at)} for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.target_person_id == pid).order_by(AuditEvent.at))],
    }
