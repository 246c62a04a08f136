"""Reads and writes for signing in with a council account, and the password sign-in settings."""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import with_polymorphic

from app.extensions import db
from app.models import Person, ServiceSetting

# Every request of a signed-in person loads them: the statement is built once (building it costs
# about as much as running it), and it reads a councillor's own columns too, which most of their
# pages use and which would otherwise cost a second query.
_ANY_KIND = with_polymorphic(Person, "*")
_SIGNED_IN = select(_ANY_KIND).where(_ANY_KIND.id == bindparam("person_id"))


def person_by_subject(subject: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.sso_subject == subject))


def person_by_email(email: str) -> Person | None:
    return Person.by_email(email)


def person(person_id: int) -> Person | None:
    return db.session.get(Person, person_id)


def signed_in_person(person_id: int) -> Person | None:
    return db.session.scalars(_SIGNED_IN, {"person_id": person_id}).first()


def setting(key: str) -> str | None:
    row = db.session.get(ServiceSetting, key)
    return row.value if row else None


def set_setting(key: str, value: str) -> None:
    row = db.session.get(ServiceSetting, key)
    if row is None:
        db.session.add(ServiceSetting(key=key, value=value))
    else:
        row.value = value


def commit() -> None:
    db.session.commit()
