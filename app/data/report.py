"""The completion report, computed by the database.

Every active councillor's training status, the counts, the status-by-role table, the filters and
the sort are worked out in SQL (grouped subqueries, a window function and CASE expressions that run
the same on SQLite and PostgreSQL); Python only builds the rows it is about to show or write. So a
page of the report for every councillor in England reads a page of rows, not 200,000 attempts.

The status rules are app.certificates.status.decide(). _statuses() below is the same rules written
as SQL, step by step in the same order; tests/integration/test_status_sql.py checks that the two agree for every
member of a generated council (29 February, a refresher due today, a face-to-face certificate, a
leaver and the rest), on SQLite and on PostgreSQL. Change one, change the other.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Iterator, Mapping, NamedTuple, Protocol, Sequence

from dateutil.relativedelta import relativedelta
from sqlalchemy import (Date, Integer, String, and_, case, distinct, exists, func, literal, not_, null, or_, select,
                        type_coerce, union_all)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from app.extensions import db
from app.models import (ROLE_LABELS, Certificate, ChecklistAnswer, CouncillorRole, Election, ModuleRead,
                        Person, QuizAttempt, ScenarioRun)
from app.vocabulary import AttemptStatus, RunStatus

# Worst first: the order officers chase members in, and the order of the summary.
STATUS_VALUES = ("overdue", "due soon", "not started", "in progress", "current")
NO_ROLE = "none"
SORTS = ("name", "ward", "party", "roles", "required", "status", "last_completed", "refresher_due",
         "score", "dilemmas", "urgency")
# Urgency groups, the order "Needs action" lists members in.
OVERDUE, DUE_SOON, NOT_STARTED_PAST_DEADLINE, NO_ACTION = 0, 1, 2, 3
NEEDS_CODES = {"overdue": OVERDUE, "due-soon": DUE_SOON, "not-started": NOT_STARTED_PAST_DEADLINE}
BATCH = 1000


# --- two pieces of date arithmetic each database spells its own way -----------------------------

class add_months(FunctionElement):
    """The same day, months later, clamped to the month's end: app.certificates.dates.add_months."""

    type = Date()
    inherit_cache = True
    name = "add_months"


@compiles(add_months, "postgresql")
def _add_months_postgresql(element, compiler, **kw):
    start, months = (compiler.process(clause, **kw) for clause in element.clauses)
    # PostgreSQL clamps to the end of the month itself: 31 January + 1 month is 28/29 February.
    return f"CAST({start} + make_interval(months => {months}) AS DATE)"


@compiles(add_months, "sqlite")
def _add_months_sqlite(element, compiler, **kw):
    start, months = (compiler.process(clause, **kw) for clause in element.clauses)
    # SQLite rolls over (31 January + 1 month is 3 March), so step from the first of the month
    # and take the earlier of "same day" and "last day of the month".
    return (f"min(date({start}, 'start of month', '+' || ({months}) || ' months', "
            f"'+' || (CAST(strftime('%d', {start}) AS INTEGER) - 1) || ' days'), "
            f"date({start}, 'start of month', '+' || (({months}) + 1) || ' months', '-1 day'))")


class earliest(FunctionElement):
    """The earliest of some dates, ignoring the missing ones (NULL if all are missing)."""

    type = Date()
    inherit_cache = True
    name = "earliest"


@compiles(earliest, "postgresql")
def _earliest_postgresql(element, compiler, **kw):
    return f"LEAST({compiler.process(element.clauses, **kw)})"


@compiles(earliest, "sqlite")
def _earliest_sqlite(element, compiler, **kw):
    # SQLite's min() of several values is NULL if any is: stand a far-off day in for the missing.
    parts = ", ".join(f"coalesce({compiler.process(c, **kw)}, '9999-12-31')" for c in element.clauses)
    return f"nullif(min({parts}), '9999-12-31')"


# --- what the SQL needs to decide a status -------------------------------------------------------

@dataclass(frozen=True)
class StatusRules:
    """The day and the settings decide() is given, as plain values the SQL can use."""

    today: date
    warning_days: int
    induction_months: int
    role_levels: Mapping[str, int]
    pathway_for_level: Mapping[int, str]
    refresher_id: str = "refresher"

    @property
    def warning_from(self) -> date:
        # decide(): due soon when today >= due - warning, that is due <= today + warning.
        return self.today + timedelta(days=self.warning_days)


