"""Members' checklist answers: one row per member and question, and the action plan's writes."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import bindparam, select, update

from app.extensions import db
from app.models import ChecklistAnswer


def find(person_id: int, question_id: str) -> ChecklistAnswer | None:
    return db.session.scalar(select(ChecklistAnswer).where(
        ChecklistAnswer.person_id == person_id, ChecklistAnswer.question_id == question_id))


def new_answer(person_id: int, question_id: str) -> ChecklistAnswer:
    """A new row in the session (not committed); the caller fills it in and commits."""
    row = ChecklistAnswer(person_id=person_id, question_id=question_id)
    db.session.add(row)
    return row


# Built once: My training runs it on every visit, and building it costs about as much as running it.
_MEMBERS_ANSWERS = select(ChecklistAnswer).where(ChecklistAnswer.person_id == bindparam("person_id"))


def for_member(person_id: int) -> list[ChecklistAnswer]:
    return list(db.session.scalars(_MEMBERS_ANSWERS, {"person_id": person_id}))


def answered_question_ids(person_id: int, question_ids: Iterable[str]) -> set[str]:
    return set(db.session.scalars(select(ChecklistAnswer.question_id).where(
        ChecklistAnswer.person_id == person_id, ChecklistAnswer.question_id.in_(list(question_ids)))))


def mark_action_done(person_id: int, question_id: str, done_on: date | None) -> bool:
    """Mark the member's own action done (or not done again); False if they have no such action."""
    result = db.session.execute(
        update(ChecklistAnswer)
        .where(ChecklistAnswer.person_id == person_id, ChecklistAnswer.question_id == question_id,
               ChecklistAnswer.action.is_not(None))
        .values(action_done_on=done_on).execution_options(synchronize_session=False))
    db.session.commit()
    return bool(getattr(result, "rowcount", 0))
