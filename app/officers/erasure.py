"""Erasing a member's personal data at their request (UK GDPR article 17).

The council keeps anonymous training aggregates (attempt scores, certificate dates, dilemma
endings) because it reports totals to committee; everything that says who the member was, or
what they wrote in their own words, goes.
"""
from __future__ import annotations

from sqlalchemy import select, update

from app import audit
from app.data import mail as mail_data
from app.extensions import db
from app.models import Certificate, ChecklistAnswer, Councillor, ScenarioRun, utcnow

ERASED_DOMAIN = "erased.invalid"  # .invalid can never be a real address (RFC 2606)


def placeholder_email(member_id: int) -> str:
    return f"erased-member-{member_id}@{ERASED_DOMAIN}"


def erased_name(member_id: int) -> str:
    return f"Erased member #{member_id}"


def erase(member: Councillor, actor_id: int | None = None) -> bool:
    """Remove the member's personal data in one transaction; False if already erased."""
    if member.erased_at is not None:
        return False
    old_email = member.email
    member_id = member.id
    member.name = erased_name(member_id)
    member.email = placeholder_email(member_id)
    member.ward = member.party = member.key_posts = member.moderngov_id = member.sort_name = None
    member.elected_on = None
    member.password_hash = None
    member.active = False
    member.invited_at = None
    member.last_signed_in_at = None
    member.failed_sign_ins = 0
    member.first_failed_at = member.locked_until = None
    member.session_version += 1
    member.erased_at = utcnow()
    # A role such as "lead member" or "chair" names one person, so roles go too.
    member.roles.clear()
    db.session.execute(update(ScenarioRun).where(ScenarioRun.person_id == member_id)
                       .values(reflection=None))
    db.session.execute(update(ChecklistAnswer).where(ChecklistAnswer.person_id == member_id)
                       .values(note=None, action=None, who_can_help=None))
    # An officer's revocation reason may name the member; the revocation itself stays.
    db.session.execute(update(Certificate).where(Certificate.person_id == member_id,
                                                 Certificate.revoked_reason.is_not(None))
                       .values(revoked_reason="Reason removed when the member's data was erased"))
    # Emails to them carry their name and links: every one, whichever address it went to (MEDIUM-3).
    mail_data.delete_for_person(member_id, {old_email})
    audit.record("member.erased", member_id, actor_id=actor_id)
    db.session.commit()
    db.session.expire(member)
    return True


def personal_data_left(member_id: int) -> list[str]:
    """What personal data is still held for an erased member (empty when erasure worked)."""
    member = db.session.get(Councillor, member_id)
    left = []
    if member.name != erased_name(member_id):
        left.append("name")
    if member.email != placeholder_email(member_id):
        left.append("email")
    for name in ("ward", "party", "password_hash", "elected_on"):
        if getattr(member, name) is not None:
            left.append(name)
    if db.session.scalar(select(ScenarioRun.id).where(ScenarioRun.person_id == member_id,
                                                      ScenarioRun.reflection.is_not(None))):
        left.append("reflections")
    if db.session.scalar(select(ChecklistAnswer.id).where(
            ChecklistAnswer.person_id == member_id,
            (ChecklistAnswer.note.is_not(None)) | (ChecklistAnswer.action.is_not(None))
            | (ChecklistAnswer.who_can_help.is_not(None)))):
        left.append("checklist notes")
    if mail_data.any_for_person(member_id, set()):
        left.append("emails")
    return left
