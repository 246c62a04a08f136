"""Each member's training status: one set of rules, for one member or for every member at once.

decide() holds the rules and works on plain facts, so each rule is tested with any date.
training_records() reads the facts for many members in a fixed number of queries (however many
members there are) and applies decide() to each: the democratic services report is built on it.

The rules:
- A member's required level is the highest their roles need (content/pathways.yaml).
- A valid (not revoked) certificate at or above that level, meets it. Its refresher falls due
  REFRESHER_INTERVAL_MONTHS after completion: due soon within REFRESHER_WARNING_DAYS of that
  date, overdue after it.
- A member with no certificate must finish the pathway for their level by the end of the
  induction period after the election that brought them in (the election's induction_months,
  else INDUCTION_MONTHS); with no election date there is no deadline. Not started with no
  activity at all, in progress with any, overdue once the deadline has passed.
- A member given a role that needs more than their certificates show must finish the higher
  pathway within the induction period of the role's assigned_on (or earlier, if their own
  certificate lapses first).

The completion report applies the same rules in SQL for every member at once
(app/data/report.py, _statuses()); tests/integration/test_status_sql.py checks that the two agree on every
member of a generated council. A change to a rule here is a change there too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Mapping

from flask import current_app
from sqlalchemy import Select, bindparam, exists, func, or_, select

from app import clock
from app.certificates.dates import add_months
from app.content import current_course
from app.data.report import StatusRules
from app.extensions import db
from app.models import (
    Certificate,
    ChecklistAnswer,
    Councillor,
    CouncillorRole,
    Election,
    ModuleRead,
    QuizAttempt,
    ScenarioRun,
)
from app.roles import role_levels
from app.vocabulary import AttemptStatus, RunStatus, TrainingStatus

# The name the rules have always used for app.vocabulary.TrainingStatus.
Status = TrainingStatus


@dataclass(frozen=True)
class TrainingRecord:
    person_id: int
    required_level: int
    required_pathway: str
    status: Status
    last_completed: date | None
    refresher_due: date | None
    best_assessment_score: int | None
    dilemmas_done: int
    due_by: date | None  # the date the current requirement must be met: refresher due, or induction deadline


@dataclass(frozen=True)
class Settings:
    interval_months: int = 24
    warning_days: int = 90
    induction_months: int = 3

    @classmethod
    def from_config(cls) -> Settings:
        config = current_app.config
        return cls(config.get("REFRESHER_INTERVAL_MONTHS", 24), config.get("REFRESHER_WARNING_DAYS", 90),
                   config.get("INDUCTION_MONTHS", 3))


@dataclass(frozen=True)
class HeldCertificate:
    id: int
    pathway_id: str
    level: int
    completed_on: date
    refresher_due: date


@dataclass(frozen=True)
class HeldRole:
    role: str
    level: int
    assigned_on: date


@dataclass(frozen=True)
class MemberFacts:
    person_id: int
    roles: tuple[HeldRole, ...] = ()
    certificates: tuple[HeldCertificate, ...] = ()  # valid ones only: revoked certificates do not count
    elected_on: date | None = None
    election_induction_months: int | None = None    # from the Election held on elected_on, if recorded
    any_activity: bool = False
    best_assessment_score: int | None = None
    dilemmas_done: int = 0


def level_pathways() -> Mapping[int, str]:
    pathways = current_course().pathways
    return {level: pathways.for_level(level).id for level in (1, 2, 3)}


def decide(facts: MemberFacts, today: date, settings: Settings, pathway_for_level: Mapping[int, str],
           refresher_id: str = "refresher") -> TrainingRecord:
    """The member's status on the given day, from their facts alone."""
    required = max((r.level for r in facts.roles), default=1)
    warning = timedelta(days=settings.warning_days)
    meeting = [c for c in facts.certificates if c.level >= required]

    def record(status: Status, pathway: str, last: date | None, refresher: date | None,
               due_by: date | None) -> TrainingRecord:
        return TrainingRecord(facts.person_id, required, pathway, status, last, refresher,
                              facts.best_assessment_score, facts.dilemmas_done, due_by)

    if meeting:
        # The certificate that keeps the member covered longest sets the refresher date; the
        # latest of them is when they last completed training at their level.
        due = max(c.refresher_due for c in meeting)
        last = max(c.completed_on for c in meeting)
        if today > due:
            return record(Status.OVERDUE, refresher_id, last, due, due)
        if today >= due - warning:
            return record(Status.DUE_SOON, refresher_id, last, due, due)
        return record(Status.CURRENT, pathway_for_level[required], last, due, due)

    # The requirement is not met: when must it be?
    held_level = max((c.level for c in facts.certificates), default=0)
    deadlines: list[date] = []
    if not facts.certificates and facts.elected_on:
        months = facts.election_induction_months or settings.induction_months
        deadlines.append(add_months(facts.elected_on, months))
    for role in facts.roles:
        if role.level > max(held_level, 1):
            deadlines.append(add_months(role.assigned_on, settings.induction_months))
    lapsing = max(facts.certificates, key=lambda c: (c.refresher_due, c.id), default=None)
    if lapsing is not None:
        deadlines.append(lapsing.refresher_due)
    due_by = min(deadlines, default=None)
    last = max((c.completed_on for c in facts.certificates), default=None)
    refresher = lapsing.refresher_due if lapsing else None
    pathway = pathway_for_level[required]
    if due_by is not None and today > due_by:
        status = Status.OVERDUE
    elif lapsing is not None and due_by == lapsing.refresher_due and today >= due_by - warning:
        status = Status.DUE_SOON
    elif facts.certificates or facts.any_activity:
        status = Status.IN_PROGRESS
    else:
        status = Status.NOT_STARTED
    return record(status, pathway, last, refresher, due_by)


