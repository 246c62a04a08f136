"""Checklist answers: writes the action plan needs beyond saving an answer."""
from __future__ import annotations

from datetime import date

from sqlalchemy import update

from app.extensions import db
from app.models import ChecklistAnswer


def mark_action_done(person_id: int, question_id: str, done_on: date | None) -> bool:
    """Mark the member's own action done (or not done again); False if they have no such action."""
    result = db.session.execute(
        update(ChecklistAnswer)
        .where(ChecklistAnswer.person_id == person_id, ChecklistAnswer.question_id == question_id,
               ChecklistAnswer.action.is_not(None))
        .values(action_done_on=done_on).execution_options(synchronize_session=False))
    db.session.commit()
    return bool(getattr(result, "rowcount", 0))
