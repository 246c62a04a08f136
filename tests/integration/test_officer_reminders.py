"""Officers send reminders from the pages (issue 16): check who gets what, then send; recorded
in the audit log and the member's history. Bulk invitations get the same check step."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, OutboxMessage, ReminderSent
from tests.conftest import make_councillor

OFFICER = "sam.officer@example.gov.uk"


pytestmark = pytest.mark.usefixtures("fast_hashes")  # argon2 at test cost: see conftest


def overdue_member(app, name, email, ward="Abbey"):
    # Elected over a year ago with nothing done: past the induction deadline.
    return make_councillor(app, name=name, email=email, ward=ward, party="Green",
                           elected_on=date.today() - timedelta(days=400), password=None)


def emails_to(app, address):
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)))


def token(page: str) -> str:
    import re
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_one_member_reminder_is_checked_then_sent_and_recorded(app, client, signed_in_officer):
    member = overdue_member(app, "Cllr Ann Ward", "ann@example.gov.uk")
    page = client.get(f"/officers/members/{member}").get_data(as_text=True)
    assert f"/officers/reminders?member={member}" in page  # "Send a reminder"

    check = client.get(f"/officers/reminders?member={member}")
    page = check.get_data(as_text=True)
    assert check.status_code == 200
    assert "Check the reminder to Cllr Ann Ward" in page
    assert "ann@example.gov.uk" in page and "Your corporate parenting training is overdue" in page
    assert "Dear Cllr Ann Ward" in page  # the email itself, previewed
    assert emails_to(app, "ann@example.gov.uk") == []  # nothing sent by looking

    response = client.post("/officers/reminders", data={
        "csrf_token": token(page), "member_id": str(member), "back": f"/officers/members/{member}"})
    assert response.status_code == 303
    sent = emails_to(app, "ann@example.gov.uk")
    assert len(sent) == 1 and "overdue" in sent[0].body and "Dear Cllr Ann Ward" in sent[0].body
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reminder.sent"))
        assert event.target_person_id == member and event.detail["kind"] == "overdue"
        assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A reminder has been sent to Cllr Ann Ward" in page
    assert "Last reminder sent" in page
    history = page.split('id="history"')[1]
    assert "Reminder sent by an officer" in history and "overdue training" in history


def test_reminders_to_every_overdue_member_of_a_filter(app, client, signed_in_officer):
    a = overdue_member(app, "Cllr Ann Ward", "ann@example.gov.uk", ward="Abbey")
    b = overdue_member(app, "Cllr Bob Hill", "bob@example.gov.uk", ward="Abbey")
    overdue_member(app, "Cllr Cat Dale", "cat@example.gov.uk", ward="Castle")
    make_councillor(app, name="Cllr New Member", email="new@example.gov.uk", ward="Abbey",
                    elected_on=date.today() - timedelta(days=5), password=None)
    report = client.get("/officers/report?ward=Abbey").get_data(as_text=True)
    assert "Send reminders to the 2 overdue members shown" in report

    page = client.get("/officers/reminders?ward=Abbey").get_data(as_text=True)
    assert "Check the reminders to 2 overdue members" in page
    assert "ann@example.gov.uk" in page and "bob@example.gov.uk" in page
    assert "cat@example.gov.uk" not in page and "new@example.gov.uk" not in page
    response = client.post("/officers/reminders", data={
        "csrf_token": token(page), "member_id": [str(a), str(b)], "back": "/officers/report?ward=Abbey"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/officers/report?ward=Abbey")
    assert len(emails_to(app, "ann@example.gov.uk")) == 1 and len(emails_to(app, "bob@example.gov.uk")) == 1
    assert emails_to(app, "cat@example.gov.uk") == []
    assert "Reminders sent to 2 members" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_member_who_is_no_longer_chased_is_not_sent_one(app, client, signed_in_officer):
    member = make_councillor(app, name="Cllr Done", email="done@example.gov.uk", password=None)
    with app.app_context():
        from app.models import Councillor
        db.session.get(Councillor, member).active = False
        db.session.commit()
    page = client.get("/officers/report").get_data(as_text=True)
    response = client.post("/officers/reminders", data={"csrf_token": token(page), "member_id": str(member)})
    assert response.status_code == 303
    assert emails_to(app, "done@example.gov.uk") == []


def test_sending_needs_the_csrf_token(app, client, signed_in_officer):
    member = overdue_member(app, "Cllr Ann Ward", "ann@example.gov.uk")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/officers/reminders", data={"member_id": str(member)})
    assert response.status_code == 400
    assert emails_to(app, "ann@example.gov.uk") == []


def test_bulk_invitations_show_who_and_the_email_before_sending(app, client, signed_in_officer):
    make_councillor(app, name="Cllr Ann Ward", email="ann@example.gov.uk", password=None)
    make_councillor(app, name="Cllr Bob Hill", email="bob@example.gov.uk", password=None)
    members = client.get("/officers/members").get_data(as_text=True)
    assert 'href="/officers/members/invite-all"' in members
    page = client.get("/officers/members/invite-all").get_data(as_text=True)
    assert "Check the invitations to 2 members" in page
    assert "ann@example.gov.uk" in page and "bob@example.gov.uk" in page
    assert "You are invited to" in page and "(a link only they can use)" in page
    assert emails_to(app, "ann@example.gov.uk") == []
    with app.app_context():
        ids = [str(i) for i in db.session.scalars(select(OutboxMessage.id))]
    assert ids == []
    # A member added after the check page was shown is not invited by its button.
    make_councillor(app, name="Cllr Late", email="late@example.gov.uk", password=None)
    import re
    chosen = re.findall(r'name="member_id" value="(\d+)"', page)
    response = client.post("/officers/members/invite-all", data={"csrf_token": token(page), "member_id": chosen})
    assert response.status_code == 302
    assert len(emails_to(app, "ann@example.gov.uk")) == 1 and len(emails_to(app, "bob@example.gov.uk")) == 1
    assert emails_to(app, "late@example.gov.uk") == []


@pytest.mark.parametrize("path", ["/officers/reminders?member=1", "/officers/reminders",
                                  "/officers/members/invite-all"])
def test_only_officers_see_the_check_pages(app, client, auth, councillor, path):
    assert client.get(path).status_code == 302  # anonymous: sign in first
    auth.sign_in()
    assert client.get(path).status_code == 403
    assert client.post("/officers/reminders", data={"member_id": "1"}).status_code in (400, 403)
