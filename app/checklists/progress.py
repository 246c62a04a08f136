"""What a person has answered in the levels 1-3 checklists, read by other areas too.

A level's checklist is complete when every question of that level, as the course stands now, has
an answer from the person: certificates rely on exactly that meaning.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING


from app.content import current_course
from app.content.checklists import Checklist, ChecklistQuestion
from app.data import checklists as checklists_data
from app.roles import required_level
from app.vocabulary import Answer as AnswerValue
from app.vocabulary import Priority

if TYPE_CHECKING:
    from app.models import ChecklistAnswer, Person

ANSWERS = {a.value: a.label for a in AnswerValue}
PRIORITIES = {p.value: p.label for p in Priority}


@dataclass(frozen=True)
class Answer:
    """A saved answer, detached from the session so pages and reports can hold it freely."""

    level: int
    question_id: str
    question_text: str
    answer: str
    note: str | None
    action: str | None
    priority: str | None
    by_when: date | None
    who_can_help: str | None
    updated_at: datetime
    action_done_on: date | None = None

    @property
    def answer_label(self) -> str:
        return ANSWERS.get(self.answer, self.answer)

    @property
    def priority_label(self) -> str | None:
        return PRIORITIES.get(self.priority) if self.priority else None

    @property
    def has_action(self) -> bool:
        return bool(self.action)


@dataclass(frozen=True)
class ChecklistStatus:
    checklist: Checklist
    answers: dict[str, Answer]  # question id -> answer, current questions only

    @property
    def answered(self) -> int:
        return len(self.answers)

    @property
    def total(self) -> int:
        return len(self.checklist.questions)

    @property
    def complete(self) -> bool:
        return self.answered == self.total

    @property
    def first_unanswered(self) -> int | None:
        """The 1-based number of the first question without an answer."""
        return next((n for n, q in enumerate(self.checklist.questions, 1)
                     if q.id not in self.answers), None)

    def answer(self, question: ChecklistQuestion) -> Answer | None:
        return self.answers.get(question.id)


def _rows(person_id: int) -> list[ChecklistAnswer]:
    return checklists_data.for_member(person_id)


def _snapshot(row: ChecklistAnswer, question: ChecklistQuestion) -> Answer:
    return Answer(level=row.level, question_id=row.question_id, question_text=question.text,
                  answer=row.answer, note=row.note, action=row.action, priority=row.priority,
                  by_when=row.by_when, who_can_help=row.who_can_help, updated_at=row.updated_at,
                  action_done_on=row.action_done_on)


def checklists_for(person: Person) -> tuple[Checklist, ...]:
    """The checklists that apply to the person: every level up to the one their roles need."""
    return checklists_up_to(required_level(person))


def checklists_up_to(level: int) -> tuple[Checklist, ...]:
    return tuple(c for c in current_course().checklists if c.level <= level)


def checklist(level: int) -> Checklist | None:
    return next((c for c in current_course().checklists if c.level == level), None)


def status(person_id: int, checklist: Checklist) -> ChecklistStatus:
    return statuses(person_id, (checklist,))[0]


def statuses(person_id: int, checklists: tuple[Checklist, ...]) -> tuple[ChecklistStatus, ...]:
    rows = _rows(person_id)
    by_id = {r.question_id: r for r in rows}
    return tuple(ChecklistStatus(c, {q.id: _snapshot(by_id[q.id], q) for q in c.questions
                                     if q.id in by_id})
                 for c in checklists)


def checklist_complete(person_id: int, level: int) -> bool:
    """True when every question of the level's checklist has an answer from the person."""
    found = checklist(level)
    if found is None:
        return False
    ids = [q.id for q in found.questions]
    answered = checklists_data.answered_question_ids(person_id, ids)
    return answered == set(ids)


def answers_for(person_id: int) -> dict[int, list[Answer]]:
    """The person's answers grouped by level, in checklist order, notes included.

    Only levels with at least one answer appear; answers to questions no longer in the course
    are left out.
    """
    by_id = {r.question_id: r for r in _rows(person_id)}
    grouped: dict[int, list[Answer]] = {}
    for c in current_course().checklists:
        answers = [_snapshot(by_id[q.id], q) for q in c.questions if q.id in by_id]
        if answers:
            grouped[c.level] = answers
    return grouped
