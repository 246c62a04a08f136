"""Issuing, recording and revoking certificates, and what a member must do next.

A certificate is never changed or deleted once issued, except to revoke it: every cycle's
certificate stays in the record. Each function here does its work in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import audit, clock
from app.certificates import codes
from app.certificates.dates import refresher_due
from app.certificates.pathways import CHANGES_ACKNOWLEDGED, Cycle, Pathway, PathwayProgress, evaluate, load_evidence
from app.certificates.status import Status, TrainingRecord, training_record
from app.content import current_course
from app.data import certificates as certificates_data
from app.data import elections as elections_data
from app.extensions import db
from app.models import Certificate, Councillor, Election, Person, utcnow
from app.urls import external_url
from app.vocabulary import CertificateHow


class CertificateError(ValueError):
    """A request that cannot be done, with a message for the person and the field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def valid_certificates(person_id: int) -> list[Certificate]:
    return certificates_data.for_member(person_id, include_revoked=False)


def all_certificates(person_id: int) -> list[Certificate]:
    """Every cycle's certificate, newest first, revoked ones included."""
    return certificates_data.for_member(person_id, newest_first=True)


def certificate_status(certificate: Certificate, today: date | None = None) -> str:
    """'current', 'due soon', 'overdue' or 'revoked': what the verification page says."""
    if certificate.revoked_at is not None:
        return "revoked"
    today = today or clock.today()
    if today > certificate.refresher_due:
        return Status.OVERDUE.value
    if (certificate.refresher_due - today).days <= current_app.config.get("REFRESHER_WARNING_DAYS", 90):
        return Status.DUE_SOON.value
    return Status.CURRENT.value


def _renewed(certs: list[Certificate], level: int) -> Certificate | None:
    # The certificate a refresher renews: the one that covers the member's level longest.
    meeting = [c for c in certs if c.level >= level]
    return max(meeting, key=lambda c: (c.refresher_due, c.completed_on, c.id), default=None)


@dataclass(frozen=True)
class Journey:
    """Where a member stands and what they can do next."""

    record: TrainingRecord
    pathway: Pathway | None          # what they are working towards now, if anything
    progress: PathwayProgress | None
    optional: bool = False           # True when the member is current and may renew early
    certificates: tuple[Certificate, ...] = ()  # every cycle's, newest first, revoked ones included


def journey(person: Councillor, today: date | None = None) -> Journey:
    today = today or clock.today()
    course = current_course()
    pathways = course.pathways
    record = training_record(person.id, today)
    every = all_certificates(person.id)
    certs = [c for c in every if c.revoked_at is None]
    renewed = _renewed(certs, record.required_level)
    cycle = None
    if renewed is not None:
        returning = bool(person.elected_on and person.elected_on > renewed.completed_on
                         and today < renewed.refresher_due)
        cycle = Cycle(renewed.id, renewed.level, renewed.completed_on, returning)
    pathway, optional = None, False
    if record.required_pathway == pathways.refresher.id:
        pathway = pathways.refresher
    elif record.status is Status.CURRENT:
        if cycle and cycle.returning and pathways.refresher.assessment_only_for_returning:
            pathway, optional = pathways.refresher, True
    else:
        pathway = pathways.get(record.required_pathway)
    progress = evaluate(pathway, load_evidence(person.id), course, cycle) if pathway else None
    return Journey(record, pathway, progress, optional, tuple(every))


_find = certificates_data.find


def _add(person_id: int, pathway: Pathway, level: int, completed_on: date, score: int | None,
         how: str, recorded_by_id: int | None) -> tuple[Certificate, bool]:
    """Insert a certificate inside a savepoint; (certificate, created)."""
    interval = current_app.config.get("REFRESHER_INTERVAL_MONTHS", 24)
    for _ in range(5):
        certificate = Certificate(person_id=person_id, pathway_id=pathway.id, level=level,
                                  completed_on=completed_on,
                                  refresher_due=refresher_due(completed_on, interval),
                                  score_percent=score, code=codes.new_code(), how=how,
                                  recorded_by_id=recorded_by_id)
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
        except IntegrityError:
            # Either a second click (two tabs) issued it first, or the random code was taken.
            existing = _find(person_id, pathway.id, completed_on)
            if existing is not None:
                return existing, False
            continue
        return certificate, True
    raise RuntimeError("could not find an unused verification code")


