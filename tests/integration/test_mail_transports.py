"""Emails leave through the transport MAIL_TRANSPORT names: GOV.UK Notify (against a local stand-in
that checks requests as Notify documents them) or SMTP (a real SMTP server on 127.0.0.1 with
STARTTLS). A failed email never loses what caused it: an officer sees it and can try again."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import AuditEvent, Councillor, OutboxMessage, ReminderSent
from app.notify import template_setting
from tests.conftest import PASSWORD, REPO, make_councillor, make_officer
from tests.notify_standin import API_KEY, TEMPLATES, NotifyStandIn
from tests import smtp_server

MEMBER = "pat.jones@example.gov.uk"


def _app(database_url, **config):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(REPO), "DEMO_MODE": False,
                      "BASE_URL": "https://training.example.gov.uk", **config})
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def _teardown(app):
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def notify():
    with NotifyStandIn() as standin:
        yield standin


@pytest.fixture
def notify_app(database_url, notify):
    app = _app(database_url, MAIL_TRANSPORT="notify", NOTIFY_API_KEY=API_KEY, NOTIFY_BASE_URL=notify.url,
               NOTIFY_RETRY_PAUSE_SECONDS=0.01,
               **{template_setting(kind): template for kind, template in TEMPLATES.items()})
    yield app
    _teardown(app)


def _officer(app):
    make_officer(app)
    client = app.test_client()
    assert client.post("/sign-in", data={"email": "sam.officer@example.gov.uk", "password": PASSWORD}).status_code == 302
    return client


def _invite(app, client) -> int:
    member_id = make_councillor(app, password=None)
    assert client.post(f"/officers/members/{member_id}/invite").status_code == 302
    return member_id


def _stored(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


# --- GOV.UK Notify -------------------------------------------------------------------------------

def test_an_invitation_goes_through_notify_with_the_invitation_template(notify_app, notify):
    client = _officer(notify_app)
    _invite(notify_app, client)
    assert len(notify.sent) == 1
    sent = notify.sent[0]
    assert sent["email_address"] == MEMBER and sent["template_id"] == TEMPLATES["invitation"]
    assert "https://training.example.gov.uk/invitation/" in sent["personalisation"]["body"]
    assert sent["personalisation"]["subject"].startswith("You are invited")
    stored = _stored(notify_app)[-1]
    assert stored.delivered_at is not None and stored.kind == "invitation"
    assert "https://" not in stored.body  # no live link kept once sent


def test_a_password_reset_uses_its_own_template(notify_app, notify):
    make_councillor(notify_app)
    notify_app.test_client().post("/password-reset", data={"email": MEMBER})
    assert [s["template_id"] for s in notify.sent] == [TEMPLATES["password-reset"]]


@pytest.mark.parametrize("failure", [[403], [429] * 4])
def test_when_notify_refuses_the_invitation_is_kept_and_an_officer_sees_it(notify_app, notify, caplog, failure):
    client = _officer(notify_app)
    notify.fail_next = list(failure)
    with caplog.at_level(logging.DEBUG):
        member_id = _invite(notify_app, client)
    assert notify.sent == []
    with notify_app.app_context():
        member = db.session.get(Councillor, member_id)
        assert member.invited_at is not None  # the action stands
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.invited")) is not None
    assert MEMBER not in caplog.text and "Pat Jones" not in caplog.text
    home = client.get("/officers/").get_data(as_text=True)
    assert "1 email could not be sent" in home
    page = client.get("/officers/emails-not-sent").get_data(as_text=True)
    assert "Not sent" in page and "Invitation" in page and MEMBER in page

    retried = client.post("/officers/emails-not-sent", follow_redirects=True)
    assert "1 sent." in retried.get_data(as_text=True)
    assert [s["template_id"] for s in notify.sent] == [TEMPLATES["invitation"]]
    assert "Every email has been sent" in client.get("/officers/emails-not-sent").get_data(as_text=True)


def test_a_refresher_reminder_that_notify_refuses_is_recorded_and_marked_not_sent(notify_app, notify):
    from datetime import date

    from app.models import Certificate

    member_id = make_councillor(notify_app)
    with notify_app.app_context():
        db.session.add(Certificate(person_id=member_id, pathway_id="induction", level=1,
                                   completed_on=date(2024, 12, 1), refresher_due=date(2026, 12, 1),
                                   code="TESTCODE0001"))
        db.session.commit()
    notify_app.config["TODAY"] = date(2026, 11, 1)
    notify.fail_next = [500] * 8
    result = notify_app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    with notify_app.app_context():
        assert db.session.scalar(select(ReminderSent).where(ReminderSent.person_id == member_id)) is not None
    stored = [m for m in _stored(notify_app) if m.recipient == MEMBER]
    assert stored and stored[0].delivered_at is None and stored[0].kind == "refresher-due"
    client = _officer(notify_app)
    assert "Refresher reminder" in client.get("/officers/emails-not-sent").get_data(as_text=True)


def test_notify_settings_are_checked_at_start(database_url):
    with pytest.raises(RuntimeError, match="NOTIFY_API_KEY is not set"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(REPO), "MAIL_TRANSPORT": "notify"})


# --- SMTP ----------------------------------------------------------------------------------------

@pytest.fixture
def smtp(tmp_path):
    handler, controller = smtp_server.start(tmp_path)
    yield handler
    controller.stop()


def _smtp_app(database_url, server, **config):
    settings = {"MAIL_TRANSPORT": "smtp", "MAIL_SERVER": f"{server.host}:{server.port}", "MAIL_USE_TLS": True,
                "MAIL_TLS_CA_FILE": server.ca_file, "MAIL_USERNAME": smtp_server.USERNAME,
                "MAIL_PASSWORD": smtp_server.PASSWORD, "MAIL_SENDER": "training@council.gov.uk", **config}
    return _app(database_url, **settings)


def test_an_invitation_goes_by_smtp_over_starttls(database_url, smtp):
    app = _smtp_app(database_url, smtp)
    try:
        client = _officer(app)
        _invite(app, client)
        assert len(smtp.received) == 1
        received = smtp.received[0]
        assert received.tls and received.authenticated
        assert received.recipients == [MEMBER] and received.sender == "training@council.gov.uk"
        assert "https://training.example.gov.uk/invitation/" in received.message.get_content()
        assert _stored(app)[-1].delivered_at is not None
    finally:
        _teardown(app)


def test_an_untrusted_certificate_is_refused(database_url, smtp, tmp_path, caplog):
    other = tmp_path / "other-ca.pem"
    import trustme
    trustme.CA().cert_pem.write_to_path(str(other))
    app = _smtp_app(database_url, smtp, MAIL_TLS_CA_FILE=str(other))
    try:
        client = _officer(app)
        with caplog.at_level(logging.ERROR):
            member_id = _invite(app, client)
        assert smtp.received == [] and "reason=SSLCertVerificationError" in caplog.text
        with app.app_context():
            assert db.session.get(Councillor, member_id).invited_at is not None
        assert "Invitation" in client.get("/officers/emails-not-sent").get_data(as_text=True)
    finally:
        _teardown(app)


def test_a_server_that_refuses_leaves_the_email_queued_and_shown(database_url, tmp_path):
    handler, controller = smtp_server.start(tmp_path, refuse=True)
    app = _smtp_app(database_url, handler)
    try:
        client = _officer(app)
        _invite(app, client)
        assert handler.received == []
        stored = _stored(app)[-1]
        assert stored.delivered_at is None and stored.attempts == 1
        assert "1 email could not be sent" in client.get("/officers/").get_data(as_text=True)
        handler.refuse = False
        client.post("/officers/emails-not-sent")
        assert len(handler.received) == 1
    finally:
        controller.stop()
        _teardown(app)


def test_a_server_that_is_down_leaves_the_email_queued(database_url, tmp_path):
    app = _app(database_url, MAIL_TRANSPORT="smtp", MAIL_SERVER=f"127.0.0.1:{smtp_server.free_port()}")
    try:
        client = _officer(app)
        member_id = _invite(app, client)
        with app.app_context():
            assert db.session.get(Councillor, member_id).invited_at is not None
        assert _stored(app)[-1].delivered_at is None
    finally:
        _teardown(app)
