"""The member's personal action plan: every action from their checklists, most urgent first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.checklists.progress import Answer, ChecklistStatus
from app.content.checklists import Checklist
from app.vocabulary import Priority

PRIORITY_ORDER = {p.value: order for order, p in enumerate(Priority)}  # high first


@dataclass(frozen=True)
class PlanItem:
    checklist: Checklist
    number: int  # the question's 1-based position in its checklist
    answer: Answer

    @property
    def what(self) -> str:
        return self.answer.action or ""

    @property
    def priority(self) -> str | None:
        return self.answer.priority

    @property
    def by_when(self) -> date | None:
        return self.answer.by_when

    @property
    def who_can_help(self) -> str | None:
        return self.answer.who_can_help

    @property
    def done_on(self) -> date | None:
        return self.answer.action_done_on

    def overdue(self, today: date) -> bool:
        return self.done_on is None and self.by_when is not None and self.by_when < today


@dataclass(frozen=True)
class ActionPlan:
    items: tuple[PlanItem, ...]
    answered: int
    total: int

    @property
    def complete(self) -> bool:
        return self.answered == self.total

    def count(self, priority: str) -> int:
        return sum(1 for item in self.items if item.priority == priority)

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.done_on is not None)


def _sort_key(item: PlanItem) -> tuple:
    # Actions still to do first; then priority, then the nearest date; undated actions (none
    # today) and ties keep checklist order.
    return (item.done_on is not None, PRIORITY_ORDER.get(item.priority or "", len(PRIORITY_ORDER)),
            item.by_when or date.max, item.checklist.level, item.number)


def build_plan(statuses: tuple[ChecklistStatus, ...]) -> ActionPlan:
    items = [PlanItem(s.checklist, number, s.answers[q.id])
             for s in statuses
             for number, q in enumerate(s.checklist.questions, 1)
             if q.id in s.answers and s.answers[q.id].has_action]
    return ActionPlan(items=tuple(sorted(items, key=_sort_key)),
                      answered=sum(s.answered for s in statuses),
                      total=sum(s.total for s in statuses))
