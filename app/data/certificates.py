"""Certificates and the member's confirmations that they read what changed: reads and writes."""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Certificate, ChangesAcknowledgement

OFFICER_LIST_LIMIT = 500


def get(certificate_id: int) -> Certificate | None:
    return db.session.get(Certificate, certificate_id)


def own(person_id: int, certificate_id: int) -> Certificate | None:
    """The certificate, only if it is this member's (a member never reaches someone else's)."""
    return db.session.scalar(select(Certificate).where(
        Certificate.id == certificate_id, Certificate.person_id == person_id))


def by_code(code: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def _members_certificates(include_revoked: bool, newest_first: bool):
    query = select(Certificate).where(Certificate.person_id == bindparam("person_id"))
    if not include_revoked:
        query = query.where(Certificate.revoked_at.is_(None))
    order = (Certificate.completed_on.desc(), Certificate.id.desc()) if newest_first \
        else (Certificate.completed_on, Certificate.id)
    return query.order_by(*order)


# Built once: My training reads every certificate of the member's on each visit, and building a
# statement costs about as much as running it.
_MEMBERS_CERTIFICATES = {(revoked, newest): _members_certificates(revoked, newest)
                         for revoked in (True, False) for newest in (True, False)}


def for_member(person_id: int, *, include_revoked: bool = True, newest_first: bool = False) -> list[Certificate]:
    """A member's certificates by completion date."""
    return list(db.session.scalars(_MEMBERS_CERTIFICATES[include_revoked, newest_first],
                                   {"person_id": person_id}))


def find(person_id: int, pathway_id: str, completed_on: date) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(
        Certificate.person_id == person_id, Certificate.pathway_id == pathway_id,
        Certificate.completed_on == completed_on))


def latest_issued(limit: int = OFFICER_LIST_LIMIT) -> list[Certificate]:
    return list(db.session.scalars(
        select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(limit)))


def acknowledged_certificate_ids(person_id: int) -> frozenset[int]:
    """The certificates whose "what has changed" page this member has confirmed."""
    return frozenset(db.session.scalars(select(ChangesAcknowledgement.certificate_id)
                                        .where(ChangesAcknowledgement.person_id == person_id)))


def add_acknowledgement(person_id: int, certificate_id: int) -> bool:
    """Record the confirmation (not committed); False if it was already there."""
    try:
        with db.session.begin_nested():
            db.session.add(ChangesAcknowledgement(person_id=person_id, certificate_id=certificate_id))
    except IntegrityError:
        return False
    return True
