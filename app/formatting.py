"""How values are shown in words: one date formatter, one date-and-time, plurals.

Plain functions (no Flask), so services, PDFs, exports and templates all say a date the same way.
app/template_helpers.py registers them for the templates.
"""
from __future__ import annotations

from datetime import date, datetime


def long_date(value: date | datetime | None) -> str:
    """'28 February 2026', the GOV.UK style; '' for no date. Portable (no glibc-only '%-d')."""
    return f"{value.day} {value:%B %Y}" if value else ""


def date_time(value: datetime | None) -> str:
    """'28 February 2026 14:05' (24-hour clock; the value as stored)."""
    return f"{long_date(value)} {value:%H:%M}" if value else ""


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 member', '3 members'; give the plural when it is not word + 's'."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def capitalize_first(text: object) -> str:
    """Only the first letter up: 'due soon' -> 'Due soon', 'SEND support' stays."""
    text = str(text)
    return text[:1].upper() + text[1:]