class Sorting(Protocol):
    @property
    def sort(self) -> str: ...

    @property
    def direction(self) -> str: ...


class ReportFilters(Sorting, Protocol):
    @property
    def status(self) -> str: ...

    @property
    def ward(self) -> str: ...

    @property
    def party(self) -> str: ...

    @property
    def role(self) -> str: ...

    @property
    def due_within(self) -> int | None: ...


class Row(NamedTuple):
    """One member's line of the report. A named tuple, not a dataclass: an export makes 17,000
    of them and a tuple is made several times faster."""

    member_id: int
    name: str
    ward: str | None
    party: str | None
    roles: tuple[str, ...]
    required_level: int
    required_pathway: str
    status: str  # a STATUS_VALUES value
    last_completed: date | None
    refresher_due: date | None
    best_score: int | None
    dilemmas_done: int
    due_by: date | None
    started: bool = True  # any certificate or any activity at all

    @property
    def urgency(self) -> int:
        return urgency_of(self.status, self.started)

    @property
    def role_labels(self) -> str:
        return ", ".join(ROLE_LABELS.get(r, r) for r in self.roles)

    @property
    def deadline(self) -> date | None:
        return self.due_by or self.refresher_due


def urgency_of(status: str, started: bool) -> int:
    """OVERDUE, DUE_SOON, NOT_STARTED_PAST_DEADLINE or NO_ACTION: _urgency() in Python."""
    if status == "overdue":
        return OVERDUE if started else NOT_STARTED_PAST_DEADLINE
    return DUE_SOON if status == "due soon" else NO_ACTION


@dataclass
class Summary:
    total_active: int
    matched: int
    counts: dict[str, int]
    by_role: list[tuple[str, dict[str, int]]]  # (role key, counts by status), in ROLE_LABELS order
    by_month: list[tuple[date, int]]           # (first day of month, certificates issued)
    wards: list[str]
    parties: list[str]


def _level_of(role, levels: Mapping[str, int]):
    return case(dict(levels), value=role, else_=1) if levels else literal(1)


def _statuses(rules: StatusRules, filters: ReportFilters | None = None):
    """One row per active councillor: decide()'s record, in SQL. Read decide() beside it.

    Two steps: "facts" reads each member's roles, certificates and activity once (the ward, party
    and role filters apply there, before any status is worked out), then the outer select decides
    from those facts. The facts are fenced off (OFFSET 0) so the database does not fold the two
    steps into one, which would copy each date calculation into every expression that uses it.
    """
    columns, joined, active = _facts_parts(rules.induction_months, tuple(sorted(rules.role_levels.items())))
    facts = (select(*columns).select_from(joined).where(*active, *_people_where(filters))
             .offset(0).subquery("facts"))
    f = facts.c
    warning_from = rules.warning_from
    status = case(
        (f.meeting_due < rules.today, "overdue"),
        (f.meeting_due <= warning_from, "due soon"),
        (f.meeting_due.is_not(None), "current"),
        (f.unmet_due_by < rules.today, "overdue"),
        (and_(f.unmet_due_by == f.latest_due, f.unmet_due_by <= warning_from), "due soon"),
        (f.started == 1, "in progress"),
        else_="not started")
    by_level = case(dict(rules.pathway_for_level), value=f.required_level,
                    else_=rules.pathway_for_level.get(1, ""))
    pathway = case((f.meeting_due <= warning_from, rules.refresher_id), else_=by_level)
    return (select(f.member_id, f.name, f.ward, f.party, f.required_level, pathway.label("required_pathway"),
                   status.label("status"),
                   func.coalesce(f.meeting_completed, f.any_completed).label("last_completed"),
                   func.coalesce(f.meeting_due, f.latest_due).label("refresher_due"),
                   f.best_score, f.dilemmas_done,
                   func.coalesce(f.meeting_due, f.unmet_due_by).label("due_by"), f.started,
                   *(f[flag] for flag in FLAGS))
            .subquery("statuses"))


