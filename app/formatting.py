"""Template helpers, registered in one place: the record-state vocabulary (so templates compare
with names such as RunStatus.FINISHED, never with bare strings)."""
from __future__ import annotations

from enum import StrEnum

from flask import Flask

from app.vocabulary import TEMPLATE_NAMES


def choices(vocabulary: type[StrEnum]) -> list[tuple[str, str, None]]:
    """(value, label, hint) for a radio group over a vocabulary with labels."""
    return [(item.value, getattr(item, "label", item.value), None) for item in vocabulary]


def init_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(TEMPLATE_NAMES, choices=choices)
