"""The council's facts as officers save them: every version kept, the newest in use."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import LocalFactsVersion, Person, utcnow


# Built once: every module page runs it, and building it costs about as much as running it.
_NEWEST = select(LocalFactsVersion.id, LocalFactsVersion.text).order_by(LocalFactsVersion.id.desc()).limit(1)


def latest() -> tuple[int, str] | None:
    """(version id, text) of the newest saved version, or None when officers never saved one."""
    row = db.session.execute(_NEWEST).first()
    return (row[0], row[1]) if row else None


def save(text: str, fields: list[str], officer_id: int | None) -> int:
    version = LocalFactsVersion(text=text, fields=fields, changed_by_id=officer_id, changed_at=utcnow())
    db.session.add(version)
    db.session.flush()
    return version.id


def history(limit: int = 50) -> list[tuple]:
    """(changed_at, officer's name or None, fields) for the newest versions first."""
    return list(db.session.execute(
        select(LocalFactsVersion.changed_at, Person.name, LocalFactsVersion.fields)
        .outerjoin(Person, Person.id == LocalFactsVersion.changed_by_id)
        .order_by(LocalFactsVersion.id.desc()).limit(limit)).all())


def commit() -> None:
    db.session.commit()


def rollback() -> None:
    db.session.rollback()
