"""Democratic services keep the record of members: add, edit, roles, deactivate, invite, erase;
the member page; a member's own data download; the audit log."""
import json
from datetime import date, datetime

import pytest
from argon2 import PasswordHasher
from markupsafe import escape
from sqlalchemy import func, select

from app.auth import passwords
from app.content import current_course
from app.extensions import db
from app.models import (AuditEvent, Certificate, ChecklistAnswer, Councillor, ModuleRead,
                        OutboxMessage, QuizAttempt, ScenarioRun)
from app.officers import erasure, members
from tests.conftest import PASSWORD, last_email, link_in, make_councillor

OFFICER = "sam.officer@example.gov.uk"


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch):
    """Cheap argon2 settings: these tests sign in and create accounts often."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", cheap.hash("timing only"))


@pytest.fixture
def signed_in_officer(client, auth, officer):
    auth.sign_in(email=OFFICER)
    return officer


def new_member(**changes):
    data = {"name": "Cllr Rita Patel", "email": "Rita.Patel@Example.gov.uk", "ward": "Abbey",
            "party": "Independent", "elected_on_day": "7", "elected_on_month": "5",
            "elected_on_year": "2026", "roles": ["member", "board"]}
    data.update(changes)
    return data


def audit_actions(app, target=None):
    with app.app_context():
        query = select(AuditEvent.action).order_by(AuditEvent.id)
        if target is not None:
            query = query.where(AuditEvent.target_person_id == target)
        return list(db.session.scalars(query))


def add_training(app, person_id):
    """A little of everything a member does, including a private reflection."""
    with app.app_context():
        db.session.add_all([
            ModuleRead(person_id=person_id, module_id="principles", content_fingerprint="x"),
            QuizAttempt(person_id=person_id, quiz="assessment", status="submitted", question_ids=[],
                        answers={}, score_percent=85, passed=True, submitted_at=datetime(2026, 3, 1)),
            ScenarioRun(person_id=person_id, scenario_id="school-exclusion", status="finished",
                        reflection="My private thought about the head teacher"),
            ChecklistAnswer(person_id=person_id, level=1, question_id="l1-know-how-many", answer="partly",
                            note="Ask the clerk", action="Read the annual report"),
            Certificate(person_id=person_id, pathway_id="induction", level=1, completed_on=date(2026, 3, 1),
                        refresher_due=date(2028, 3, 1), score_percent=85, code=f"CODE{person_id:08d}"),
        ])
        db.session.commit()


# --- adding and editing members ----------------------------------------------------------------

def test_officer_adds_a_member_with_roles(app, client, signed_in_officer):
    response = client.post("/officers/members/new", data=new_member())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cllr Rita Patel has been added" in page
    assert "rita.patel@example.gov.uk" in page          # stored lower-case
    assert "Corporate parenting board or panel" in page and "7 May 2026" in page
    assert "Not invited yet" in page
    with app.app_context():
        member = Councillor.by_email("rita.patel@example.gov.uk")
        assert member.role_keys == {"member", "board"} and member.password_hash is None
    assert audit_actions(app) [-1] == "member.added"


def test_the_add_form_says_what_is_wrong(app, client, signed_in_officer):
    response = client.post("/officers/members/new", data=new_member(
        name="", email="not an email", roles=[], elected_on_day="31", elected_on_month="2"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    for message in ("Enter the member&#39;s full name", "Enter an email address in the correct format",
                    "Select at least one role", "Date elected must be a real date"):
        assert message in page
    assert 'href="#elected_on_day"' in page and 'href="#roles"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Councillor)) == 0


def test_a_date_with_a_missing_part(client, signed_in_officer):
    page = client.post("/officers/members/new", data=new_member(elected_on_year="")).get_data(as_text=True)
    assert "Date elected must include a year" in page


def test_email_must_be_unique_whatever_its_case(app, client, signed_in_officer):
    make_councillor(app, email="rita.patel@example.gov.uk", password=None)
    response = client.post("/officers/members/new", data=new_member(email="RITA.PATEL@example.gov.uk"))
    assert response.status_code == 400
    assert "Another account already uses this email address" in response.get_data(as_text=True)
    # An officer's address is taken too.
    response = client.post("/officers/members/new", data=new_member(email=OFFICER.upper()))
    assert response.status_code == 400


def test_officer_edits_details_and_roles_and_both_are_audited(app, client, signed_in_officer):
    member_id = make_councillor(app, password=None, ward="Abbey")
    form = client.get(f"/officers/members/{member_id}/edit").get_data(as_text=True)
    assert 'value="Abbey"' in form
    response = client.post(f"/officers/members/{member_id}/edit", data=new_member(
        name="Councillor Pat Jones", email="pat.jones@example.gov.uk", ward="Castle",
        roles=["member", "lead-member"]))
    assert response.status_code == 302
    with app.app_context():
        member = db.session.get(Councillor, member_id)
        assert member.ward == "Castle" and member.role_keys == {"member", "lead-member"}
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.target_person_id == member_id)
                                    .order_by(AuditEvent.id)).all()
        assert [e.action for e in events] == ["member.edited", "member.roles_changed"]
        assert events[0].detail == {"fields": ["ward", "party", "elected_on"]}   # names, not values
        assert events[1].detail == {"added": ["lead-member", "member"], "removed": []}


def test_saving_without_changes_records_nothing(app, client, signed_in_officer):
    member_id = make_councillor(app, password=None)
    data = new_member(name="Councillor Pat Jones", email="pat.jones@example.gov.uk", ward="", party="",
                      elected_on_day="", elected_on_month="", elected_on_year="", roles=["member"])
    client.post(f"/officers/members/{member_id}/edit", data=data)
    client.post(f"/officers/members/{member_id}/edit", data=data)
    assert audit_actions(app, member_id) == ["member.roles_changed"]  # only the first added the role


def test_unknown_member_is_not_found(client, signed_in_officer, app):
    officer_id = signed_in_officer
    assert client.get("/officers/members/999").status_code == 404
    # An officer is not a member: their id does not open a member page.
    assert client.get(f"/officers/members/{officer_id}").status_code == 404


def test_councillors_cannot_use_the_officer_area(app, client, auth, councillor):
    other = make_councillor(app, name="Other", email="other@example.gov.uk", password=None)
    auth.sign_in()
    for url in ("/officers/members", f"/officers/members/{other}", "/officers/report", "/officers/audit"):
        assert client.get(url).status_code == 403
    assert client.post(f"/officers/members/{other}/erase", data={"confirm": "y"}).status_code == 403
    with app.app_context():
        assert db.session.get(Councillor, other).erased_at is None


# --- deactivating ----------------------------------------------------------------------------------

def test_deactivated_member_keeps_history_leaves_the_report_and_can_come_back(app, client, signed_in_officer):
    member_id = make_councillor(app, password=None, name="Cllr Gone Away", email="gone@example.gov.uk")
    add_training(app, member_id)
    assert "Cllr Gone Away" in client.get("/officers/report").get_data(as_text=True)
    page = client.get(f"/officers/members/{member_id}/deactivate").get_data(as_text=True)
    assert "Deactivate this member?" in page
    client.post(f"/officers/members/{member_id}/deactivate", follow_redirects=True)
    client.post(f"/officers/members/{member_id}/deactivate", follow_redirects=True)  # a double click
    assert audit_actions(app, member_id) == ["member.deactivated"]
    assert "Cllr Gone Away" not in client.get("/officers/report").get_data(as_text=True)
    page = client.get(f"/officers/members/{member_id}").get_data(as_text=True)
    assert "Deactivated" in page and "Test your knowledge (assessment)" in page  # history kept
    assert "Cllr Gone Away" in client.get("/officers/members?show=inactive").get_data(as_text=True)
    client.post(f"/officers/members/{member_id}/reactivate", follow_redirects=True)
    assert "Cllr Gone Away" in client.get("/officers/report").get_data(as_text=True)
    assert audit_actions(app, member_id)[-1] == "member.reactivated"


def test_a_deactivated_member_is_signed_out_and_cannot_sign_in(app, client, auth, councillor):
    other = app.test_client()
    other.post("/sign-in", data={"email": "pat.jones@example.gov.uk", "password": PASSWORD})
    assert other.get("/my-training").status_code == 200
    with app.app_context():
        members.deactivate(db.session.get(Councillor, councillor))
    assert other.get("/my-training").status_code == 302
    assert auth.sign_in().status_code == 400


# --- invitations -----------------------------------------------------------------------------------

def test_officer_invites_a_member_who_then_sets_a_password(app, client, signed_in_officer):
    member_id = make_councillor(app, password=None)
    client.post(f"/officers/members/{member_id}/invite")
    email = last_email(app, "pat.jones@example.gov.uk")
    assert "You are invited" in email.subject
    page = client.get(f"/officers/members/{member_id}").get_data(as_text=True)
    assert "Send the invitation again" in page and "Invited" in page
    client.post(f"/officers/members/{member_id}/invite")  # resend
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.recipient == "pat.jones@example.gov.uk")) == 2
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "member.invited")).all()
        assert [e.detail["resend"] for e in events] == [False, True]
    member_client = app.test_client()
    new = "three blue herons by the river"
    response = member_client.post(link_in(email.body), data={"password": new, "confirm": new})
    assert response.status_code == 302
    assert member_client.post("/sign-in", data={"email": "pat.jones@example.gov.uk",
                                                "password": new}).status_code == 302
    # Signed in now: no more invitations.
    page = client.get(f"/officers/members/{member_id}").get_data(as_text=True)
    assert "Send the invitation" not in page and "Last signed in" in page
    client.post(f"/officers/members/{member_id}/invite")
    assert audit_actions(app).count("member.invited") == 2


def test_invite_everyone_not_yet_invited_after_an_import(app, client, signed_in_officer):
    ids = [make_councillor(app, name=f"Member {n}", email=f"m{n}@example.gov.uk", password=None)
           for n in range(3)]
    with app.app_context():
        db.session.get(Councillor, ids[0]).invited_at = datetime(2026, 1, 1)
        db.session.get(Councillor, ids[1]).active = False
        db.session.commit()
    page = client.get("/officers/members").get_data(as_text=True)
    assert "Invite everyone not yet invited (1)" in page
    response = client.post("/officers/members/invite-all")
    assert "Invitations sent to 1 member." in client.get(response.headers["Location"]).get_data(as_text=True)
    last_email(app, "m2@example.gov.uk")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    client.post("/officers/members/invite-all")  # again: nobody left
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


# --- the member page -------------------------------------------------------------------------------

def test_member_page_shows_training_but_not_private_reflections(app, client, signed_in_officer):
    member_id = make_councillor(app, password=None)
    add_training(app, member_id)
    page = client.get(f"/officers/members/{member_id}").get_data(as_text=True)
    with app.app_context():
        title = current_course().module("principles").title
    assert f'data-label="Module">{escape(title)}' in page  # the module read, by its title
    assert "85%" in page and "Passed" in page
    # Checklist notes and actions are the member's own: the privacy notice promises it.
    assert "Ask the clerk" not in page and "Read the annual report" not in page
    assert "CODE" in page                                                    # certificate
    assert "My private thought" not in page                                  # reflections are not
    assert "1 of " in page


def test_member_pages_show_each_members_own_records(app, client, signed_in_officer):
    first = make_councillor(app, password=None)
    second = make_councillor(app, name="Second", email="second@example.gov.uk", password=None)
    add_training(app, first)
    page = client.get(f"/officers/members/{second}").get_data(as_text=True)
    assert "No quiz attempts yet" in page and "No certificates yet" in page


# --- a member's own data ---------------------------------------------------------------------------

def test_member_downloads_their_own_data_only(app, client, auth, councillor):
    other = make_councillor(app, name="Other Member", email="other@example.gov.uk", password=None)
    add_training(app, councillor)
    add_training(app, other)
    auth.sign_in()
    assert "Download your training data" in client.get("/my-training").get_data(as_text=True)
    response = client.get("/my-training/my-data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["you"]["email"] == "pat.jones@example.gov.uk"
    assert [r["reflection"] for r in data["dilemma_runs"]] == ["My private thought about the head teacher"]
    assert [c["code"] for c in data["certificates"]] == [f"CODE{councillor:08d}"]
    assert len(data["quiz_attempts"]) == len(data["modules_read"]) == 1
    assert "other@example.gov.uk" not in response.get_data(as_text=True)
    assert "password" not in json.dumps(data).lower()


def test_officers_have_no_member_data_download(client, signed_in_officer):
    assert client.get("/my-training/my-data.json").status_code == 403


# --- erasure ---------------------------------------------------------------------------------------

def test_erasure_needs_confirmation(app, client, signed_in_officer):
    member_id = make_councillor(app, password=None)
    page = client.get(f"/officers/members/{member_id}/erase").get_data(as_text=True)
    assert "This cannot be undone" in page
    response = client.post(f"/officers/members/{member_id}/erase", data={})
    assert response.status_code == 400
    assert "Confirm that you understand" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Councillor, member_id).erased_at is None


def test_erasure_removes_personal_data_and_keeps_anonymous_totals(app, client, signed_in_officer):
    member_id = make_councillor(app, ward="Abbey", party="Green")
    add_training(app, member_id)
    client.post(f"/officers/members/{member_id}/invite")
    response = client.post(f"/officers/members/{member_id}/erase", data={"confirm": "y"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Erased member #{member_id}" in page and "Councillor Pat Jones" not in page
    with app.app_context():
        assert erasure.personal_data_left(member_id) == []
        member = db.session.get(Councillor, member_id)
        assert not member.active and member.erased_at is not None and member.roles == []
        assert db.session.scalar(select(QuizAttempt.score_percent).where(QuizAttempt.person_id == member_id)) == 85
        assert db.session.scalar(select(Certificate.completed_on).where(Certificate.person_id == member_id)) == date(2026, 3, 1)
        assert db.session.scalar(select(ChecklistAnswer.answer).where(ChecklistAnswer.person_id == member_id)) == "partly"
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.recipient == "pat.jones@example.gov.uk")) == 0
    assert audit_actions(app, member_id)[-1] == "member.erased"
    # Erasing twice changes nothing, and the erased member cannot be edited or sign in.
    client.post(f"/officers/members/{member_id}/erase", data={"confirm": "y"})
    assert audit_actions(app).count("member.erased") == 1
    assert client.get(f"/officers/members/{member_id}/edit").status_code == 302
    assert app.test_client().post("/sign-in", data={"email": "pat.jones@example.gov.uk",
                                                    "password": PASSWORD}).status_code == 400
    # The address is free again for a new account.
    assert client.post("/officers/members/new", data=new_member(email="pat.jones@example.gov.uk")).status_code == 302


# --- the audit log ---------------------------------------------------------------------------------

def test_audit_log_filters_and_pages(app, client, signed_in_officer):
    ids = [make_councillor(app, name=f"Member {n}", email=f"m{n}@example.gov.uk", password=None)
           for n in range(3)]
    with app.app_context():
        for n in range(60):
            db.session.add(AuditEvent(actor_id=signed_in_officer, action="member.edited",
                                      target_person_id=ids[n % 3], detail={"fields": ["ward"]},
                                      at=datetime(2026, 1, 1 + n % 28, 12)))
        db.session.add(AuditEvent(actor_id=signed_in_officer, action="member.erased",
                                  target_person_id=ids[0], at=datetime(2026, 2, 10)))
        db.session.commit()
    page = client.get("/officers/audit").get_data(as_text=True)
    assert "Audit log" in page and 'aria-label="Pages"' in page and "page 1 of 2" in page
    assert "Member&#39;s personal data erased" in page                 # newest first
    page = client.get("/officers/audit?page=2").get_data(as_text=True)
    assert "page 2 of 2" in page
    page = client.get("/officers/audit?action=member.erased").get_data(as_text=True)
    assert "1 event<" in page
    page = client.get("/officers/audit?from=2026-01-01&to=05/01/2026&action=member.edited").get_data(as_text=True)
    assert "14 events" in page  # 60 events over days 1-28: days 1-5 hold 14 of them
    page = client.get("/officers/audit?person=MEMBER 1").get_data(as_text=True)
    assert "20 events" in page
    page = client.get(f"/officers/audit?person_id={ids[0]}").get_data(as_text=True)
    assert "21 events" in page


def test_audit_log_says_what_is_wrong_with_a_filter(client, signed_in_officer):
    response = client.get("/officers/audit?from=31/13/2026&to=2026-01-01")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "From must be a real date" in page and 'href="#filter-from"' in page


def test_audit_log_treats_wildcards_literally(app, client, signed_in_officer):
    make_councillor(app, name="Ann", email="ann@example.gov.uk", password=None)
    client.post("/officers/members/invite-all")
    assert "No events match" in client.get("/officers/audit?person=%25").get_data(as_text=True)


# --- escaping what officers type -------------------------------------------------------------------

PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "javascript:alert(1)"]


def test_payloads_in_member_fields_are_shown_escaped(app, client, signed_in_officer):
    for n, payload in enumerate(PAYLOADS):
        response = client.post("/officers/members/new", data=new_member(
            name=f"Name {payload}", email=f"x{n}@example.gov.uk", ward=f"Ward {payload}",
            party=f"Party {payload}"))
        assert response.status_code == 302
    with app.app_context():
        first = db.session.scalars(select(Councillor.id)).first()
        db.session.add(Certificate(person_id=first, pathway_id="induction", level=1, completed_on=date(2026, 1, 5),
                                   refresher_due=date(2028, 1, 5), code="XSSCODE00001",
                                   revoked_at=datetime(2026, 2, 1), revoked_reason=PAYLOADS[1]))
        db.session.commit()
    pages = [client.get(url).get_data(as_text=True) for url in
             ("/officers/", "/officers/members", "/officers/report", "/officers/audit?person=Name",
              "/officers/report?ward=Ward+%3Cscript%3Ealert(1)%3C/script%3E")]
    with app.app_context():
        ids = db.session.scalars(select(Councillor.id)).all()
    pages += [client.get(f"/officers/members/{i}").get_data(as_text=True) for i in ids]
    pages += [client.get(f"/officers/members/{i}/edit").get_data(as_text=True) for i in ids]
    for page in pages:
        assert "<script>alert(1)" not in page
        assert '"><img src=x' not in page and "<img src=x" not in page
        assert 'href="javascript:' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1]
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in client.get(f"/officers/members/{first}").get_data(as_text=True)
