"""Calendar arithmetic for certificates: months, not days, so a due date lands on the same date."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from dateutil.relativedelta import relativedelta

from app import formatting


def add_months(start: date, months: int) -> date:
    """The same day of the month, months later; a day the month lacks becomes its last day.

    So 29 February 2024 plus 24 months is 28 February 2026, and 31 August plus 6 months is the end
    of February.
    """
    return start + relativedelta(months=months)


def refresher_due(completed_on: date, interval_months: int) -> date:
    return add_months(completed_on, interval_months)


# The one date formatter, imported from here by the certificate modules.
long_date = formatting.long_date


def parse_iso(text: str) -> date:
    """YYYY-MM-DD, as the command line takes it."""
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


# --- the due date as a calendar file (RFC 5545) -----------------------------------------------

def due_date_calendar(due: date, uid: str, summary: str, description: str, url: str,
                      stamp: datetime) -> bytes:
    """A calendar with one all-day event on the due date (stamp: a UTC datetime)."""
    import icalendar  # 2 MB that a worker loads only when a member asks for the file

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Corporate parenting training//Certificates//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.replace(tzinfo=timezone.utc))
    event.add("dtstart", due)
    event.add("dtend", due + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    # A reminder four weeks ahead, while there is still time to do the training.
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(days=-28))
    event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
