"""Political groups: each party's leader or whip, who is sent the group's completion summary."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.models import Councillor, GroupLeader, Person, utcnow


@dataclass(frozen=True)
class Leader:
    id: int
    party: str
    person_id: int
    name: str
    email: str | None
    title: str


def parties() -> list[tuple[str, int]]:
    """(party, active members) for every party an active member belongs to."""
    return [(str(p), n) for p, n in db.session.execute(
        select(Councillor.party, func.count()).where(Councillor.active.is_(True), Councillor.party.is_not(None),
                                                     Councillor.party != "")
        .group_by(Councillor.party).order_by(func.lower(Councillor.party))).all()]


def leaders() -> dict[str, Leader]:
    rows = db.session.execute(select(GroupLeader.id, GroupLeader.party, GroupLeader.person_id, Person.name,
                                     Person.email, GroupLeader.title)
                              .join(Person, Person.id == GroupLeader.person_id)
                              .where(Person.active.is_(True), Person.erased_at.is_(None)))
    return {row[1]: Leader(*row) for row in rows}


def members_of(party: str) -> list[tuple[int, str]]:
    """(id, name) of the party's active members with an email address: who can lead it."""
    return [(i, n) for i, n in db.session.execute(
        select(Councillor.id, Councillor.name).where(Councillor.active.is_(True), Councillor.party == party,
                                                     Councillor.email.is_not(None), Councillor.erased_at.is_(None))
        .order_by(func.lower(func.coalesce(Councillor.sort_name, Councillor.name)))).all()]


def set_leader(party: str, person_id: int, title: str) -> None:
    leader = db.session.scalar(select(GroupLeader).where(GroupLeader.party == party))
    if leader is None:
        db.session.add(GroupLeader(party=party, person_id=person_id, title=title, set_at=utcnow()))
    else:
        leader.person_id, leader.title, leader.set_at = person_id, title, utcnow()


def commit() -> None:
    db.session.commit()
