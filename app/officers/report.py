"""The completion report: one row per active councillor, filtered and sorted, with a summary.

The database does the work (app/data/report.py): statuses, counts, filters and the sort are SQL,
and only the rows of the page being shown (or a batch of an export being written) become Python
objects. So the page costs the same few queries for 50 members or for every councillor in England.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Iterator

from app import clock
from app.data import report as data
from app.data.report import (DUE_SOON, NO_ACTION, NO_ROLE, NOT_STARTED_PAST_DEADLINE, OVERDUE, SORTS,  # noqa: F401
                             STATUS_VALUES, Row)
from app.models import ROLE_LABELS
from app.roles import role_label

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
SORT_LABELS = {**COLUMNS, "urgency": "Urgency"}
# Officers chase the most urgent first: overdue longest, then due soonest, then never started.
DEFAULT_SORT = "urgency"
# The groups of "Needs action", in the order they are chased: (urgency code, name in words).
NEEDS_ACTION = {
    "overdue": (OVERDUE, "Overdue"),
    "due-soon": (DUE_SOON, "Due soon"),
    "not-started": (NOT_STARTED_PAST_DEADLINE, "Not started, past the induction deadline"),
}
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
    sort: str = "name"       # the page's default is DEFAULT_SORT (parse_filters)
    direction: str = "asc"
    needs: str = ""          # a NEEDS_ACTION key: one group of "Needs action", or "" for any

    def query_args(self, **changes) -> dict:
        args = {"status": status_slug(self.status), "ward": self.ward, "party": self.party,
                "role": self.role, "due_within": "" if self.due_within is None else str(self.due_within),
                "needs": self.needs, "sort": self.sort, "direction": self.direction}
        args.update(changes)
        return {k: v for k, v in args.items() if v not in ("", None)
                and not (k == "sort" and v == DEFAULT_SORT) and not (k == "direction" and v == "asc")}

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
        if self.needs in NEEDS_ACTION:
            words.append(f"needs action: {NEEDS_ACTION[self.needs][1].lower()}")
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
        if not text.isdecimal():
            errors.append(("filter-due-within", "Due within must be a whole number of days, like 30"))
        elif int(text) > MAX_DUE_WITHIN:
            errors.append(("filter-due-within", f"Due within must be {MAX_DUE_WITHIN} days or fewer"))
        else:
            due_within = int(text)
    sort = arg("sort") or DEFAULT_SORT
    if sort not in SORTS:
        sort = DEFAULT_SORT
    direction = "desc" if arg("direction") == "desc" else "asc"
    needs = arg("needs")
    if needs and needs not in NEEDS_ACTION:
        errors.append(("filter-status", "Choose a status from the list"))
        needs = ""
    return Filters(status, arg("ward"), arg("party"), role, due_within, sort, direction, needs), errors


@dataclass
class Report:
    today: date
    filters: Filters
    rows: list[Row]                              # the page's rows (every row when not paged)
    matched: int                                 # how many members match the filters
    total_active: int
    counts: dict[str, int]
    by_role: list[tuple[str, dict[str, int]]]    # (role key, counts by status), in ROLE_LABELS order
    by_month: list[tuple[date, int]]             # (first day of month, certificates issued)
    wards: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    urgent: data.Urgent | None = None            # Needs action for the same members, when asked for


def build(filters: Filters, today: date | None = None, page: int | None = None,
          per_page: int | None = None, urgent_limit: int | None = None) -> Report:
    """The summary and the matching rows: all of them, or one page when per_page is given. With
    urgent_limit (and per_page), Needs action for the same ward, party, role and due-date filters
    comes from the same reading of every member's status."""
    from app.certificates.status import status_rules

    rules = status_rules(today or clock.today())
    urgent = None
    if per_page:
        summary, rows, found = data.page(rules, filters, per_page, ((page or 1) - 1) * per_page, MONTHS_SHOWN,
                                         urgent_limit)
        urgent = found if urgent_limit is not None else None
        pages = max(1, -(-summary.matched // per_page))
        if (page or 1) > pages:  # past the end: show the last page
            return build(filters, rules.today, pages, per_page, urgent_limit)
    else:
        summary, rows, pages = data.summary(rules, filters, MONTHS_SHOWN), data.rows(rules, filters), 1
    return Report(today=rules.today, filters=filters, rows=rows, matched=summary.matched,
                  total_active=summary.total_active, counts=summary.counts, by_role=summary.by_role,
                  by_month=summary.by_month, wards=summary.wards, parties=summary.parties,
                  page=min(max(page or 1, 1), pages), pages=pages, urgent=urgent)


def build_summary(filters: Filters, today: date | None = None, counts: bool = True) -> Report:
    """The report without its rows, for an export: read the rows with stream(). counts=False
    (for the CSV, which has no summary) reads only how many members match."""
    from app.certificates.status import status_rules

    rules = status_rules(today or clock.today())
    if not counts:
        return Report(today=rules.today, filters=filters, rows=[], matched=data.count(rules, filters),
                      total_active=0, counts={}, by_role=[], by_month=[])
    summary = data.summary(rules, filters, MONTHS_SHOWN)
    return Report(today=rules.today, filters=filters, rows=[], matched=summary.matched,
                  total_active=summary.total_active, counts=summary.counts, by_role=summary.by_role,
                  by_month=summary.by_month, wards=summary.wards, parties=summary.parties)


def build_export(filters: Filters, today: date | None = None) -> tuple[Report, Iterator[Row]]:
    """The report's summary and every matching row, from one reading of every member's status
    (Excel, PDF and Word show both). Read the rows to the end: they come from the same result."""
    from app.certificates.status import status_rules

    rules = status_rules(today or clock.today())
    summary, rows = data.export(rules, filters, MONTHS_SHOWN)
    return Report(today=rules.today, filters=filters, rows=[], matched=summary.matched,
                  total_active=summary.total_active, counts=summary.counts, by_role=summary.by_role,
                  by_month=summary.by_month, wards=summary.wards, parties=summary.parties), rows


def stream(report: Report) -> Iterator[Row]:
    """Every row of a report built with build(), in its order, a batch at a time from the database."""
    from app.certificates.status import status_rules

    return data.stream_rows(status_rules(report.today), report.filters)
