"""Pathways (content/pathways.yaml): what a member must do to earn each certificate.

load_pathways(b) reads and checks the file with the rest of the course. evaluate() says, for one
member's evidence, which requirements of a pathway are met: it is a plain function over plain
data, so the rules are tested without a request; load_evidence() reads that data for one person.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Mapping

from app.content.fields import Fields

LEVEL_KIND = "level"
REFRESHER_KIND = "refresher"
PATHWAY_KINDS = (LEVEL_KIND, REFRESHER_KIND)
PATHWAY_FIELDS = {"id", "title", "kind", "level", "summary", "builds_on", "module_level",
                  "checklists", "assessment", "dilemmas", "data_exercises", "new_dilemmas",
                  "changes_page", "assessment_only_for_returning"}
DATA_EXERCISE = "data-exercise"


@dataclass(frozen=True)
class Pathway:
    id: str
    title: str
    kind: str
    summary: str
    level: int | None = None                 # level pathways only; a refresher keeps the level held
    builds_on: str | None = None
    module_ids: tuple[str, ...] = ()         # every module needed, including the pathways built on
    checklist_levels: tuple[int, ...] = ()
    assessment: bool = False
    dilemmas: int = 0                        # distinct scenarios finished, in total
    data_exercises: int = 0                  # of which data exercises
    new_dilemmas: int = 0                    # refresher: scenarios never finished before the cycle
    changes_page: bool = False
    assessment_only_for_returning: bool = False

    @property
    def is_refresher(self) -> bool:
        return self.kind == REFRESHER_KIND

    @property
    def name(self) -> str:
        """'Induction (level 1)', as a member and a certificate say it."""
        return f"{self.title} (level {self.level})" if self.level else self.title


@dataclass(frozen=True)
class Pathways:
    role_levels: Mapping[str, int]
    pathways: tuple[Pathway, ...]

    def get(self, pathway_id: str) -> Pathway | None:
        return next((p for p in self.pathways if p.id == pathway_id), None)

    def for_level(self, level: int) -> Pathway:
        return next(p for p in self.pathways if p.kind == LEVEL_KIND and p.level == level)

    @property
    def refresher(self) -> Pathway:
        return next(p for p in self.pathways if p.is_refresher)

    def level_of_roles(self, roles) -> int:
        """The highest level any of the roles needs; every member needs level 1."""
        return max((self.role_levels.get(role, 1) for role in roles), default=1)


# --- loading ----------------------------------------------------------------------------------

def load_pathways(b) -> None:  # noqa: C901 - over the cap of 12 before the gate; split it when next changed
    from app.content.course import LEVELS
    from app.models import ROLE_LABELS

    path = b.root / "content" / "pathways.yaml"
    data = b.read_yaml(path)
    if data is None:
        return
    report = b.reporter(path)
    top = Fields(data, report, where="pathways.yaml")
    if not top.ok:
        return
    top.unknown_keys({"roles", "pathways"})

    role_levels: dict[str, int] = {}
    roles = Fields(data.get("roles"), report, where="'roles'")
    for role, level in roles.mapping.items():
        if role not in ROLE_LABELS:
            report(roles.line_of(role), f"unknown role {role!r} (roles are: {', '.join(ROLE_LABELS)})")
        elif isinstance(level, bool) or level not in LEVELS:
            report(roles.line_of(role), f"role {role!r}: the level must be 1, 2 or 3, not {level!r}")
        else:
            role_levels[role] = level
    if roles.ok:
        for role in ROLE_LABELS:
            if role not in roles.mapping:
                report(roles.line, f"'roles' must give a level for every role; {role!r} is missing")

    checklists = {c.level: c for c in b.extras.get("checklists", ())}
    scenarios = b.extras.get("scenarios", {})
    teaching = [m for m in b.modules.values() if m.is_teaching]
    built: dict[str, Pathway] = {}
    for _, entry in top.items("pathways"):
        f = Fields(entry, report, where="pathway")
        if not f.ok:
            continue
        f.unknown_keys(PATHWAY_FIELDS)
        pid, title, summary = f.identifier("id"), f.text("title"), f.text("summary")
        kind = f.choice("kind", PATHWAY_KINDS, required=False, default=LEVEL_KIND)
        if pid in built:
            report(f.line_of("id"), f"duplicate pathway id {pid!r}")
            continue
        counts = {key: f.integer(key, required=False, minimum=0, maximum=20, default=0)
                  for key in ("dilemmas", "data_exercises", "new_dilemmas")}
        flags = {key: f.boolean(key) for key in ("assessment", "changes_page",
                                                 "assessment_only_for_returning")}
        if kind == REFRESHER_KIND:
            for key in ("level", "builds_on", "module_level", "checklists", "dilemmas", "data_exercises"):
                if key in f.mapping:
                    report(f.line_of(key), f"pathway {pid!r}: a refresher has no '{key}' "
                                           f"(it keeps the level of the certificate it renews)")
            if flags["assessment_only_for_returning"] and not flags["assessment"]:
                report(f.line_of("assessment_only_for_returning"),
                       f"pathway {pid!r}: an assessment-only route needs 'assessment: true'")
            if pid and title and summary:
                built[pid] = Pathway(pid, title, kind, summary, assessment=flags["assessment"],
                                     new_dilemmas=counts["new_dilemmas"],
                                     changes_page=flags["changes_page"],
                                     assessment_only_for_returning=flags["assessment_only_for_returning"])
            continue

        for key in ("new_dilemmas", "changes_page", "assessment_only_for_returning"):
            if key in f.mapping:
                report(f.line_of(key), f"pathway {pid!r}: '{key}' is for a refresher only")
        level = f.integer("level", minimum=1, maximum=3)
        module_level = f.integer("module_level", required=False, minimum=1, maximum=3)
        checklist_levels = []
        for line, item in f.items("checklists", required=False):
            if item not in checklists:
                report(line, f"pathway {pid!r}: there is no checklist for level {item!r}")
            else:
                checklist_levels.append(item)
        base = None
        builds_on = f.identifier("builds_on", required=False)
        if builds_on:
            base = built.get(builds_on)
            if base is None or base.is_refresher:
                report(f.line_of("builds_on"), f"pathway {pid!r} builds on {builds_on!r}, which is not "
                                               f"a level pathway defined above it")
                continue
            if level is not None and base.level is not None and level <= base.level:
                report(f.line_of("level"), f"pathway {pid!r} must be a higher level than {builds_on!r}")
        if level is not None and any(p.level == level for p in built.values()):
            report(f.line_of("level"), f"there is already a pathway for level {level}")
            continue
        modules = tuple(m.id for m in sorted(teaching, key=lambda m: (m.order, m.id))
                        if module_level is not None and m.lowest_level == module_level)
        if module_level is not None and not modules:
            report(f.line_of("module_level"), f"pathway {pid!r}: no teaching module is first needed "
                                              f"at level {module_level}")
        inherited = base or Pathway("", "", LEVEL_KIND, "")
        pathway = Pathway(
            pid, title, kind, summary, level=level, builds_on=builds_on,
            module_ids=inherited.module_ids + tuple(m for m in modules if m not in inherited.module_ids),
            checklist_levels=tuple(sorted(set(inherited.checklist_levels) | set(checklist_levels))),
            assessment=inherited.assessment or flags["assessment"],
            dilemmas=inherited.dilemmas + counts["dilemmas"],
            data_exercises=inherited.data_exercises + counts["data_exercises"])
        if pathway.data_exercises > pathway.dilemmas:
            report(f.line_of("data_exercises"), f"pathway {pid!r}: data exercises count towards "
                                                f"'dilemmas', so there cannot be more of them")
        if level is not None and scenarios:
            open_to = [s for s in scenarios.values() if s.serves_level(level)]
            if len(open_to) < pathway.dilemmas or \
                    sum(1 for s in open_to if s.kind == DATA_EXERCISE) < pathway.data_exercises:
                report(f.line_of("dilemmas"), f"pathway {pid!r} asks for more scenarios than there "
                                              f"are at level {level}")
        if pid and title and summary and level is not None:
            built[pid] = pathway

    if top.ok and "pathways" in data and not b.problems:
        for level in LEVELS:
            if not any(p.level == level for p in built.values()):
                report(top.line_of("pathways"), f"there is no pathway for level {level}")
        if sum(1 for p in built.values() if p.is_refresher) != 1:
            report(top.line_of("pathways"), "there must be exactly one refresher pathway")
    b.extras["pathways"] = Pathways(MappingProxyType(role_levels), tuple(built.values()))


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
    from sqlalchemy import select

    from app.extensions import db
    from app.data import certificates as certificates_data
    from app.models import ChecklistAnswer, ModuleRead, QuizAttempt, ScenarioRun
    from app.vocabulary import AttemptStatus, RunStatus

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
