"""Reads and writes for signing in with a council account, and the password sign-in settings."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Person, ServiceSetting


def person_by_subject(subject: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.sso_subject == subject))


def person_by_email(email: str) -> Person | None:
    return Person.by_email(email)


def person(person_id: int) -> Person | None:
    return db.session.get(Person, person_id)


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
