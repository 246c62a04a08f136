"""Refresher reminders, run daily from cron: `flask --app app reminders send [--dry-run]`.

- Members whose refresher falls due get one email at each of 60, 30 and 7 days before. If cron
  missed some days, only the nearest step is sent (a member never gets two at once).
- Overdue members get one email a week.
- Officers get a weekly summary.

Each email is recorded in ReminderSent (unique person and step) in the same transaction as the
email, and the row is written before the email is sent: if two runs overlap, the second waits for
the first's row, fails the unique constraint and skips that email. So nothing is sent twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit, clock
from app.extensions import db
from app.urls import external_url
from app.mail import deliver_queued, send
from app.models import Councillor, Officer, ReminderSent

THRESHOLDS = (7, 30, 60)  # days before the refresher is due, nearest first
REFRESHER = "refresher due"
OVERDUE = "overdue"
SUMMARY = "officer summary"
GROUP = "group summary"
MAIL_KINDS = {REFRESHER: "refresher-due", OVERDUE: "overdue", SUMMARY: "officer-summary",
              GROUP: "group-summary"}


@dataclass(frozen=True)
class Reminder:
    person_id: int
    kind: str
    step: str
    recipient: str
    subject: str
    body: str


@dataclass
class Outcome:
    items: list[Reminder] = field(default_factory=list)
    skipped: int = 0


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def due_step(refresher_due: date | None, today: date) -> tuple[str, int] | None:
    """The reminder step for a refresher due on this date, if today is within a step's window."""
    if refresher_due is None or refresher_due < today:
        return None
    days = (refresher_due - today).days
    for threshold in THRESHOLDS:
        if days <= threshold:
            return f"due:{refresher_due.isoformat()}:{threshold}", days
    return None


def overdue_step(today: date) -> str:
    return f"overdue:{week_of(today)}"


def summary_step(today: date) -> str:
    return f"summary:{week_of(today)}"


def _link(endpoint: str) -> str | None:
    # From cron there is no request: links come from BASE_URL (or SERVER_NAME in development).
    try:
        return external_url(endpoint)
    except RuntimeError:
        return None


def plan(today: date | None = None) -> list[Reminder]:
    """Every reminder due today that has not been sent already."""
    from app.certificates.status import Status, training_records
    from app.officers.report import STATUS_VALUES

    today = today or clock.today()
    records = training_records(None, today)
    people = {pid: (name, email) for pid, name, email in db.session.execute(
        select(Councillor.id, Councillor.name, Councillor.email)
        .where(Councillor.active.is_(True), Councillor.erased_at.is_(None), Councillor.email.is_not(None)))}
    since = datetime.combine(today - timedelta(days=max(THRESHOLDS) + 14), datetime.min.time())
    already = set(db.session.execute(select(ReminderSent.person_id, ReminderSent.step)
                                     .where(ReminderSent.sent_at >= since)).all())
    service = current_app.config["SERVICE_NAME"]
    council = current_app.config["COUNCIL_NAME"]
    link = _link("learning.my_training")
    reminders: list[Reminder] = []
    counts = {value: 0 for value in STATUS_VALUES}
    due_in_60 = 0
    for pid, record in sorted(records.items()):
        if pid not in people:
            continue
        name, email = people[pid]
        status = record.status
        counts[getattr(status, "value", status)] += 1
        if status == Status.OVERDUE:
            step = overdue_step(today)
            if (pid, step) not in already:
                body = render_template("officers/email/overdue.txt", name=name, record=record,
                                       link=link, council=council, service=service)
                reminders.append(Reminder(pid, OVERDUE, step, email,
                                          "Your corporate parenting training is overdue", body))
            continue
        found = due_step(record.refresher_due, today)
        if found is None:
            continue
        due_in_60 += 1
        step, days = found
        if (pid, step) not in already:
            body = render_template("officers/email/refresher_due.txt", name=name, record=record,
                                   days=days, link=link, council=council, service=service)
            reminders.append(Reminder(pid, REFRESHER, step, email,
                                      f"Your corporate parenting refresher is due in {days} days"
                                      if days else "Your corporate parenting refresher is due today", body))
    step = summary_step(today)
    report_link = _link("officers.report")
    for pid, email in db.session.execute(select(Officer.id, Officer.email)
                                         .where(Officer.active.is_(True), Officer.erased_at.is_(None))
                                         .order_by(Officer.id)):
        if (pid, step) in already:
            continue
        body = render_template("officers/email/officer_summary.txt", counts=counts, today=today,
                               due_in_60=due_in_60, total=sum(counts.values()), link=report_link,
                               council=council, service=service,
                               reminders_today=sum(1 for r in reminders if r.kind != SUMMARY))
        reminders.append(Reminder(pid, SUMMARY, step, email,
                                  "Weekly summary: councillors' corporate parenting training", body))
    reminders.extend(_group_summaries(today, already))
    return reminders


def _group_summaries(today: date, already: set) -> list[Reminder]:
    """Each political group's leader or whip, once a month, when any of the group needs to act."""
    from app.data.groups import leaders
    from app.officers import groups

    found = []
    for leader in leaders().values():
        step = groups.monthly_step(leader, today)
        if (leader.person_id, step) in already or not leader.email:
            continue
        summary = groups.summary(leader.party, today)
        if summary is not None and summary.needing:
            found.append(Reminder(leader.person_id, GROUP, step, leader.email, summary.subject, summary.body))
    return found


def run(dry_run: bool = False, today: date | None = None) -> Outcome:
    today = today or clock.today()
    planned = plan(today)
    outcome = Outcome()
    if dry_run:
        db.session.rollback()
        outcome.items = planned
        return outcome
    db.session.rollback()  # start clean: each reminder is its own transaction
    for reminder in planned:
        try:
            db.session.add(ReminderSent(person_id=reminder.person_id, step=reminder.step))
            db.session.flush()  # waits for, then fails against, an overlapping run's row
        except IntegrityError:
            db.session.rollback()
            outcome.skipped += 1
            continue
        send(reminder.recipient, reminder.subject, reminder.body, person_id=reminder.person_id,
             kind=MAIL_KINDS[reminder.kind])
        db.session.commit()
        outcome.items.append(reminder)
    if outcome.items:
        audit.record("reminders.sent", None, count=len(outcome.items),
                     refresher=sum(1 for r in outcome.items if r.kind == REFRESHER),
                     overdue=sum(1 for r in outcome.items if r.kind == OVERDUE),
                     summaries=sum(1 for r in outcome.items if r.kind == SUMMARY),
                     group_summaries=sum(1 for r in outcome.items if r.kind == GROUP))
        db.session.commit()
    deliver_queued()
    current_app.logger.info("reminders sent=%s skipped=%s", len(outcome.items), outcome.skipped)
    return outcome
