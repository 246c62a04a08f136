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

    @classmethod
    def check(cls, valid: frozenset[str], keys: list[str], number: int,
              complete: bool = True) -> str | None:
        """What is wrong with the answer tokens sent for question `number`, or None.
        complete: the answer is final, not saved part-way."""
        if any(k not in valid for k in keys):
            return (f"The answer sent for question {number} is not one of its options. "
                    f"Choose from the options shown.")
        if cls.widget == "radios" and len(keys) > 1:
            return f"Select only one answer to question {number}"
        return None

    @classmethod
    def missing(cls, number: int) -> str:
        return f"Select an answer to question {number}"


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

    @classmethod
    def missing(cls, number):
        return f"Select at least one answer to question {number}"


class Matching(QuestionType):
    """Statements (the options) each matched to one of the question's choices, such as a
    situation to the principle it engages. An answer token is a statement key then a choice key
    ("a3"), so answers are stored like any other question's."""

    name = "matching"
    widget = "matching"
    label = "Matching questions"
    hint = "Choose one answer for each statement."
    rule = "a share of one mark for each statement matched rightly"

    @classmethod
    def validate(cls, options, report, line):
        if len(options) < 2:
            report(line, "a matching question needs at least two statements to match")

    @classmethod
    def score(cls, correct, chosen):
        if not correct:
            return 0.0
        statements = [k[0] for k in chosen]
        # A statement given two answers earns nothing (check() refuses it anyway).
        once = {k for k in chosen if statements.count(k[0]) == 1}
        return len(once & correct) / len(correct)

    @classmethod
    def check(cls, valid, keys, number, complete=True):
        if any(k not in valid for k in keys):
            return (f"The answer sent for question {number} is not one of its options. "
                    f"Choose from the choices shown.")
        statements = [k[0] for k in keys]
        if len(set(statements)) != len(statements):
            return f"Choose only one answer for each statement in question {number}"
        if complete and len(set(statements)) != len({k[0] for k in valid}):
            return f"Choose an answer for every statement in question {number}"
        return None

    @classmethod
    def missing(cls, number):
        return f"Choose an answer for each statement in question {number}"


QUESTION_TYPES: dict[str, type[QuestionType]] = {
    t.name: t for t in (SingleAnswer, MultipleAnswers, TrueFalse, Matching)
}