def _people_where(filters: ReportFilters | None) -> list[ColumnElement]:
    """The ward, party and role filters: about the member alone, so applied before any status."""
    if filters is None:
        return []
    people, roles = Person.__table__.c, CouncillorRole.__table__.c
    where = []
    if filters.ward:
        where.append(func.lower(people.ward) == filters.ward.lower())
    if filters.party:
        where.append(func.lower(people.party) == filters.party.lower())
    if filters.role == NO_ROLE:
        where.append(not_(exists().where(roles.person_id == people.id)))
    elif filters.role:
        where.append(exists().where(roles.person_id == people.id, roles.role == filters.role))
    return where


@functools.lru_cache(maxsize=16)
def _facts_parts(induction_months: int, role_levels_items: tuple):
    # Building the expressions costs more than a small council's whole query, and they do not
    # change with the day: build them once per settings (SQLAlchemy caches the compiling).
    role_levels = dict(role_levels_items)
    people, roles, certs = Person.__table__.c, CouncillorRole.__table__.c, Certificate.__table__.c
    level = _level_of(roles.role, role_levels)
    induction = literal(induction_months, Integer)
    higher_levels = sorted({value for value in role_levels.values() if value > 1})

    # required = the highest level among the member's roles (1 with none). For the deadline of a
    # role needing more than the member holds: the earliest assigned_on among the roles at or
    # above each level (add_months never moves an earlier day past a later one, so the earliest
    # role gives the earliest deadline). The role flags, in ROLE_LABELS order, show and sort roles.
    def role_facts(name: str):
        return (select(roles.person_id, func.max(level).label("required"),
                       *(func.min(case((level >= value, roles.assigned_on))).label(f"from_{value}")
                         for value in higher_levels),
                       *(func.max(case((roles.role == key, 1), else_=0)).label(f"has_{n}")
                         for n, key in enumerate(ROLE_LABELS)))
                .group_by(roles.person_id).subquery(name))

    by_role = role_facts("role_facts")
    # Each member's valid certificates in one pass: for every level a member can be required to
    # hold, the latest refresher date and completion among certificates at or above it, and the
    # totals over all of them.
    thresholds = sorted({1, *higher_levels})
    held = (select(certs.person_id, func.count().label("certificates"), func.max(certs.level).label("held_level"),
                   func.max(certs.completed_on).label("last_completed"),
                   func.max(certs.refresher_due).label("latest_due"),
                   *(func.max(case((certs.level >= value, certs.refresher_due))).label(f"due_{value}")
                     for value in thresholds),
                   *(func.max(case((certs.level >= value, certs.completed_on))).label(f"done_{value}")
                     for value in thresholds))
            .where(certs.revoked_at.is_(None)).group_by(certs.person_id).subquery("held"))
    quiz, runs = QuizAttempt.__table__.c, ScenarioRun.__table__.c
    best = (select(quiz.person_id, func.max(quiz.score_percent).label("best"))
            .where(quiz.quiz == "assessment", quiz.status == AttemptStatus.SUBMITTED)
            .group_by(quiz.person_id).subquery("best"))
    dilemmas = (select(runs.person_id, func.count(distinct(runs.scenario_id)).label("done"))
                .where(runs.status == RunStatus.FINISHED).group_by(runs.person_id).subquery("dilemmas"))
    elections = Election.__table__.c
    activity = or_(*(exists().where(table.c.person_id == people.id)
                     for table in (ModuleRead.__table__, QuizAttempt.__table__, ScenarioRun.__table__,
                                   ChecklistAnswer.__table__)))

    required = func.coalesce(by_role.c.required, 1)
    # The certificates that meet the requirement: the latest refresher date among them, if any.
    meeting_due = case({value: held.c[f"due_{value}"] for value in thresholds}, value=required)
    meeting_completed = case({value: held.c[f"done_{value}"] for value in thresholds}, value=required)
    # With no certificate at all, the election's induction period (else the default) applies.
    election_deadline = case((and_(held.c.certificates.is_(None), people.elected_on.is_not(None)),
                              add_months(people.elected_on,
                                         func.coalesce(func.nullif(elections.induction_months, 0), induction))))
    # Roles above max(held level, 1) must be met within the induction period of their assigned_on.
    above = func.coalesce(held.c.held_level, 1)
    role_deadline = case(*((above < value, add_months(by_role.c[f"from_{value}"], induction))
                           for value in higher_levels)) if higher_levels else null()
    started = or_(held.c.certificates.is_not(None), activity)
    columns = (people.id.label("member_id"), people.name, people.ward, people.party,
               required.label("required_level"), meeting_due.label("meeting_due"),
               meeting_completed.label("meeting_completed"),
               earliest(election_deadline, role_deadline, held.c.latest_due).label("unmet_due_by"),
               held.c.latest_due.label("latest_due"), held.c.last_completed.label("any_completed"),
               best.c.best.label("best_score"), func.coalesce(dilemmas.c.done, 0).label("dilemmas_done"),
               case((started, 1), else_=0).label("started"),
               *(func.coalesce(by_role.c[f"has_{n}"], 0).label(f"has_{n}") for n in range(len(ROLE_LABELS))))
    joined = (Person.__table__
              .outerjoin(by_role, by_role.c.person_id == people.id)
              .outerjoin(held, held.c.person_id == people.id)
              .outerjoin(best, best.c.person_id == people.id)
              .outerjoin(dilemmas, dilemmas.c.person_id == people.id)
              .outerjoin(Election.__table__, elections.held_on == people.elected_on))
    return columns, joined, (people.kind == "councillor", people.active.is_(True))


