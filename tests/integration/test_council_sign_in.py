"""Sign in with the council's account, against a real OpenID Connect provider on 127.0.0.1."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from app import create_app
from app.auth.sso import identify, verified_email
from app.extensions import db
from app.models import AuditEvent, Councillor, Person
from tests.conftest import PASSWORD, REPO, make_councillor, make_officer
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

PAT = "pat.jones@example.gov.uk"


@pytest.fixture
def provider():
    with Provider() as running:
        running.claims = {"sub": "pairwise-sub-1", "oid": "00000000-aaaa-4bbb-8ccc-000000000001",
                          "email": "Pat.Jones@Example.gov.uk", "xms_edov": True, "name": "Pat Jones"}
        yield running


@pytest.fixture
def app(database_url, provider):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(REPO),
                      "SERVER_NAME": "training.test", "OIDC_ISSUER": provider.issuer,
                      "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET})
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def through_provider(client, provider) -> str:
    """Start at the service, press Sign in at the provider; the callback address it sends us back to."""
    start = client.get("/sign-in/council-account")
    assert start.status_code == 302, start.get_data(as_text=True)
    location = start.headers["Location"]
    assert location.startswith(provider.issuer + "/authorize?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    page = requests.get(location, timeout=10)
    assert "Sign in to your account" in page.text
    back = requests.post(provider.issuer + "/authorize", data=query, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/sign-in/council-account/callback"
    return f"{callback.path}?{callback.query}"


def signed_in_as(client) -> str | None:
    page = client.get("/my-training")
    return "member" if page.status_code == 200 else None


def test_sign_in_with_a_council_account(app, client, provider):
    member_id = make_councillor(app)
    response = client.get(through_provider(client, provider))
    assert response.status_code == 302 and response.headers["Location"].endswith("/my-training")
    assert signed_in_as(client)
    # PKCE, state and nonce were all used: the provider refuses a request without them.
    request = provider.authorize_requests[-1]
    assert request["code_challenge_method"] == "S256" and request["state"] and request["nonce"]
    assert provider.token_requests[-1]["code_verifier"]
    with app.app_context():
        person = db.session.get(Person, member_id)
        assert person.sso_subject == "00000000-aaaa-4bbb-8ccc-000000000001"  # Entra's oid
        assert person.last_signed_in_at is not None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sign-in"))
        assert event.detail == {"method": "council account", "linked": True}


def test_a_later_change_of_email_in_entra_still_finds_the_member(app, client, provider):
    make_councillor(app)
    client.get(through_provider(client, provider))
    client.post("/sign-out")
    provider.claims = {**provider.claims, "email": "pat.jones@newname.gov.uk"}
    response = client.get(through_provider(client, provider))
    assert response.status_code == 302 and signed_in_as(client)


@pytest.mark.parametrize("knob, value, reason", [
    ("audience", "some-other-app", "InvalidClaimError"), ("lifetime", -600, "ExpiredTokenError"),
    ("wrong_key", True, "BadSignatureError"), ("azp", "some-other-app", "InvalidClaimError")])
def test_a_token_that_fails_its_checks_is_refused(app, client, provider, caplog, knob, value, reason):
    make_councillor(app)
    if knob == "azp":
        # Another app's token that names us as the party it was issued to: still not for us.
        provider.audience = value
        provider.claims = {**provider.claims, "azp": CLIENT_ID}
    else:
        setattr(provider, knob, value)
    response = client.get(through_provider(client, provider))
    assert response.status_code == 400
    assert "We could not sign you in with your council account" in response.get_data(as_text=True)
    assert f"council sign-in refused: {reason}" in caplog.text
    assert not signed_in_as(client)


def test_a_replayed_state_is_refused(app, client, provider):
    make_councillor(app)
    callback = through_provider(client, provider)
    assert client.get(callback).status_code == 302
    client.post("/sign-out")
    replay = client.get(callback)
    assert replay.status_code == 400
    assert not signed_in_as(client)


def test_an_unknown_email_is_refused_naming_democratic_services(app, client, provider):
    make_councillor(app)
    provider.claims = {**provider.claims, "oid": "someone-else", "email": "stranger@example.gov.uk"}
    response = client.get(through_provider(client, provider))
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "There is no account here for the council account stranger@example.gov.uk" in page
    assert "Ask democratic services at Test Borough Council to add you" in page
    assert not signed_in_as(client)
    with app.app_context():
        assert db.session.scalar(select(Person).where(Person.email == "stranger@example.gov.uk")) is None


@pytest.mark.parametrize("how", ["deactivated", "erased"])
def test_a_deactivated_or_erased_member_is_refused(app, client, provider, how):
    member_id = make_councillor(app)
    client.get(through_provider(client, provider))  # links the account
    client.post("/sign-out")
    with app.app_context():
        member = db.session.get(Councillor, member_id)
        if how == "deactivated":
            member.active = False
            db.session.commit()
        else:
            from app.officers.erasure import erase
            erase(member)
    response = client.get(through_provider(client, provider))
    assert response.status_code == 403
    assert "Your account here has been closed" in response.get_data(as_text=True)
    assert not signed_in_as(client)


def test_an_unverified_entra_email_is_not_trusted_but_the_upn_is(app):
    with app.app_context():
        assert verified_email({"email": "pat.jones@example.gov.uk"}) is None
        assert verified_email({"email": "pat.jones@example.gov.uk", "email_verified": True}) == PAT
        assert verified_email({"email": "x@gmail.com", "upn": "Pat.Jones@example.gov.uk"}) == PAT
        assert verified_email({"upn": "pat_gmail.com#EXT#@tenant.onmicrosoft.com"}) is None


def test_allowed_domains_limit_who_can_sign_in(app, client, provider):
    app.config["OIDC_ALLOWED_DOMAINS"] = "council.gov.uk"
    make_councillor(app)
    with app.app_context():
        outcome = identify(provider.claims)
        assert outcome.person_id is None and outcome.reason == "domain not allowed"
        app.config["OIDC_ALLOWED_DOMAINS"] = "council.gov.uk, example.gov.uk"
        assert identify(provider.claims).person_id is not None


def test_the_sign_in_page_offers_the_council_account_first(app, client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert page.index("Sign in with your council account") < page.index('name="password"')


def test_an_officer_can_turn_password_sign_in_off_for_a_member(app, client, provider, auth):
    member_id = make_councillor(app)
    make_officer(app)
    auth.sign_in("sam.officer@example.gov.uk")
    response = client.post(f"/officers/members/{member_id}/password-sign-in", data={"allow": "no"})
    assert response.status_code == 302
    auth.sign_out()
    refused = auth.sign_in(PAT, PASSWORD)
    assert refused.status_code == 400
    assert "Sign in with your council account: democratic services have turned off password sign-in" \
        in refused.get_data(as_text=True)
    assert not signed_in_as(client)
    assert client.get(through_provider(client, provider)).status_code == 302  # the council account still works


def test_an_officer_can_turn_password_sign_in_off_for_every_member(app, client, provider, auth):
    make_councillor(app)
    make_officer(app)
    auth.sign_in("sam.officer@example.gov.uk")
    assert "Turn off password sign-in for every member" in client.get("/officers/sign-in-settings").get_data(as_text=True)
    client.post("/officers/sign-in-settings", data={"passwords": "off"})
    auth.sign_out()
    assert auth.sign_in(PAT, PASSWORD).status_code == 400
    # Officers keep their passwords, so nobody is locked out of the officer area.
    assert auth.sign_in("sam.officer@example.gov.uk", PASSWORD).status_code == 302


def test_without_settings_there_is_no_council_sign_in(database_url):
    plain = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(REPO)})
    client = plain.test_client()
    assert "Sign in with your council account" not in client.get("/sign-in").get_data(as_text=True)
    assert client.get("/sign-in/council-account").status_code == 404
