"""The completion report: one row per active councillor, filtered and sorted, with a summary.

build() reads everything in a fixed number of queries however many members there are (three
here, plus those of app.certificates.status.training_records), so the page and the exports stay
fast for the largest council. Filters and sorting then run in Python over plain rows.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import ROLE_LABELS, Certificate, Councillor, CouncillorRole
from app.roles import role_label

# Worst first: the order officers chase members in, and the order of the summary.
STATUS_VALUES = ("overdue", "due soon", "not started", "in progress", "current")
COLUMNS = {
    "name": "Name",
    "ward": "Ward",
    "party": "Party",
    "roles": "Roles",
    "required": "Required",
    "status": "Status",
    "last_completed": "Last completed",
    "refresher_due": "Refresher due",
    "score": "Best assessment score",
    "dilemmas": "Dilemmas done",
}
NO_ROLE = "none"
MONTHS_SHOWN = 12
MAX_DUE_WITHIN = 3660


def status_slug(value: str) -> str:
    return value.replace(" ", "-")


def status_from_slug(slug: str) -> str | None:
    value = slug.replace("-", " ")
    return value if value in STATUS_VALUES else None


@dataclass(frozen=True)
class Filters:
    status: str = ""         # a STATUS_VALUES value, or "" for any
    ward: str = ""
    party: str = ""
    role: str = ""
    due_within: int | None = None
    sort: str = "name"
    direction: str = "asc"

    def query_args(self, **changes) -> dict:
        args = {"status": status_slug(self.status), "ward": self.ward, "party": self.party,
                "role": self.role, "due_within": "" if self.due_within is None else str(self.due_within),
                "sort": self.sort, "direction": self.direction}
        args.update(changes)
        return {k: v for k, v in args.items() if v not in ("", None)
                and not (k == "sort" and v == "name") and not (k == "direction" and v == "asc")}

    def audit_detail(self) -> dict:
        return {f"filter_{k}": v for k, v in asdict(self).items()
                if v not in ("", None) and k not in ("sort", "direction")}

    def describe(self) -> list[str]:
        """The filters in words, for the page and the PDF."""
        words = []
        if self.status:
            words.append(f"status: {self.status}")
        if self.ward:
            words.append(f"ward: {self.ward}")
        if self.party:
            words.append(f"party: {self.party}")
        if self.role:
            words.append(f"role: {role_label(self.role) if self.role != NO_ROLE else 'no role'}")
        if self.due_within is not None:
            words.append(f"due or overdue within {self.due_within} days")
        return words


def parse_filters(args) -> tuple[Filters, list[tuple[str, str]]]:
    """Filters from a query string (or CLI options); bad values become (field id, message) errors."""
    errors: list[tuple[str, str]] = []

    def arg(name: str) -> str:
        return (args.get(name) or "").strip()[:200]

    status = ""
    if arg("status"):
        status = status_from_slug(arg("status").lower()) or ""
        if not status:
            errors.append(("filter-status", "Choose a status from the list"))
    role = arg("role")
    if role and role not in ROLE_LABELS and role != NO_ROLE:
        errors.append(("filter-role", "Choose a role from the list"))
        role = ""
    due_within = None
    if arg("due_within"):
        text = arg("due_within")
        if not text.isdigit():
            errors.append(("filter-due-within", "Due within must be a whole number of days, like 30"))
        elif int(text) > MAX_DUE_WITHIN:
            errors.append(("filter-due-within", f"Due within must be {MAX_DUE_WITHIN} days or fewer"))
        else:
            due_within = int(text)
    sort = arg("sort") or "name"
    if sort not in COLUMNS:
        sort = "name"
    direction = "desc" if arg("direction") == "desc" else "asc"
    return Filters(status, arg("ward"), arg("party"), role, due_within, sort, direction), errors


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

    @property
    def role_labels(self) -> str:
        return ", ".join(role_label(r) for r in self.roles)

    @property
    def deadline(self) -> date | None:
        return self.due_by or self.refresher_due


@dataclass
class Report:
    today: date
    filters: Filters
    rows: list[Row]
    total_active: int
    counts: dict[str, int]
    by_role: list[tuple[str, dict[str, int]]]    # (role key, counts by status), in ROLE_LABELS order
    by_month: list[tuple[date, int]]             # (first day of month, certificates issued)
    wards: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)


def _sort_key(name: str):
    status_rank = {value: index for index, value in enumerate(STATUS_VALUES)}
    return {
        "name": lambda r: r.name.casefold(),
        "ward": lambda r: r.ward.casefold() if r.ward else None,
        "party": lambda r: r.party.casefold() if r.party else None,
        "roles": lambda r: r.role_labels.casefold() or None,
        "required": lambda r: (r.required_level, r.required_pathway),
        "status": lambda r: status_rank[r.status],
        "last_completed": lambda r: r.last_completed,
        "refresher_due": lambda r: r.refresher_due,
        "score": lambda r: r.best_score,
        "dilemmas": lambda r: r.dilemmas_done,
    }[name]


def sort_rows(rows: list[Row], sort: str, direction: str) -> list[Row]:
    """Sorted by one column, ties by name; empty values last whichever the direction."""
    key = _sort_key(sort)
    by_name = sorted(rows, key=lambda r: (r.name.casefold(), r.member_id))
    present = [r for r in by_name if key(r) is not None]
    empty = [r for r in by_name if key(r) is None]
    present.sort(key=key, reverse=direction == "desc")
    return present + empty


def matches(row: Row, filters: Filters, today: date) -> bool:
    if filters.status and row.status != filters.status:
        return False
    if filters.ward and (row.ward or "").casefold() != filters.ward.casefold():
        return False
    if filters.party and (row.party or "").casefold() != filters.party.casefold():
        return False
    if filters.role == NO_ROLE and row.roles:
        return False
    if filters.role and filters.role != NO_ROLE and filters.role not in row.roles:
        return False
    if filters.due_within is not None:
        # Overdue members are due "within N days" too: they are the ones to chase first.
        if row.deadline is None or row.deadline > today + timedelta(days=filters.due_within):
            return False
    return True


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def build(filters: Filters, today: date | None = None) -> Report:
    from app.certificates.status import training_records

    today = today or clock.today()
    people = db.session.execute(select(Councillor.id, Councillor.name, Councillor.ward, Councillor.party)
                                .where(Councillor.active.is_(True))).all()
    roles: dict[int, list[str]] = {}
    for pid, role in db.session.execute(
            select(CouncillorRole.person_id, CouncillorRole.role)
            .join(Councillor, Councillor.id == CouncillorRole.person_id)
            .where(Councillor.active.is_(True))):
        roles.setdefault(pid, []).append(role)
    records = training_records(None, today)
    role_order = {key: index for index, key in enumerate(ROLE_LABELS)}
    for held in roles.values():
        if len(held) > 1:
            held.sort(key=lambda r: role_order.get(r, 99))
    all_rows = []
    for pid, name, ward, party in people:
        record = records.get(pid)
        if record is None:
            continue
        all_rows.append(Row(
            member_id=pid, name=name, ward=ward, party=party, roles=tuple(roles.get(pid, ())),
            required_level=record.required_level, required_pathway=record.required_pathway,
            status=getattr(record.status, "value", record.status), last_completed=record.last_completed,
            refresher_due=record.refresher_due, best_score=record.best_assessment_score,
            dilemmas_done=record.dilemmas_done, due_by=record.due_by))
    rows = sort_rows([r for r in all_rows if matches(r, filters, today)], filters.sort, filters.direction)

    counts = {value: 0 for value in STATUS_VALUES}
    by_role_counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts[row.status] += 1
        for role in row.roles or (NO_ROLE,):
            by_role_counts.setdefault(role, {v: 0 for v in STATUS_VALUES})[row.status] += 1
    by_role = [(key, by_role_counts[key]) for key in (*ROLE_LABELS, NO_ROLE) if key in by_role_counts]

    first_month = _months_back(_month_start(today), MONTHS_SHOWN - 1)
    shown = {row.member_id for row in rows}
    per_month = {_months_back(_month_start(today), n): 0 for n in range(MONTHS_SHOWN - 1, -1, -1)}
    for pid, completed_on in db.session.execute(
            select(Certificate.person_id, Certificate.completed_on)
            .where(Certificate.revoked_at.is_(None), Certificate.completed_on >= first_month,
                   Certificate.completed_on <= today)):
        if pid in shown:
            per_month[_month_start(completed_on)] += 1

    return Report(today=today, filters=filters, rows=rows, total_active=len(all_rows), counts=counts,
                  by_role=by_role, by_month=sorted(per_month.items()),
                  wards=sorted({r.ward for r in all_rows if r.ward}, key=str.casefold),
                  parties=sorted({r.party for r in all_rows if r.party}, key=str.casefold))
