"""Security events are logged, by id only: no passwords, tokens, email addresses or names."""
import logging
import re

from sqlalchemy import select

from app.auth import throttle
from app.extensions import db
from app.models import AuditEvent
from tests.conftest import PASSWORD, last_email, link_in, make_councillor, make_officer
from tests.integration.test_auth_security import fast_hashes  # noqa: F401 - a fixture

NAME = "Councillor Philippa Quixote"
EMAIL = "philippa.quixote@example.gov.uk"
NEW_NAME = "Councillor Newton Zanzibar"
NEW_EMAIL = "newton.zanzibar@example.gov.uk"
WRONG = "a wrong guess at the passphrase"
RESET_TO = "an entirely new secret passphrase"
INVITED_PASSWORD = "the invited member's own passphrase"


def _everything_logged(caplog) -> str:
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_text:
            parts.append(record.exc_text)
    return "\n".join(parts)


def test_sign_in_journeys_log_events_but_no_secrets_or_personal_data(fast_hashes, app, client, caplog):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    member_id = make_councillor(app, name=NAME, email=EMAIL)
    officer_id = make_officer(app, name="Officer Bartholomew Yew", email="bartholomew.yew@example.gov.uk")
    tokens = []

    def post(url, **data):
        return client.post(url, data=data)

    # Success, failure, unknown account, sign-out.
    assert post("/sign-in", email=EMAIL, password=PASSWORD).status_code == 302
    post("/sign-out")
    post("/sign-in", email=EMAIL, password=WRONG)
    post("/sign-in", email="nobody.at.all@example.gov.uk", password=WRONG)
    # Throttled after repeated failures (nothing is locked, nothing is emailed).
    for _ in range(throttle.FAILURES_PER_ACCOUNT_AND_ADDRESS):
        post("/sign-in", email=EMAIL, password=WRONG)
    # Password reset, asked for and used.
    post("/password-reset", email=EMAIL)
    post("/password-reset", email="nobody.at.all@example.gov.uk")
    reset = link_in(last_email(app, EMAIL).body)
    tokens.append(reset.rsplit("/", 1)[1])
    post(reset, password=RESET_TO, confirm=RESET_TO)
    assert post("/sign-in", email=EMAIL, password=RESET_TO).status_code == 302
    post("/sign-out")
    # An officer invites a new member, who accepts.
    new_id = make_councillor(app, name=NEW_NAME, email=NEW_EMAIL, password=None)
    assert post("/sign-in", email="bartholomew.yew@example.gov.uk", password=PASSWORD).status_code == 302
    assert post(f"/officers/members/{new_id}/invite").status_code in (302, 303)
    post("/sign-out")
    invitation = link_in(last_email(app, NEW_EMAIL).body)
    tokens.append(invitation.rsplit("/", 1)[1])
    post(invitation, password=INVITED_PASSWORD, confirm=INVITED_PASSWORD)

    logged = _everything_logged(caplog)
    secrets = [PASSWORD, WRONG, RESET_TO, INVITED_PASSWORD, *tokens, EMAIL, NEW_EMAIL,
               "nobody.at.all@example.gov.uk", "bartholomew.yew@example.gov.uk",
               "Philippa", "Quixote", "Newton", "Zanzibar", "Bartholomew", "test-secret-key"]
    assert [s for s in secrets if s.lower() in logged.lower()] == []
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", logged), "an email address was logged"
    assert not re.search(r"\$argon2", logged), "a password hash was logged"

    # Yet the events are there, by id.
    for event in ("sign-in", "sign-in-failed", "password-reset-requested", "password-set", "sign-out"):
        assert re.search(rf"action={event} .*target_id={member_id}\b", logged), event
    assert "no such account" in logged
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
        officer_actions = set(db.session.scalars(select(AuditEvent.action)
                                                 .where(AuditEvent.actor_id == officer_id)))
    assert {"sign-in", "sign-in-failed", "password-set"} <= actions
    assert officer_actions - {"sign-in", "sign-out"}, "the officer's invitation was not audited"
