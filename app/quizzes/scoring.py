"""Marking an attempt: a mark from 0 to 1 per question, a whole-number percentage, pass or not.

Each question type marks itself (app/content/question_types.py), so a new type needs no change here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping

from app.content.quizzes import Question


@dataclass(frozen=True)
class MarkedQuestion:
    number: int
    question: Question
    chosen: frozenset[str]
    mark: float

    @property
    def outcome(self) -> str:
        """right, partly or wrong: what the review page tells the member."""
        if self.mark >= 1:
            return "right"
        return "partly" if self.mark > 0 else "wrong"

    def matched(self, statement: str):
        """A matching question: the choice the member gave this statement, or None."""
        return next((c for c in self.question.choices if f"{statement}{c.key}" in self.chosen), None)


@dataclass(frozen=True)
class Result:
    marked: tuple[MarkedQuestion, ...]

    @property
    def total(self) -> float:
        return sum(m.mark for m in self.marked)

    @property
    def out_of(self) -> int:
        return len(self.marked)

    @property
    def percent(self) -> int:
        return percent(self.total, self.out_of)

    @property
    def missed(self) -> tuple[MarkedQuestion, ...]:
        return tuple(m for m in self.marked if m.outcome != "right")


def percent(total: float, out_of: int) -> int:
    """Rounded down, so that 79.5% never becomes a pass at 80%."""
    if out_of <= 0:
        return 0
    # The small allowance stops float error turning an exact 80 into 79.
    return max(0, min(100, math.floor(total * 100 / out_of + 1e-9)))


def mark(questions: Iterable[Question], answers: Mapping[str, Iterable[str]]) -> Result:
    """Mark each question against the option keys chosen for it (none chosen scores 0)."""
    marked = []
    for number, question in enumerate(questions, start=1):
        chosen = frozenset(answers.get(question.id) or ())
        marked.append(MarkedQuestion(number, question, chosen, question.score(chosen)))
    return Result(tuple(marked))


def has_passed(score_percent: int, pass_mark: int) -> bool:
    return score_percent >= pass_mark
