"""Signing in and out, invitations and password resets, as a councillor would do them."""
from datetime import timedelta

from app.auth import passwords
from app.auth.routes import safe_next
from app.extensions import db
from app.models import Person
from tests.conftest import PASSWORD, last_email, link_in, make_councillor


def test_councillor_signs_in_and_lands_on_my_training(client, auth, councillor):
    response = auth.sign_in()
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/my-training")
    page = client.get("/my-training").get_data(as_text=True)
    assert "My training" in page and "Councillor Pat Jones" in page


def test_email_is_matched_whatever_its_case(client, auth, councillor):
    response = auth.sign_in(email="  Pat.JONES@Example.gov.uk ")
    assert response.status_code == 302


def test_officer_signs_in_and_lands_on_officer_area(client, auth, officer):
    response = auth.sign_in(email="sam.officer@example.gov.uk")
    assert response.headers["Location"].endswith("/officers/")


def test_wrong_password_and_unknown_account_get_the_same_answer(client, auth, councillor):
    wrong = auth.sign_in(password="not the password at all")
    unknown = auth.sign_in(email="nobody@example.gov.uk")
    assert wrong.status_code == unknown.status_code == 400
    for response in (wrong, unknown):
        page = response.get_data(as_text=True)
        assert "Enter a correct email address and password" in page
    assert client.get("/my-training").status_code == 302  # still signed out


def test_empty_form_says_what_is_missing(client):
    page = client.post("/sign-in", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Enter your email address" in page
    assert "Enter your password" in page
    assert 'href="#email"' in page  # the error summary links to the field


def test_deactivated_member_cannot_sign_in(app, client, auth, councillor):
    with app.app_context():
        db.session.get(Person, councillor).active = False
        db.session.commit()
    assert auth.sign_in().status_code == 400


def test_sign_out_ends_the_session(client, auth, councillor):
    auth.sign_in()
    response = auth.sign_out()
    assert response.headers["Location"].endswith("/sign-in")
    assert client.get("/my-training").status_code == 302


def test_sign_in_follows_a_safe_next_link_only(client, auth, councillor):
    response = auth.sign_in(query_string={"next": "/modules/principles"})
    assert response.headers["Location"].endswith("/modules/principles")
    auth.sign_out()
    response = auth.sign_in(query_string={"next": "https://evil.example/steal"})
    assert response.headers["Location"].endswith("/my-training")


def test_safe_next_refuses_other_hosts():
    assert safe_next("/modules/x?y=1") == "/modules/x?y=1"
    for bad in ("//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", ""):
        assert safe_next(bad) is None


def test_password_reset_by_email_link(app, client, auth, councillor):
    page = client.post("/password-reset", data={"email": "pat.jones@example.gov.uk"}).get_data(as_text=True)
    assert "Check your email" in page
    link = link_in(last_email(app, "pat.jones@example.gov.uk").body)
    new = "three blue herons by the river"
    response = client.post(link, data={"password": new, "confirm": new})
    assert response.headers["Location"].endswith("/sign-in")
    assert auth.sign_in(password=PASSWORD).status_code == 400
    assert auth.sign_in(password=new).status_code == 302
    # The link worked once; it does not work again.
    auth.sign_out()
    assert "already been used" in client.get(link).get_data(as_text=True)


def test_reset_for_unknown_address_looks_the_same_and_sends_nothing(app, client):
    page = client.post("/password-reset", data={"email": "nobody@example.gov.uk"}).get_data(as_text=True)
    assert "Check your email" in page
    with app.app_context():
        from app.models import OutboxMessage
        assert db.session.query(OutboxMessage).count() == 0


def test_expired_reset_link_is_refused(app, client, councillor):
    app.config["PASSWORD_RESET_MAX_AGE"] = timedelta(seconds=-1)
    client.post("/password-reset", data={"email": "pat.jones@example.gov.uk"})
    link = link_in(last_email(app, "pat.jones@example.gov.uk").body)
    response = client.get(link)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_tampered_link_is_refused(client):
    response = client.get("/password-reset/not-a-real-token")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


def test_invited_councillor_sets_a_password_and_signs_in(app, client, auth):
    person_id = make_councillor(app, email="new.member@example.gov.uk", password=None)
    with app.test_request_context():
        from app.officers.invitations import send_invitation
        send_invitation(db.session.get(Person, person_id))
        db.session.commit()
    email = last_email(app, "new.member@example.gov.uk")
    assert "corporate parent" in email.body
    link = link_in(email.body)
    page = client.get(link).get_data(as_text=True)
    assert "Set your password" in page
    response = client.post(link, data={"password": "short", "confirm": "short"})
    assert "at least 12 characters" in response.get_data(as_text=True)
    new = "my ward has two rivers and a castle"
    client.post(link, data={"password": new, "confirm": new})
    assert auth.sign_in(email="new.member@example.gov.uk", password=new).status_code == 302


def test_password_change_ends_other_sessions(app, councillor, auth):
    other = app.test_client()
    other.post("/sign-in", data={"email": "pat.jones@example.gov.uk", "password": PASSWORD})
    assert other.get("/my-training").status_code == 200
    with app.app_context():
        person = db.session.get(Person, councillor)
        person.password_hash = passwords.hash_password("a brand new passphrase here")
        person.session_version += 1
        db.session.commit()
    assert other.get("/my-training").status_code == 302


def test_password_rules():
    assert passwords.problems_with("short") != []
    assert passwords.problems_with("x" * 257) != []
    assert "known to be used often" in passwords.problems_with("leavemealone")[0]
    assert "known to be used often" in passwords.problems_with("Leave Me Alone")[0]
    assert passwords.problems_with("pat.jones@example.gov.uk", email="pat.jones@example.gov.uk")
    assert passwords.problems_with("aaaaaaaaaaaaaaaa")
    # No composition rules: spaces, any script and long passphrases are all fine.
    assert passwords.problems_with("ceredigion lantern sheep harbour") == []
    # ...but a published example is refused, and so is a pattern zxcvbn sees through.
    assert passwords.problems_with("correct horse battery staple") != []
    assert passwords.problems_with("Ddwy afon a chastell yn fy ward 🏰") == []
    assert passwords.problems_with("the river tees runs past our ward office, " * 3) == []
    assert passwords.problems_with("a" + "bcd " * 16) != []
    assert len(passwords.common_passwords()) >= 10_000


def test_passwords_are_hashed_with_argon2(app, councillor):
    with app.app_context():
        stored = db.session.get(Person, councillor).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert passwords.verify(stored, PASSWORD)
    assert not passwords.verify(stored, PASSWORD + "x")
    assert not passwords.verify(None, PASSWORD)
