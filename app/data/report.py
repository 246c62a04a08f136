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
from typing import Iterator, Mapping, Protocol

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


class ReportFilters(Protocol):
    status: str
    ward: str
    party: str
    role: str
    due_within: int | None
    sort: str
    direction: str


@dataclass(frozen=True)
class Row:
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


def _statuses(rules: StatusRules):
    """One row per active councillor: decide()'s record, in SQL. Read decide() beside it."""
    return _statuses_cached(rules.today, rules.warning_days, rules.induction_months,
                            tuple(sorted(rules.role_levels.items())), tuple(sorted(rules.pathway_for_level.items())),
                            rules.refresher_id)


@functools.lru_cache(maxsize=16)
def _statuses_cached(today: date, warning_days: int, induction_months: int, role_levels: tuple,
                     pathway_for_level: tuple, refresher_id: str):
    # Building the expression costs more than a small council's whole query, and the statement
    # is the same all day: build it once per day and settings (SQLAlchemy caches the compiling).
    rules = StatusRules(today, warning_days, induction_months, dict(role_levels), dict(pathway_for_level),
                        refresher_id)
    people, roles, certs = Person.__table__.c, CouncillorRole.__table__.c, Certificate.__table__.c
    level = _level_of(roles.role, rules.role_levels)
    induction = literal(rules.induction_months, Integer)
    higher_levels = sorted({value for value in rules.role_levels.values() if value > 1})

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
    unmet_due_by = earliest(election_deadline, role_deadline, held.c.latest_due)
    due_by = func.coalesce(meeting_due, unmet_due_by)
    started = or_(held.c.certificates.is_not(None), activity)
    status = case(
        (meeting_due < rules.today, "overdue"),
        (meeting_due <= rules.warning_from, "due soon"),
        (meeting_due.is_not(None), "current"),
        (unmet_due_by < rules.today, "overdue"),
        (and_(unmet_due_by == held.c.latest_due, unmet_due_by <= rules.warning_from), "due soon"),
        (started, "in progress"),
        else_="not started")
    by_level = case(dict(rules.pathway_for_level), value=required, else_=rules.pathway_for_level.get(1, ""))
    pathway = case((meeting_due <= rules.warning_from, rules.refresher_id), else_=by_level)

    return (select(people.id.label("member_id"), people.name, people.ward, people.party,
                   required.label("required_level"), pathway.label("required_pathway"), status.label("status"),
                   func.coalesce(meeting_completed, held.c.last_completed).label("last_completed"),
                   func.coalesce(meeting_due, held.c.latest_due).label("refresher_due"),
                   best.c.best.label("best_score"), func.coalesce(dilemmas.c.done, 0).label("dilemmas_done"),
                   due_by.label("due_by"), case((started, 1), else_=0).label("started"),
                   *(func.coalesce(by_role.c[f"has_{n}"], 0).label(f"has_{n}") for n in range(len(ROLE_LABELS))))
            .select_from(
                Person.__table__
                .outerjoin(by_role, by_role.c.person_id == people.id)
                .outerjoin(held, held.c.person_id == people.id)
                .outerjoin(best, best.c.person_id == people.id)
                .outerjoin(dilemmas, dilemmas.c.person_id == people.id)
                .outerjoin(Election.__table__, elections.held_on == people.elected_on))
            .where(people.kind == "councillor", people.active.is_(True))
            .subquery("statuses"))


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
    roles = CouncillorRole.__table__.c
    where = []
    if filters.status:
        where.append(s.c.status == filters.status)
    if filters.ward:
        where.append(func.lower(s.c.ward) == filters.ward.lower())
    if filters.party:
        where.append(func.lower(s.c.party) == filters.party.lower())
    if filters.role == NO_ROLE:
        where.append(not_(exists().where(roles.person_id == s.c.member_id)))
    elif filters.role:
        where.append(exists().where(roles.person_id == s.c.member_id, roles.role == filters.role))
    if filters.due_within is not None:
        # Overdue members are due "within N days" too: they are the ones to chase first.
        where.append(s.c.due_by <= today + timedelta(days=filters.due_within))
    needs = getattr(filters, "needs", "")
    if needs:
        where.append(_urgency(s) == NEEDS_CODES[needs])
    return where


def _order(s, filters: ReportFilters) -> list:
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
    s = _statuses(rules)
    return s, select(s).where(*_where(s, filters, rules.today))


