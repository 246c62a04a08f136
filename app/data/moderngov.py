"""Reads and writes for the modern.gov sync."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Councillor, Election, Person


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def councillors_by_moderngov_id(ids: list[str]) -> dict[str, Councillor]:
    found: dict[str, Councillor] = {}
    for chunk in _chunks(ids):
        for member in db.session.scalars(select(Councillor).options(selectinload(Councillor.roles))
                                         .where(Councillor.moderngov_id.in_(chunk))):
            found[member.moderngov_id] = member
    return found


def people_by_email(emails: list[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for chunk in _chunks(sorted(set(emails))):
        for person in db.session.scalars(select(Person).where(Person.email.in_(chunk))):
            found[person.email] = person
    return found


def election_dates() -> set[date]:
    return set(db.session.scalars(select(Election.held_on)))


def add_election(held_on: date) -> None:
    db.session.add(Election(held_on=held_on))


def councillor(member_id: int) -> Councillor | None:
    return db.session.get(Councillor, member_id)


def add(member: Councillor) -> None:
    db.session.add(member)


def flush() -> None:
    db.session.flush()


def commit() -> None:
    db.session.commit()


def rollback() -> None:
    db.session.rollback()
