"""The council's records: people, what they have read, and mail sent to them."""
from __future__ import annotations

from datetime import datetime, timezone

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Person(UserMixin, db.Model):
    """Someone who can sign in: a councillor or a democratic services officer."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    # Stored lower-cased so that uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on sign-out everywhere and password change, which ends every other session.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_signed_in_at: Mapped[datetime | None]

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


class ModuleRead(db.Model):
    """A person marked a module as read; the content fingerprint says which version they read."""

    __tablename__ = "module_reads"
    __table_args__ = (UniqueConstraint("person_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(100))
    content_fingerprint: Mapped[str] = mapped_column(String(64))
    read_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship()


class OutboxMessage(db.Model):
    """Every email the service sends, kept so that demo mode works with no mail server."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_by_smtp: Mapped[bool] = mapped_column(default=False)
