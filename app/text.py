"""Cleaning text at every way in: forms, query strings, CSV imports (and later modern.gov).

A control character pasted from Word (Shift+Enter becomes a vertical tab) broke the council's
Excel export, and a NUL byte made PostgreSQL refuse a save (security review, MEDIUM-5, LOW-5).
Line breaks and tabs are kept; the control characters that stand for a break become a space (a
name is one line), the others go, and so do Unicode non-characters.
"""
from __future__ import annotations

import re

_LINE_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_UNWANTED = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ufdd0-\ufdef\ufffe\uffff]")


def clean(value: str) -> str:
    if value.isprintable():
        return value  # nearly always: nothing to do
    return _UNWANTED.sub("", _LINE_BREAKS.sub(" ", value))


def cleaned(pairs):
    """A form or query string's (key, value) pairs, every text value cleaned."""
    return [(key, clean(value) if isinstance(value, str) else value) for key, value in pairs]


# PostgreSQL's error details quote the values of the row ("Key (email)=(...) already exists").
_DETAIL = re.compile(r"(DETAIL:|Failing row contains|Key \().*")


def scrub_database_detail(text: str) -> str:
    return _DETAIL.sub(lambda m: m.group(1) + " [removed: personal data]", text)
