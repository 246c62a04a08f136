"""Which modules a member has marked as read, and which version of each they read."""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ModuleRead, utcnow


def find(person_id: int, module_id: str) -> ModuleRead | None:
    return db.session.scalar(select(ModuleRead).where(
        ModuleRead.person_id == person_id, ModuleRead.module_id == module_id))


# Built once: every module page and My training run it, and building it costs about as much as
# running it.
_MEMBERS_READS = select(ModuleRead).where(ModuleRead.person_id == bindparam("person_id"))


def for_member(person_id: int) -> dict[str, ModuleRead]:
    return {r.module_id: r for r in db.session.scalars(_MEMBERS_READS, {"person_id": person_id})}


def save_read(person_id: int, module_id: str, fingerprint: str) -> ModuleRead | None:
    """Record (or refresh) the read, committed; marking again updates the version read."""
    existing = find(person_id, module_id)
    if existing is None:
        existing = ModuleRead(person_id=person_id, module_id=module_id, content_fingerprint=fingerprint)
        db.session.add(existing)
    else:
        existing.content_fingerprint = fingerprint
        existing.read_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:
        # Two tabs marked it at once: the other one's row stands, which is what we wanted.
        db.session.rollback()
        existing = find(person_id, module_id)
    return existing


def delete_read(person_id: int, module_id: str) -> None:
    row = find(person_id, module_id)
    if row is not None:
        db.session.delete(row)
        db.session.commit()
