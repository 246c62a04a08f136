"""Councillors as democratic services keep them: add, edit, roles, deactivate (invitations are
in invitations.py).

Each function that completes an officer's action commits it together with its audit entry, so a
change is saved with its record or not at all. Audit details hold field names and role keys,
never the values typed (names and emails are personal data).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app, render_template
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import audit
from app.data.paging import page_of
from app.extensions import db
from app.mail import send
from app.models import ROLE_LABELS, Councillor, CouncillorRole, Person
from app.officers.names import sort_name


class EmailTaken(Exception):
    """Another account already uses this email address."""


@dataclass(frozen=True)
class MemberDetails:
    name: str
    email: str
    ward: str | None = None
    party: str | None = None
    elected_on: date | None = None
    roles: tuple[str, ...] = field(default=("member",))

    def normalised(self) -> MemberDetails:
        return MemberDetails(name=self.name.strip(), email=Person.normalise_email(self.email),
                             ward=_blank_to_none(self.ward), party=_blank_to_none(self.party),
                             elected_on=self.elected_on,
                             roles=tuple(sorted(set(self.roles))))


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def role_options() -> list[tuple[str, str]]:
    return list(ROLE_LABELS.items())


def get_councillor(member_id: int) -> Councillor | None:
    return db.session.get(Councillor, member_id)


def email_in_use(email: str, except_id: int | None = None) -> bool:
    query = select(Person.id).where(Person.email == Person.normalise_email(email))
    if except_id is not None:
        query = query.where(Person.id != except_id)
    return db.session.scalar(query) is not None


def set_roles(member: Councillor, roles: tuple[str, ...] | list[str]) -> tuple[list[str], list[str]]:
    """Make the member's roles exactly these; returns (added, removed) role keys."""
    unknown = set(roles) - set(ROLE_LABELS)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    wanted = set(roles)
    current = {r.role: r for r in member.roles}
    removed = sorted(set(current) - wanted)
    added = sorted(wanted - set(current))
    for key in removed:
        member.roles.remove(current[key])
    for key in added:
        member.roles.append(CouncillorRole(role=key))
    return added, removed


def apply_details(member: Councillor, details: MemberDetails) -> list[str]:
    """Copy details onto the member (no commit); returns the names of the fields that changed."""
    details = details.normalised()
    changed = []
    for name in ("name", "email", "ward", "party", "elected_on"):
        value = getattr(details, name)
        if getattr(member, name) != value:
            setattr(member, name, value)
            changed.append(name)
    member.sort_name = sort_name(member.name)
    return changed


def _commit_or_email_taken() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        # Two officers saving the same address at once: the unique index decides.
        db.session.rollback()
        raise EmailTaken() from None


def add_member(details: MemberDetails) -> Councillor:
    details = details.normalised()
    if email_in_use(details.email):
        raise EmailTaken()
    member = Councillor(name=details.name, sort_name=sort_name(details.name), email=details.email,
                        ward=details.ward, party=details.party, elected_on=details.elected_on,
                        password_hash=None)
    db.session.add(member)
    set_roles(member, details.roles)
    db.session.flush()
    audit.record("member.added", member.id, roles=list(details.roles))
    _commit_or_email_taken()
    return member


def update_member(member: Councillor, details: MemberDetails) -> tuple[list[str], list[str], list[str]]:
    """Save an officer's edit; returns (fields changed, roles added, roles removed)."""
    details = details.normalised()
    if email_in_use(details.email, except_id=member.id):
        raise EmailTaken()
    old_email = member.email
    changed = apply_details(member, details)
    added, removed = set_roles(member, details.roles)
    if "email" in changed and old_email:  # a member modern.gov gave no email has no old address
        # The old address hears of it, so an officer cannot quietly take over an account
        # (security review, MEDIUM-1); links sent there stop working (tokens fingerprint the email).
        send(old_email, f"Your email address for {current_app.config['SERVICE_NAME']} has changed",
             render_template("auth/email/email_changed.txt"), person_id=member.id, kind="email-changed")
    if changed:
        audit.record("member.edited", member.id, fields=changed)
    if added or removed:
        audit.record("member.roles_changed", member.id, added=added, removed=removed)
    _commit_or_email_taken()
    return changed, added, removed


def deactivate(member: Councillor) -> bool:
    """Returns False if they were already deactivated (a double click changes nothing)."""
    if not member.active:
        return False
    member.active = False
    member.session_version += 1  # signs them out everywhere
    audit.record("member.deactivated", member.id)
    db.session.commit()
    return True


def reactivate(member: Councillor) -> bool:
    if member.active or member.erased_at is not None:
        return False
    member.active = True
    audit.record("member.reactivated", member.id)
    db.session.commit()
    return True


def count_active() -> int:
    return db.session.scalar(select(func.count()).select_from(Councillor).where(Councillor.active.is_(True)))


def list_members(show: str = "active", page: int = 1, per_page: int = 200,
                 search: str = "") -> tuple[list[Councillor], int]:
    """One page of members, by name, and the number of pages; `search` matches name, ward, party or email."""
    condition = {"active": (Councillor.active.is_(True),), "inactive": (Councillor.active.is_(False),)}.get(show, ())
    if search:
        pattern = "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        condition += (or_(*(func.lower(func.coalesce(column, "")).like(pattern, escape="\\")
                            for column in (Councillor.name, Councillor.ward, Councillor.party, Councillor.email))),)
    query = (select(Councillor).options(selectinload(Councillor.roles)).where(*condition)
             .order_by(func.coalesce(Councillor.sort_name, Councillor.name), Councillor.id))
    pagination = page_of(query, page, per_page)
    return list(pagination.items), max(pagination.pages, 1)
