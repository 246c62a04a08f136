"""My training, built in one place: what the member's pathway asks for and the next thing to do.

build() gathers everything the page shows from the areas' own functions, once per request, so the
template only lays it out. The pathway decides what is required: its modules, checklists, the
assessment and how many dilemmas; everything else on the page is optional. The green "Continue"
button always points at the first requirement not yet met.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from app.certificates import issuing
from app.certificates.pathways import Pathway, PathwayProgress, Requirement
from app.checklists import progress as checklist_progress
from app.checklists.plan import build_plan
from app.content import current_course
from app.learning import progress as module_progress
from app.quizzes import attempts
from app.roles import required_level
from app.scenarios import runs


@dataclass(frozen=True)
class ModuleRow:
    status: module_progress.ModuleStatus
    required: bool


@dataclass(frozen=True)
class NextStep:
    label: str   # "Continue: The legal framework"
    url: str


@dataclass(frozen=True)
class RequirementRow:
    requirement: Requirement
    url: str | None      # where to meet it; None once met


@dataclass(frozen=True)
class CertificatePart:
    """The member's certificate status and, while working towards one, what it needs."""

    journey: issuing.Journey
    needed: Pathway                        # the pathway for the member's level
    requirements: tuple[RequirementRow, ...]
    certificates: tuple                    # every cycle's certificate, newest first

    @property
    def record(self):
        return self.journey.record

    @property
    def progress(self) -> PathwayProgress | None:
        return self.journey.progress

    @property
    def working_towards(self) -> str | None:
        """'Induction (level 1)', or 'Refresher (level 2)': what the requirements lead to."""
        j = self.journey
        if j.pathway is None:
            return None
        if j.pathway.level:
            return j.pathway.name
        cycle = j.progress.cycle if j.progress else None
        return f"{j.pathway.title} (level {cycle.level})" if cycle else j.pathway.title


@dataclass(frozen=True)
class MyTraining:
    modules: tuple[ModuleRow, ...]
    next_step: NextStep | None
    certificate: CertificatePart | None    # None for an officer, who earns no certificate
    checklists: tuple                      # ChecklistStatus for each level that applies
    required_checklists: frozenset[int]
    plan: object                           # the action plan from the checklist answers
    quizzes: attempts.Summary
    dilemmas: runs.Summary
    dilemmas_required: int
    assessment_required: bool

    @property
    def required_modules(self) -> tuple[ModuleRow, ...]:
        return tuple(m for m in self.modules if m.required)

    @property
    def optional_modules(self) -> tuple[ModuleRow, ...]:
        return tuple(m for m in self.modules if not m.required)

    @property
    def required_read(self) -> int:
        return sum(1 for m in self.required_modules if m.status.is_read)

    @property
    def required_total(self) -> int:
        return len(self.required_modules)

    @property
    def required_percent(self) -> int:
        return round(100 * self.required_read / self.required_total) if self.required_total else 0


def _next_unanswered_checklist_url(level: int, checklists) -> str:
    found = next((s for s in checklists if s.checklist.level == level), None)
    if found is not None and 0 < found.answered and found.first_unanswered:
        return url_for("checklists.question", level=level, question_number=found.first_unanswered)
    return url_for("checklists.checklist", level=level)


def _next_dilemma(dilemmas: runs.Summary, data_exercise: bool):
    """The dilemma to do next: one already started, else the first not finished."""
    candidates = [s for s in dilemmas.statuses if not s.finished
                  and (not data_exercise or s.scenario.kind == "data-exercise")]
    return next((s for s in candidates if s.in_progress), None) or next(iter(candidates), None)


def _where(req: Requirement, course, checklists, quizzes: attempts.Summary,
           dilemmas: runs.Summary) -> tuple[str, str] | None:
    """(what, url) for meeting a requirement: the page that moves it forward."""
    kind, _, value = (req.target or "").partition(":")
    if kind == "module":
        module = course.module(value)
        return (module.title, url_for("learning.module", module_id=value)) if module else None
    if kind == "checklist" and value.isdecimal():
        found = checklist_progress.checklist(int(value))
        title = f"Level {value} checklist" + (f": {found.title}" if found else "")
        return title, _next_unanswered_checklist_url(int(value), checklists)
    if kind == "assessment":
        if quizzes.open_assessment is not None:
            return (quizzes.assessment.title,
                    url_for("quizzes.attempt", attempt_id=quizzes.open_assessment.id))
        return quizzes.assessment.title, url_for("quizzes.assessment")
    if kind == "scenarios":
        status = _next_dilemma(dilemmas, data_exercise=req.key == "data-exercises")
        if status is None:
            return "“What if...?” dilemmas", url_for("scenarios.index")
        if status.in_progress:
            return status.scenario.title, url_for("scenarios.play", scenario_id=status.scenario.id,
                                                  run_id=status.open_run_id)
        return status.scenario.title, url_for("scenarios.overview", scenario_id=status.scenario.id)
    if kind == "changes":
        return "What has changed since your last certificate", url_for("certificates.changes")
    return None


def build(person, known_journey: issuing.Journey | None = None) -> MyTraining:
    course = current_course()
    journey = (known_journey or issuing.journey(person)) if person.is_councillor else None
    # A councillor's journey knows the level their roles need: reading their roles again for it
    # was the dearest query on the page.
    level = journey.record.required_level if journey else required_level(person)
    checklists = checklist_progress.statuses(person.id, checklist_progress.checklists_up_to(level))
    quizzes = attempts.summary(course, person)
    dilemmas = runs.summary(person, course.scenarios, level)
    reads = module_progress.progress(course, person)

    certificate = None
    required_modules: frozenset[str] = frozenset()
    required_checklists: frozenset[int] = frozenset()
    dilemmas_required, assessment_required = 0, False
    next_step = None
    if journey is not None:
        pathway = journey.pathway
        rows = []
        if pathway is not None and journey.progress is not None:
            required_modules = frozenset(pathway.module_ids)
            required_checklists = frozenset(pathway.checklist_levels)
            dilemmas_required = pathway.dilemmas or pathway.new_dilemmas
            assessment_required = pathway.assessment
            for req in journey.progress.requirements:
                where = None if req.done else _where(req, course, checklists, quizzes, dilemmas)
                rows.append(RequirementRow(req, where[1] if where else None))
                if next_step is None and where is not None:
                    started = any(r.requirement.done for r in rows) or bool(reads.read_count)
                    next_step = NextStep(f"{'Continue' if started else 'Start'}: {where[0]}", where[1])
        certificate = CertificatePart(journey, course.pathways.for_level(journey.record.required_level),
                                      tuple(rows), journey.certificates)
    elif reads.next_unread is not None:
        # An officer earns no certificate: the modules in order are the course for them.
        following = reads.next_unread
        next_step = NextStep(f"{'Continue' if reads.read_count else 'Start'}: {following.title}",
                             url_for("learning.module", module_id=following.id))

    return MyTraining(
        modules=tuple(ModuleRow(s, s.module.id in required_modules) for s in reads.statuses),
        next_step=next_step, certificate=certificate, checklists=checklists,
        required_checklists=required_checklists, plan=build_plan(checklists), quizzes=quizzes,
        dilemmas=dilemmas, dilemmas_required=dilemmas_required, assessment_required=assessment_required)
