from flask import Blueprint

# Every officer page is under /officers; the certificate pages are in certificate_routes.py.
bp = Blueprint("officers", __name__, url_prefix="/officers")

from app.officers import audit_log, certificate_routes, chasing_routes, routes, session_routes  # noqa: E402,F401
from app.officers.cli import register_commands  # noqa: E402
from app.officers.display import register_template_helpers  # noqa: E402

bp.record_once(lambda state: register_commands(state.app))
bp.record_once(lambda state: register_template_helpers(state.app))
bp.record_once(lambda state: state.app.jinja_env.globals.update(audit_label=audit_log.action_label))
