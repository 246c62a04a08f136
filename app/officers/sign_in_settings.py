"""Officers' choices about password sign-in, once members can sign in with their council account."""
from __future__ import annotations

from app import audit
from app.auth import password_policy
from app.data import sign_in as store


def set_member_password_sign_in(member, allowed: bool) -> bool:
    """False if nothing changed (a double click)."""
    if member.password_sign_in == allowed:
        return False
    member.password_sign_in = allowed
    audit.record("member.password_sign_in", member.id, allowed=allowed)
    store.commit()
    return True


def set_passwords_off_for_members(off: bool) -> None:
    store.set_setting(password_policy.PASSWORDS_OFF, "yes" if off else "no")
    audit.record("sign-in.passwords_for_members", None, allowed=not off)
    store.commit()
