"""The legal review record: when each module's law was last checked, and the council's sign-off.

A module is due for a legal re-check when nobody has checked its law for 12 months (by the
`law_checked_on` in its front matter, or the council lawyer's later sign-off).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app import audit
from app.content.course import Course, Module
from app.data import legal_review as data
from app.data.legal_review import SignOff



def recheck_due_on(checked: date) -> date:
    """A year after the check (28 February after a 29 February)."""
    try:
        return checked.replace(year=checked.year + 1)
    except ValueError:
        return checked.replace(year=checked.year + 1, day=28)


@dataclass(frozen=True)
class ReviewRow:
    module: Module
    sign_off: SignOff | None
    last_checked: date | None      # the later of the course team's check and the council's sign-off
    due: bool
    changed_since_sign_off: bool


def review_rows(course: Course, sign_offs: dict[str, SignOff], today: date) -> list[ReviewRow]:
    rows = []
    for module in course.modules:
        sign_off = sign_offs.get(module.id)
        checks = [d for d in (module.law_checked_on, sign_off.signed_on if sign_off else None) if d]
        last = max(checks) if checks else None
        rows.append(ReviewRow(module, sign_off, last, last is None or recheck_due_on(last) < today,
                              sign_off is not None and sign_off.module_fingerprint != module.fingerprint))
    return rows


def record_sign_off(sign_off: SignOff, officer_id: int) -> None:
    """Save the sign-off and its audit entry together. The note is not copied to the audit log."""
    data.add_sign_off(sign_off, officer_id)
    audit.record("legal.signed_off", actor_id=officer_id, module=sign_off.module_id,
                 signed_on=sign_off.signed_on.isoformat())
    data.commit()