# --- reading the facts in bulk ------------------------------------------------------------------

@dataclass(frozen=True)
class _FactQueries:
    """The three statements that read the facts of the members `chosen` names."""

    roles: Select
    certificates: Select
    people: Select

    @classmethod
    def of(cls, chosen) -> _FactQueries:
        wanted = select(Councillor.id).where(chosen)
        # Each count is an indexed probe per member (ix_quiz_attempts_best_score, the person_id
        # indexes), not a pass over every attempt (200,000 rows for a national host).
        best = (select(func.max(QuizAttempt.score_percent))
                .where(QuizAttempt.person_id == Councillor.id, QuizAttempt.quiz == "assessment",
                       QuizAttempt.status == AttemptStatus.SUBMITTED).scalar_subquery())
        dilemmas = (select(func.count(func.distinct(ScenarioRun.scenario_id)))
                    .where(ScenarioRun.person_id == Councillor.id, ScenarioRun.status == RunStatus.FINISHED)
                    .scalar_subquery())
        active = or_(*(exists().where(table.person_id == Councillor.id)
                       for table in (ModuleRead, QuizAttempt, ScenarioRun, ChecklistAnswer)))
        return cls(
            roles=select(CouncillorRole.person_id, CouncillorRole.role, CouncillorRole.assigned_on)
            .where(CouncillorRole.person_id.in_(wanted)),
            certificates=select(Certificate.person_id, Certificate.id, Certificate.pathway_id, Certificate.level,
                                Certificate.completed_on, Certificate.refresher_due)
            .where(Certificate.person_id.in_(wanted), Certificate.revoked_at.is_(None)),
            people=select(Councillor.id, Councillor.elected_on, Election.induction_months, best, dilemmas, active)
            .outerjoin(Election, Election.held_on == Councillor.elected_on).where(chosen))


# Built once: every page a member opens after doing something works out their status, and
# building these statements cost more than running them.
_LISTED = _FactQueries.of(Councillor.id.in_(bindparam("ids", expanding=True)))
_EVERY_ACTIVE = _FactQueries.of(Councillor.active.is_(True))


def load_facts(person_ids: Iterable[int] | None = None) -> dict[int, MemberFacts]:
    """Facts for the given councillors (every active councillor when None), in three queries:
    their roles, their valid certificates, then a row for each member with the rest."""
    if person_ids is None:
        queries, params = _EVERY_ACTIVE, {}
    else:
        ids = sorted(set(person_ids))
        if not ids:
            return {}
        queries, params = _LISTED, {"ids": ids}
    levels = role_levels()

    roles: dict[int, list[HeldRole]] = {}
    for pid, role, assigned_on in db.session.execute(queries.roles, params):
        roles.setdefault(pid, []).append(HeldRole(role, levels.get(role, 1), assigned_on))

    certificates: dict[int, list[HeldCertificate]] = {}
    for pid, cid, pathway, level, completed, due in db.session.execute(queries.certificates, params):
        certificates.setdefault(pid, []).append(HeldCertificate(cid, pathway, level, completed, due))

    return {
        pid: MemberFacts(
            person_id=pid, roles=tuple(roles.get(pid, ())), certificates=tuple(certificates.get(pid, ())),
            elected_on=elected_on, election_induction_months=induction_months,
            any_activity=bool(any_activity), best_assessment_score=best_score,
            dilemmas_done=dilemmas_done or 0)
        for pid, elected_on, induction_months, best_score, dilemmas_done, any_activity
        in db.session.execute(queries.people, params)
    }


def training_records(person_ids: Iterable[int] | None = None, today: date | None = None) -> dict[int, TrainingRecord]:
    """Every listed councillor's record (every active councillor when person_ids is None)."""
    today = today or clock.today()
    settings = Settings.from_config()
    by_level = level_pathways()
    refresher_id = current_course().pathways.refresher.id
    return {pid: decide(facts, today, settings, by_level, refresher_id)
            for pid, facts in load_facts(person_ids).items()}


def status_rules(today: date | None = None) -> StatusRules:
    """The settings decide() is given, for the SQL twin of decide() in app/data/report.py."""
    settings = Settings.from_config()
    return StatusRules(today=today or clock.today(), warning_days=settings.warning_days,
                       induction_months=settings.induction_months, role_levels=dict(role_levels()),
                       pathway_for_level=dict(level_pathways()),
                       refresher_id=current_course().pathways.refresher.id)


def training_record(person_id: int, today: date | None = None) -> TrainingRecord | None:
    return training_records([person_id], today).get(person_id)
