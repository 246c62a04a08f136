"""The council's lawyer's sign-offs of each module's statement of the law."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import LegalSignOff


@dataclass(frozen=True)
class SignOff:
    module_id: str
    signed_by: str
    signed_on: date
    note: str
    module_fingerprint: str


def latest_sign_offs() -> dict[str, SignOff]:
    """Each module's most recent sign-off (by the date signed, then the order recorded)."""
    rows = db.session.scalars(select(LegalSignOff).order_by(LegalSignOff.signed_on, LegalSignOff.id))
    return {row.module_id: SignOff(row.module_id, row.signed_by, row.signed_on, row.note, row.module_fingerprint)
            for row in rows}


def sign_offs_for(module_id: str) -> list[SignOff]:
    rows = db.session.scalars(select(LegalSignOff).where(LegalSignOff.module_id == module_id)
                              .order_by(LegalSignOff.signed_on.desc(), LegalSignOff.id.desc()))
    return [SignOff(r.module_id, r.signed_by, r.signed_on, r.note, r.module_fingerprint) for r in rows]


def add_sign_off(sign_off: SignOff, officer_id: int) -> None:
    """Adds to the caller's transaction; commit() saves it with its audit entry."""
    db.session.add(LegalSignOff(module_id=sign_off.module_id, signed_by=sign_off.signed_by,
                                signed_on=sign_off.signed_on, note=sign_off.note,
                                module_fingerprint=sign_off.module_fingerprint, recorded_by_id=officer_id))


def commit() -> None:
    db.session.commit()
