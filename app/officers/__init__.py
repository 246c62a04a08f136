from flask import Blueprint

# Every officer page is under /officers; the certificate pages are in certificate_routes.py.
bp = Blueprint("officers", __name__, url_prefix="/officers")

from app.officers import (audit_log, certificate_routes, chasing_routes, group_routes,  # noqa: E402,F401
                          legal_review_routes, local_facts_routes, routes, session_routes,
                          statistics_routes)
from app.officers.cli import register_commands  # noqa: E402

bp.record_once(lambda state: register_commands(state.app))


def _use_officers_facts(state) -> None:
    # Officers' saved facts win over content/local.yaml, which stays the default for a new install.
    from app.content.local import set_local_facts
    from app.officers.local_facts import DatabaseFacts

    fallback = state.app.extensions.get("local_facts")
    if fallback is not None and not isinstance(fallback, DatabaseFacts):
        set_local_facts(state.app, DatabaseFacts(fallback))


bp.record_once(_use_officers_facts)