FLAGS = tuple(f"has_{n}" for n in range(len(ROLE_LABELS)))
ROW_COLUMNS = ("member_id", "name", "ward", "party", "required_level", "required_pathway", "status",
               "last_completed", "refresher_due", "best_score", "dilemmas_done", "due_by", "started", *FLAGS)


def _row(mapping) -> Row:
    return Row(member_id=mapping["member_id"], name=mapping["name"], ward=mapping["ward"], party=mapping["party"],
               roles=tuple(key for key, flag in zip(ROLE_LABELS, FLAGS, strict=True) if mapping[flag]),
               required_level=mapping["required_level"], required_pathway=mapping["required_pathway"],
               status=mapping["status"], last_completed=mapping["last_completed"],
               refresher_due=mapping["refresher_due"], best_score=mapping["best_score"],
               dilemmas_done=mapping["dilemmas_done"], due_by=mapping["due_by"], started=bool(mapping["started"]))


def _months(today: date, months_shown: int) -> list[date]:
    this_month = today.replace(day=1)
    return [_months_back(this_month, n) for n in range(months_shown - 1, -1, -1)]


def _report(rules: StatusRules, filters: ReportFilters, months: list[date], limit: int | None = None,
            offset: int = 0):
    """One statement for the page: every member's status is worked out once (the matching CTE),
    then three kinds of row come back together: the page's members ("row", with their position),
    counts by status and role flags ("group", with n), and certificates per day ("month", with the
    day in last_completed and n)."""
    s, query = _matching(rules, filters)
    matching = query.cte("matching").prefix_with("MATERIALIZED")
    m = matching.c
    types = {name: m[name].type for name in ROW_COLUMNS}

    def blank(name: str):
        return type_coerce(null(), types[name])

    parts = []
    if limit is not None:
        order = _order(matching, filters)
        # Numbered in the report's order (one sort), then the page's numbers kept.
        ordered = (select(*(m[name] for name in ROW_COLUMNS), func.row_number().over(order_by=order).label("position"))
                   .subquery("ordered"))
        parts.append(select(literal("row").label("kind"), ordered.c.position, type_coerce(null(), Integer).label("n"),
                            *(ordered.c[name] for name in ROW_COLUMNS))
                     .where(ordered.c.position > offset, ordered.c.position <= offset + limit))
    grouped = ("status", *FLAGS)
    parts.append(select(literal("group").label("kind"), type_coerce(null(), Integer).label("position"),
                        func.count().label("n"),
                        *(m[name] if name in grouped else blank(name).label(name) for name in ROW_COLUMNS))
                 .group_by(*(m[name] for name in grouped)))
    certs = Certificate.__table__.c
    parts.append(select(literal("month").label("kind"), type_coerce(null(), Integer).label("position"),
                        func.count().label("n"),
                        *(certs.completed_on.label(name) if name == "last_completed" else blank(name).label(name)
                          for name in ROW_COLUMNS))
                 .where(certs.revoked_at.is_(None), certs.completed_on >= months[0],
                        certs.completed_on <= rules.today, certs.person_id.in_(select(m.member_id)))
                 .group_by(certs.completed_on))
    return union_all(*parts)


def _fold(result, months: list[date]) -> tuple[list[Row], dict[str, int], list[tuple[str, dict[str, int]]],
                                               list[tuple[date, int]]]:
    shown: list[tuple[int, Row]] = []
    counts = {value: 0 for value in STATUS_VALUES}
    by_role_counts: dict[str, dict[str, int]] = {}
    per_month = dict.fromkeys(months, 0)
    for mapping in result.mappings():
        kind = mapping["kind"]
        if kind == "row":
            shown.append((mapping["position"], _row(mapping)))
        elif kind == "group":
            status, n = mapping["status"], mapping["n"]
            counts[status] += n
            for role in [key for key, flag in zip(ROLE_LABELS, FLAGS, strict=True) if mapping[flag]] or [NO_ROLE]:
                by_role_counts.setdefault(role, dict.fromkeys(STATUS_VALUES, 0))[status] += n
        else:
            per_month[mapping["last_completed"].replace(day=1)] += mapping["n"]
    by_role = [(key, by_role_counts[key]) for key in (*ROLE_LABELS, NO_ROLE) if key in by_role_counts]
    return [row for _, row in sorted(shown, key=lambda pair: pair[0])], counts, by_role, sorted(per_month.items())


