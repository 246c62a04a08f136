"""Quiz attempts: a small state machine, started then submitted exactly once.

Certificates and reports read QuizAttempt rows: quiz == "assessment", status == "submitted",
passed True is a pass at the pass mark stored on the row. Keep those meanings.
"""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from app import clock
from app.content.course import Course, Module
from app.content.local import local_facts
from app.data import quiz_attempts
from app.extensions import db
from app.models import Person, QuizAttempt
from app.quizzes import draw, scoring, statistics
from app.content.quizzes import Question, fill_local
from app.roles import required_level
from app.vocabulary import AttemptStatus, QuizLayout

log = logging.getLogger(__name__)

ASSESSMENT = "assessment"
STARTED, SUBMITTED = AttemptStatus.STARTED, AttemptStatus.SUBMITTED
LAYOUTS = {QuizLayout.PAGED: "One question at a time", QuizLayout.ONE_PAGE: "All the questions on one page"}


@dataclass(frozen=True)
class Quiz:
    key: str           # stored in QuizAttempt.quiz
    title: str
    module: Module | None

    @property
    def is_assessment(self) -> bool:
        return self.key == ASSESSMENT


def assessment_quiz(course: Course) -> Quiz:
    return Quiz(ASSESSMENT, course.question_bank.assessment.title, None)


def module_quiz(course: Course, module_id: str) -> Quiz | None:
    module = course.module(module_id)
    if module is None or not course.question_bank.for_module(module_id):
        return None
    return Quiz(f"module:{module.id}", f"{module.title}: quiz", module)


def quiz_for(course: Course, key: str) -> Quiz:
    if key == ASSESSMENT:
        return assessment_quiz(course)
    found = module_quiz(course, key.removeprefix("module:"))
    # A module taken out of the course keeps its attempts on record under a plain title.
    return found or Quiz(key, "A quiz no longer in the course", None)


def local_figures() -> dict[str, str]:
    """The figures the council has given for its own questions (read per request, so an
    officer's edit counts at once)."""
    return local_facts().figures


def quiz_size(course: Course, quiz: Quiz, person: Person) -> int:
    if quiz.is_assessment:
        rules = course.question_bank.assessment
        pool = draw.assessment_pool(course, required_level(person), local_figures())
        per_module: dict[str, int] = {}
        for q in pool:
            per_module[q.module] = per_module.get(q.module, 0) + 1
        return min(rules.questions, sum(min(n, rules.per_module_max) for n in per_module.values()))
    return draw.module_quiz_size(course, quiz.module.id, local_figures()) if quiz.module else 0


# --- finding attempts: always by owner as well as id ------------------------------------------

def find_attempt(person_id: int, attempt_id: int) -> QuizAttempt | None:
    return db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.id == attempt_id, QuizAttempt.person_id == person_id))


def open_attempt(person_id: int, quiz_key: str) -> QuizAttempt | None:
    return db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.person_id == person_id, QuizAttempt.quiz == quiz_key,
        QuizAttempt.status == STARTED))


def last_submitted(person_id: int, quiz_key: str) -> QuizAttempt | None:
    return db.session.scalars(select(QuizAttempt).where(
        QuizAttempt.person_id == person_id, QuizAttempt.quiz == quiz_key,
        QuizAttempt.status == SUBMITTED).order_by(QuizAttempt.submitted_at.desc(),
                                                  QuizAttempt.id.desc())).first()


# Built once: My training runs it on every visit, and building it costs about as much as running it.
_MEMBERS_ATTEMPTS = (select(QuizAttempt).where(QuizAttempt.person_id == bindparam("person_id"))
                     .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc()))


def attempts_of(person_id: int) -> list[QuizAttempt]:
    return list(db.session.scalars(_MEMBERS_ATTEMPTS, {"person_id": person_id}))


def questions_of(course: Course, attempt: QuizAttempt) -> list[Question]:
    """The attempt's questions in the order drawn, each with its options in the order this
    attempt shows them; any since removed from the course are left out."""
    bank = course.question_bank
    orders = attempt.option_orders or {}
    figures, council = local_figures(), current_app.config["COUNCIL_NAME"]
    return [fill_local(q, figures, council).in_order(orders.get(qid)) for qid in attempt.question_ids
            if (q := bank.question(qid)) is not None]


def result_of(course: Course, attempt: QuizAttempt) -> scoring.Result:
    return scoring.mark(questions_of(course, attempt), attempt.answers or {})


# --- starting ----------------------------------------------------------------------------------

