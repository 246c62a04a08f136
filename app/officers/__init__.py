from flask import Blueprint

# No url_prefix: the area also serves a member's own data download under /my-training.
bp = Blueprint("officers", __name__)

from app.officers import routes  # noqa: E402,F401
from app.officers.cli import register_commands  # noqa: E402
from app.officers.display import register_template_helpers  # noqa: E402

bp.record_once(lambda state: register_commands(state.app))
bp.record_once(lambda state: register_template_helpers(state.app))
