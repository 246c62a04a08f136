"""Question types. Each is one class in QUESTION_TYPES: how it is validated, shown and scored.

A new kind of question is a new class here; the views, the draw and the checker need no change.
"""
from __future__ import annotations

from typing import ClassVar


class QuestionType:
    name: ClassVar[str]
    widget: ClassVar[str]  # "radios" or "checkboxes"
    label: ClassVar[str]   # what the member is told this kind of question is
    hint: ClassVar[str | None] = None  # shown under the question
    rule: ClassVar[str]    # how it is scored, in words shown to the member

    @classmethod
    def validate(cls, options: list[tuple[str, bool]], report, line: int) -> None:
        """options: (text, correct) pairs; report(line, message) for each problem."""

    @classmethod
    def score(cls, correct: frozenset[str], chosen: frozenset[str]) -> float:
        """A mark from 0 to 1."""
        raise NotImplementedError


class SingleAnswer(QuestionType):
    name = "single"
    widget = "radios"
    label = "Questions with one right answer"
    rule = "one mark for the right answer"

    @classmethod
    def validate(cls, options, report, line):
        if len(options) < 2:
            report(line, "a single-answer question needs at least two options")
        n = sum(1 for _, correct in options if correct)
        if n == 0:
            report(line, "no option is marked 'correct: true'")
        elif n > 1:
            report(line, f"a single-answer question has exactly one correct option, not {n} "
                         f"(use type: multiple)")

    @classmethod
    def score(cls, correct, chosen):
        return 1.0 if chosen == correct else 0.0


class TrueFalse(SingleAnswer):
    name = "true_false"
    label = "True or false questions"

    @classmethod
    def validate(cls, options, report, line):
        texts = sorted(text.strip().lower() for text, _ in options)
        if texts != ["false", "true"]:
            report(line, "a true_false question has exactly two options, 'True' and 'False'")
        super().validate(options, report, line)


class MultipleAnswers(QuestionType):
    name = "multiple"
    widget = "checkboxes"
    label = "Questions where you select all that apply"
    hint = ("Select all that apply. Each right option you tick earns part of the mark; each wrong "
            "one takes the same away.")
    rule = ("a share of one mark: each right option you tick adds to it, each wrong option you "
            "tick takes the same away, and the mark never goes below zero")

    @classmethod
    def validate(cls, options, report, line):
        if len(options) < 2:
            report(line, "a multiple-answer question needs at least two options")
        if not any(correct for _, correct in options):
            report(line, "no option is marked 'correct: true'")

    @classmethod
    def score(cls, correct, chosen):
        if not correct:
            return 0.0
        right = len(chosen & correct)
        wrong = len(chosen - correct)
        return max(0.0, (right - wrong) / len(correct))


QUESTION_TYPES: dict[str, type[QuestionType]] = {
    t.name: t for t in (SingleAnswer, MultipleAnswers, TrueFalse)
}
