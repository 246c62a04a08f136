"""Which modules a person has read, and how far through the course they are."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.content.course import Course, Module
from app.extensions import db
from app.models import ModuleRead, Person, utcnow


@dataclass(frozen=True)
class ModuleStatus:
    module: Module
    read: ModuleRead | None

    @property
    def is_read(self) -> bool:
        return self.read is not None

    @property
    def changed_since_read(self) -> bool:
        return self.read is not None and self.read.content_fingerprint != self.module.fingerprint


@dataclass(frozen=True)
class Progress:
    statuses: tuple[ModuleStatus, ...]

    @property
    def read_count(self) -> int:
        return sum(1 for s in self.statuses if s.is_read)

    @property
    def total(self) -> int:
        return len(self.statuses)

    @property
    def percent(self) -> int:
        return round(100 * self.read_count / self.total) if self.total else 0

    @property
    def next_unread(self) -> Module | None:
        return next((s.module for s in self.statuses if not s.is_read), None)


def reads_for(person: Person) -> dict[str, ModuleRead]:
    rows = db.session.scalars(select(ModuleRead).where(ModuleRead.person_id == person.id))
    return {r.module_id: r for r in rows}


def progress(course: Course, person: Person, modules: tuple[Module, ...] | None = None) -> Progress:
    reads = reads_for(person)
    modules = course.modules if modules is None else modules
    return Progress(tuple(ModuleStatus(m, reads.get(m.id)) for m in modules))


def mark_read(person: Person, module: Module) -> ModuleRead:
    """Record that the person read this version of the module; marking again updates the version."""
    existing = db.session.scalar(select(ModuleRead).where(
        ModuleRead.person_id == person.id, ModuleRead.module_id == module.id))
    if existing is None:
        existing = ModuleRead(person_id=person.id, module_id=module.id,
                              content_fingerprint=module.fingerprint)
        db.session.add(existing)
    else:
        existing.content_fingerprint = module.fingerprint
        existing.read_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:
        # Two tabs marked it at once: the other one's row stands, which is what we wanted.
        db.session.rollback()
        existing = db.session.scalar(select(ModuleRead).where(
            ModuleRead.person_id == person.id, ModuleRead.module_id == module.id))
    return existing


def mark_unread(person: Person, module: Module) -> None:
    row = db.session.scalar(select(ModuleRead).where(
        ModuleRead.person_id == person.id, ModuleRead.module_id == module.id))
    if row is not None:
        db.session.delete(row)
        db.session.commit()
