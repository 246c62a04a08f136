"""Council roles and the training level each one needs (1 universal, 2 targeted, 3 specialist).

The levels are data, in content/pathways.yaml ('roles'), loaded and checked with the course.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Mapping

from app.content import current_course
from app.vocabulary import ROLE_LABELS

if TYPE_CHECKING:
    from app.models import Person

LEVEL_NAMES = {1: "Universal (level 1)", 2: "Targeted (level 2)", 3: "Specialist (level 3)"}


class _RoleLevels(Mapping):
    """ROLE_LEVELS reads the loaded course each time, so importing it needs no application."""

    def __getitem__(self, role: str) -> int:
        return role_levels()[role]

    def __iter__(self):
        return iter(role_levels())

    def __len__(self) -> int:
        return len(role_levels())


ROLE_LEVELS: Mapping[str, int] = _RoleLevels()


def role_levels() -> Mapping[str, int]:
    """The level each role needs, from the loaded course."""
    return current_course().pathways.role_levels


def level_for_roles(roles: Iterable[str]) -> int:
    # A member's required level is the highest of their roles'; every member needs level 1.
    levels = role_levels()
    return max((levels.get(role, 1) for role in roles), default=1)


def required_level(person: Person) -> int:
    if person.is_officer:
        return 3  # officers can preview everything
    return level_for_roles(person.role_keys)


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)
