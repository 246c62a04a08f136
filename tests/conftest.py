"""Fixtures in the Flask tutorial's style: app, client, runner, and helpers that act as a user.

Every test that uses the database runs once on SQLite and, when TEST_DATABASE_URL is set,
again on PostgreSQL.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app import create_app
from app.auth import passwords
from app.auth.passwords import hash_password
from app.extensions import db
from app.models import Councillor, Officer, OutboxMessage

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "a long and memorable passphrase"

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return os.environ["TEST_DATABASE_URL"]


@pytest.fixture
def app(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(REPO),
                      "SERVER_NAME": "training.test"})
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_councillor(app, name="Councillor Pat Jones", email="pat.jones@example.gov.uk",
                    password=PASSWORD, **fields) -> int:
    with app.app_context():
        person = Councillor(name=name, email=email.lower(),
                            password_hash=hash_password(password) if password else None, **fields)
        db.session.add(person)
        db.session.commit()
        return person.id


def make_officer(app, name="Sam Officer", email="sam.officer@example.gov.uk", password=PASSWORD) -> int:
    with app.app_context():
        person = Officer(name=name, email=email, password_hash=hash_password(password))
        db.session.add(person)
        db.session.commit()
        return person.id


class AuthActions:
    def __init__(self, client):
        self.client = client

    def sign_in(self, email="pat.jones@example.gov.uk", password=PASSWORD, **kwargs):
        return self.client.post("/sign-in", data={"email": email, "password": password}, **kwargs)

    def sign_out(self):
        return self.client.post("/sign-out")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def councillor(app):
    return make_councillor(app)


@pytest.fixture
def officer(app):
    return make_officer(app)


@pytest.fixture
def fast_hashes(monkeypatch):
    """Cheap argon2 settings, for test files that sign in dozens of times."""
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", cheap.hash("timing only"))


@pytest.fixture
def signed_in_officer(client, auth, officer):
    auth.sign_in(email="sam.officer@example.gov.uk")
    return officer


def last_email(app, to: str) -> OutboxMessage:
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == to)
                                     .order_by(OutboxMessage.id.desc())).first()
        assert message is not None, f"no email was sent to {to}"
        db.session.expunge(message)
        return message


def link_in(body: str) -> str:
    match = re.search(r"https?://[^\s]+", body)
    assert match, "the email has no link"
    return "/" + match.group(0).split("/", 3)[3]
