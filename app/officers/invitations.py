"""Inviting councillors: the email with a link to set a password, sent one by one or to all
members not yet invited. Each send is audited and committed with the member's invited_at."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app, render_template

from app import audit, clock
from app.auth import tokens
from app.data import members as members_data
from app.extensions import db
from app.mail import send
from app.urls import external_url

if TYPE_CHECKING:
    from app.models import Councillor, Person


def send_invitation(person: Person) -> None:
    """Email a person a link to set their password and sign in for the first time."""
    link = external_url("auth.accept_invitation", token=tokens.make_token(person, tokens.INVITATION))
    send(person.email, f"You are invited to {current_app.config['SERVICE_NAME']}",
         render_template("auth/email/invitation.txt", person=person, link=link), person_id=person.id,
         kind="invitation")


def can_be_invited(member: Councillor) -> bool:
    # A member modern.gov lists with no council email waits until an officer adds one.
    return (member.active and member.erased_at is None and member.last_signed_in_at is None
            and bool(member.email))


def invite(member: Councillor) -> bool:
    """Send (or send again) the invitation email; returns False if they cannot be invited."""
    if not can_be_invited(member):
        return False
    resend = member.invited_at is not None
    send_invitation(member)
    member.invited_at = clock.now()
    audit.record("member.invited", member.id, resend=resend)
    db.session.commit()
    return True


not_yet_invited = members_data.not_yet_invited
count_not_yet_invited = members_data.count_not_yet_invited


def preview(person: Person) -> tuple[str, str, str]:
    """(to, subject, body) of the invitation this person would get, with no working link in it."""
    link = "(a link only they can use)"
    return (person.email, f"You are invited to {current_app.config['SERVICE_NAME']}",
            render_template("auth/email/invitation.txt", person=person, link=link))


def invite_everyone_not_yet_invited(only: set[int] | None = None) -> int:
    """Invite every active member never invited (of `only`, the ids the officer checked, if given);
    one transaction, one audit entry each."""
    members = [m for m in not_yet_invited() if only is None or m.id in only]
    for member in members:
        send_invitation(member)
        member.invited_at = clock.now()
        audit.record("member.invited", member.id, resend=False, bulk=True)
    db.session.commit()
    return len(members)
