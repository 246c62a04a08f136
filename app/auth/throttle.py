"""Sign-in and reset limits that slow an attacker down without locking the member out.

A stranger must not be able to lock a member out by typing wrong passwords for them (security
review, LOW-2; ASVS 2.2.1), so nothing here ever locks an account. Instead:

- failures are counted per address *and* account: ten wrong passwords for one account from one
  address stop that address trying that account for a while, and the member, from anywhere
  else, signs in as usual;
- failures are counted per address across accounts, so one address cannot spray many accounts;
- reset emails are counted per account, so nobody can flood a member's mailbox.

The counts are in the database (app/data/throttles.py), shared by every process on every machine,
with or without Redis (LOW-1). Unknown addresses are counted exactly like known ones: the work,
and so the time taken, does not depend on whether an account exists (MEDIUM-2).
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app

from app.data import throttles

WINDOW = timedelta(minutes=15)
FAILURES_PER_ACCOUNT_AND_ADDRESS = 10
FAILURES_PER_ADDRESS = 50
RESET_WINDOW = timedelta(hours=1)
RESET_EMAILS_PER_ACCOUNT = 3
RESET_REQUESTS_PER_ADDRESS = 20


def _account(email: str) -> str:
    # A keyed hash: the table never holds an email address, even one nobody has an account for.
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def _pair(address: str, email: str) -> str:
    return f"sign-in:{address}:{_account(email)}"


def sign_in_refused(address: str, email: str, now: datetime) -> bool:
    """True if this address has failed too often, for this account or for any."""
    return (throttles.count(_pair(address, email), WINDOW, now) >= FAILURES_PER_ACCOUNT_AND_ADDRESS
            or throttles.count(f"sign-in-address:{address}", WINDOW, now) >= FAILURES_PER_ADDRESS)


def sign_in_failed(address: str, email: str, now: datetime) -> None:
    """Count one failure; the caller commits."""
    throttles.hit(_pair(address, email), WINDOW, now)
    throttles.hit(f"sign-in-address:{address}", WINDOW, now)


def sign_in_succeeded(address: str, email: str) -> None:
    throttles.clear(_pair(address, email))


def password_changed(email: str) -> None:
    """A new password set through an emailed link: whoever failed before, the member starts afresh
    from every address (they proved they hold the mailbox). The caller commits."""
    throttles.clear_ending(f":{_account(email)}", prefix="sign-in:")


def reset_requests_refused(address: str, now: datetime) -> bool:
    """Count one reset request from this address; True once it has asked too often."""
    return throttles.hit(f"reset-address:{address}", RESET_WINDOW, now) > RESET_REQUESTS_PER_ADDRESS


def reset_email_allowed(person_id: int, now: datetime) -> bool:
    """Count one reset email to this account; False once it has had enough for now."""
    return throttles.hit(f"reset-email:{person_id}", RESET_WINDOW, now) <= RESET_EMAILS_PER_ACCOUNT


def forget_old(now: datetime) -> int:
    return throttles.forget_older_than(now - max(WINDOW, RESET_WINDOW))
