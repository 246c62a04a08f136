"""Refresher reminders from cron: 60, 30 and 7 days before, weekly when overdue, once each."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Certificate, Councillor, CouncillorRole, OutboxMessage, ReminderSent
from app.officers import reminders
from tests.conftest import make_officer

MONDAY = date(2026, 6, 1)
DUE = MONDAY + timedelta(days=60)


def member(app, name, due=None, active=True):
    with app.app_context():
        person = Councillor(name=name, email=f"{name.lower()}@example.gov.uk", active=active)
        db.session.add(person)
        db.session.flush()
        db.session.add(CouncillorRole(person_id=person.id, role="member", assigned_on=date(2024, 1, 1)))
        if due:
            db.session.add(Certificate(person_id=person.id, pathway_id="induction", level=1,
                                       completed_on=due - timedelta(days=730), refresher_due=due,
                                       code=f"R{person.id:011d}"))
        db.session.commit()
        return person.id


def emails_to(app, address):
    with app.app_context():
        return [m.subject for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == address).order_by(OutboxMessage.id))]


def send_on(app, runner, day, *options):
    app.config["TODAY"] = day
    result = runner.invoke(args=["reminders", "send", *options])
    assert result.exit_code == 0, result.output
    return result.output


def test_due_steps():
    assert reminders.due_step(DUE, DUE - timedelta(days=61)) is None
    assert reminders.due_step(DUE, DUE - timedelta(days=60)) == (f"due:{DUE}:60", 60)
    assert reminders.due_step(DUE, DUE - timedelta(days=31)) == (f"due:{DUE}:60", 31)
    assert reminders.due_step(DUE, DUE - timedelta(days=30)) == (f"due:{DUE}:30", 30)
    assert reminders.due_step(DUE, DUE - timedelta(days=7)) == (f"due:{DUE}:7", 7)
    assert reminders.due_step(DUE, DUE) == (f"due:{DUE}:7", 0)
    assert reminders.due_step(DUE, DUE + timedelta(days=1)) is None
    assert reminders.overdue_step(date(2026, 6, 1)) == reminders.overdue_step(date(2026, 6, 7)) == "overdue:2026-W23"
    assert reminders.overdue_step(date(2026, 6, 8)) == "overdue:2026-W24"


def test_a_member_gets_each_step_once_as_the_refresher_approaches(app, runner):
    member(app, "Ada", due=DUE)
    for offset in range(62, -1, -1):  # every day from 62 days before to the day itself
        send_on(app, runner, DUE - timedelta(days=offset))
    assert emails_to(app, "ada@example.gov.uk") == [
        "Your corporate parenting refresher is due in 60 days",
        "Your corporate parenting refresher is due in 30 days",
        "Your corporate parenting refresher is due in 7 days",
    ]
    with app.app_context():
        steps = db.session.scalars(select(ReminderSent.step).order_by(ReminderSent.id)).all()
    assert [s for s in steps if s.startswith("due:")] == [f"due:{DUE}:60", f"due:{DUE}:30", f"due:{DUE}:7"]


def test_after_missed_days_only_the_nearest_step_is_sent(app, runner):
    member(app, "Ben", due=MONDAY + timedelta(days=20))
    send_on(app, runner, MONDAY)
    send_on(app, runner, MONDAY)
    assert emails_to(app, "ben@example.gov.uk") == ["Your corporate parenting refresher is due in 20 days"]


def test_overdue_members_are_reminded_weekly(app, runner):
    member(app, "Cat", due=MONDAY - timedelta(days=3))
    for day in range(14):  # two weeks of daily runs
        send_on(app, runner, MONDAY + timedelta(days=day))
    assert emails_to(app, "cat@example.gov.uk") == ["Your corporate parenting training is overdue"] * 2


def test_officers_get_a_weekly_summary(app, runner):
    make_officer(app)
    member(app, "Ada", due=DUE)
    member(app, "Cat", due=MONDAY - timedelta(days=3))
    for day in range(8):
        send_on(app, runner, MONDAY + timedelta(days=day))
    summaries = emails_to(app, "sam.officer@example.gov.uk")
    assert summaries == ["Weekly summary: councillors' corporate parenting training"] * 2
    with app.app_context():
        body = db.session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.recipient == "sam.officer@example.gov.uk")).first()
    assert "2 active councillors" in body and "- Overdue: 1" in body and "- Due soon: 1" in body
    assert "http://training.test/officers/report" in body


def test_dry_run_prints_and_records_nothing(app, runner):
    ada = member(app, "Ada", due=DUE)
    output = send_on(app, runner, MONDAY, "--dry-run")
    assert f"would send: refresher due to person #{ada} (due:{DUE}:60)" in output
    assert "Nothing was sent or recorded" in output
    assert "ada@example.gov.uk" not in output  # ids, not addresses, in cron logs
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 0
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    output = send_on(app, runner, MONDAY)
    assert f"sent: refresher due to person #{ada}" in output and "Sent 1 reminder(s)" in output
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "reminders.sent"))["count"] == 1


def test_an_overlapping_run_never_sends_twice(app, monkeypatch):
    """Two cron runs planned the same reminder; the unique constraint lets only the first send it."""
    member(app, "Ada", due=DUE)
    app.config["TODAY"] = MONDAY
    with app.app_context():
        planned = reminders.plan()
        first = reminders.run()
        monkeypatch.setattr(reminders, "plan", lambda today=None: planned)  # the second run's stale plan
        second = reminders.run()
    assert len(first.items) == 1 and second.items == [] and second.skipped == 1
    assert emails_to(app, "ada@example.gov.uk") == ["Your corporate parenting refresher is due in 60 days"]


def test_deactivated_and_erased_members_get_nothing(app, client, runner):
    member(app, "Gone", due=DUE, active=False)
    erased = member(app, "Erased", due=DUE)
    with app.app_context():
        from app.officers import erasure
        erasure.erase(db.session.get(Councillor, erased))
    send_on(app, runner, MONDAY)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


@pytest.mark.parametrize("due_in, sent", [(61, False), (60, True), (0, True)])
def test_plan_on_the_boundaries(app, due_in, sent):
    member(app, "Ada", due=MONDAY + timedelta(days=due_in))
    with app.app_context():
        assert bool(reminders.plan(MONDAY)) is sent
