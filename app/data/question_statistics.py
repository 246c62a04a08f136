"""Running tallies behind the officers' question statistics (app/quizzes/statistics.py).

Submitting an assessment adds its answers here, in the same transaction, with upserts that add
to the sums in the database (so two submissions at once both count). The page then reads one row
per question and one per wrong option chosen, however many attempts there are.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import QuestionAnswerer, QuestionTally, QuestionWrongPick, QuizAttempt

SUMS = ("answers", "members", "sum_x", "sum_y", "sum_xy", "sum_xx", "sum_yy")


@dataclass(frozen=True)
class Answer:
    """One marked answer: the question, its mark (0-1), the share of the rest of the attempt's
    marks, and the wrong option keys the member chose."""

    question_id: str
    mark: float
    rest: float
    wrong: tuple[str, ...]


@dataclass(frozen=True)
class Tally:
    question_id: str
    answers: int
    members: int
    sum_x: float
    sum_y: float
    sum_xy: float
    sum_xx: float
    sum_yy: float


def _insert(model):
    return (postgresql.insert(model) if db.engine.dialect.name == "postgresql"
            else sqlite.insert(model))


def record(person_id: int, answers: Sequence[Answer]) -> None:
    """Add one submitted assessment's answers to the tallies (the caller commits).

    Three statements whatever the number of questions (it was two per question, and SQLite holds
    its write lock throughout), each with its rows in question order: concurrent submissions then
    lock the shared tally rows in the same order, so PostgreSQL cannot deadlock two of them."""
    answers = sorted(answers, key=lambda a: a.question_id)
    if not answers:
        return
    first_time = set(db.session.scalars(
        _insert(QuestionAnswerer).values([{"question_id": a.question_id, "person_id": person_id} for a in answers])
        .on_conflict_do_nothing().returning(QuestionAnswerer.question_id)))
    stmt = _insert(QuestionTally).values([
        {"question_id": a.question_id, "answers": 1, "members": int(a.question_id in first_time), "sum_x": a.mark,
         "sum_y": a.rest, "sum_xy": a.mark * a.rest, "sum_xx": a.mark * a.mark, "sum_yy": a.rest * a.rest}
        for a in answers])
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=["question_id"],
        set_={k: getattr(QuestionTally, k) + getattr(stmt.excluded, k) for k in SUMS}))
    picks = [{"question_id": a.question_id, "option_key": key, "picks": 1}
             for a in answers for key in sorted(set(a.wrong))]
    if picks:
        pick = _insert(QuestionWrongPick).values(picks)
        db.session.execute(pick.on_conflict_do_update(
            index_elements=["question_id", "option_key"],
            set_={"picks": QuestionWrongPick.picks + pick.excluded.picks}))


def tallies() -> list[Tally]:
    rows = db.session.execute(select(QuestionTally.question_id, *[getattr(QuestionTally, k) for k in SUMS]))
    return [Tally(*row) for row in rows]


def most_picked_wrong() -> dict[str, tuple[str, int]]:
    """{question id: (wrong option key, picks)} for the wrong option chosen most often; a tie
    goes to the earlier key."""
    out: dict[str, tuple[str, int]] = {}
    for qid, key, picks in db.session.execute(
            select(QuestionWrongPick.question_id, QuestionWrongPick.option_key, QuestionWrongPick.picks)
            .order_by(QuestionWrongPick.question_id, QuestionWrongPick.picks.desc(),
                      QuestionWrongPick.option_key)):
        out.setdefault(qid, (key, picks))
    return out


def submitted_assessments(batch: int = 2000) -> Iterable[tuple[int, list, dict]]:
    """(person id, question ids, answers) of every submitted assessment, for a rebuild."""
    result = db.session.execute(
        select(QuizAttempt.person_id, QuizAttempt.question_ids, QuizAttempt.answers)
        .where(QuizAttempt.quiz == "assessment", QuizAttempt.status == "submitted")
        .order_by(QuizAttempt.id).execution_options(yield_per=batch))
    for person_id, question_ids, answers in result:
        yield person_id, question_ids or [], answers or {}


def replace_all(tallies_: Iterable[Tally], answerers: Iterable[tuple[str, int]],
                wrong: dict[tuple[str, str], int]) -> None:
    """Start the tallies again from sums worked out over every attempt (the caller commits)."""
    for model in (QuestionAnswerer, QuestionWrongPick, QuestionTally):
        db.session.execute(delete(model))
    rows = [t.__dict__ for t in tallies_]
    if rows:
        db.session.execute(_insert(QuestionTally), rows)
    pairs = [{"question_id": q, "person_id": p} for q, p in answerers]
    for start in range(0, len(pairs), 5000):
        db.session.execute(_insert(QuestionAnswerer), pairs[start:start + 5000])
    picks = [{"question_id": q, "option_key": k, "picks": n} for (q, k), n in wrong.items()]
    if picks:
        db.session.execute(_insert(QuestionWrongPick), picks)
