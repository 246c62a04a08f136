"""Signed, expiring, single-use links for invitations and password resets.

A link carries the person's id and a fingerprint of their password hash, email address and
session version: once the password is set, the link stops working. So does a link sent to an
address an officer has since corrected (security review, LOW-3 and MEDIUM-1), and one sent before
the member was deactivated (deactivation moves the session version on).
"""
from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.extensions import db
from app.models import Person

INVITATION = "invitation"
PASSWORD_RESET = "password-reset"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"cpt-{purpose}")


def _fingerprint(person: Person, purpose: str) -> str:
    state = f"{person.password_hash or 'none'}|{person.email}|{person.session_version}"
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def make_token(person: Person, purpose: str) -> str:
    return _serializer(purpose).dumps({"id": person.id, "fp": _fingerprint(person, purpose)})


class TokenProblem(Exception):
    pass


def read_token(token: str, purpose: str, max_age: timedelta) -> Person:
    try:
        data = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise TokenProblem("This link has expired. Ask for a new one.") from None
    except BadSignature:
        raise TokenProblem("This link is not valid. Check you copied all of it, or ask for a new one.") from None
    person_id = data.get("id") if isinstance(data, dict) else None
    person = db.session.get(Person, person_id) if isinstance(person_id, int) else None
    if person is None or not person.active or data.get("fp") != _fingerprint(person, purpose):
        raise TokenProblem("This link has already been used or is no longer valid. Ask for a new one.")
    return person
