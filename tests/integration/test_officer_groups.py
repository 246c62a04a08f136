"""Group leaders (issue 16): each political group's leader or whip, chosen by officers, is sent
the group's overdue and due-soon members, on demand or monthly by the reminders command."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Certificate, OutboxMessage
from app.officers import reminders
from tests.conftest import make_councillor

OFFICER = "sam.officer@example.gov.uk"


pytestmark = pytest.mark.usefixtures("fast_hashes")  # argon2 at test cost: see conftest


@pytest.fixture
def groups(app):
    today = date.today()
    ids = {
        "leader": make_councillor(app, name="Cllr Gwen Green", email="gwen@example.gov.uk", party="Green",
                                  password=None),
        "late": make_councillor(app, name="Cllr Lara Late", email="lara@example.gov.uk", party="Green",
                                ward="Abbey", elected_on=today - timedelta(days=300), password=None),
        "soon": make_councillor(app, name="Cllr Sam Soon", email="sam@example.gov.uk", party="Green",
                                password=None),
        "other": make_councillor(app, name="Cllr Reg Red", email="reg@example.gov.uk", party="Labour",
                                 elected_on=today - timedelta(days=300), password=None),
    }
    with app.app_context():
        for who, due in (("leader", today + timedelta(days=400)), ("soon", today + timedelta(days=10))):
            db.session.add(Certificate(person_id=ids[who], pathway_id="induction", level=1,
                                       completed_on=due - timedelta(days=730), refresher_due=due,
                                       code=f"GROUPCODE{who[:3].upper()}", how="online"))
        db.session.commit()
    return ids


def token(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def emails_to(app, address):
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)))


def choose_leader(client, groups, title="whip"):
    page = client.get("/officers/groups/leader?party=Green").get_data(as_text=True)
    assert "Cllr Gwen Green" in page and "Cllr Reg Red" not in page  # only the party's members
    return client.post("/officers/groups/leader?party=Green", data={
        "csrf_token": token(page), "party": "Green", "title": title, "person": str(groups["leader"])})


def test_officer_sets_the_whip_then_sends_the_group_summary(app, client, auth, officer, groups):
    auth.sign_in(email=OFFICER)
    page = client.get("/officers/groups").get_data(as_text=True)
    assert "Green" in page and "Labour" in page and "Nobody yet" in page
    assert choose_leader(client, groups).status_code == 303
    page = client.get("/officers/groups").get_data(as_text=True)
    assert "Cllr Gwen Green (whip)" in page

    check = client.get("/officers/groups/summary?party=Green").get_data(as_text=True)
    assert "Check the Green group" in check and "gwen@example.gov.uk" in check
    assert "Cllr Lara Late" in check and "Cllr Sam Soon" in check and "Cllr Reg Red" not in check
    assert emails_to(app, "gwen@example.gov.uk") == []
    response = client.post("/officers/groups/summary?party=Green", data={"csrf_token": token(check)})
    assert response.status_code == 303
    [email] = emails_to(app, "gwen@example.gov.uk")
    assert "As whip of the Green group" in email.body
    assert "Overdue:\n- Cllr Lara Late (Abbey)" in email.body and "Due soon:\n- Cllr Sam Soon" in email.body
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "group_summary.sent"))
        assert event.detail == {"party": "Green", "members": 2}


def test_someone_outside_the_party_cannot_be_its_leader(app, client, auth, officer, groups):
    auth.sign_in(email=OFFICER)
    page = client.get("/officers/groups/leader?party=Green").get_data(as_text=True)
    response = client.post("/officers/groups/leader?party=Green", data={
        "csrf_token": token(page), "title": "leader", "person": str(groups["other"])})
    assert response.status_code == 400 and "Select a member of the Green group" in response.get_data(as_text=True)
    assert client.get("/officers/groups/leader?party=Nonexistent").status_code == 404


def test_the_reminders_command_sends_it_once_a_month(app, client, auth, officer, groups):
    auth.sign_in(email=OFFICER)
    choose_leader(client, groups, title="leader")
    with app.app_context(), app.test_request_context():
        outcome = reminders.run()
        assert [r for r in outcome.items if r.kind == reminders.GROUP][0].recipient == "gwen@example.gov.uk"
        again = reminders.run()
        assert not [r for r in again.items if r.kind == reminders.GROUP]
    assert len(emails_to(app, "gwen@example.gov.uk")) == 1
    assert "As leader of the Green group" in emails_to(app, "gwen@example.gov.uk")[0].body


@pytest.mark.parametrize("path", ["/officers/groups", "/officers/groups/leader?party=Green",
                                  "/officers/groups/summary?party=Green"])
def test_only_officers_see_groups(client, auth, councillor, path):
    assert client.get(path).status_code == 302
    auth.sign_in()
    assert client.get(path).status_code == 403