def _rank(column, values) -> ColumnElement:
    return case({value: n for n, value in enumerate(values)}, value=column)


def _urgency(s) -> ColumnElement:
    return case((and_(s.c.status == "overdue", s.c.started == 1), OVERDUE),
                (s.c.status == "due soon", DUE_SOON),
                (s.c.status == "overdue", NOT_STARTED_PAST_DEADLINE),
                else_=NO_ACTION)


def _roles_sort(s) -> ColumnElement:
    text: ColumnElement = literal("", String)
    for n, label in enumerate(ROLE_LABELS.values()):
        text = text + case((s.c[f"has_{n}"] == 1, label.lower() + ", "), else_="")
    return func.nullif(text, "")


def _where(s, filters: ReportFilters, today: date) -> list[ColumnElement]:
    """On _statuses(rules, filters), which has applied the ward, party and role filters."""
    return _who_where(s, filters, today) + _status_where(s, filters)


def _who_where(s, filters: ReportFilters, today: date) -> list[ColumnElement]:
    """Which members, beyond _people_where(): due within N days (Needs action keeps this filter)."""
    where = []
    if filters.due_within is not None:
        # Overdue members are due "within N days" too: they are the ones to chase first.
        where.append(s.c.due_by <= today + timedelta(days=filters.due_within))
    return where


def _status_where(s, filters: ReportFilters) -> list[ColumnElement]:
    """Which statuses: the status and Needs action filters (the ones Needs action drops)."""
    where = []
    if filters.status:
        where.append(s.c.status == filters.status)
    needs = getattr(filters, "needs", "")
    if needs:
        where.append(_urgency(s) == NEEDS_CODES[needs])
    return where


def _order(s, filters: Sorting) -> list:
    by_sort: dict[str, list[ColumnElement]] = {
        "name": [func.lower(s.c.name)],
        "ward": [func.lower(s.c.ward)],
        "party": [func.lower(s.c.party)],
        "roles": [_roles_sort(s)],
        "required": [s.c.required_level, s.c.required_pathway],
        "status": [_rank(s.c.status, STATUS_VALUES)],
        "last_completed": [s.c.last_completed],
        "refresher_due": [s.c.refresher_due],
        "score": [s.c.best_score],
        "dilemmas": [s.c.dilemmas_done],
        # Overdue longest first, then due soonest, then not started past the induction deadline.
        "urgency": [_urgency(s), s.c.due_by],
    }
    keys = by_sort[filters.sort if filters.sort in SORTS else "name"]
    descending = filters.direction == "desc"
    order: list = []
    for key in keys:
        # Empty values last whichever the direction; ties by name.
        order += [case((key.is_(None), 1), else_=0), key.desc() if descending else key.asc()]
    return order + [func.lower(s.c.name), s.c.member_id]


def _matching(rules: StatusRules, filters: ReportFilters):
    s = _statuses(rules, filters)
    return s, select(*(s.c[name] for name in ROW_COLUMNS)).where(*_where(s, filters, rules.today))


FLAGS = tuple(f"has_{n}" for n in range(len(ROLE_LABELS)))
ROW_COLUMNS = ("member_id", "name", "ward", "party", "required_level", "required_pathway", "status",
               "last_completed", "refresher_due", "best_score", "dilemmas_done", "due_by", "started", *FLAGS)


