"""The pieces that let several processes share one database safely, tested without servers:
SQLite transactions, the reverse-proxy settings and the access log."""
from __future__ import annotations

import runpy
import sqlite3

import pytest
from sqlalchemy import select, text
from werkzeug.middleware.proxy_fix import ProxyFix

from app import create_app
from app.extensions import db
from app.models import ModuleRead, OutboxMessage
from tests.conftest import REPO, make_councillor


@pytest.fixture
def sqlite_app(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.db'}",
                      "CONTENT_ROOT": str(REPO)})
    with app.app_context():
        db.create_all()
    yield app, tmp_path / "app.db"
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _other_writer_can_start(db_path) -> bool:
    """Could another process take the write lock right now, without waiting?"""
    other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        other.close()


def test_a_page_reads_without_taking_the_write_lock(sqlite_app):
    app, db_path = sqlite_app
    with app.test_request_context("/my-training", method="GET"):
        db.session.scalars(select(ModuleRead)).all()
        assert _other_writer_can_start(db_path)
        db.session.rollback()


def test_a_form_submission_holds_the_write_lock_from_its_first_query(sqlite_app):
    app, db_path = sqlite_app
    with app.test_request_context("/modules/principles/read", method="POST"):
        db.session.scalars(select(ModuleRead)).all()
        assert not _other_writer_can_start(db_path)
        db.session.rollback()
    assert _other_writer_can_start(db_path)


def test_a_page_that_writes_after_another_writer_does_not_fail(sqlite_app):
    app, db_path = sqlite_app
    with app.test_request_context("/some-page", method="GET"):
        db.session.scalars(select(OutboxMessage)).all()  # a read snapshot is open
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("INSERT INTO outbox_messages (recipient, subject, body, created_at, sent_by_smtp) "
                      "VALUES ('a@example.gov.uk', 's', 'b', '2026-01-01 00:00:00', 0)")
        other.close()
        # Upgrading the stale read snapshot would fail at once with "database is locked".
        db.session.add(OutboxMessage(recipient="b@example.gov.uk", subject="s", body="b"))
        db.session.commit()
        assert db.session.scalar(text("SELECT count(*) FROM outbox_messages")) == 2


def test_behind_a_proxy_links_use_the_public_address_and_other_hosts_are_refused(app, tmp_path):
    proxied = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "CONTENT_ROOT": str(REPO), "PROXY_FIX_X_FOR": 1, "PROXY_FIX_X_PROTO": 1,
                          "PROXY_FIX_X_HOST": 1, "BASE_URL": "https://training.council.gov.uk"})
    assert isinstance(proxied.wsgi_app, ProxyFix)
    make_councillor(proxied)
    client = proxied.test_client()
    forged = client.post("/password-reset", data={"email": "pat.jones@example.gov.uk"},
                         headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "attacker.example",
                                  "X-Forwarded-For": "203.0.113.9"})
    assert forged.status_code == 400
    client.post("/password-reset", data={"email": "pat.jones@example.gov.uk"},
                headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "training.council.gov.uk",
                         "X-Forwarded-For": "203.0.113.9"})
    with proxied.app_context():
        body = db.session.scalars(select(OutboxMessage)).one().body
    assert "https://training.council.gov.uk/password-reset/" in body


def test_without_proxy_settings_forwarded_headers_are_ignored(app):
    assert not isinstance(app.wsgi_app, ProxyFix)


def test_the_access_log_never_holds_a_token():
    settings = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    redact = settings["redact_path"]
    assert redact("/password-reset/IjEyMyI.ZmFrZS10b2tlbg.abc") == "/password-reset/[redacted]"
    assert redact("/invitation/abc.def") == "/invitation/[redacted]"
    assert redact("/unlock/abc.def") == "/unlock/[redacted]"
    assert redact("/modules/principles") == "/modules/principles"
    assert "%(h)s" not in settings["access_log_format"]  # no client address either
    assert settings["workers"] >= 2
