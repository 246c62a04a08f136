"""What a member has done towards each pathway (the pathways themselves: app/content/pathways.py).

evaluate() says, for one member's evidence, which requirements of a pathway are met: it is a plain
function over plain data, so the rules are tested without a request; load_evidence() reads that
data for one person.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app.content.pathways import (DATA_EXERCISE, LEVEL_KIND, PATHWAY_KINDS, REFRESHER_KIND, Pathway,
                                  Pathways)
from app.data import certificates as certificates_data
from app.extensions import db
from app.models import ChecklistAnswer, ModuleRead, QuizAttempt, ScenarioRun
from app.vocabulary import AttemptStatus, RunStatus

__all__ = ["DATA_EXERCISE", "LEVEL_KIND", "PATHWAY_KINDS", "REFRESHER_KIND", "Pathway", "Pathways"]


# --- evidence and completion ------------------------------------------------------------------

@dataclass(frozen=True)
class AssessmentResult:
    submitted_on: date
    score_percent: int
    passed: bool
    question_ids: tuple[str, ...]


@dataclass(frozen=True)
class FinishedRun:
    scenario_id: str
    finished_on: date


@dataclass(frozen=True)
class Evidence:
    """What one member has done, read once from the database."""

    reads: frozenset[str] = frozenset()                    # module ids marked read
    answered: frozenset[str] = frozenset()                 # checklist question ids answered
    assessments: tuple[AssessmentResult, ...] = ()         # submitted attempts
    runs: tuple[FinishedRun, ...] = ()                     # finished scenarios
    acknowledged: frozenset[int] = frozenset()             # certificate ids whose changes page was confirmed


@dataclass(frozen=True)
class Cycle:
    """The certificate a refresher renews, and whether the member has been elected since it."""

    certificate_id: int
    level: int
    completed_on: date
    returning: bool = False


@dataclass(frozen=True)
class Requirement:
    key: str
    title: str
    done: bool
    hint: str = ""
    # Where to do it: "module:<id>", "checklist:<level>", "assessment", "scenarios", "changes".
    target: str | None = None


@dataclass(frozen=True)
class PathwayProgress:
    pathway: Pathway
    requirements: tuple[Requirement, ...]
    complete: bool
    score_percent: int | None
    route: str = "full"           # or "assessment-only", for a returning member's refresher
    cycle: Cycle | None = field(default=None)

    @property
    def left(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if not r.done)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def evaluate(pathway: Pathway, evidence: Evidence, course, cycle: Cycle | None = None) -> PathwayProgress:
    """Which of the pathway's requirements the evidence meets.

    Level pathways count everything the member has ever done. A refresher counts only what was
    done after the renewed certificate's completion date (cycle.completed_on).
    """
    if pathway.is_refresher:
        return _evaluate_refresher(pathway, evidence, course, cycle)
    reqs: list[Requirement] = []
    if pathway.module_ids:
        unread = [m for m in pathway.module_ids if m not in evidence.reads]
        total = len(pathway.module_ids)
        reqs.append(Requirement(
            "modules", f"Read the {_plural(total, 'module')} for {pathway.title.lower()}", not unread,
            f"{total - len(unread)} of {total} read", f"module:{unread[0]}" if unread else None))
    checklists = {c.level: c for c in course.checklists}
    for level in pathway.checklist_levels:
        questions = [q.id for q in checklists[level].questions] if level in checklists else []
        answered = sum(1 for q in questions if q in evidence.answered)
        reqs.append(Requirement(
            f"checklist-{level}", f"Answer the level {level} checklist", answered == len(questions),
            f"{answered} of {len(questions)} questions answered", f"checklist:{level}"))
    passed = [a for a in evidence.assessments if a.passed]
    if pathway.assessment:
        best = max((a.score_percent for a in evidence.assessments), default=None)
        reqs.append(Requirement(
            "assessment", "Pass the “Test your knowledge” assessment", bool(passed),
            f"Best score {best}%" if best is not None else "Not taken yet", "assessment"))
    finished = {r.scenario_id for r in evidence.runs}
    if pathway.dilemmas:
        reqs.append(Requirement(
            "dilemmas", f"Finish {_plural(pathway.dilemmas, 'different “What if...?” dilemma')}",
            len(finished) >= pathway.dilemmas, f"{min(len(finished), pathway.dilemmas)} of "
                                               f"{pathway.dilemmas} finished", "scenarios"))
    if pathway.data_exercises:
        scenarios = course.scenarios
        data_done = sum(1 for s in finished if s in scenarios and scenarios[s].kind == DATA_EXERCISE)
        reqs.append(Requirement(
            "data-exercises", f"Finish {_plural(pathway.data_exercises, 'data exercise')}",
            data_done >= pathway.data_exercises,
            f"{min(data_done, pathway.data_exercises)} of {pathway.data_exercises} finished", "scenarios"))
    score = max((a.score_percent for a in evidence.assessments), default=None)
    return PathwayProgress(pathway, tuple(reqs), all(r.done for r in reqs), score)


def _on_current_content(result: AssessmentResult, course) -> bool:
    # An attempt whose questions have since been removed or replaced was on older content.
    bank = course.question_bank
    return all(bank.question(q) is not None for q in result.question_ids)


def _evaluate_refresher(pathway: Pathway, evidence: Evidence, course, cycle: Cycle | None) -> PathwayProgress:
    if cycle is None:
        # Nothing to renew: a refresher needs an earlier certificate.
        reqs = (Requirement("certificate", "Hold a certificate to renew", False),)
        return PathwayProgress(pathway, reqs, False, None)
    since = cycle.completed_on
    in_cycle = [a for a in evidence.assessments if a.submitted_on > since and _on_current_content(a, course)]
    reqs: list[Requirement] = []
    assessment_done = any(a.passed for a in in_cycle)
    best = max((a.score_percent for a in in_cycle), default=None)
    if pathway.assessment:
        reqs.append(Requirement(
            "assessment", "Pass the “Test your knowledge” assessment again", assessment_done,
            f"Best score this time {best}%" if best is not None else "Not taken since your last certificate",
            "assessment"))
    if pathway.new_dilemmas:
        before = {r.scenario_id for r in evidence.runs if r.finished_on <= since}
        new = {r.scenario_id for r in evidence.runs if r.finished_on > since and r.scenario_id not in before}
        reqs.append(Requirement(
            "new-dilemmas", f"Finish {_plural(pathway.new_dilemmas, '“What if...?” dilemma')} you have "
                            f"not done before", len(new) >= pathway.new_dilemmas,
            f"{min(len(new), pathway.new_dilemmas)} of {pathway.new_dilemmas} finished", "scenarios"))
    if pathway.changes_page:
        reqs.append(Requirement(
            "changes", "Read what has changed since your last certificate",
            cycle.certificate_id in evidence.acknowledged, "", "changes"))
    complete = all(r.done for r in reqs)
    route = "full"
    if not complete and pathway.assessment_only_for_returning and cycle.returning and assessment_done:
        complete, route = True, "assessment-only"
    return PathwayProgress(pathway, tuple(reqs), complete, best, route, cycle)


def load_evidence(person_id: int) -> Evidence:
    """Everything one member has done that a pathway can ask for: five small queries."""
    reads = frozenset(db.session.scalars(select(ModuleRead.module_id).where(ModuleRead.person_id == person_id)))
    answered = frozenset(db.session.scalars(
        select(ChecklistAnswer.question_id).where(ChecklistAnswer.person_id == person_id)))
    attempts = db.session.execute(
        select(QuizAttempt.submitted_at, QuizAttempt.score_percent, QuizAttempt.passed,
               QuizAttempt.question_ids)
        .where(QuizAttempt.person_id == person_id, QuizAttempt.quiz == "assessment",
               QuizAttempt.status == AttemptStatus.SUBMITTED, QuizAttempt.submitted_at.is_not(None))).all()
    runs = db.session.execute(
        select(ScenarioRun.scenario_id, ScenarioRun.finished_at)
        .where(ScenarioRun.person_id == person_id, ScenarioRun.status == RunStatus.FINISHED,
               ScenarioRun.finished_at.is_not(None))).all()
    acknowledged = certificates_data.acknowledged_certificate_ids(person_id)
    return Evidence(
        reads=reads, answered=answered,
        assessments=tuple(AssessmentResult(at.date(), score or 0, bool(ok), tuple(ids or ()))
                          for at, score, ok, ids in attempts),
        runs=tuple(FinishedRun(sid, at.date()) for sid, at in runs),
        acknowledged=acknowledged)


# The audit action written when a member confirms they read "what has changed" (the confirmation
# itself is a row in changes_acknowledgements).
CHANGES_ACKNOWLEDGED = "refresher.changes-acknowledged"