def _row(mapping) -> Row:
    return _row_from([mapping[name] for name in ROW_COLUMNS])


@functools.lru_cache(maxsize=256)
def _roles_of(flags: tuple) -> tuple[str, ...]:
    return tuple(key for key, flag in zip(ROLE_LABELS, flags, strict=True) if flag)


_FIRST_FLAG = ROW_COLUMNS.index(FLAGS[0])


def _row_from(values: Sequence) -> Row:
    """A Row from the ROW_COLUMNS values, in that order."""
    (member_id, name, ward, party, required_level, required_pathway, status, last_completed, refresher_due,
     best_score, dilemmas_done, due_by, started) = values[:_FIRST_FLAG]
    return Row(member_id, name, ward, party, _roles_of(tuple(values[_FIRST_FLAG:])), required_level,
               required_pathway, status, last_completed, refresher_due, best_score, dilemmas_done, due_by,
               bool(started))


def _months(today: date, months_shown: int) -> list[date]:
    this_month = today.replace(day=1)
    return [_months_back(this_month, n) for n in range(months_shown - 1, -1, -1)]


def _report(rules: StatusRules, filters: ReportFilters, months: list[date], limit: int | None = None,
            offset: int = 0, urgent_limit: int | None = None, every_row: bool = False):
    """One statement for the page: every member's status is worked out once (the "who" CTE: the
    members the ward, party, role and due-date filters keep), then these kinds of row come back
    together: the page's members ("row", with their position), counts by status and role flags
    ("group", with n), certificates per day ("month", with the day in last_completed and n) and,
    when urgent_limit is given, Needs action over the same members whatever their status: its
    first rows ("urgent", with their position) and counts by status and started ("urgent-group").
    """
    s = _statuses(rules, filters)
    who = select(s).where(*_who_where(s, filters, rules.today)).cte("who").prefix_with("MATERIALIZED")
    matching = select(who).where(*_status_where(who, filters)).subquery("matching")
    m = matching.c
    types = {name: m[name].type for name in ROW_COLUMNS}

    def blank(name: str):
        return type_coerce(null(), types[name]).label(name)

    def numbered(kind: str, source, sorting: Sorting, first: int, count: int | None, *where):
        columns = [source.c[name] for name in ROW_COLUMNS]
        if count is None:  # every row, numbered in the report's order (one sort)
            ordered = (select(*columns, func.row_number().over(order_by=_order(source, sorting)).label("position"))
                       .where(*where).subquery(f"ordered_{kind}"))
            return select(literal(kind).label("kind"), ordered.c.position, type_coerce(null(), Integer).label("n"),
                          *(ordered.c[name] for name in ROW_COLUMNS))
        # One page: ORDER BY with LIMIT keeps only the rows up to the page's end while it sorts,
        # where numbering every member first sorted all of them.
        page_ = (select(*columns).where(*where).order_by(*_order(source, sorting)).limit(count).offset(first)
                 .subquery(f"page_{kind}"))
        position = func.row_number().over(order_by=_order(page_, sorting)) + first
        return select(literal(kind).label("kind"), position.label("position"), type_coerce(null(), Integer).label("n"),
                      *(page_.c[name] for name in ROW_COLUMNS))

    def counted(kind: str, source, grouped: tuple[str, ...]):
        return (select(literal(kind).label("kind"), type_coerce(null(), Integer).label("position"),
                       func.count().label("n"),
                       *(source.c[name] if name in grouped else blank(name) for name in ROW_COLUMNS))
                .group_by(*(source.c[name] for name in grouped)))

    parts = []
    if limit is not None or every_row:
        # Numbered in the report's order (one sort), then the page's numbers kept.
        parts.append(numbered("row", matching, filters, offset, None if every_row else limit))
    parts.append(counted("group", matching, ("status", *FLAGS)))
    certs = Certificate.__table__.c
    parts.append(select(literal("month").label("kind"), type_coerce(null(), Integer).label("position"),
                        func.count().label("n"),
                        *(certs.completed_on.label(name) if name == "last_completed" else blank(name)
                          for name in ROW_COLUMNS))
                 .where(certs.revoked_at.is_(None), certs.completed_on >= months[0],
                        certs.completed_on <= rules.today, certs.person_id.in_(select(m.member_id)))
                 .group_by(certs.completed_on))
    if urgent_limit is not None:
        if urgent_limit > 0:
            parts.append(numbered("urgent", who, _BY_URGENCY, 0, urgent_limit,
                                  _urgency(who) != NO_ACTION))
        parts.append(counted("urgent-group", who, ("status", "started")))
    return union_all(*parts)


