"""Officers keep the legal review record: when each module's law was checked, and the council lawyer's sign-off."""
from datetime import date

import pytest
from sqlalchemy import func, select

from app.content import current_course
from app.content.course import build_course
from app.data.legal_review import SignOff
from app.extensions import db
from app.models import AuditEvent, LegalSignOff
from app.officers.legal_review import recheck_due_on, review_rows
from tests.conftest import REPO

OFFICER = "sam.officer@example.gov.uk"


@pytest.fixture(scope="module")
def course():
    course, problems = build_course(REPO)
    assert problems == []
    return course


def _row(rows, module_id):
    return next(r for r in rows if r.module.id == module_id)


def test_a_module_is_due_for_a_re_check_once_its_law_is_more_than_12_months_old(course):
    module = course.module("education")
    checked = module.law_checked_on
    assert checked is not None and module.law_checked_by
    year_on = recheck_due_on(checked)
    assert not _row(review_rows(course, {}, year_on), "education").due
    assert _row(review_rows(course, {}, date.fromordinal(year_on.toordinal() + 1)), "education").due


def test_the_councils_sign_off_counts_as_a_check_and_notices_a_changed_module(course):
    module = course.module("education")
    later = date.fromordinal(module.law_checked_on.toordinal() + 200)
    sign_off = SignOff("education", "A. Lawyer, Principal Solicitor", later, "", "an older text")
    today = date.fromordinal(recheck_due_on(module.law_checked_on).toordinal() + 1)
    row = _row(review_rows(course, {"education": sign_off}, today), "education")
    assert row.last_checked == later and not row.due
    assert row.changed_since_sign_off


def test_a_year_after_29_february_is_28_february():
    assert recheck_due_on(date(2024, 2, 29)) == date(2025, 2, 28)


def test_the_page_lists_every_module_with_its_check_and_the_courses_law_as_at(app, client, auth, officer):
    auth.sign_in(email=OFFICER)
    app.config["TODAY"] = date(2028, 1, 10)  # every module's check is then over a year old
    page = client.get("/officers/legal-review").get_data(as_text=True)
    with app.app_context():
        modules = current_course().modules
    assert "The course states the law as at <strong>November 2026</strong>" in page
    for module in modules:
        assert f'id="module-{module.id}"' in page
    assert "28 November 2026, by Course author (not a lawyer)" in page
    assert page.count("Due for legal re-check") == len(modules)
    assert f"{len(modules)} modules are due for a legal re-check" in page


def test_an_officer_records_the_lawyers_sign_off_and_it_is_audited(app, client, auth, officer):
    auth.sign_in(email=OFFICER)
    app.config["TODAY"] = date(2027, 1, 15)
    form = client.get("/officers/legal-review/education")
    assert form.status_code == 200 and "Record the council's legal sign-off" in form.get_data(as_text=True)
    response = client.post("/officers/legal-review/education", data={
        "signed_by": "Alex Smith, Principal Solicitor (Children)", "signed_on_day": "14",
        "signed_on_month": "1", "signed_on_year": "2027", "note": "Checked the s22 duties."})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    # The success banner is a heading, not its own tags escaped into the text.
    assert '<p class="govuk-notification-banner__heading">Recorded the legal sign-off of ‘Education’.</p>' in page
    row = page.split('id="module-education"')[1].split("</tr>")[0]
    assert "14 January 2027, Alex Smith, Principal Solicitor (Children)" in row
    assert "Module changed since" not in row
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "legal.signed_off")).one()
        assert event.detail == {"module": "education", "signed_on": "2027-01-14"}  # the note stays out of the log
    assert "Checked the s22 duties." in client.get("/officers/legal-review/education").get_data(as_text=True)
    audit = client.get("/officers/audit").get_data(as_text=True)
    assert "Legal sign-off recorded" in audit and "Module education, signed 14 January 2027" in audit


@pytest.mark.parametrize(("data", "message"), [
    ({"signed_by": "", "signed_on_day": "1", "signed_on_month": "1", "signed_on_year": "2027"},
     "Enter the name and role of the lawyer who signed it off"),
    ({"signed_by": "A. Lawyer", "signed_on_day": "1", "signed_on_month": "2", "signed_on_year": "2027"},
     "Date signed off must be today or in the past"),
    ({"signed_by": "A. Lawyer", "signed_on_day": "31", "signed_on_month": "4", "signed_on_year": "2026"},
     "Date signed off must be a real date"),
])
def test_a_bad_sign_off_says_what_is_wrong_and_saves_nothing(app, client, auth, officer, data, message):
    auth.sign_in(email=OFFICER)
    app.config["TODAY"] = date(2027, 1, 15)
    response = client.post("/officers/legal-review/health", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page and "<title>Error:" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LegalSignOff)) == 0


def test_recording_a_sign_off_needs_the_csrf_token(app, client, auth, officer):
    auth.sign_in(email=OFFICER)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/officers/legal-review/health", data={
        "signed_by": "A. Lawyer", "signed_on_day": "1", "signed_on_month": "1", "signed_on_year": "2026"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LegalSignOff)) == 0


@pytest.mark.parametrize("url", ["/officers/legal-review", "/officers/legal-review/health"])
def test_only_officers_see_the_legal_review(client, auth, councillor, officer, url):
    response = client.get(url)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    auth.sign_in()
    assert client.get(url).status_code == 403
    if url.endswith("/health"):
        assert client.post(url, data={"signed_by": "Me"}).status_code == 403
    auth.sign_out()
    auth.sign_in(email=OFFICER)
    assert client.get(url).status_code == 200


def test_an_unknown_module_is_not_found(client, auth, officer):
    auth.sign_in(email=OFFICER)
    assert client.get("/officers/legal-review/no-such-module").status_code == 404
