"""Which modules a person has read, and how far through the course they are."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.content.course import Course, Module
from app.data import module_reads
from app.data.module_reads import ReadSeen

if TYPE_CHECKING:
    from app.models import ModuleRead, Person


@dataclass(frozen=True)
class ModuleStatus:
    module: Module
    read: ReadSeen | None

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


def reads_for(person: Person) -> dict[str, ReadSeen]:
    return module_reads.for_member(person.id)


def progress(course: Course, person: Person, modules: tuple[Module, ...] | None = None) -> Progress:
    reads = reads_for(person)
    modules = course.modules if modules is None else modules
    return Progress(tuple(ModuleStatus(m, reads.get(m.id)) for m in modules))


def mark_read(person: Person, module: Module) -> ModuleRead | None:
    """Record that the person read this version of the module; marking again updates the version."""
    return module_reads.save_read(person.id, module.id, module.fingerprint)


def mark_unread(person: Person, module: Module) -> None:
    module_reads.delete_read(person.id, module.id)