@dataclass(frozen=True)
class _ByUrgency:
    sort: str = "urgency"
    direction: str = "asc"


_BY_URGENCY = _ByUrgency()


@dataclass
class Urgent:
    """Needs action: how many members are in each urgency group, and the most urgent of them."""

    found: dict[int, int]
    rows: list[Row]


def _fold(mappings: Iterable[Mapping], months: list[date]) -> tuple[list[Row], dict[str, int],
                                                                  list[tuple[str, dict[str, int]]],
                                                                  list[tuple[date, int]], Urgent]:
    shown: list[tuple[int, Row]] = []
    urgent: list[tuple[int, Row]] = []
    counts = {value: 0 for value in STATUS_VALUES}
    found = {code: 0 for code in (OVERDUE, DUE_SOON, NOT_STARTED_PAST_DEADLINE)}
    by_role_counts: dict[str, dict[str, int]] = {}
    per_month = dict.fromkeys(months, 0)
    for mapping in mappings:
        kind = mapping["kind"]
        if kind == "row":
            shown.append((mapping["position"], _row(mapping)))
        elif kind == "urgent":
            urgent.append((mapping["position"], _row(mapping)))
        elif kind == "group":
            status, n = mapping["status"], mapping["n"]
            counts[status] += n
            for role in [key for key, flag in zip(ROLE_LABELS, FLAGS, strict=True) if mapping[flag]] or [NO_ROLE]:
                by_role_counts.setdefault(role, dict.fromkeys(STATUS_VALUES, 0))[status] += n
        elif kind == "urgent-group":
            code = urgency_of(mapping["status"], bool(mapping["started"]))
            if code in found:
                found[code] += mapping["n"]
        else:
            per_month[mapping["last_completed"].replace(day=1)] += mapping["n"]
    by_role = [(key, by_role_counts[key]) for key in (*ROLE_LABELS, NO_ROLE) if key in by_role_counts]
    return (_in_order(shown), counts, by_role, sorted(per_month.items()), Urgent(found, _in_order(urgent)))


def _in_order(numbered: list[tuple[int, Row]]) -> list[Row]:
    return [row for _, row in sorted(numbered, key=lambda pair: pair[0])]


def _choices() -> tuple[int, list[str], list[str]]:
    people = Person.__table__.c
    active = and_(people.kind == "councillor", people.active.is_(True))
    total_active = db.session.scalar(select(func.count()).where(active)) or 0
    wards = db.session.scalars(select(people.ward).distinct().where(active, people.ward.is_not(None))).all()
    parties = db.session.scalars(select(people.party).distinct().where(active, people.party.is_not(None))).all()
    return total_active, sorted(wards, key=str.casefold), sorted(parties, key=str.casefold)


def page(rules: StatusRules, filters: ReportFilters, limit: int, offset: int = 0,
         months_shown: int = 12, urgent_limit: int | None = None) -> tuple[Summary, list[Row], Urgent]:
    """The summary and one page of matching members and, when urgent_limit is given, Needs action
    for the same ward, party, role and due-date filters: all from one evaluation of every
    member's status."""
    months = _months(rules.today, months_shown)
    rows_, counts, by_role, by_month, urgent = _fold(
        db.session.execute(_report(rules, filters, months, limit, offset, urgent_limit)).mappings(), months)
    total_active, wards, parties = _choices()
    return Summary(total_active=total_active, matched=sum(counts.values()), counts=counts, by_role=by_role,
                   by_month=by_month, wards=wards, parties=parties), rows_, urgent


def summary(rules: StatusRules, filters: ReportFilters, months_shown: int = 12) -> Summary:
    """Counts by status and by role and status, certificates by month, and the filter choices."""
    months = _months(rules.today, months_shown)
    _, counts, by_role, by_month, _ = _fold(db.session.execute(_report(rules, filters, months)).mappings(), months)
    total_active, wards, parties = _choices()
    return Summary(total_active=total_active, matched=sum(counts.values()), counts=counts, by_role=by_role,
                   by_month=by_month, wards=wards, parties=parties)


