"""Councillors' records as the officers' pages read them."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Councillor


def get_councillor(member_id: int) -> Councillor | None:
    return db.session.get(Councillor, member_id)


def active_choices() -> list[tuple[int, str, str | None]]:
    """(id, name, email) of every active councillor, by name: for a "choose a member" list."""
    return [(pid, name, email) for pid, name, email in db.session.execute(
        select(Councillor.id, Councillor.name, Councillor.email)
        .where(Councillor.active.is_(True)).order_by(Councillor.name))]
