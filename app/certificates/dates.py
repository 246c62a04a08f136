"""Calendar arithmetic for certificates: months, not days, so a due date lands on the same date."""
from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """The same day of the month, months later; a day the month lacks becomes its last day.

    So 29 February 2024 plus 24 months is 28 February 2026, and 31 August plus 6 months is the end
    of February.
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def refresher_due(completed_on: date, interval_months: int) -> date:
    return add_months(completed_on, interval_months)


def long_date(value: date | None) -> str:
    """'28 February 2026', the GOV.UK style for dates."""
    return f"{value.day} {value:%B %Y}" if value else ""


def parse_iso(text: str) -> date:
    """YYYY-MM-DD, as the command line takes it."""
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


# --- the due date as a calendar file (RFC 5545) -----------------------------------------------

def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    # Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1).
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def due_date_calendar(due: date, uid: str, summary: str, description: str, url: str,
                      stamp) -> bytes:
    """A calendar with one all-day event on the due date (stamp: a UTC datetime)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Corporate parenting training//Certificates//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
        f"DTEND;VALUE=DATE:{date.fromordinal(due.toordinal() + 1):%Y%m%d}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        "TRANSP:TRANSPARENT",
        # A reminder four weeks ahead, while there is still time to do the training.
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{_escape(summary)}",
        "TRIGGER:-P28D",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
