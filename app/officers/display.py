"""Small helpers the officer templates use to show roles, pathways and statuses in words."""
from __future__ import annotations


from app.vocabulary import ROLE_LABELS
from app.roles import LEVEL_NAMES

STATUS_TAGS = {"not started": "govuk-tag--grey", "in progress": "govuk-tag--blue",
               "current": "govuk-tag--green", "due soon": "govuk-tag--yellow",
               "overdue": "govuk-tag--red"}


def status_tag(status) -> str:
    return STATUS_TAGS.get(getattr(status, "value", status), "govuk-tag--grey")


def pathway_name(pathway_id: str | None) -> str:
    """'Induction (level 1)' from the course's pathways when they are loaded, else the id in words."""
    if not pathway_id:
        return ""
    from app.content import current_course

    pathways = getattr(current_course(), "pathways", None) if _has_course() else None
    pathway = pathways.get(pathway_id) if pathways is not None else None
    if pathway is not None:
        return pathway.title
    return pathway_id.replace("-", " ").capitalize()


def _has_course() -> bool:
    from flask import current_app

    return current_app.extensions.get("course") is not None


def role_choices() -> list[tuple[str, str, str]]:
    from app.roles import role_levels

    levels = role_levels()
    return [(key, label, f"Needs {LEVEL_NAMES[levels.get(key, 1)].lower()} training")
            for key, label in ROLE_LABELS.items()]