def _choices() -> tuple[int, list[str], list[str]]:
    people = Person.__table__.c
    active = and_(people.kind == "councillor", people.active.is_(True))
    total_active = db.session.scalar(select(func.count()).where(active)) or 0
    wards = db.session.scalars(select(people.ward).distinct().where(active, people.ward.is_not(None))).all()
    parties = db.session.scalars(select(people.party).distinct().where(active, people.party.is_not(None))).all()
    return total_active, sorted(wards, key=str.casefold), sorted(parties, key=str.casefold)


def page(rules: StatusRules, filters: ReportFilters, limit: int, offset: int = 0,
         months_shown: int = 12) -> tuple[Summary, list[Row]]:
    """The summary and one page of matching members, from one evaluation of every member's status."""
    months = _months(rules.today, months_shown)
    rows_, counts, by_role, by_month = _fold(db.session.execute(_report(rules, filters, months, limit, offset)),
                                             months)
    total_active, wards, parties = _choices()
    return Summary(total_active=total_active, matched=sum(counts.values()), counts=counts, by_role=by_role,
                   by_month=by_month, wards=wards, parties=parties), rows_


def summary(rules: StatusRules, filters: ReportFilters, months_shown: int = 12) -> Summary:
    """Counts by status and by role and status, certificates by month, and the filter choices."""
    months = _months(rules.today, months_shown)
    _, counts, by_role, by_month = _fold(db.session.execute(_report(rules, filters, months)), months)
    total_active, wards, parties = _choices()
    return Summary(total_active=total_active, matched=sum(counts.values()), counts=counts, by_role=by_role,
                   by_month=by_month, wards=wards, parties=parties)


def count(rules: StatusRules, filters: ReportFilters) -> int:
    """How many members match: from the people table alone unless the filters need statuses."""
    if filters.status or filters.due_within is not None:
        _, query = _matching(rules, filters)
        return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    people = Person.__table__.c
    who = (select(people.id.label("member_id"), people.ward, people.party)
           .where(people.kind == "councillor", people.active.is_(True)).subquery("who"))
    return db.session.scalar(select(func.count()).select_from(who).where(*_where(who, filters, rules.today))) or 0


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
    for mapping in result.mappings():
        yield _row(mapping)


def _months_back(month: date, count: int) -> date:
    return month.replace(day=1) - relativedelta(months=count)



def needs_action(rules: StatusRules, filters: ReportFilters, limit: int) -> tuple[dict[int, int], list[Row]]:
    """Needs action from one evaluation of every member's status: how many matching members are
    in each urgency group, and the first `limit` of those needing action, most urgent first
    (filters.sort should be "urgency"). The same one-statement shape as _report()."""
    _, query = _matching(rules, filters)
    matching = query.cte("matching").prefix_with("MATERIALIZED")
    m = matching.c
    urgency = _urgency(matching)
    types = {name: m[name].type for name in ROW_COLUMNS}
    ordered = (select(*(m[name] for name in ROW_COLUMNS),
                      func.row_number().over(order_by=_order(matching, filters)).label("position"))
               .where(urgency != NO_ACTION).subquery("ordered"))
    shown = select(literal("row").label("kind"), ordered.c.position, type_coerce(null(), Integer).label("n"),
                   *(ordered.c[name] for name in ROW_COLUMNS)).where(ordered.c.position <= limit)
    grouped = ("status", "started")
    counted = (select(literal("group").label("kind"), type_coerce(null(), Integer).label("position"),
                      func.count().label("n"),
                      *(m[name] if name in grouped else type_coerce(null(), types[name]).label(name)
                        for name in ROW_COLUMNS))
               .group_by(m.status, m.started))
    found = {code: 0 for code in (OVERDUE, DUE_SOON, NOT_STARTED_PAST_DEADLINE)}
    shown_rows: list[tuple[int, Row]] = []
    for mapping in db.session.execute(union_all(shown, counted) if limit > 0 else counted).mappings():
        if mapping["kind"] == "row":
            shown_rows.append((mapping["position"], _row(mapping)))
            continue
        code = urgency_of(mapping["status"], bool(mapping["started"]))
        if code in found:
            found[code] += mapping["n"]
    return found, [row for _, row in sorted(shown_rows, key=lambda pair: pair[0])]