def issue(person: Councillor, pathway_id: str, today: date | None = None) -> tuple[Certificate, bool]:
    """Issue the member's certificate for the pathway they have just completed online."""
    today = today or clock.today()
    existing = _find(person.id, pathway_id, today)
    if existing is not None and existing.revoked_at is None:
        return existing, False  # a double click or a second tab: the same certificate
    j = journey(person, today)
    if j.pathway is None or j.pathway.id != pathway_id or not j.progress.complete:
        raise CertificateError("You have not finished this pathway yet. The list on My training "
                               "shows what is left to do.")
    level = j.pathway.level or j.progress.cycle.level
    try:
        certificate, created = _add(person.id, j.pathway, level, today, j.progress.score_percent,
                                    CertificateHow.ONLINE, None)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if created:
        current_app.logger.info("certificate issued id=%s person_id=%s pathway=%s", certificate.id,
                                person.id, pathway_id)
    return certificate, created


def issue_if_complete(person: Councillor, today: date | None = None,
                      known: Journey | None = None) -> Certificate | None:
    """Issue the certificate the moment the member meets the last requirement of their pathway.

    Called after every action that can complete one (a module read, a checklist answer, the
    assessment, a dilemma's ending, the "what has changed" page) and when My training opens.
    Returns the certificate only when this call issued it, so the caller shows the confirmation
    once; the member is emailed at the same time. known: the member's journey today, when the
    caller has just worked it out (My training shows it next), so it is not worked out twice.
    """
    if not getattr(person, "is_councillor", False):
        return None
    today = today or clock.today()
    j = known or journey(person, today)
    if j.pathway is None or j.progress is None or not j.progress.complete:
        return None
    if _find(person.id, j.pathway.id, today) is not None:
        return None   # issued (or revoked) today already
    certificate, created = issue(person, j.pathway.id, today)
    if not created:
        return None
    _email_certificate(person, certificate)
    return certificate


def _email_certificate(person: Councillor, certificate: Certificate) -> None:
    from flask import render_template

    from app import mail

    pathway = current_course().pathways.get(certificate.pathway_id)
    body = render_template(
        "certificates/email/issued.txt", name=person.name, certificate=certificate,
        pathway=f"{pathway.title} (level {certificate.level})" if pathway else certificate.pathway_id,
        code=codes.display(certificate.code),
        link=external_url("certificates.issued", certificate_id=certificate.id),
        verify=external_url("certificates.verify", code=certificate.code),
        council=current_app.config["COUNCIL_NAME"])
    mail.send(person.email, "Your corporate parenting training certificate", body, person_id=person.id,
              kind="certificate")
    db.session.commit()


def record_face_to_face(email: str, pathway_id: str, completed_on: date | None, recorded_by_id: int | None,
                        today: date | None = None, trainer: str | None = None,
                        commit: bool = True) -> tuple[Certificate, bool]:
    """Record a completion from a face-to-face training session, as the CLI and the officer form do.

    commit=False leaves the transaction open, so a whole session's attendance is saved together
    (the caller commits, or rolls back when any attendee fails)."""
    today = today or clock.today()
    person = Person.by_email(email or "")
    if person is None or not person.is_councillor:
        raise CertificateError(f"There is no councillor with the email address {email!r}", "member")
    pathways = current_course().pathways
    pathway = pathways.get(pathway_id or "")
    if pathway is None:
        known = ", ".join(p.id for p in pathways.pathways)
        raise CertificateError(f"There is no pathway {pathway_id!r} (pathways are: {known})", "pathway")
    if completed_on is None:
        raise CertificateError("Enter the date of the session", "completed_on")
    if completed_on > today:
        raise CertificateError("The date of the session must be today or in the past", "completed_on")
    if pathway.is_refresher:
        earlier = [c for c in valid_certificates(person.id) if c.completed_on < completed_on]
        if not earlier:
            raise CertificateError("A refresher renews an earlier certificate, and this member has none "
                                   "from before that date: record the pathway for their level instead",
                                   "pathway")
        level = max(earlier, key=lambda c: (c.completed_on, c.level)).level
    else:
        level = pathway.level
    try:
        certificate, created = _add(person.id, pathway, level, completed_on, None, CertificateHow.FACE_TO_FACE,
                                    recorded_by_id)
        if created:
            db.session.flush()
            audit.record("certificate.recorded", person.id, actor_id=recorded_by_id,
                         certificate_id=certificate.id, pathway=pathway.id,
                         completed_on=completed_on.isoformat(), how=CertificateHow.FACE_TO_FACE,
                         **({"trainer": trainer} if trainer else {}))
        if commit:
            db.session.commit()
    except Exception:
        if commit:
            db.session.rollback()
        raise
    return certificate, created


