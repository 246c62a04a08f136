"""Council roles and the training level each one needs (1 universal, 2 targeted, 3 specialist)."""
from __future__ import annotations

from app.models import ROLE_LABELS, Person

# The level each role needs; a member's required level is the highest of their roles'.
ROLE_LEVELS = {
    "member": 1,
    "board": 2,
    "scrutiny": 2,
    "home-visitor": 2,
    "lead-member": 3,
    "chair": 3,
}
LEVEL_NAMES = {1: "Universal (level 1)", 2: "Targeted (level 2)", 3: "Specialist (level 3)"}


def required_level(person: Person) -> int:
    if person.is_officer:
        return 3  # officers can preview everything
    return max((ROLE_LEVELS.get(role, 1) for role in person.role_keys), default=1)


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)
