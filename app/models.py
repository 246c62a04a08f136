"""The council's records: people, what they have read, and mail sent to them."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, select, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.vocabulary import ROLE_LABELS as _ROLE_LABELS
from app.vocabulary import Answer, AttemptStatus, CertificateHow, Priority, QuizLayout, RunStatus, sql_in

if TYPE_CHECKING:
    # Flask-SQLAlchemy builds db.Model at run time, so mypy cannot see it; it is a subclass of our
    # Base, which mypy can, and that makes every Mapped[...] below visible to the type checker.
    from app.extensions import Base as Model
else:
    Model = db.Model


def utcnow() -> datetime:
    # One clock for the whole service (app/clock.py), so a test that sets the time sets it here too.
    return clock.now()


class Person(UserMixin, Model):
    """Someone who can sign in: a councillor or a democratic services officer."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    # Stored lower-cased so that uniqueness is case-insensitive on every database.
    # None for a councillor modern.gov lists with no council email, until an officer adds one.
    email: Mapped[str | None] = mapped_column(String(320), unique=True, nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on sign-out everywhere and password change, which ends every other session.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_signed_in_at: Mapped[datetime | None]
    # Account-level sign-in throttling, shared by every app process through the database.
    failed_sign_ins: Mapped[int] = mapped_column(default=0, server_default="0")
    first_failed_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
    # Single sign-on: the council account's subject (Entra's oid, or sub), recorded at the first
    # sign-in with it, so a later change of email in Entra still finds this record.
    sso_subject: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)
    # An officer can require a member to use their council account instead of a password.
    password_sign_in: Mapped[bool] = mapped_column(default=True, server_default=true())

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "person"}

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sign-in to inactive accounts
        return self.active

    @property
    def is_officer(self) -> bool:
        return False

    @property
    def is_councillor(self) -> bool:
        return False

    def get_id(self) -> str:
        # The version in the id makes Flask-Login drop sessions from before a password change.
        return f"{self.id}:{self.session_version}"

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    @classmethod
    def by_email(cls, email: str) -> Person | None:
        return db.session.scalar(select(Person).where(Person.email == cls.normalise_email(email)))


class Councillor(Person):
    """An elected member: a corporate parent who must be trained."""

    ward: Mapped[str | None] = mapped_column(String(200), nullable=True)
    party: Mapped[str | None] = mapped_column(String(200), nullable=True)
    elected_on: Mapped[date | None] = mapped_column(nullable=True)
    invited_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # The name without titles ("Cllr", "County Councillor"), to sort by; name keeps what modern.gov says.
    sort_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # modern.gov's councillorid, which keys the sync; and the key posts it lists, as it lists them.
    moderngov_id: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True)
    key_posts: Mapped[str | None] = mapped_column(Text, nullable=True)
    roles: Mapped[list["CouncillorRole"]] = relationship(cascade="all, delete-orphan",
                                                         order_by="CouncillorRole.role")

    @property
    def role_keys(self) -> set[str]:
        return {r.role for r in self.roles}

    __mapper_args__ = {"polymorphic_identity": "councillor"}

    @property
    def is_councillor(self) -> bool:
        return True


class Officer(Person):
    """A democratic services officer who keeps the training record."""

    __mapper_args__ = {"polymorphic_identity": "officer"}

    @property
    def is_officer(self) -> bool:
        return True


