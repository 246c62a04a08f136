"""One member's training record as an officer sees it on the member page.

Officers see what the member did and scored, and how they answered each checklist question, but
never the member's checklist notes and actions or a dilemma reflection: the privacy notice
promises members those stay theirs.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.extensions import db
from app.models import (Certificate, ChecklistAnswer, Councillor, ModuleRead, QuizAttempt,
                        ScenarioRun)
from app.vocabulary import Answer as AnswerValue


@dataclass(frozen=True)
class ReadModule:
    module_id: str
    title: str
    read_at: datetime
    changed_since: bool


@dataclass(frozen=True)
class Attempt:
    quiz: str
    title: str
    status: str
    score_percent: int | None
    passed: bool | None
    started_at: datetime
    submitted_at: datetime | None


@dataclass(frozen=True)
class DilemmaRun:
    scenario_id: str
    title: str
    status: str
    ending: str | None
    outcome: str | None
    started_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class Answer:
    level: int
    question: str
    answer: str
    note: str | None
    action: str | None
    priority: str | None
    by_when: date | None


@dataclass(frozen=True)
class MemberRecord:
    training: object | None  # app.certificates.status.TrainingRecord
    modules: list[ReadModule]
    attempts: list[Attempt]
    runs: list[DilemmaRun]
    answers: list[Answer]
    certificates: list[Certificate]


ANSWER_WORDS = {a.value: a.label for a in AnswerValue}


def quiz_title(course, quiz: str) -> str:
    if quiz == "assessment":
        return "Test your knowledge (assessment)"
    if quiz.startswith("module:"):
        module = course.module(quiz.split(":", 1)[1])
        return f"Quiz: {module.title}" if module else quiz
    return quiz


def load(member: Councillor, course) -> MemberRecord:
    pid = member.id
    modules = []
    for read in db.session.scalars(select(ModuleRead).where(ModuleRead.person_id == pid)
                                   .order_by(ModuleRead.read_at)):
        module = course.module(read.module_id)
        modules.append(ReadModule(read.module_id, module.title if module else read.module_id,
                                  read.read_at, bool(module and module.fingerprint != read.content_fingerprint)))
    attempts = [Attempt(a.quiz, quiz_title(course, a.quiz), a.status, a.score_percent, a.passed,
                        a.started_at, a.submitted_at)
                for a in db.session.scalars(select(QuizAttempt).where(QuizAttempt.person_id == pid)
                                            .order_by(QuizAttempt.started_at.desc()))]
    scenarios = getattr(course, "scenarios", {}) or {}
    runs = []
    for run in db.session.scalars(select(ScenarioRun).where(ScenarioRun.person_id == pid)
                                  .order_by(ScenarioRun.started_at.desc())):
        scenario = scenarios.get(run.scenario_id)
        node = scenario.node(run.ending_node) if scenario and run.ending_node else None
        runs.append(DilemmaRun(run.scenario_id, scenario.title if scenario else run.scenario_id,
                               run.status, node.ending.title if node and node.ending else None,
                               node.ending.outcome if node and node.ending else None,
                               run.started_at, run.finished_at))
    questions = {q.id: (c.level, q.text) for c in (getattr(course, "checklists", ()) or ())
                 for q in c.questions}
    answers = []
    for a in db.session.scalars(select(ChecklistAnswer).where(ChecklistAnswer.person_id == pid)
                                .order_by(ChecklistAnswer.level, ChecklistAnswer.id)):
        level, text = questions.get(a.question_id, (a.level, a.question_id))
        answers.append(Answer(level, text, ANSWER_WORDS.get(a.answer, a.answer), None, None,
                              None, None))
    certificates = list(db.session.scalars(select(Certificate).where(Certificate.person_id == pid)
                                           .order_by(Certificate.completed_on.desc())))
    training = None
    if member.active:
        from app.certificates.status import training_records

        training = training_records([pid]).get(pid)
    return MemberRecord(training, modules, attempts, runs, answers, certificates)
