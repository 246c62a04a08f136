"""Attacks on signing in: guessing passwords, stolen sessions, old hashes, idle sessions."""
import threading
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from app import create_app
from app.auth import passwords, throttle
from app.clock import now
from app.extensions import db
from app.models import AuditEvent, OutboxMessage, Person
from tests.conftest import PASSWORD, REPO, last_email, link_in, make_councillor

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


# --- account lockout ---------------------------------------------------------------------------

def test_ten_wrong_passwords_lock_the_account_and_email_an_unlock_link(fast_hashes, app, client, auth, councillor):
    for _attempt in range(throttle.MAX_FAILURES - 1):
        assert auth.sign_in(password=WRONG).status_code == 400
    assert _person(app, councillor).locked_until is None
    assert _emails_to(app, EMAIL) == 0
    auth.sign_in(password=WRONG)  # the tenth
    person = _person(app, councillor)
    assert person.failed_sign_ins == throttle.MAX_FAILURES
    assert person.locked_until is not None and person.locked_until > now() + timedelta(minutes=14)

    # Even the right password is now refused, with the same words as a wrong one.
    locked = auth.sign_in()
    assert locked.status_code == 400
    assert client.get("/my-training").status_code == 302
    assert "Enter a correct email address and password" in locked.get_data(as_text=True)
    assert "locked" not in locked.get_data(as_text=True).lower()

    # Only the member's mailbox hears about the lock, once.
    email = last_email(app, EMAIL)
    assert "locked" in email.subject and "15 minutes" in email.body
    assert _emails_to(app, EMAIL) == 1
    link = link_in(email.body)
    page = client.get(link)
    assert page.status_code == 200 and "Unlock my account" in page.get_data(as_text=True)
    assert _person(app, councillor).locked_until is not None  # opening the link is not enough
    response = client.post(link)
    assert response.headers["Location"].endswith("/sign-in")
    assert "Your account is unlocked" in client.get("/sign-in").get_data(as_text=True)
    assert auth.sign_in().status_code == 302

    # The link worked once.
    auth.sign_out()
    again = client.post(link)
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions.count("sign-in-failed") == throttle.MAX_FAILURES + 1
    assert {"account-locked", "account-unlocked", "sign-in", "sign-out"} <= set(actions)


def test_a_lock_ends_by_itself_after_15_minutes(fast_hashes, app, auth, councillor):
    for _ in range(throttle.MAX_FAILURES):
        auth.sign_in(password=WRONG)
    assert auth.sign_in().status_code == 400
    with app.app_context():
        person = db.session.get(Person, councillor)
        person.locked_until = now() - timedelta(seconds=1)
        person.first_failed_at = now() - throttle.WINDOW - timedelta(minutes=1)
        db.session.commit()
    assert auth.sign_in().status_code == 302
    person = _person(app, councillor)
    assert (person.failed_sign_ins, person.first_failed_at, person.locked_until) == (0, None, None)


def test_failures_older_than_the_window_are_forgotten(fast_hashes, app, auth, councillor):
    for _ in range(throttle.MAX_FAILURES - 1):
        auth.sign_in(password=WRONG)
    with app.app_context():
        db.session.get(Person, councillor).first_failed_at = now() - throttle.WINDOW - timedelta(seconds=5)
        db.session.commit()
    auth.sign_in(password=WRONG)
    person = _person(app, councillor)
    assert person.failed_sign_ins == 1 and person.locked_until is None
    assert auth.sign_in().status_code == 302


def test_a_right_password_resets_the_count(fast_hashes, app, auth, councillor):
    for _ in range(throttle.MAX_FAILURES - 1):
        auth.sign_in(password=WRONG)
    auth.sign_in()
    auth.sign_out()
    auth.sign_in(password=WRONG)
    assert _person(app, councillor).failed_sign_ins == 1


def test_a_password_reset_lifts_a_lock(fast_hashes, app, client, auth, councillor):
    for _ in range(throttle.MAX_FAILURES):
        auth.sign_in(password=WRONG)
    client.post("/password-reset", data={"email": EMAIL})
    link = link_in(last_email(app, EMAIL).body)
    new = "a fresh passphrase for the spring"
    client.post(link, data={"password": new, "confirm": new})
    assert auth.sign_in(password=new).status_code == 302


def test_locked_wrong_and_unknown_accounts_look_the_same(fast_hashes, app, client, auth, councillor):
    make_councillor(app, name="Councillor Locked", email="locked@example.gov.uk")
    for _ in range(throttle.MAX_FAILURES):
        auth.sign_in(email="locked@example.gov.uk", password=WRONG)
    locked = auth.sign_in(email="locked@example.gov.uk")
    wrong = auth.sign_in(password=WRONG)
    unknown = auth.sign_in(email="nobody.here@example.gov.uk")
    assert locked.status_code == wrong.status_code == unknown.status_code == 400
    assert _error_text(locked) == _error_text(wrong) == _error_text(unknown)


def test_record_failure_counts_in_one_statement(fast_hashes, app):
    """Unit test: the counter, the window and the lock, without a request."""
    person_id = make_councillor(app)
    start = now()
    with app.app_context():
        results = []
        for i in range(throttle.MAX_FAILURES + 2):
            results.append(throttle.record_failure(person_id, start + timedelta(seconds=i)))
            db.session.commit()
        person = db.session.get(Person, person_id)
        assert results == [False] * (throttle.MAX_FAILURES - 1) + [True, False, False]
        assert person.failed_sign_ins == throttle.MAX_FAILURES + 2
        assert person.locked_until == start + timedelta(seconds=throttle.MAX_FAILURES - 1) + throttle.LOCK_FOR
        assert throttle.is_locked(person, start + timedelta(minutes=14))
        assert not throttle.is_locked(person, start + timedelta(minutes=16))
        throttle.clear(person_id)
        db.session.commit()
        db.session.refresh(person)
        assert (person.failed_sign_ins, person.locked_until) == (0, None)


ATTEMPTS = 24


def test_concurrent_failures_are_all_counted(fast_hashes, app):
    """Many workers failing at once: every failure counts and exactly one of them locks."""
    person_id = make_councillor(app)
    barrier = threading.Barrier(ATTEMPTS)
    locked, errors = [], []

    def attempt():
        try:
            with app.app_context():
                barrier.wait()
                locked.append(throttle.record_failure(person_id, now()))
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
    assert _person(app, person_id).failed_sign_ins == ATTEMPTS
    assert locked.count(True) == 1


def test_concurrent_wrong_sign_ins_cannot_slip_past_the_count(fast_hashes, app, councillor):
    """The same through the sign-in page: each request hashes for a while between read and write."""
    clients = 12
    barrier = threading.Barrier(clients)
    statuses, errors = [], []

    def attempt():
        try:
            client = app.test_client()
            barrier.wait()
            statuses.append(client.post("/sign-in", data={"email": EMAIL, "password": WRONG}).status_code)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and statuses == [400] * clients
    person = _person(app, councillor)
    assert person.failed_sign_ins == clients
    assert person.locked_until is not None
    assert _emails_to(app, EMAIL) == 1


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
