"""Choosing the questions for an attempt.

The assessment draws `questions` questions (quizzes/assessment.yaml) from the modules that serve
the member's level, at most `per_module_max` from any module, in a shuffled order. A retake after
a fail leans towards the modules whose questions were missed: each of their questions is
`retake_weight` times likelier to be drawn. A module quiz draws a few of its module's questions,
leaning towards the questions missed last time.

The random source is passed in, so tests can seed it.
"""
from __future__ import annotations

import random
from typing import Callable, Iterable, Mapping, Sequence

from app.content.course import Course
from app.content.quizzes import Question, ready

NO_FIGURES: Mapping[str, str] = {}

MODULE_QUIZ_QUESTIONS = 6


def weighted_draw(pool: Iterable[Question], count: int, rng: random.Random, *,
                  weight: Callable[[Question], float] = lambda q: 1.0,
                  cap: int | None = None, group: Callable[[Question], str] = lambda q: q.module,
                  at_least_one_of: Callable[[Question], bool] | None = None,
                  avoid: Callable[[Question], bool] | None = None) -> list[Question]:
    """Up to `count` questions without replacement, each likelier in proportion to its weight.

    Sampling by random keys (Efraimidis and Spirakis): sorting by u ** (1 / weight) gives the
    order of successive weighted draws; walking that order and skipping questions whose group is
    full keeps the cap without biasing the rest. Questions to `avoid` (seen before) go to the end
    of that order, so they are taken only when the others run out. The result is shuffled.
    """
    ordered = sorted(pool, key=lambda q: q.id)  # a stable start, so a seed gives one answer
    keyed = sorted(ordered, key=lambda q: rng.random() ** (1.0 / weight(q)), reverse=True)
    if avoid is not None:
        keyed.sort(key=avoid)  # stable: the weighted order holds within each part
    chosen: list[Question] = []
    taken: set[str] = set()
    per_group: dict[str, int] = {}

    def take(q: Question) -> bool:
        if q.id in taken:
            return False
        g = group(q)
        if cap is not None and per_group.get(g, 0) >= cap:
            return False
        chosen.append(q)
        taken.add(q.id)
        per_group[g] = per_group.get(g, 0) + 1
        return True

    if at_least_one_of is not None and count > 0:
        next((q for q in keyed if at_least_one_of(q) and take(q)), None)
    for q in keyed:
        if len(chosen) >= count:
            break
        take(q)
    rng.shuffle(chosen)
    return chosen


def assessment_pool(course: Course, level: int,
                    figures: Mapping[str, str] = NO_FIGURES) -> list[Question]:
    """The questions of the modules for this level; a council's own questions only once it has
    given the figures they need (figures: content/local.yaml 'quiz_figures')."""
    bank = course.question_bank
    return [q for q in bank.questions.values()
            if (m := course.module(q.module)) is not None and m.serves_level(level)
            and ready(q, figures)]


def draw_assessment(course: Course, level: int, rng: random.Random,
                    missed_modules: frozenset[str] = frozenset(),
                    figures: Mapping[str, str] = NO_FIGURES,
                    seen: frozenset[str] = frozenset(),
                    pool: Sequence[Question] | None = None) -> list[str]:
    """An assessment for this level. A retake passes the modules missed last time (each of their
    questions is `retake_weight` times likelier) and the questions seen before (drawn again only
    when the pool has too few others). pool: assessment_pool() worked out once, for simulations."""
    rules = course.question_bank.assessment
    chosen = weighted_draw(
        assessment_pool(course, level, figures) if pool is None else pool, rules.questions, rng,
        weight=lambda q: rules.retake_weight if q.module in missed_modules else 1,
        cap=rules.per_module_max,
        # Recognising the seven principles is the course's first learning outcome, so every
        # attempt at every level asks about them. A council's own questions are drawn like any
        # other (and only once their figures are given), never forced in.
        at_least_one_of=lambda q: q.principles,
        avoid=(lambda q: q.id in seen) if seen else None)
    return [q.id for q in chosen]


def new_questions_available(course: Course, level: int, figures: Mapping[str, str],
                            seen: frozenset[str]) -> int:
    """How many of an assessment's questions can be ones the member has not seen before."""
    rules = course.question_bank.assessment
    per_module: dict[str, int] = {}
    for q in assessment_pool(course, level, figures):
        if q.id not in seen:
            per_module[q.module] = per_module.get(q.module, 0) + 1
    return min(rules.questions, sum(min(n, rules.per_module_max) for n in per_module.values()))


def module_pool(course: Course, module_id: str,
                figures: Mapping[str, str] = NO_FIGURES) -> list[Question]:
    return [q for q in course.question_bank.for_module(module_id) if ready(q, figures)]


def module_quiz_size(course: Course, module_id: str, figures: Mapping[str, str] = NO_FIGURES) -> int:
    return min(MODULE_QUIZ_QUESTIONS, len(module_pool(course, module_id, figures)))


def draw_module_quiz(course: Course, module_id: str, rng: random.Random,
                     missed_questions: frozenset[str] = frozenset(),
                     figures: Mapping[str, str] = NO_FIGURES) -> list[str]:
    """A practice quiz on one module, leaning towards the questions missed last time."""
    rules = course.question_bank.assessment
    chosen = weighted_draw(
        module_pool(course, module_id, figures), module_quiz_size(course, module_id, figures), rng,
        weight=lambda q: rules.retake_weight if q.id in missed_questions else 1)
    return [q.id for q in chosen]


def option_order(question: Question, rng: random.Random) -> list[str]:
    """The order one attempt shows a question's options in: shuffled, so that the right answer
    has no usual place, with pinned options (such as "None of these") last in file order. A
    matching question shuffles its statements and its choices; the choice keys are digits, so
    one list holds both."""
    def shuffled(items) -> list[str]:
        free = [o.key for o in items if not getattr(o, "pin", False)]
        rng.shuffle(free)
        return free + [o.key for o in items if getattr(o, "pin", False)]
    return shuffled(question.options) + (shuffled(question.choices) if question.choices else [])


def option_orders(questions: Sequence[Question], rng: random.Random) -> dict[str, list[str]]:
    return {q.id: option_order(q, rng) for q in questions if q.type != "true_false"}


def modules_of(questions: Sequence[Question]) -> frozenset[str]:
    return frozenset(q.module for q in questions)