def missed_last_time(course: Course, person_id: int, quiz: Quiz) -> tuple[Question, ...]:
    """The questions missed in the last attempt at this quiz, if it was not passed."""
    last = last_submitted(person_id, quiz.key)
    if last is None or last.passed:
        return ()
    return tuple(m.question for m in result_of(course, last).missed)


@dataclass(frozen=True)
class RetakePlan:
    """What the next attempt will draw, so the start page can say so truthfully."""

    size: int
    new_available: int                 # how many of its questions can be new to the member
    leaning_modules: tuple[Module, ...]  # assessment: modules missed last time, given more
    leaning_questions: int             # module quiz: questions missed last time, likelier again
    answered_before: bool


def retake_plan(course: Course, person: Person, quiz: Quiz) -> RetakePlan:
    missed = missed_last_time(course, person.id, quiz)
    size = quiz_size(course, quiz, person)
    if quiz.is_assessment:
        seen = quiz_attempts.seen_question_ids(person.id, quiz.key)
        new = draw.new_questions_available(course, required_level(person), local_figures(), seen)
        modules = {q.module for q in missed}
        return RetakePlan(size, new, tuple(m for m in course.modules if m.id in modules), 0,
                          bool(seen))
    seen_any = last_submitted(person.id, quiz.key) is not None
    return RetakePlan(size, size, (), len(missed), seen_any)


def draw_for(course: Course, person: Person, quiz: Quiz, rng: random.Random) -> list[str]:
    """A fresh draw. The assessment leans towards the modules missed last time and avoids the
    questions of every earlier attempt while the pool has others; a module quiz (practice) leans
    towards the questions missed last time."""
    missed = missed_last_time(course, person.id, quiz)
    if quiz.is_assessment:
        return draw.draw_assessment(course, required_level(person), rng,
                                    frozenset(q.module for q in missed), local_figures(),
                                    seen=quiz_attempts.seen_question_ids(person.id, quiz.key))
    return draw.draw_module_quiz(course, quiz.module.id, rng,
                                 frozenset(q.id for q in missed), local_figures())


def start(course: Course, person: Person, quiz: Quiz, layout: str, pass_mark: int,
          rng: random.Random | None = None) -> tuple[QuizAttempt, bool]:
    """The member's open attempt at this quiz, or a new one: (attempt, resumed)."""
    person_id = person.id
    existing = open_attempt(person_id, quiz.key)
    if existing is None:
        rng = rng or random.SystemRandom()
        question_ids = draw_for(course, person, quiz, rng)
        if not question_ids:
            raise LookupError(f"no questions to draw for {quiz.key}")
        bank = course.question_bank
        orders = draw.option_orders([bank.questions[qid] for qid in question_ids], rng)
        attempt = QuizAttempt(person_id=person_id, quiz=quiz.key, status=STARTED, layout=layout,
                              question_ids=question_ids, answers={}, option_orders=orders,
                              pass_mark=pass_mark, started_at=clock.now())
        db.session.add(attempt)
        try:
            db.session.commit()
        except IntegrityError:
            # Another tab started one between our check and insert: resume the winner.
            db.session.rollback()
            existing = open_attempt(person_id, quiz.key)
            if existing is None:
                raise
        else:
            log.info("quiz attempt started attempt_id=%s person_id=%s quiz=%s", attempt.id,
                     person_id, quiz.key)
            return attempt, False
    if existing.layout != layout:
        existing.layout = layout
        db.session.commit()
    return existing, True


# --- answers -----------------------------------------------------------------------------------