def export(rules: StatusRules, filters: ReportFilters, months_shown: int = 12) -> tuple[Summary, Iterator[Row]]:
    """The summary and every matching member in the report's order, from one reading of every
    member's status: the summary's rows come first in the one result, then the members, read a
    batch at a time. Read the rows to the end (or close the session) to finish the statement."""
    months = _months(rules.today, months_shown)
    total_active, wards, parties = _choices()
    report = _report(rules, filters, months, every_row=True).subquery("report")
    result = db.session.execute(
        select(report).order_by(case((report.c.kind == "row", 1), else_=0), report.c.position),
        execution_options={"yield_per": BATCH, "stream_results": True})
    head: list[Mapping] = []
    first = None
    for values in result:
        if values.kind == "row":
            first = values
            break
        head.append(values._mapping)
    _, counts, by_role, by_month, _ = _fold(head, months)
    summary = Summary(total_active=total_active, matched=sum(counts.values()), counts=counts, by_role=by_role,
                      by_month=by_month, wards=wards, parties=parties)
    skip = 3  # kind, position, n: then the ROW_COLUMNS

    def members() -> Iterator[Row]:
        if first is None:
            return
        yield _row_from(first[skip:])
        for values in result:
            yield _row_from(values[skip:])

    return summary, members()


def count(rules: StatusRules, filters: ReportFilters) -> int:
    """How many members match: from the people table alone unless the filters need statuses."""
    if filters.status or filters.due_within is not None or getattr(filters, "needs", ""):
        _, query = _matching(rules, filters)
        return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    people = Person.__table__.c
    return db.session.scalar(select(func.count()).where(people.kind == "councillor", people.active.is_(True),
                                                        *_people_where(filters))) or 0


def rows(rules: StatusRules, filters: ReportFilters, limit: int | None = None, offset: int = 0) -> list[Row]:
    """The matching members in the report's order: one page of them, or all when limit is None."""
    s, query = _matching(rules, filters)
    query = query.order_by(*_order(s, filters)).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [_row(m) for m in db.session.execute(query).mappings()]


def stream_rows(rules: StatusRules, filters: ReportFilters) -> Iterator[Row]:
    """Every matching member in the report's order, read from the database a batch at a time."""
    s, query = _matching(rules, filters)
    result = db.session.execute(query.order_by(*_order(s, filters)),
                                execution_options={"yield_per": BATCH, "stream_results": True})
    # Plain tuples in ROW_COLUMNS order (the statuses' own order): no mapping per row.
    for values in result:
        yield _row_from(values)


def _months_back(month: date, count: int) -> date:
    return month.replace(day=1) - relativedelta(months=count)



def needs_action(rules: StatusRules, filters: ReportFilters, limit: int) -> tuple[dict[int, int], list[Row]]:
    """Needs action from one evaluation of every member's status: how many members the ward,
    party, role and due-date filters keep are in each urgency group, and the first `limit` of
    those needing action, most urgent first."""
    s = _statuses(rules, filters)
    who = select(s).where(*_who_where(s, filters, rules.today)).cte("who").prefix_with("MATERIALIZED")
    urgency = _urgency(who)
    ordered = (select(*(who.c[name] for name in ROW_COLUMNS),
                      func.row_number().over(order_by=_order(who, _BY_URGENCY)).label("position"))
               .where(urgency != NO_ACTION).subquery("ordered"))
    shown = select(literal("urgent").label("kind"), ordered.c.position, type_coerce(null(), Integer).label("n"),
                   *(ordered.c[name] for name in ROW_COLUMNS)).where(ordered.c.position <= limit)
    counted = (select(literal("urgent-group").label("kind"), type_coerce(null(), Integer).label("position"),
                      func.count().label("n"),
                      *(who.c[name] if name in ("status", "started") else type_coerce(null(), who.c[name].type)
                        .label(name) for name in ROW_COLUMNS))
               .group_by(who.c.status, who.c.started))
    *_, urgent = _fold(db.session.execute(union_all(shown, counted) if limit > 0 else counted).mappings(), [])
    return urgent.found, urgent.rows
