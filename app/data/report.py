"""The completion report, computed by the database.

Every active councillor's training status, the counts, the status-by-role table, the filters and
the sort are worked out in SQL (grouped subqueries, a window function and CASE expressions that run
the same on SQLite and PostgreSQL); Python only builds the rows it is about to show or write. So a
page of the report for every councillor in England reads a page of rows, not 200,000 attempts.

The status rules are app.certificates.status.decide(). _statuses() below is the same rules written
as SQL, step by step in the same order; tests/test_status_sql.py checks that the two agree for every
member of a generated council (29 February, a refresher due today, a face-to-face certificate, a
leaver and the rest), on SQLite and on PostgreSQL. Change one, change the other.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterator, Mapping, Protocol

from sqlalchemy import Date, Integer, String, and_, case, distinct, exists, func, literal, not_, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from app.extensions import db
from app.models import (ROLE_LABELS, Certificate, ChecklistAnswer, CouncillorRole, Election, ModuleRead,
                        Person, QuizAttempt, ScenarioRun)

# Worst first: the order officers chase members in, and the order of the summary.
STATUS_VALUES = ("overdue", "due soon", "not started", "in progress", "current")
NO_ROLE = "none"
SORTS = ("name", "ward", "party", "roles", "required", "status", "last_completed", "refresher_due",
         "score", "dilemmas", "urgency")
# Urgency groups, the order "Needs action" lists members in.
OVERDUE, DUE_SOON, NOT_STARTED_PAST_DEADLINE, NO_ACTION = 0, 1, 2, 3
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
    started: bool = True      # any certificate or any activity at all
    urgency: int = NO_ACTION  # OVERDUE, DUE_SOON, NOT_STARTED_PAST_DEADLINE or NO_ACTION

    @property
    def role_labels(self) -> str:
        return ", ".join(ROLE_LABELS.get(r, r) for r in self.roles)

    @property
    def deadline(self) -> date | None:
        return self.due_by or self.refresher_due


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


def _certificate_totals(name: str):
    c = Certificate.__table__.c
    return (select(c.person_id, func.count().label("certificates"), func.max(c.level).label("held_level"),
                   func.max(c.completed_on).label("last_completed"), func.max(c.refresher_due).label("latest_due"))
            .where(c.revoked_at.is_(None)).group_by(c.person_id).subquery(name))


def _statuses(rules: StatusRules):
    """One row per active councillor: decide()'s record, in SQL. Read decide() beside it."""
    people, roles, certs = Person.__table__.c, CouncillorRole.__table__.c, Certificate.__table__.c
    level = _level_of(roles.role, rules.role_levels)
    induction = literal(rules.induction_months, Integer)

    # required = the highest level among the member's roles (1 with none).
    required_by_person = (select(roles.person_id, func.max(level).label("required"))
                          .group_by(roles.person_id).subquery("required_by_person"))
    # A role needing more than the member holds must be met within the induction period of its
    # assigned_on; the member's role flags, in ROLE_LABELS order, show and sort their roles.
    held = _certificate_totals("held")
    role_facts = (select(roles.person_id, func.max(level).label("required"),
                         func.min(case((level > func.coalesce(held.c.held_level, 1),
                                        add_months(roles.assigned_on, induction)))).label("role_deadline"),
                         *(func.max(case((roles.role == key, 1), else_=0)).label(f"has_{n}")
                           for n, key in enumerate(ROLE_LABELS)))
                  .select_from(CouncillorRole.__table__.outerjoin(held, held.c.person_id == roles.person_id))
                  .group_by(roles.person_id).subquery("role_facts"))
    # The certificate that keeps the member covered longest, among those at or above their level.
    ranked = (select(certs.person_id, certs.completed_on, certs.refresher_due,
                     func.row_number().over(partition_by=certs.person_id,
                                            order_by=(certs.refresher_due.desc(), certs.completed_on.desc(),
                                                      certs.id.desc())).label("place"))
              .select_from(Certificate.__table__.outerjoin(required_by_person,
                                                 required_by_person.c.person_id == certs.person_id))
              .where(certs.revoked_at.is_(None), certs.level >= func.coalesce(required_by_person.c.required, 1))
              .subquery("ranked"))
    totals = _certificate_totals("totals")
    quiz, runs = QuizAttempt.__table__.c, ScenarioRun.__table__.c
    best = (select(quiz.person_id, func.max(quiz.score_percent).label("best"))
            .where(quiz.quiz == "assessment", quiz.status == "submitted")
            .group_by(quiz.person_id).subquery("best"))
    dilemmas = (select(runs.person_id, func.count(distinct(runs.scenario_id)).label("done"))
                .where(runs.status == "finished").group_by(runs.person_id).subquery("dilemmas"))
    elections = Election.__table__.c
    activity = or_(*(exists().where(table.c.person_id == people.id)
                     for table in (ModuleRead.__table__, QuizAttempt.__table__, ScenarioRun.__table__,
                                   ChecklistAnswer.__table__)))

    meeting_due, meeting_completed = ranked.c.refresher_due, ranked.c.completed_on
    required = func.coalesce(role_facts.c.required, 1)
    # With no certificate at all, the election's induction period (else the default) applies.
    election_deadline = case((and_(totals.c.certificates.is_(None), people.elected_on.is_not(None)),
                              add_months(people.elected_on,
                                         func.coalesce(func.nullif(elections.induction_months, 0), induction))))
    unmet_due_by = earliest(election_deadline, role_facts.c.role_deadline, totals.c.latest_due)
    due_by = func.coalesce(meeting_due, unmet_due_by)
    started = or_(totals.c.certificates.is_not(None), activity)
    status = case(
        (meeting_due < rules.today, "overdue"),
        (meeting_due <= rules.warning_from, "due soon"),
        (meeting_due.is_not(None), "current"),
        (unmet_due_by < rules.today, "overdue"),
        (and_(unmet_due_by == totals.c.latest_due, unmet_due_by <= rules.warning_from), "due soon"),
        (started, "in progress"),
        else_="not started")
    by_level = case(dict(rules.pathway_for_level), value=required, else_=rules.pathway_for_level.get(1, ""))
    pathway = case((meeting_due <= rules.warning_from, rules.refresher_id), else_=by_level)

    return (select(people.id.label("member_id"), people.name, people.ward, people.party,
                   required.label("required_level"), pathway.label("required_pathway"), status.label("status"),
                   func.coalesce(meeting_completed, totals.c.last_completed).label("last_completed"),
                   func.coalesce(meeting_due, totals.c.latest_due).label("refresher_due"),
                   best.c.best.label("best_score"), func.coalesce(dilemmas.c.done, 0).label("dilemmas_done"),
                   due_by.label("due_by"), case((started, 1), else_=0).label("started"),
                   *(func.coalesce(role_facts.c[f"has_{n}"], 0).label(f"has_{n}") for n in range(len(ROLE_LABELS))))
            .select_from(
                Person.__table__
                .outerjoin(role_facts, role_facts.c.person_id == people.id)
                .outerjoin(ranked, and_(ranked.c.person_id == people.id, ranked.c.place == 1))
                .outerjoin(totals, totals.c.person_id == people.id)
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
    return s, (select(s, _urgency(s).label("urgency")).where(*_where(s, filters, rules.today)))


def _row(mapping) -> Row:
    return Row(member_id=mapping["member_id"], name=mapping["name"], ward=mapping["ward"], party=mapping["party"],
               roles=tuple(key for n, key in enumerate(ROLE_LABELS) if mapping[f"has_{n}"]),
               required_level=mapping["required_level"], required_pathway=mapping["required_pathway"],
               status=mapping["status"], last_completed=mapping["last_completed"],
               refresher_due=mapping["refresher_due"], best_score=mapping["best_score"],
               dilemmas_done=mapping["dilemmas_done"], due_by=mapping["due_by"], started=bool(mapping["started"]),
               urgency=mapping["urgency"])


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


def summary(rules: StatusRules, filters: ReportFilters, months_shown: int = 12) -> Summary:
    """Counts by status and by role and status, certificates by month, and the filter choices."""
    people = Person.__table__.c
    s, query = _matching(rules, filters)
    matching = query.subquery("matching")
    counts = {value: 0 for value in STATUS_VALUES}
    for status, count in db.session.execute(select(matching.c.status, func.count())
                                            .group_by(matching.c.status)):
        counts[status] = count

    roles = CouncillorRole.__table__.c
    role_key = func.coalesce(roles.role, NO_ROLE)
    by_role_counts: dict[str, dict[str, int]] = {}
    for role, status, count in db.session.execute(
            select(role_key, matching.c.status, func.count())
            .select_from(matching.outerjoin(CouncillorRole.__table__, roles.person_id == matching.c.member_id))
            .group_by(role_key, matching.c.status)):
        by_role_counts.setdefault(role, {v: 0 for v in STATUS_VALUES})[status] = count
    by_role = [(key, by_role_counts[key]) for key in (*ROLE_LABELS, NO_ROLE) if key in by_role_counts]

    this_month = rules.today.replace(day=1)
    months = [_months_back(this_month, n) for n in range(months_shown - 1, -1, -1)]
    per_month = dict.fromkeys(months, 0)
    certs = Certificate.__table__.c
    in_window = and_(certs.revoked_at.is_(None), certs.completed_on >= months[0],
                     certs.completed_on <= rules.today)
    filtered = any((filters.status, filters.ward, filters.party, filters.role, filters.due_within is not None))
    who = (certs.person_id.in_(select(matching.c.member_id)) if filtered else
           certs.person_id.in_(select(people.id).where(people.kind == "councillor", people.active.is_(True))))
    for completed_on, count in db.session.execute(
            select(certs.completed_on, func.count()).where(in_window, who).group_by(certs.completed_on)):
        per_month[completed_on.replace(day=1)] += count

    active = and_(people.kind == "councillor", people.active.is_(True))
    total_active = db.session.scalar(select(func.count()).where(active)) or 0
    wards = db.session.scalars(select(people.ward).distinct().where(active, people.ward.is_not(None))).all()
    parties = db.session.scalars(select(people.party).distinct().where(active, people.party.is_not(None))).all()
    return Summary(total_active=total_active, matched=sum(counts.values()), counts=counts, by_role=by_role,
                   by_month=sorted(per_month.items()), wards=sorted(wards, key=str.casefold),
                   parties=sorted(parties, key=str.casefold))


def statuses_by_member(rules: StatusRules) -> dict[int, tuple[str, date | None, str, int]]:
    """(status, due_by, required pathway, required level) of every active councillor, for checking."""
    s = _statuses(rules)
    return {member_id: (status, due_by, pathway, level) for member_id, status, due_by, pathway, level in
            db.session.execute(select(s.c.member_id, s.c.status, s.c.due_by, s.c.required_pathway,
                                      s.c.required_level))}


def _months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)

