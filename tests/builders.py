"""Record builders: one call makes a valid row with sensible defaults; pass only what a test is about.

    with app.app_context():
        member = build_councillor(db.session, roles=("board",))
        build_certificate(db.session, person_id=member.id, completed_on=date(2024, 2, 29))
        db.session.commit()

Each builder adds its row and flushes (so ids are set) but does not commit: the test decides.
Passwords are hashed once per process (argon2 is deliberately slow), not once per row.
"""
from __future__ import annotations

import functools
import itertools
from datetime import date, datetime

from app.auth.passwords import hash_password
from app.certificates import codes
from app.certificates.dates import add_months
from app.models import (Certificate, ChecklistAnswer, Councillor, CouncillorRole, Officer, QuizAttempt,
                        ScenarioRun)
from app.vocabulary import Answer, AttemptStatus, CertificateHow, Priority, QuizLayout, RunStatus

PASSWORD = "a long and memorable passphrase"
_numbers = itertools.count(1)


@functools.lru_cache(maxsize=4)
def password_hash(password: str = PASSWORD) -> str:
    return hash_password(password)


def _save(session, row):
    session.add(row)
    session.flush()
    return row


def build_councillor(session, *, name: str | None = None, email: str | None = None, password: str | None = PASSWORD,
                     roles: tuple[str, ...] = ("member",), **fields) -> Councillor:
    n = next(_numbers)
    member = Councillor(name=name or f"Councillor Number {n}", email=(email or f"member{n}@example.gov.uk").lower(),
                        password_hash=password_hash(password) if password else None, **fields)
    member.roles = [CouncillorRole(role=role, assigned_on=fields.get("elected_on") or date(2026, 5, 7))
                    for role in roles]
    return _save(session, member)


def build_officer(session, *, name: str | None = None, email: str | None = None, password: str = PASSWORD) -> Officer:
    n = next(_numbers)
    return _save(session, Officer(name=name or f"Officer Number {n}", email=(email or f"officer{n}@example.gov.uk"),
                                  password_hash=password_hash(password)))


def build_role(session, *, person_id: int, role: str = "board", assigned_on: date = date(2026, 5, 7)) -> CouncillorRole:
    return _save(session, CouncillorRole(person_id=person_id, role=role, assigned_on=assigned_on))


def build_certificate(session, *, person_id: int, pathway_id: str = "induction", level: int = 1,
                      completed_on: date = date(2025, 6, 1), score_percent: int | None = 90,
                      how: CertificateHow = CertificateHow.ONLINE, interval_months: int = 24, **fields) -> Certificate:
    return _save(session, Certificate(
        person_id=person_id, pathway_id=pathway_id, level=level, completed_on=completed_on,
        refresher_due=add_months(completed_on, interval_months), score_percent=score_percent,
        code=codes.new_code(), how=how, **fields))


def build_attempt(session, *, person_id: int, quiz: str = "assessment", score_percent: int | None = 85,
                  status: AttemptStatus = AttemptStatus.SUBMITTED, submitted_at: datetime | None = None,
                  question_ids: list[str] | None = None, pass_mark: int = 80, **fields) -> QuizAttempt:
    submitted = status == AttemptStatus.SUBMITTED
    return _save(session, QuizAttempt(
        person_id=person_id, quiz=quiz, status=status, layout=fields.pop("layout", QuizLayout.ONE_PAGE),
        question_ids=question_ids or [], answers=fields.pop("answers", {}),
        score_percent=score_percent if submitted else None,
        passed=(score_percent or 0) >= pass_mark if submitted else None, pass_mark=pass_mark,
        submitted_at=(submitted_at or datetime(2026, 6, 1, 10)) if submitted else None, **fields))


def build_run(session, *, person_id: int, scenario_id: str = "school-exclusion",
              status: RunStatus = RunStatus.FINISHED, finished_at: datetime | None = None, **fields) -> ScenarioRun:
    finished = status == RunStatus.FINISHED
    return _save(session, ScenarioRun(
        person_id=person_id, scenario_id=scenario_id, status=status,
        finished_at=(finished_at or datetime(2026, 6, 1, 11)) if finished else None, **fields))


def build_checklist_answer(session, *, person_id: int, question_id: str, level: int = 1,
                           answer: Answer = Answer.YES, priority: Priority | None = None, **fields) -> ChecklistAnswer:
    return _save(session, ChecklistAnswer(person_id=person_id, level=level, question_id=question_id,
                                          answer=answer, priority=priority, **fields))