class ServiceSetting(Model):
    """A setting officers change in the service (not the environment), such as password sign-in."""

    __tablename__ = "service_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class ModuleRead(Model):
    """A person marked a module as read; the content fingerprint says which version they read."""

    __tablename__ = "module_reads"
    __table_args__ = (UniqueConstraint("person_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(100))
    content_fingerprint: Mapped[str] = mapped_column(String(64))
    read_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship()


class OutboxMessage(Model):
    """Every email the service sends, kept so that demo mode works with no mail server."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_by_smtp: Mapped[bool] = mapped_column(default=False)
    # Whose email it is, whatever their address is now, so that erasure finds every copy.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"),
                                                  index=True, nullable=True)
    # The queue: a message is delivered after the response; failures wait for `flask mail send-queued`.
    delivered_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # Which email this is (invitation, password-reset, ...): GOV.UK Notify has a template for each.
    kind: Mapped[str | None] = mapped_column(String(40), nullable=True)


class Throttle(Model):
    """Counts of failed or repeated attempts (sign-in, reset emails), shared by every process.

    The key names what is counted, e.g. "sign-in:<ip>:<account hash>", never an address in clear.
    """

    __tablename__ = "throttles"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(index=True)


# --- training records -------------------------------------------------------------------------

# Kept here too for the modules that still import it from the models.
ROLE_LABELS = _ROLE_LABELS


class CouncillorRole(Model):
    """A role a councillor holds; their required training level follows from their roles."""

    __tablename__ = "councillor_roles"
    __table_args__ = (UniqueConstraint("person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    assigned_on: Mapped[date] = mapped_column(default=clock.today)


class Election(Model):
    """An election date: members elected then must finish induction within the period."""

    __tablename__ = "elections"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(unique=True)
    induction_months: Mapped[int] = mapped_column(default=3)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuizAttempt(Model):
    """One attempt at a module quiz or the assessment: started, then submitted exactly once."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # At most one unfinished attempt per person and quiz, so two tabs resume the same one.
        Index("uq_quiz_attempts_open", "person_id", "quiz", unique=True,
              sqlite_where=text("status = 'started'"), postgresql_where=text("status = 'started'")),
        # The completion report's best-score query reads only this index.
        Index("ix_quiz_attempts_best_score", "quiz", "status", "person_id", "score_percent"),
        CheckConstraint(sql_in("status", AttemptStatus), name="status"),
        CheckConstraint(sql_in("layout", QuizLayout), name="layout"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    quiz: Mapped[str] = mapped_column(String(100))  # "assessment" or "module:<module id>"
    status: Mapped[str] = mapped_column(String(20), default=AttemptStatus.STARTED)
    layout: Mapped[str] = mapped_column(String(20), default=QuizLayout.ONE_PAGE)
    question_ids: Mapped[list] = mapped_column(JSON)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # question id -> [option keys]
    # question id -> option keys in the order this attempt shows them (shuffled at the start).
    option_orders: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    score_percent: Mapped[int | None]
    passed: Mapped[bool | None]
    pass_mark: Mapped[int] = mapped_column(default=80)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]


class ScenarioRun(Model):
    """One play-through of a dilemma: the path taken, every step, and a private reflection."""

    __tablename__ = "scenario_runs"
    __table_args__ = (CheckConstraint(sql_in("status", RunStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.IN_PROGRESS)
    path: Mapped[list] = mapped_column(JSON, default=list)    # choice indexes from the start node
    events: Mapped[list] = mapped_column(JSON, default=list)  # every choose, back and restart
    ending_node: Mapped[str | None] = mapped_column(String(100))
    reflection: Mapped[str | None] = mapped_column(Text)      # private to the member
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class ChecklistAnswer(Model):
    """A member's answer to one question of a levels 1-3 checklist, and their action for it."""

    __tablename__ = "checklist_answers"
    __table_args__ = (UniqueConstraint("person_id", "question_id"),
                      CheckConstraint(sql_in("answer", Answer), name="answer"),
                      CheckConstraint(sql_in("priority", Priority), name="priority"))

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    level: Mapped[int]
    question_id: Mapped[str] = mapped_column(String(100))
    answer: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[str | None] = mapped_column(String(20))
    by_when: Mapped[date | None]
    who_can_help: Mapped[str | None] = mapped_column(String(300))
    action_done_on: Mapped[date | None]  # the day the member marked their action done
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Certificate(Model):
    """Proof that a member completed a pathway, and when their refresher falls due."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("person_id", "pathway_id", "completed_on"),
                      CheckConstraint(sql_in("how", CertificateHow), name="how"))

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    pathway_id: Mapped[str] = mapped_column(String(60))
    level: Mapped[int]
    completed_on: Mapped[date]
    refresher_due: Mapped[date] = mapped_column(index=True)
    score_percent: Mapped[int | None]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    how: Mapped[str] = mapped_column(String(20), default=CertificateHow.ONLINE)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(500))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class ChangesAcknowledgement(Model):
    """A member confirmed they read "what has changed" since a certificate: one per certificate.

    Its own table (not an audit-log entry) because certificate eligibility depends on it, and an
    audit retention policy must never change who may be certified."""

    __tablename__ = "changes_acknowledgements"
    __table_args__ = (UniqueConstraint("person_id", "certificate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"))
    acknowledged_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderSent(Model):
    """A reminder step sent to a member, so that no step is ever sent twice."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("person_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(80))  # e.g. "due:2026-02-28:30" or "overdue:2026-W09"
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class LegalSignOff(Model):
    """The council's own lawyer's sign-off of one module's statement of the law (issue 15).

    Kept, never edited: a later sign-off of the same module is a new row, so the history stays.
    """

    __tablename__ = "legal_sign_offs"
    __table_args__ = (Index("ix_legal_sign_offs_module", "module_id", "signed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[str] = mapped_column(String(100))
    signed_by: Mapped[str] = mapped_column(String(200))      # the lawyer's name and role, as they sign
    signed_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    # The module's text as signed, so the page can say when it has changed since.
    module_fingerprint: Mapped[str] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Model):
    """An officer action (or a security event): who, what, when. Never passwords or tokens."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class LocalFactsVersion(Model):
    """One saved version of the council's own facts (the content/local.yaml format), newest wins.

    Officers edit the facts in the officer area; every process reads the newest version on each
    page, so an edit shows without a restart. With no versions the file is used."""

    __tablename__ = "local_facts_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    fields: Mapped[list] = mapped_column(JSON, default=list)  # what changed from the version before
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupLeader(Model):
    """Who is sent a political group's completion summary: its leader or whip, one per party."""

    __tablename__ = "group_leaders"

    id: Mapped[int] = mapped_column(primary_key=True)
    party: Mapped[str] = mapped_column(String(200), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(20), default="leader")  # leader | whip
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuestionTally(Model):
    """Running sums over every submitted assessment answer to one question, for the officers'
    question statistics: a page reads one row per question, not every attempt (as Moodle keeps
    its quiz statistics precomputed). x is the mark for this question (0-1), y the share of the
    rest of the attempt's marks, so the discrimination index is their correlation."""

    __tablename__ = "question_tallies"

    question_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    answers: Mapped[int] = mapped_column(default=0)
    members: Mapped[int] = mapped_column(default=0)  # distinct members, from question_answerers
    sum_x: Mapped[float] = mapped_column(default=0.0)
    sum_y: Mapped[float] = mapped_column(default=0.0)
    sum_xy: Mapped[float] = mapped_column(default=0.0)
    sum_xx: Mapped[float] = mapped_column(default=0.0)
    sum_yy: Mapped[float] = mapped_column(default=0.0)


class QuestionWrongPick(Model):
    """How often each wrong option of a question was chosen (a matching question: a wrong
    statement-and-answer pair)."""

    __tablename__ = "question_wrong_picks"

    question_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    option_key: Mapped[str] = mapped_column(String(10), primary_key=True)
    picks: Mapped[int] = mapped_column(default=0)


class QuestionAnswerer(Model):
    """That a member has answered a question, so QuestionTally.members counts each member once."""

    __tablename__ = "question_answerers"

    question_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
