"""Councillors' records as the officers' pages read them."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Councillor, Person


def person_by_email(email: str) -> Person | None:
    """Anyone (councillor or officer) with this address, however it is capitalised."""
    return Person.by_email(email)


def get_councillor(member_id: int) -> Councillor | None:
    return db.session.get(Councillor, member_id)


def active_choices() -> list[tuple[int, str, str | None]]:
    """(id, name, email) of every active councillor, by name: for a "choose a member" list."""
    return [(pid, name, email) for pid, name, email in db.session.execute(
        select(Councillor.id, Councillor.name, Councillor.email)
        .where(Councillor.active.is_(True)).order_by(Councillor.name))]


# Active, never erased, with an email, never invited and never signed in.
_NOT_YET_INVITED = (Councillor.active.is_(True), Councillor.erased_at.is_(None), Councillor.email.is_not(None),
                    Councillor.invited_at.is_(None), Councillor.last_signed_in_at.is_(None))


def not_yet_invited() -> list[Councillor]:
    return list(db.session.scalars(select(Councillor).where(*_NOT_YET_INVITED).order_by(Councillor.id)))


def count_not_yet_invited() -> int:
    return db.session.scalar(select(func.count()).select_from(Councillor).where(*_NOT_YET_INVITED)) or 0
