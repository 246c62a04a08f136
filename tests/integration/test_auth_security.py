"""Attacks on signing in: guessing passwords, stolen sessions, old hashes, idle sessions."""
import threading
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from app import create_app
from app.auth import passwords, throttle
from app.clock import now
from app.extensions import db
from app.models import AuditEvent, OutboxMessage, Person
from tests.conftest import PASSWORD, REPO, last_email, link_in

WRONG = "this is not the password"
EMAIL = "pat.jones@example.gov.uk"


def _person(app, person_id) -> Person:
    with app.app_context():
        person = db.session.get(Person, person_id)
        db.session.expunge(person)
        return person


def _emails_to(app, to):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.recipient == to))


def _error_text(response) -> str:
    page = response.get_data(as_text=True)
    start = page.index('<div class="govuk-error-summary"')
    return page[start:page.index("</div>", page.index("govuk-error-summary__body", start))]


@pytest.fixture
def fast_hashes(monkeypatch):
    """Cheap argon2 settings for tests that sign in dozens of times (list it first)."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", cheap.hash("timing only"))


# --- sign-in throttling: slow the guesser, never lock the member out ----------------------------

ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}


def _sign_in_from(client, environ, email=EMAIL, password=WRONG):
    return client.post("/sign-in", data={"email": email, "password": password}, environ_base=environ)


def test_ten_wrong_passwords_stop_that_address_trying_that_account(fast_hashes, app, client, councillor):
    for _ in range(throttle.FAILURES_PER_ACCOUNT_AND_ADDRESS):
        assert _sign_in_from(client, ATTACKER).status_code == 400
    refused = _sign_in_from(client, ATTACKER, password=PASSWORD)
    assert refused.status_code == 429 and "Too many attempts" in refused.get_data(as_text=True)
    # The member, from anywhere else, signs in as usual, and no email went anywhere.
    assert _sign_in_from(app.test_client(), {"REMOTE_ADDR": "192.0.2.44"}, password=PASSWORD).status_code == 302
    assert _emails_to(app, EMAIL) == 0
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action)))
    assert actions.count("sign-in-failed") == throttle.FAILURES_PER_ACCOUNT_AND_ADDRESS


def test_the_address_may_try_again_after_the_window(fast_hashes, app, client, councillor, monkeypatch):
    from app import clock

    for _ in range(throttle.FAILURES_PER_ACCOUNT_AND_ADDRESS):
        _sign_in_from(client, ATTACKER)
    later = now() + throttle.WINDOW + timedelta(seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert _sign_in_from(client, ATTACKER, password=PASSWORD).status_code == 302


def test_a_right_password_resets_the_count_for_that_address(fast_hashes, app, client, councillor):
    for _ in range(throttle.FAILURES_PER_ACCOUNT_AND_ADDRESS - 1):
        _sign_in_from(client, ATTACKER)
    assert _sign_in_from(client, ATTACKER, password=PASSWORD).status_code == 302
    client.post("/sign-out")
    for _ in range(throttle.FAILURES_PER_ACCOUNT_AND_ADDRESS - 1):
        assert _sign_in_from(client, ATTACKER).status_code == 400


def test_known_and_unknown_accounts_look_the_same_until_and_after_the_limit(fast_hashes, app, client, councillor):
    wrong = _sign_in_from(client, ATTACKER)
    unknown = _sign_in_from(client, ATTACKER, email="nobody@example.gov.uk")
    assert wrong.status_code == unknown.status_code == 400
    assert _error_text(wrong) == _error_text(unknown)
    for _ in range(throttle.FAILURES_PER_ACCOUNT_AND_ADDRESS):
        _sign_in_from(client, ATTACKER)
        _sign_in_from(client, ATTACKER, email="nobody@example.gov.uk")
    assert _sign_in_from(client, ATTACKER).status_code == 429
    assert _sign_in_from(client, ATTACKER, email="nobody@example.gov.uk").status_code == 429


def test_the_counter_counts_in_one_statement_and_starts_afresh_after_the_window(app):
    from app.data import throttles

    start = now()
    with app.app_context():
        counts = [throttles.hit("test:key", throttle.WINDOW, start + timedelta(seconds=i)) for i in range(5)]
        assert counts == [1, 2, 3, 4, 5]
        assert throttles.count("test:key", throttle.WINDOW, start + timedelta(minutes=14)) == 5
        assert throttles.count("test:key", throttle.WINDOW, start + timedelta(minutes=16)) == 0
        assert throttles.hit("test:key", throttle.WINDOW, start + timedelta(minutes=16)) == 1
        db.session.commit()


ATTEMPTS = 24


def test_concurrent_failures_are_all_counted(app):
    """Many workers failing at once: every failure counts."""
    from app.data import throttles

    barrier = threading.Barrier(ATTEMPTS)
    counts, errors = [], []

    def attempt():
        try:
            with app.app_context():
                barrier.wait()
                counts.append(throttles.hit("test:concurrent", throttle.WINDOW, now()))
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # reported below: a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(counts) == list(range(1, ATTEMPTS + 1))


def test_concurrent_wrong_sign_ins_cannot_slip_past_the_count(fast_hashes, app, councillor):
    """The same through the sign-in page: each request hashes for a while between read and write."""
    clients = 14
    barrier = threading.Barrier(clients)
    statuses, errors = [], []

    def attempt():
        try:
            client = app.test_client()
            barrier.wait()
            statuses.append(_sign_in_from(client, ATTACKER).status_code)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and set(statuses) <= {400, 429}
    assert _sign_in_from(app.test_client(), ATTACKER, password=PASSWORD).status_code == 429


# --- passwords ---------------------------------------------------------------------------------

def test_an_old_weaker_hash_is_upgraded_at_sign_in(app, auth, councillor):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with app.app_context():
        db.session.get(Person, councillor).password_hash = weak
        db.session.commit()
    assert passwords.needs_rehash(weak)
    assert auth.sign_in().status_code == 302
    stored = _person(app, councillor).password_hash
    assert stored != weak and stored.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in stored and not passwords.needs_rehash(stored)
    assert passwords.verify(stored, PASSWORD)


def test_password_rules_follow_nist():
    assert passwords.MIN_LENGTH == 12 and passwords.MAX_LENGTH >= 64
    assert passwords.problems_with("eleven char") != []          # 11 characters
    assert passwords.problems_with("twelve chars") == []         # 12, with a space, no digits
    assert passwords.problems_with("ü" * 3 + " über straße ß") == []  # any Unicode
    assert passwords.problems_with("x" + "yz " * 85) == []       # 256 characters
    assert passwords.problems_with("x" * 257) != []
    assert len(passwords.common_passwords()) >= 10_000
    # Breached passwords long enough to pass the length rule are still refused.
    long_common = sorted(p for p in passwords.common_passwords() if len(p) >= 12)
    assert len(long_common) > 100
    assert all(passwords.problems_with(p) for p in long_common[:50])


def test_a_long_unicode_passphrase_works_end_to_end(app, client, auth, councillor):
    client.post("/password-reset", data={"email": EMAIL})
    link = link_in(last_email(app, EMAIL).body)
    new = "Mae’r afon yn llifo’n dawel heibio’r castell 🏰 " * 4  # about 200 characters
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302
    assert auth.sign_in(password=new).status_code == 302


# --- sessions ----------------------------------------------------------------------------------

def test_signing_in_starts_a_new_session(client, auth, councillor):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before sign-in"
    auth.sign_in()
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{councillor}:")


def test_signing_out_ends_the_members_other_sessions(app, auth, councillor):
    other = app.test_client()
    other.post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
    auth.sign_in()
    assert other.get("/my-training").status_code == 200
    auth.sign_out()
    response = other.get("/my-training")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_member_signed_in_before_cookies_stopped_being_compressed_stays_signed_in(app, client, auth, councillor):
    auth.sign_in()
    with client.session_transaction() as session:
        kept = dict(session)
    with app.test_request_context():
        flask_cookie = SecureCookieSessionInterface().get_signing_serializer(app).dumps(kept)
    assert flask_cookie.startswith(".")  # zlib-compressed, as Flask itself writes a session
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], flask_cookie, domain=app.config["SERVER_NAME"])
    page = client.get("/my-training")
    assert page.status_code == 200 and "My training" in page.get_data(as_text=True)


def test_a_password_reset_ends_the_members_other_sessions(app, client, councillor):
    other = app.test_client()
    other.post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
    client.post("/password-reset", data={"email": EMAIL})
    link = link_in(last_email(app, EMAIL).body)
    new = "seven swans swimming in a row"
    client.post(link, data={"password": new, "confirm": new})
    assert other.get("/my-training").status_code == 302


@pytest.fixture
def clock(monkeypatch):
    """The time the session cookie's signature is stamped with and checked against."""
    current = [1_900_000_000]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: current[0])
    return current


