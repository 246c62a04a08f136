"""Pathways, certificates, verification and the refresher cycle."""
from flask import Blueprint

bp = Blueprint("certificates", __name__)

from app.certificates import routes  # noqa: E402,F401
