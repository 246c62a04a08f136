"""One rule for a date typed into the three boxes of a GOV.UK date input.

Every form that asks for a date (a checklist action's deadline, a session's date, an election,
the date a member was elected) reads it here, so the messages follow the Design System's date
input pattern in one wording: they name the date, say what is wrong and which boxes to mark.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DATE_PARTS = ("day", "month", "year")


@dataclass(frozen=True)
class DateAnswer:
    value: date | None = None
    error: str | None = None
    bad_parts: tuple[str, ...] = ()


def long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def read_date(day: str | None, month: str | None, year: str | None, *, today: date,
              what: str = "The date", optional: bool = False, not_before: date | None = None,
              not_after: date | None = None, keep: date | None = None) -> DateAnswer:
    """The date in the boxes, or the message for it.

    `keep` is a date already saved: it stays acceptable after it has passed, so a member can
    change their note without first moving an old deadline.
    """
    parts = {"day": (day or "").strip(), "month": (month or "").strip(), "year": (year or "").strip()}
    missing = tuple(p for p in DATE_PARTS if not parts[p])
    if len(missing) == 3:
        if optional:
            return DateAnswer()
        return DateAnswer(error=f"Enter {what[0].lower()}{what[1:]}", bad_parts=DATE_PARTS)
    if missing:
        words = " and ".join(f"a {p}" for p in missing)
        return DateAnswer(error=f"{what} must include {words}", bad_parts=missing)
    example = today.year + 1 if not_after is None or not_after > today else today.year - 1
    not_numbers = tuple(p for p in DATE_PARTS if not parts[p].isdecimal())
    if not_numbers:
        return DateAnswer(error=f"{what} must be a real date, in numbers, like 27 3 {example}",
                          bad_parts=not_numbers)
    if len(parts["year"]) != 4:
        return DateAnswer(error=f"{what} must include a year with 4 numbers, like {example}",
                          bad_parts=("year",))
    try:
        value = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        bad = tuple(p for p, limit in (("day", 31), ("month", 12)) if not 1 <= int(parts[p]) <= limit)
        # Both in range but no such day in that month (31 April): the day is what is wrong.
        return DateAnswer(error=f"{what} must be a real date", bad_parts=bad or ("day",))
    if value == keep:
        return DateAnswer(value=value)
    if not_before is not None and value < not_before:
        limit = "today" if not_before == today else long_date(not_before)
        return DateAnswer(error=f"{what} must be {limit} or in the future" if not_before == today
                          else f"{what} must be on or after {limit}", bad_parts=DATE_PARTS)
    if not_after is not None and value > not_after:
        return DateAnswer(error=f"{what} must be today or in the past" if not_after == today
                          else f"{what} must be on or before {long_date(not_after)}", bad_parts=DATE_PARTS)
    return DateAnswer(value=value)