def test_an_idle_session_ends_after_the_timeout(app, client, auth, councillor, clock):
    assert app.permanent_session_lifetime == timedelta(minutes=60)
    auth.sign_in()
    clock[0] += 50 * 60
    assert client.get("/my-training").status_code == 200  # still active: the timeout restarts
    clock[0] += 50 * 60
    assert client.get("/my-training").status_code == 200
    clock[0] += 61 * 60
    response = client.get("/my-training")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_session_cookie_is_signed_again_at_most_once_a_minute(app, client, auth, councillor, clock):
    auth.sign_in()
    client.get("/my-training")  # the first page after signing in takes its message from the session
    assert "Set-Cookie" not in client.get("/my-training").headers  # signed moments ago
    clock[0] += 59
    assert "Set-Cookie" not in client.get("/my-training").headers
    clock[0] += 2
    assert client.get("/my-training").headers["Set-Cookie"].startswith(app.config["SESSION_COOKIE_NAME"] + "=")
    assert "Set-Cookie" not in client.get("/my-training").headers
    # Anything the session gains is sent at once, whatever the cookie's age.
    assert "Set-Cookie" in client.post("/sign-out").headers


def test_an_idle_session_ends_within_the_timeout_of_the_last_signed_cookie(app, client, auth, councillor, clock):
    auth.sign_in()
    client.get("/my-training")  # takes the signed-in message from the session: signed again
    clock[0] += 30
    assert client.get("/my-training").status_code == 200  # not signed again: 30 s old
    clock[0] += 60 * 60 - 30 + 1
    response = client.get("/my-training")  # over an hour since the cookie was signed: never later
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_idle_timeout_is_a_setting(monkeypatch, database_url):
    monkeypatch.setenv("IDLE_TIMEOUT_MINUTES", "5")
    import importlib

    import config
    try:
        assert importlib.reload(config).Config.PERMANENT_SESSION_LIFETIME == timedelta(minutes=5)
    finally:
        monkeypatch.delenv("IDLE_TIMEOUT_MINUTES")
        importlib.reload(config)
    short = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(REPO),
                        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=5)})
    assert short.permanent_session_lifetime == timedelta(minutes=5)


def test_the_session_cookie_carries_the_idle_timeout(client, auth, councillor):
    cookie = auth.sign_in().headers["Set-Cookie"]
    assert "Expires=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
