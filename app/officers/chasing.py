"""Reminders an officer sends from the officer pages: to one member, or to every overdue member
a report filter shows. Officers see exactly who gets what before anything is sent.

The confirmation page carries the member ids; sending works the drafts out again from the record
as it is then, so a member who finished in the meantime is not chased.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from flask import current_app, render_template

from app import audit, clock
from app.data import chasing as data
from app.mail import send
from app.data.chasing import utcnow
from app.urls import external_url
from app.officers import report as report_module

# The statuses an officer chases, worst first.
CHASED = ("overdue", "due soon", "not started", "in progress")
SUBJECTS = {
    "overdue": "Your corporate parenting training is overdue",
    "due soon": "Your corporate parenting training is due soon",
    "not started": "Please start your corporate parenting training",
    "in progress": "Please finish your corporate parenting training",
}
MAX_BULK = 500


@dataclass(frozen=True)
class Draft:
    member_id: int
    name: str
    email: str
    ward: str | None
    party: str | None
    status: str
    deadline: date | None
    subject: str
    body: str


def _link() -> str | None:
    try:
        return external_url("learning.my_training")
    except RuntimeError:
        return None


def draft(row: report_module.Row, email: str) -> Draft:
    kind = row.status if row.status in ("overdue", "due soon") else "not started"
    body = render_template("officers/email/reminder.txt", name=row.name, kind=kind, deadline=row.deadline,
                           refresher=row.last_completed is not None, link=_link(),
                           council=current_app.config["COUNCIL_NAME"],
                           service=current_app.config["SERVICE_NAME"])
    return Draft(row.member_id, row.name, email, row.ward, row.party, row.status, row.deadline,
                 SUBJECTS[row.status], body)


def _drafts(rows, wanted_ids=None) -> list[Draft]:
    rows = [r for r in rows if r.status in CHASED and (wanted_ids is None or r.member_id in wanted_ids)]
    members = data.chaseable_members(r.member_id for r in rows)
    # A member with no email address yet (added by the modern.gov sync) cannot be emailed.
    return [draft(r, email) for r in rows
            if r.member_id in members and (email := members[r.member_id].email)]


def can_remind(training) -> bool:
    """Whether a member's training record (app.certificates.status) is one an officer chases."""
    status = getattr(training, "status", None)
    return getattr(status, "value", status) in CHASED


def for_member(member_id: int, today: date | None = None) -> Draft | None:
    """The reminder one member would get, or None when there is nothing to chase."""
    report = report_module.build(report_module.Filters(), today or clock.today())
    found = _drafts([r for r in report.rows if r.member_id == member_id])
    return found[0] if found else None


def for_filters(filters: report_module.Filters, today: date | None = None) -> list[Draft]:
    """The reminders every overdue member that these report filters show would get."""
    filters = replace(filters, status="overdue")
    report = report_module.build(filters, today or clock.today())
    return _drafts(report.rows)[:MAX_BULK]


def for_ids(member_ids: set[int], today: date | None = None) -> list[Draft]:
    """Drafts for the members a confirmation page listed, worked out from the record as it is now."""
    report = report_module.build(report_module.Filters(), today or clock.today())
    return _drafts(report.rows, member_ids)


def send_all(drafts: list[Draft], actor_id: int | None, bulk: bool) -> int:
    """Email each member, and record it in the audit log and their reminder history."""
    stamp = utcnow().strftime("%Y-%m-%dT%H:%M:%S.%f")
    try:
        for d in drafts:
            send(d.email, d.subject, d.body, person_id=d.member_id, kind="chase")
            data.record_reminder_sent(d.member_id, f"officer:{stamp}")
            audit.record("reminder.sent", d.member_id, actor_id=actor_id, kind=d.status, bulk=bulk)
        data.commit()
    except Exception:
        data.rollback()
        raise
    return len(drafts)
