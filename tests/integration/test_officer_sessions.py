"""Recording a training session for many members at once (issue 16): search and tick without
JavaScript, check your answers, then every certificate and history entry, all or nothing."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Certificate
from tests.conftest import make_councillor

OFFICER = "sam.officer@example.gov.uk"


pytestmark = pytest.mark.usefixtures("fast_hashes")  # argon2 at test cost: see conftest


def token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def certificates(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Certificate))


def form(page, **fields):
    held = date.today() - timedelta(days=3)
    data = {"csrf_token": token(page), "day": str(held.day), "month": str(held.month), "year": str(held.year),
            "pathway": "induction", "trainer": "Jo Trainer, LGA", "search": "", "action": "continue"}
    data.update(fields)
    return data


def test_officer_searches_ticks_checks_and_records_a_session(app, client, signed_in_officer):
    ann = make_councillor(app, name="Cllr Ann Ward", email="ann@example.gov.uk", ward="Abbey", password=None)
    bob = make_councillor(app, name="Cllr Bob Hill", email="bob@example.gov.uk", ward="Castle", password=None)
    make_councillor(app, name="Cllr Cat Dale", email="cat@example.gov.uk", ward="Castle", password=None)
    page = client.get("/officers/sessions/new").get_data(as_text=True)
    assert "Cllr Ann Ward" in page and "Cllr Cat Dale" in page

    # Tick Ann, then search for Castle: Ann stays ticked, the list narrows to Castle's members.
    response = client.post("/officers/sessions/new", data=form(page, attendee=[str(ann)], search="castle",
                                                               action="search"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(rf'value="{ann}" checked', page)
    assert "2 other members matching" in page and "Cllr Bob Hill" in page
    assert page.count('name="attendee"') == 3  # Ann (ticked), Bob and Cat

    response = client.post("/officers/sessions/new", data=form(page, attendee=[str(ann), str(bob)]))
    assert response.status_code == 303 and response.headers["Location"].endswith("/officers/sessions/check")
    assert certificates(app) == 0  # nothing before the check
    check = client.get("/officers/sessions/check").get_data(as_text=True)
    assert "Check the session before recording it" in check
    assert "Jo Trainer, LGA" in check and "Cllr Ann Ward" in check and "Cllr Bob Hill" in check
    assert "Cllr Cat Dale" not in check and "Record 2 certificates" in check

    response = client.post("/officers/sessions/check", data={"csrf_token": token(check)})
    assert response.status_code == 303
    assert "Recorded 2 certificates" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        held = {c.person_id: c for c in db.session.scalars(select(Certificate))}
        assert set(held) == {ann, bob} and all(c.how == "face-to-face" for c in held.values())
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.recorded",
                                                           AuditEvent.target_person_id == ann))
        assert event.detail["trainer"] == "Jo Trainer, LGA"
    history = client.get(f"/officers/members/{ann}").get_data(as_text=True).split('id="history"')[1]
    assert "Certificate recorded" in history and "trainer Jo Trainer, LGA" in history


def test_every_problem_is_named_and_the_title_says_error(app, client, signed_in_officer):
    page = client.get("/officers/sessions/new").get_data(as_text=True)
    response = client.post("/officers/sessions/new", data=form(page, day="", month="", year="", pathway="",
                                                               trainer=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r"<title>\s*Error: Record a training session", page)
    for message in ("Enter the date of the session", "Select the pathway the session covered",
                    "Enter the name of the trainer", "Select the members who attended"):
        assert message in page


def test_one_member_who_cannot_have_it_means_nobody_is_recorded(app, client, signed_in_officer):
    # A refresher needs an earlier certificate: Ann has none, Bob has one.
    ann = make_councillor(app, name="Cllr Ann Ward", email="ann@example.gov.uk", password=None)
    bob = make_councillor(app, name="Cllr Bob Hill", email="bob@example.gov.uk", password=None)
    with app.app_context():
        db.session.add(Certificate(person_id=bob, pathway_id="induction", level=1, completed_on=date(2024, 1, 10),
                                   refresher_due=date(2026, 1, 10), code="EARLIERCODE1", how="online"))
        db.session.commit()
    page = client.get("/officers/sessions/new").get_data(as_text=True)
    client.post("/officers/sessions/new", data=form(page, pathway="refresher", attendee=[str(ann), str(bob)]))
    check = client.get("/officers/sessions/check").get_data(as_text=True)
    response = client.post("/officers/sessions/check", data={"csrf_token": token(check)})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Cllr Ann Ward: A refresher renews an earlier certificate" in page
    assert "Nothing has been recorded" in page
    assert certificates(app) == 1  # only Bob's earlier one


def test_the_check_page_without_a_session_goes_back_to_the_form(client, signed_in_officer):
    response = client.get("/officers/sessions/check")
    assert response.status_code == 303 and response.headers["Location"].endswith("/officers/sessions/new")


@pytest.mark.parametrize("path", ["/officers/sessions/new", "/officers/sessions/check"])
def test_only_officers_record_sessions(client, auth, councillor, path):
    assert client.get(path).status_code == 302
    auth.sign_in()
    assert client.get(path).status_code == 403
