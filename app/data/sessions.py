"""Face-to-face training sessions: the members an officer can tick on the attendance list."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from app.extensions import db
from app.models import Councillor


@dataclass(frozen=True)
class Attendee:
    id: int
    name: str
    email: str | None
    ward: str | None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def active_members(search: str = "", ids=None) -> list[Attendee]:
    """Active members by name; those whose name, ward or email contains `search`, or with these ids."""
    query = select(Councillor.id, Councillor.name, Councillor.email, Councillor.ward).where(
        Councillor.active.is_(True), Councillor.erased_at.is_(None))
    if ids is not None:
        query = query.where(Councillor.id.in_(list(ids)))
    if search:
        pattern = f"%{_escape_like(search.lower())}%"
        query = query.where(or_(func.lower(Councillor.name).like(pattern, escape="\\"),
                                func.lower(func.coalesce(Councillor.ward, "")).like(pattern, escape="\\"),
                                func.lower(func.coalesce(Councillor.email, "")).like(pattern, escape="\\")))
    order = (func.lower(func.coalesce(Councillor.sort_name, Councillor.name)), Councillor.id)
    return [Attendee(*row) for row in db.session.execute(query.order_by(*order))]


def commit() -> None:
    db.session.commit()


def rollback() -> None:
    db.session.rollback()
