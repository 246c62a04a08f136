"""Saving a member's answer to one checklist question: one row per person and question, ever."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.content.checklists import Checklist, ChecklistQuestion
from app.extensions import db
from app.models import ChecklistAnswer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    """What the member gave for one question, already checked by the form."""

    answer: str
    note: str | None = None
    action: str | None = None
    priority: str | None = None
    by_when: date | None = None
    who_can_help: str | None = None


def _find(person_id: int, question_id: str) -> ChecklistAnswer | None:
    return db.session.scalar(select(ChecklistAnswer).where(
        ChecklistAnswer.person_id == person_id, ChecklistAnswer.question_id == question_id))


def _apply(row: ChecklistAnswer, level: int, entry: Entry) -> None:
    row.level = level
    row.answer = entry.answer
    row.note = entry.note
    # An answer of "yes" without an action keeps no leftover action from an earlier answer.
    has_action = bool(entry.action)
    if row.action != (entry.action if has_action else None):
        row.action_done_on = None   # a new or changed action is not done yet
    row.action = entry.action if has_action else None
    row.priority = entry.priority if has_action else None
    row.by_when = entry.by_when if has_action else None
    row.who_can_help = entry.who_can_help if has_action else None


def save_answer(person_id: int, checklist: Checklist, question: ChecklistQuestion,
                entry: Entry) -> ChecklistAnswer:
    """Save the answer in one transaction; saving again (or from two tabs) updates the one row."""
    for attempt in (1, 2):
        row = _find(person_id, question.id)
        if row is None:
            row = ChecklistAnswer(person_id=person_id, question_id=question.id)
            db.session.add(row)
        _apply(row, checklist.level, entry)
        try:
            db.session.commit()
        except IntegrityError:
            # Another request inserted the row first; update that one instead.
            db.session.rollback()
            if attempt == 2:
                raise
            continue
        log.info("checklist answer saved person_id=%s question_id=%s", person_id, question.id)
        return row
    raise AssertionError("unreachable")
