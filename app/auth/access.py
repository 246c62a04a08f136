"""Who may open each route. Every view declares one rule; a test checks every route has one.

- public: anyone, signed in or not;
- signed_in: any signed-in person (councillors, and officers previewing the course);
- councillor: a signed-in councillor (their own training record);
- officer: a signed-in democratic services officer.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort
from flask_login import current_user, login_required

RULES = ("public", "signed_in", "councillor", "officer")


def _mark(view: Callable, rule: str) -> Callable:
    view.access_rule = rule
    return view


def public(view: Callable) -> Callable:
    return _mark(view, "public")


def signed_in(view: Callable) -> Callable:
    return _mark(login_required(view), "signed_in")


def _role_required(rule: str, check: Callable[[object], bool]) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return _mark(login_required(wrapped), rule)

    return decorator


councillor = _role_required("councillor", lambda user: user.is_councillor)
officer = _role_required("officer", lambda user: user.is_officer)
