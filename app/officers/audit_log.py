"""Reading the audit log: filters by action, date range and person, a page at a time."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, or_, select

from app.data.paging import page_of
from app.extensions import db
from app.models import AuditEvent, Person
from app.officers.audit_words import UK
from app.officers.importer import parse_date

PER_PAGE = 50

ACTION_LABELS = {
    "member.added": "Member added",
    "member.edited": "Member details changed",
    "member.roles_changed": "Member roles changed",
    "member.deactivated": "Member deactivated",
    "member.reactivated": "Member reactivated",
    "member.invited": "Invitation sent",
    "member.erased": "Member's personal data erased",
    "members.imported": "Members imported",
    "report.exported": "Report exported",
    "reminders.sent": "Reminders sent",
    "reminder.sent": "Reminder sent by an officer",
    "group_summary.sent": "Group summary sent to a group leader",
    "group_leader.set": "Group leader set",
    "local_facts.changed": "Council's facts changed",
    "legal.signed_off": "Legal sign-off recorded",
    "certificate.recorded": "Certificate recorded",
    "certificate.revoked": "Certificate revoked",
    "election.recorded": "Election recorded",
    "sign-in": "Signed in",
    "sign-in-failed": "Sign-in failed",
    "sign-out": "Signed out",
    "account-locked": "Account locked",
    "account-unlocked": "Account unlocked",
    "password-reset-requested": "Password reset asked for",
    "password-set": "Password set",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action.replace(".", ": ").replace("_", " ").capitalize())


@dataclass
class AuditFilters:
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    person: str = ""
    person_id: int | None = None
    page: int = 1
    raw: dict = field(default_factory=dict)

    def query_args(self, **changes) -> dict:
        args = {k: v for k, v in self.raw.items() if v}
        args.update(changes)
        return args


def parse_filters(args) -> tuple[AuditFilters, list[tuple[str, str]]]:
    """Filters from a query string, and (field id, message) errors for the error summary."""
    errors: list[tuple[str, str]] = []
    raw = {name: (args.get(name) or "").strip()[:200]
           for name in ("action", "from", "to", "person", "person_id")}
    filters = AuditFilters(action=raw["action"], person=raw["person"], raw=raw)
    for name, label in (("from", "From"), ("to", "To")):
        if raw[name]:
            value = parse_date(raw[name])
            if value is None:
                errors.append((f"filter-{name}", f"{label} must be a real date, like 2026-03-31 or 31/03/2026"))
            setattr(filters, "date_from" if name == "from" else "date_to", value)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        errors.append(("filter-to", "To must be the same as or after From"))
    if raw["person_id"]:
        if raw["person_id"].isdecimal():
            filters.person_id = int(raw["person_id"])
        else:
            errors.append(("filter-person", "The person link is not valid"))
    page = args.get("page", "1")
    filters.page = int(page) if str(page).isdecimal() and int(page) > 0 else 1
    return filters, errors


@dataclass
class AuditPage:
    events: list[AuditEvent]
    names: dict[int, tuple[str, str]]  # id -> (name, kind)
    total: int
    page: int
    pages: int
    actions: list[str]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _uk_midnight_in_utc(day: date) -> datetime:
    # Officers think in UK days (the log shows UK times); the table stores naive UTC.
    return datetime.combine(day, time.min, tzinfo=UK).astimezone(timezone.utc).replace(tzinfo=None)


def search(filters: AuditFilters, per_page: int = PER_PAGE) -> AuditPage:
    conditions = []
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.date_from:
        conditions.append(AuditEvent.at >= _uk_midnight_in_utc(filters.date_from))
    if filters.date_to:
        conditions.append(AuditEvent.at < _uk_midnight_in_utc(filters.date_to + timedelta(days=1)))
    if filters.person_id is not None:
        conditions.append(or_(AuditEvent.actor_id == filters.person_id,
                              AuditEvent.target_person_id == filters.person_id))
    if filters.person:
        pattern = f"%{_escape_like(filters.person.lower())}%"
        people = select(Person.id).where(or_(func.lower(Person.name).like(pattern, escape="\\"),
                                             Person.email.like(pattern, escape="\\")))
        conditions.append(or_(AuditEvent.actor_id.in_(people), AuditEvent.target_person_id.in_(people)))
    pagination = page_of(select(AuditEvent).where(*conditions)
                         .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()), filters.page, per_page)
    events, total = list(pagination.items), pagination.total or 0
    page, pages = pagination.page, max(pagination.pages, 1)
    ids = {i for e in events for i in (e.actor_id, e.target_person_id) if i is not None}
    names = {pid: (name, kind) for pid, name, kind in db.session.execute(
        select(Person.id, Person.name, Person.kind).where(Person.id.in_(ids)))} if ids else {}
    actions = sorted(set(ACTION_LABELS) | set(db.session.scalars(select(AuditEvent.action).distinct())))
    return AuditPage(events, names, total, page, pages, actions)
