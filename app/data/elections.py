"""Election dates, and how many current councillors each one brought in."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import Councillor, Election


def newest_first() -> list[Election]:
    return list(db.session.scalars(select(Election).order_by(Election.held_on.desc())))


def held_on(day: date) -> Election | None:
    return db.session.scalar(select(Election).where(Election.held_on == day))


def active_members_by_election_date() -> dict[date | None, int]:
    return {day: count for day, count in db.session.execute(
        select(Councillor.elected_on, func.count()).where(Councillor.active.is_(True))
        .group_by(Councillor.elected_on))}
