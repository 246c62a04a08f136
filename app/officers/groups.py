"""Group leaders: each political group's leader or whip is sent the group's completion summary
(its overdue and due-soon members), on demand by an officer or monthly by the reminders command.
The member's party decides which group they are in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app, render_template

from app import audit, clock
from app.data import chasing as chasing_data
from app.data import groups as data
from app.mail import send
from app.officers import report as report_module

TITLES = {"leader": "Group leader", "whip": "Whip"}
CHASED = ("overdue", "due soon")


@dataclass(frozen=True)
class Summary:
    party: str
    leader: data.Leader
    subject: str
    body: str
    needing: int


def needing_action(party: str, today: date | None = None) -> tuple[list[report_module.Row], int]:
    """The party's overdue and due-soon members, most urgent first, and the party's size."""
    report = report_module.build(report_module.Filters(party=party, sort="urgency"), today or clock.today())
    return [r for r in report.rows if r.status in CHASED], report.matched


def summary(party: str, today: date | None = None) -> Summary | None:
    leader = data.leaders().get(party)
    if leader is None or not leader.email:
        return None
    today = today or clock.today()
    rows, total = needing_action(party, today)
    groups = [("Overdue", [r for r in rows if r.status == "overdue"]),
              ("Due soon", [r for r in rows if r.status == "due soon"])]
    body = render_template("officers/email/group_summary.txt", leader=leader, party=party, today=today,
                           rows=rows, total=total, groups=groups, council=current_app.config["COUNCIL_NAME"])
    subject = f"{party} group: councillors' corporate parenting training"
    return Summary(party, leader, subject, body, len(rows))


def send_summary(found: Summary, actor_id: int | None, step: str) -> None:
    """Email the leader; recorded in the audit log and (as a reminder) against the leader."""
    assert found.leader.email
    send(found.leader.email, found.subject, found.body, kind="group-summary")
    chasing_data.record_reminder_sent(found.leader.person_id, step)
    audit.record("group_summary.sent", found.leader.person_id, actor_id=actor_id, party=found.party,
                 members=found.needing)


def monthly_step(leader: data.Leader, today: date) -> str:
    return f"group:{leader.id}:{today:%Y-%m}"


def set_leader(party: str, person_id: int, title: str, actor_id: int | None) -> bool:
    """Make a member of the party its leader or whip; False if they are not an active member of it."""
    if title not in TITLES or person_id not in {i for i, _ in data.members_of(party)}:
        return False
    data.set_leader(party, person_id, title)
    audit.record("group_leader.set", person_id, actor_id=actor_id, party=party, title=title)
    data.commit()
    return True
