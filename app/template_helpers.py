"""Every template filter and global, registered in one place (CTFd's init_template_filters idea).

Only create_app imports this module, so it may import any area without making a cycle.
"""
from __future__ import annotations

from enum import StrEnum

from flask import Flask

from app import formatting
from app.certificates import codes
from app.officers import audit_log
from app.officers.audit_words import describe, local_date_time
from app.officers.display import pathway_name, role_choices, status_tag
from app.roles import role_label
from app.vocabulary import TEMPLATE_NAMES


def choices(vocabulary: type[StrEnum]) -> list[tuple[str, str, None]]:
    """(value, label, hint) for a radio group over a vocabulary with labels."""
    return [(item.value, getattr(item, "label", item.value), None) for item in vocabulary]


def init_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(
        long_date=formatting.long_date, date_time=formatting.date_time, plural=formatting.plural,
        capitalize_first=formatting.capitalize_first, role_label=role_label, uk_time=local_date_time)
    app.jinja_env.globals.update(
        TEMPLATE_NAMES, choices=choices,
        certificate_code=codes.display,
        role_label=role_label, role_choices=role_choices, status_tag=status_tag, pathway_name=pathway_name,
        audit_label=audit_log.action_label, audit_describe=describe,
        # The outbox transport keeps mail in the service (app/mail.py); mail.init_app sets it too.
        mail_is_demo=lambda: app.config.get("MAIL_TRANSPORT", "outbox") == "outbox")
