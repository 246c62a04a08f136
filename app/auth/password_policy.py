"""Password sign-in, which officers can turn off once members can sign in with their council account."""
from __future__ import annotations

from flask import current_app

from app.data import sign_in as store

PASSWORDS_OFF = "password_sign_in_off_for_members"


def council_sign_in_enabled() -> bool:
    return "council_sign_in" in current_app.extensions


def passwords_off_for_members() -> bool:
    return store.setting(PASSWORDS_OFF) == "yes"


def password_allowed(person) -> bool:
    """Officers keep their passwords, so that nobody is locked out of the officer area; and with
    no council sign-in set up, a password is the only way in."""
    if person.is_officer or not council_sign_in_enabled():
        return True
    return person.password_sign_in and not passwords_off_for_members()
