"""Which modules a member has marked as read, and which version of each they read."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ModuleRead, utcnow


def find(person_id: int, module_id: str) -> ModuleRead | None:
    return db.session.scalar(select(ModuleRead).where(
        ModuleRead.person_id == person_id, ModuleRead.module_id == module_id))


class ReadSeen(NamedTuple):
    """A module a member marked as read, as the pages show it."""
    module_id: str
    content_fingerprint: str
    read_at: datetime


# Built once: every module page and My training run it, and building it costs about as much as
# running it. Plain columns, not ModuleRead objects: the pages only show them.
_READS = ModuleRead.__table__
_MEMBERS_READS = select(_READS.c.module_id, _READS.c.content_fingerprint, _READS.c.read_at) \
    .where(_READS.c.person_id == bindparam("person_id"))


def for_member(person_id: int) -> dict[str, ReadSeen]:
    return {r[0]: ReadSeen._make(r) for r in db.session.execute(_MEMBERS_READS, {"person_id": person_id})}


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
