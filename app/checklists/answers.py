"""Saving a member's answer to one checklist question: one row per person and question, ever."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from app.content.checklists import Checklist, ChecklistQuestion
from app.data import checklists as checklists_data
from app.extensions import db

if TYPE_CHECKING:
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
        row = checklists_data.find(person_id, question.id)
        if row is None:
            row = checklists_data.new_answer(person_id, question.id)
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