def revoke(certificate: Certificate, reason: str, actor_id: int | None) -> bool:
    """Revoke a certificate, keeping it in the record; False if it was already revoked."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("Enter the reason for revoking the certificate", "reason")
    # The state check and the change happen in one UPDATE, so two officers cannot both revoke.
    result = db.session.execute(
        update(Certificate).where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason[:500]))
    if result.rowcount != 1:
        db.session.rollback()
        return False
    audit.record("certificate.revoked", certificate.person_id, actor_id=actor_id,
                 certificate_id=certificate.id, pathway=certificate.pathway_id)
    db.session.commit()
    db.session.refresh(certificate)
    return True


# --- the refresher's "what has changed" page ----------------------------------------------------

@dataclass(frozen=True)
class Change:
    module: object
    law_changed: bool      # the law is stated as at a later month than the certificate
    content_changed: bool  # the module's text differs from the version the member read


def changes_since(person_id: int, since: date, level: int) -> list[Change]:
    from app.models import ModuleRead

    fingerprints = dict(db.session.execute(
        select(ModuleRead.module_id, ModuleRead.content_fingerprint).where(ModuleRead.person_id == person_id)).all())
    changes = []
    for module in current_course().modules_for_level(level):
        law = module.law_as_at > f"{since:%Y-%m}"
        content = module.id in fingerprints and fingerprints[module.id] != module.fingerprint
        if law or content:
            changes.append(Change(module, law, content))
    return changes


def acknowledge_changes(person: Councillor, certificate_id: int) -> bool:
    """Record that the member has read what changed in this cycle; False if they already had."""
    if not certificates_data.add_acknowledgement(person.id, certificate_id):
        return False
    audit.record(CHANGES_ACKNOWLEDGED, person.id, actor_id=person.id, certificate_id=certificate_id)
    db.session.commit()
    return True


# --- elections ----------------------------------------------------------------------------------

def record_election(held_on: date, induction_months: int, actor_id: int | None,
                    apply_to_all: bool = False) -> tuple[Election, bool]:
    """Record an election (or change its induction period); optionally set it as every
    current councillor's election date, as after an all-out election."""
    election = elections_data.held_on(held_on)
    created = election is None
    try:
        if created:
            election = Election(held_on=held_on, induction_months=induction_months)
            with db.session.begin_nested():
                db.session.add(election)
        else:
            election.induction_months = induction_months
        updated = 0
        if apply_to_all:
            updated = db.session.execute(
                update(Councillor).where(Councillor.active.is_(True)).values(elected_on=held_on)
                .execution_options(synchronize_session=False)).rowcount
        db.session.flush()
        audit.record("election.recorded" if created else "election.updated", None, actor_id=actor_id,
                     election_id=election.id, held_on=held_on.isoformat(),
                     induction_months=induction_months, members_updated=updated)
        db.session.commit()
    except IntegrityError:
        # Another officer recorded the same date a moment ago: theirs stands.
        db.session.rollback()
        election = elections_data.held_on(held_on)
        created = False
    return election, created
