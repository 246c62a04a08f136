""""Needs action": who to chase first, at the top of the officer home and the report.

Overdue members (longest overdue first), then those due within the warning window (soonest
first), then those who never started and are past their induction deadline. Each row says how
long they are overdue and when they were last reminded, with a link to send a reminder.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app import clock
from app.data import chasing as chasing_data
from app.data import report as data
from app.officers import report as report_module

LIMIT = 25


@dataclass(frozen=True)
class Item:
    row: report_module.Row
    group: str            # a report_module.NEEDS_ACTION key
    email: str | None
    last_reminder: datetime | None
    days_late: int        # days past the deadline; negative when not yet due

    @property
    def how_late(self) -> str:
        return how_long(self.days_late)


@dataclass(frozen=True)
class NeedsAction:
    counts: dict[str, int]    # NEEDS_ACTION key -> members in that group
    items: list[Item]         # the most urgent, at most LIMIT

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def how_long(days: int) -> str:
    """'3 weeks overdue', 'due in 12 days', 'due today': in whole days, weeks or months."""
    if days == 0:
        return "due today"
    n = abs(days)
    if n < 14:
        words = f"{n} day{'' if n == 1 else 's'}"
    elif n < 60:
        words = f"{n // 7} weeks"
    else:
        months = n * 12 // 365
        words = f"{months} month{'' if months == 1 else 's'}" if months < 24 else f"{n // 365} years"
    return f"{words} overdue" if days > 0 else f"due in {words}"


def _group(urgency: int) -> str:
    return next(key for key, (code, _) in report_module.NEEDS_ACTION.items() if code == urgency)


def build(filters: report_module.Filters | None = None, today: date | None = None,
          limit: int = LIMIT, urgent: data.Urgent | None = None) -> NeedsAction:
    """Needs action for the ward, party, role and due-date filters (the status filters are
    dropped: these are the members to chase whatever the report shows). Pass urgent when the
    report already read it (report.build(..., urgent_limit=LIMIT)) to save a second reading."""
    from app.certificates.status import status_rules

    rules = status_rules(today or clock.today())
    if urgent is None:
        by_code, rows = data.needs_action(rules, filters or report_module.Filters(), limit)
    else:
        by_code, rows = urgent.found, urgent.rows[:limit]
    counts = {key: by_code.get(code, 0) for key, (code, _) in report_module.NEEDS_ACTION.items()}
    emails = chasing_data.emails(r.member_id for r in rows)
    reminded = chasing_data.last_reminders(r.member_id for r in rows)
    items = [Item(r, _group(r.urgency), emails.get(r.member_id), reminded.get(r.member_id),
                  (rules.today - r.deadline).days if r.deadline else 0) for r in rows]
    return NeedsAction(counts, items)