class Refused(Exception):
    """Answers that cannot be accepted; nothing was saved. errors: (field id, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


def field_id(question: Question) -> str:
    return f"answer-{question.id}"


def check_answers(questions: Sequence[Question], posted: Mapping[str, Sequence[str]], *,
                  require_all: bool, numbers: Mapping[str, int] | None = None,
                  field: Callable[[Question], str] = field_id) -> dict[str, list[str]]:
    """Clean answers ({question id: option keys}), or Refused saying what is wrong and where."""
    by_id = {q.id: q for q in questions}
    numbers = numbers or {q.id: n for n, q in enumerate(questions, start=1)}
    errors: list[tuple[str, str]] = []
    unknown = [qid for qid in posted if qid not in by_id]
    if unknown:
        errors.append(("answers", "The form sent an answer to a question that is not in this "
                                  "attempt. Reload the page and answer the questions shown."))
    clean: dict[str, list[str]] = {}
    for q in questions:
        n = numbers[q.id]
        keys = sorted(set(posted.get(q.id) or ()))
        if not keys:
            if require_all:
                errors.append((field(q), q.kind.missing(n)))
            continue
        problem = q.kind.check(q.option_keys, keys, n, complete=require_all)
        if problem:
            errors.append((field(q), problem))
        else:
            clean[q.id] = keys
    if errors:
        raise Refused(errors)
    return clean


def _locked(person_id: int, attempt_id: int) -> QuizAttempt | None:
    # FOR UPDATE queues a second tab behind the first on PostgreSQL (SQLite's BEGIN IMMEDIATE in
    # app/database.py does the same); populate_existing replaces a copy the view loaded earlier,
    # so the status and answers checked are the ones under the lock.
    return db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.id == attempt_id, QuizAttempt.person_id == person_id)
        .with_for_update().execution_options(populate_existing=True))


def save_answers(course: Course, person_id: int, attempt_id: int,
                 posted: Mapping[str, Sequence[str]], *, replace: bool) -> bool:
    """Save answers as the member goes; False (nothing saved) if the attempt is not open.

    replace: the posted answers are the whole form (all on one page), so a question left blank
    is cleared; otherwise they are added to those already saved (one question at a time).
    """
    attempt = _locked(person_id, attempt_id)
    if attempt is None or attempt.status != STARTED:
        db.session.rollback()
        return False
    try:
        clean = check_answers(questions_of(course, attempt), posted, require_all=False)
    except Refused:
        db.session.rollback()
        raise
    # A new dict, so that SQLAlchemy sees the JSON column change.
    attempt.answers = clean if replace else {**(attempt.answers or {}), **clean}
    db.session.commit()
    return True


# --- submitting --------------------------------------------------------------------------------

def submit(course: Course, person_id: int, attempt_id: int,
           posted: Mapping[str, Sequence[str]] | None = None) -> tuple[QuizAttempt, bool]:
    """Mark and close the attempt: (attempt, newly submitted).

    posted: every answer from the one-page form; None submits the answers saved one at a time.
    A second submission changes nothing and returns (attempt, False). Bad or missing answers
    raise Refused and nothing is saved.
    """
    attempt = _locked(person_id, attempt_id)
    if attempt is None:
        db.session.rollback()
        raise LookupError(attempt_id)
    if attempt.status != STARTED:
        db.session.rollback()
        return attempt, False
    questions = questions_of(course, attempt)
    if posted is None:
        # Answers saved to questions since taken out of the course are not the member's fault.
        posted = {q.id: keys for q in questions if (keys := (attempt.answers or {}).get(q.id))}
    try:
        answers = check_answers(questions, posted, require_all=True)
    except Refused:
        db.session.rollback()
        raise
    result = scoring.mark(questions, answers)
    passed = scoring.has_passed(result.percent, attempt.pass_mark)
    # The state check and the change in one statement: only one submission can ever win.
    changed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.status == STARTED)
        .values(status=SUBMITTED, answers=answers, score_percent=result.percent, passed=passed,
                submitted_at=clock.now())
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        db.session.rollback()
        return find_attempt(person_id, attempt_id), False
    if attempt.quiz == ASSESSMENT:
        statistics.record(person_id, result)  # in the same transaction: counted once or not at all
    db.session.commit()
    db.session.refresh(attempt)
    log.info("quiz attempt submitted attempt_id=%s person_id=%s quiz=%s score=%s passed=%s",
             attempt.id, person_id, attempt.quiz, result.percent, passed)
    return attempt, True


# --- My training -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Summary:
    assessment: Quiz
    open_assessment: QuizAttempt | None
    best: QuizAttempt | None
    passed: QuizAttempt | None
    open_module_quizzes: tuple[tuple[Quiz, QuizAttempt], ...]
    history: tuple[tuple[Quiz, QuizAttempt], ...]

    @property
    def status(self) -> str:
        if self.passed is not None:
            return "passed"
        if self.open_assessment is not None:
            return "in-progress"
        return "not-passed" if self.best is not None else "not-started"


def summary(course: Course, person: Person) -> Summary:
    rows = attempts_of(person.id)
    submitted = [a for a in rows if a.status == SUBMITTED]
    assessments = [a for a in submitted if a.quiz == ASSESSMENT]
    best = max(assessments, key=lambda a: (a.score_percent or 0, a.submitted_at), default=None)
    passed = next((a for a in assessments if a.passed), None)  # the latest pass
    return Summary(
        assessment=assessment_quiz(course),
        open_assessment=next((a for a in rows if a.status == STARTED and a.quiz == ASSESSMENT), None),
        best=best,
        passed=passed,
        open_module_quizzes=tuple((quiz_for(course, a.quiz), a) for a in rows
                                  if a.status == STARTED and a.quiz != ASSESSMENT),
        history=tuple((quiz_for(course, a.quiz), a) for a in submitted),
    )
