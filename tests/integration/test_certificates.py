"""A member earns, downloads and proves a certificate; officers record, revoke and set elections."""
import io
import re
import uuid
from datetime import date, datetime, timedelta

import icalendar
import pypdf
import pytest
from sqlalchemy import func, select, text

from app import create_app
from app.certificates import codes
from app.certificates.pathways import CHANGES_ACKNOWLEDGED
from app.certificates.pdf import CertificateText, render
from app.certificates.status import Status, training_record
from app.content import current_course
from app.scenarios import walk
from app.extensions import db
from app.models import (AuditEvent, Certificate, ChangesAcknowledgement, ChecklistAnswer, Councillor, Election,
                        ModuleRead, OutboxMessage, QuizAttempt, ScenarioRun)
from tests.conftest import REPO, make_councillor

TODAY = date(2026, 11, 22)
OFFICER = "sam.officer@example.gov.uk"


@pytest.fixture(autouse=True)
def today(app):
    app.config["TODAY"] = TODAY


def _when(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0)


def pass_assessment(app, pid, on=date(2026, 11, 1), score=85, passed=True):
    with app.app_context():
        ids = list(current_course().question_bank.questions)[:20]
        db.session.add(QuizAttempt(person_id=pid, quiz="assessment", status="submitted", question_ids=ids,
                                   answers={}, score_percent=score, passed=passed, submitted_at=_when(on)))
        db.session.commit()


def finish(app, pid, *scenario_ids, on=date(2026, 11, 1)):
    with app.app_context():
        for sid in scenario_ids:
            db.session.add(ScenarioRun(person_id=pid, scenario_id=sid, status="finished", path=[], events=[],
                                       finished_at=_when(on)))
        db.session.commit()


def complete_induction(app, pid, assessment=True, on=date(2026, 11, 1)):
    with app.app_context():
        course = current_course()
        for module_id in course.pathways.for_level(1).module_ids:
            db.session.add(ModuleRead(person_id=pid, module_id=module_id,
                                      content_fingerprint=course.module(module_id).fingerprint))
        for question in course.checklists[0].questions:
            db.session.add(ChecklistAnswer(person_id=pid, level=1, question_id=question.id, answer="yes"))
        db.session.commit()
    finish(app, pid, "school-exclusion", "child-confides", on=on)
    if assessment:
        pass_assessment(app, pid, on=on)


def current_course_module_ids(app):
    with app.app_context():
        return current_course().pathways.for_level(1).module_ids


def certificates_of(app, pid):
    with app.app_context():
        rows = db.session.scalars(select(Certificate).where(Certificate.person_id == pid)
                                  .order_by(Certificate.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


# --- earning a certificate online ---------------------------------------------------------------

def test_the_ending_of_the_last_dilemma_issues_the_certificate_and_earlier_choices_do_not(app, client, auth,
                                                                                        councillor):
    from tests.integration.test_scenarios import choose, start

    complete_induction(app, councillor)
    with app.app_context():
        db.session.execute(ScenarioRun.__table__.delete().where(ScenarioRun.person_id == councillor,
                                                                ScenarioRun.scenario_id == "child-confides"))
        db.session.commit()
    auth.sign_in()
    run_url = start(client, "child-confides")
    *before_the_end, last = _first_path(app, "child-confides")
    for index in before_the_end:
        assert choose(client, run_url, index).headers["Location"].startswith(run_url)
        assert certificates_of(app, councillor) == []
    response = choose(client, run_url, last)
    [certificate] = certificates_of(app, councillor)
    assert response.headers["Location"].startswith(f"/certificates/{certificate.id}/issued")


def _first_path(app, scenario_id):
    with app.app_context():
        return walk.all_paths(current_course().scenarios[scenario_id])[0]


def test_passing_the_assessment_last_issues_the_certificate_and_failing_it_does_not(app, client, auth, councillor):
    from tests.integration.test_quizzes import form_answers, questions, start_assessment

    complete_induction(app, councillor, assessment=False)
    auth.sign_in()
    attempt = start_assessment(client)
    response = client.post(f"/attempts/{attempt}", data=form_answers(app, attempt, right_count=0))
    assert response.headers["Location"] == f"/attempts/{attempt}/review"
    assert certificates_of(app, councillor) == []

    attempt = start_assessment(client)
    everything = len(questions(app, attempt))
    response = client.post(f"/attempts/{attempt}", data=form_answers(app, attempt, right_count=everything))
    [certificate] = certificates_of(app, councillor)
    assert response.headers["Location"].startswith(f"/certificates/{certificate.id}/issued")


def test_the_last_requirement_issues_the_certificate_there_and_then(app, client, auth, councillor):
    complete_induction(app, councillor)
    last = current_course_module_ids(app)[-1]
    with app.app_context():
        db.session.execute(ModuleRead.__table__.delete().where(ModuleRead.person_id == councillor,
                                                               ModuleRead.module_id == last))
        db.session.commit()
    auth.sign_in()
    page = client.get("/my-training").get_data(as_text=True)
    assert "Your certificate" in page and "In progress" in page
    assert "Required for your Induction (level 1) certificate" in page
    assert "Get your certificate" not in page and certificates_of(app, councillor) == []

    # Marking the last required module as read issues the certificate and lands on its confirmation.
    response = client.post(f"/modules/{last}/read")
    assert response.status_code == 303
    [certificate] = certificates_of(app, councillor)
    assert response.headers["Location"].startswith(f"/certificates/{certificate.id}/issued")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "govuk-panel--confirmation" in page and "Certificate issued" in page
    assert codes.display(certificate.code) in page
    assert f'href="/certificates/{certificate.id}.pdf"' in page and 'href="/my-training/due-date.ics"' in page
    assert "22 November 2028" in page and f'href="/modules/{last}"' in page
    with app.app_context():
        [email] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "pat.jones@example.gov.uk")).all()
        assert email.subject == "Your corporate parenting training certificate"
        assert codes.display(certificate.code) in email.body and "22 November 2028" in email.body
        assert f"http://training.test/certificates/{certificate.id}/issued" in email.body
    page = client.get("/my-training").get_data(as_text=True)
    assert ">Current<" in page and "Get your certificate" not in page
    assert len(certificates_of(app, councillor)) == 1   # visiting My training again issues nothing more

    [certificate] = certificates_of(app, councillor)
    assert (certificate.level, certificate.completed_on, certificate.refresher_due) == (1, TODAY, date(2028, 11, 22))
    assert certificate.score_percent == 85 and certificate.how == "online"
    assert codes.looks_like_code(certificate.code)

    # A form posted from an older page, or a second click, issues nothing more.
    assert client.post("/certificates", data={"pathway_id": "induction"}).status_code == 303
    assert client.post(f"/modules/{last}/read").headers["Location"] == "/my-training"
    assert len(certificates_of(app, councillor)) == 1

    download = client.get(f"/certificates/{certificate.id}.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(download.data))
    assert len(reader.pages) == 1
    assert round(float(reader.pages[0].mediabox.width)) == 595 and round(float(reader.pages[0].mediabox.height)) == 842
    assert reader.metadata.title == "Corporate parenting certificate: Councillor Pat Jones"
    assert reader.metadata.author == "Test Borough Council"
    text = pdf_text(download.data)
    for expected in ("Test Borough Council", "Councillor Pat Jones", "Induction (level 1)", "22 November 2026",
                     "22 November 2028", "85%", codes.display(certificate.code),
                     f"http://training.test/verify/{certificate.code}"):
        assert expected in text, expected

    auth.sign_out()
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "This certificate is genuine" in page
    assert "Councillor Pat Jones" in page and "Induction (level 1)" in page
    assert "22 November 2026" in page and "22 November 2028" in page and ">Current<" in page


def test_the_certificate_is_refused_until_the_pathway_is_finished(app, client, auth, councillor):
    complete_induction(app, councillor, assessment=False)
    auth.sign_in()
    page = client.get("/my-training").get_data(as_text=True)
    assert "Required for your Induction (level 1) certificate" in page
    assert "Pass the “Test your knowledge” assessment" in page and "Get your certificate" not in page
    response = client.post("/certificates", data={"pathway_id": "induction"})
    assert response.status_code == 409
    assert "You have not finished this pathway yet" in response.get_data(as_text=True)
    assert certificates_of(app, councillor) == []
    # Asking for a pathway other than the one the member is on is refused the same way.
    pass_assessment(app, councillor)
    assert client.post("/certificates", data={"pathway_id": "specialist"}).status_code == 409
    assert client.post("/certificates", data={}).status_code == 400
    assert certificates_of(app, councillor) == []


def test_a_new_member_sees_not_started_and_what_to_do(app, client, auth, councillor):
    auth.sign_in()
    page = client.get("/my-training").get_data(as_text=True)
    assert ">Not started<" in page
    assert "Read the 7 modules for induction" in page and "0 of 7 read" in page
    assert 'href="/modules/corporate-parent"' in page
    assert "Add the due date to my calendar" not in page   # no election date, so no deadline
    assert client.get("/my-training/due-date.ics").status_code == 404


def test_members_cannot_see_each_others_certificates(app, client, auth, councillor):
    other = make_councillor(app, name="Councillor Sam Other", email="sam.other@example.gov.uk")
    complete_induction(app, other)
    with app.app_context():
        db.session.add(Certificate(person_id=other, pathway_id="induction", level=1, completed_on=TODAY,
                                   refresher_due=date(2028, 11, 22), code="ZZZZYYYYXXXX"))
        db.session.commit()
    [theirs] = certificates_of(app, other)
    auth.sign_in()
    assert client.get(f"/certificates/{theirs.id}.pdf").status_code == 404
    assert "ZZZZ-YYYY-XXXX" not in client.get("/certificates").get_data(as_text=True)
    assert "ZZZZ-YYYY-XXXX" not in client.get("/my-training").get_data(as_text=True)


def test_every_cycle_stays_downloadable(app, client, auth, councillor):
    with app.app_context():
        db.session.add_all([
            Certificate(person_id=councillor, pathway_id="induction", level=1, completed_on=date(2022, 5, 20),
                        refresher_due=date(2024, 5, 20), code="AAAABBBBCCC2"),
            Certificate(person_id=councillor, pathway_id="refresher", level=1, completed_on=date(2024, 5, 1),
                        refresher_due=date(2026, 5, 1), code="AAAABBBBCCC3")])
        db.session.commit()
    auth.sign_in()
    page = client.get("/certificates").get_data(as_text=True)
    assert page.index("1 May 2024") < page.index("20 May 2022")   # newest first
    for certificate in certificates_of(app, councillor):
        response = client.get(f"/certificates/{certificate.id}.pdf")
        assert response.status_code == 200
        assert certificate.refresher_due.strftime("%B %Y") in pdf_text(response.data)


def test_the_due_date_goes_in_a_calendar_file(app, client, auth):
    pid = make_councillor(app, elected_on=date(2026, 10, 1))
    auth.sign_in()
    page = client.get("/my-training").get_data(as_text=True)
    assert "Due by" in page and "1 January 2027" in page
    response = client.get("/my-training/due-date.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert b"\r\n" in response.data
    calendar = icalendar.Calendar.from_ical(response.data)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == date(2027, 1, 1)
    assert event.decoded("DTEND") == date(2027, 1, 2)
    assert str(event["UID"]).startswith(f"training-due-{pid}-20270101@")
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert "induction due" in str(event["SUMMARY"]).lower()
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(days=28)   # a reminder four weeks ahead
    assert all(len(line) <= 75 for line in response.data.split(b"\r\n"))   # folded (RFC 5545)


# --- face-to-face sessions ------------------------------------------------------------------------

def test_a_face_to_face_session_on_29_february_is_due_on_28_february_and_overdue_now(app, client, auth, runner, councillor):
    result = runner.invoke(args=["certificates", "record", "Pat.Jones@example.gov.uk", "--pathway", "induction",
                                 "--completed-on", "2024-02-29"])
    assert result.exit_code == 0, result.output
    assert "refresher due by 28 February 2026" in result.output
    [certificate] = certificates_of(app, councillor)
    assert certificate.how == "face-to-face" and certificate.refresher_due == date(2026, 2, 28)
    with app.app_context():
        record = training_record(councillor)
        assert record.status is Status.OVERDUE and record.required_pathway == "refresher"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.recorded"))
        assert event.target_person_id == councillor and event.detail["how"] == "face-to-face"

    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    # The public page says the certificate has expired, not how the member stands (security review).
    assert "28 February 2026" in page and ">Expired<" in page and "Overdue" not in page
    assert "at a face-to-face session" in page
    auth.sign_in()
    page = client.get("/my-training").get_data(as_text=True)
    assert ">Overdue<" in page and "28 February 2026" in page and "Refresher (level 1)" in page

    # Recording the same session again changes nothing.
    again = runner.invoke(args=["certificates", "record", "pat.jones@example.gov.uk", "--pathway", "induction",
                                "--completed-on", "2024-02-29"])
    assert again.exit_code == 0 and "Already recorded" in again.output
    assert len(certificates_of(app, councillor)) == 1


@pytest.mark.parametrize("args, message", [
    (["nobody@example.gov.uk", "--pathway", "induction", "--completed-on", "2024-02-29"],
     "There is no councillor with the email address 'nobody@example.gov.uk'"),
    (["pat.jones@example.gov.uk", "--pathway", "advanced", "--completed-on", "2024-02-29"],
     "There is no pathway 'advanced' (pathways are: induction, targeted, specialist, refresher)"),
    (["pat.jones@example.gov.uk", "--pathway", "induction", "--completed-on", "29/02/2024"],
     "'29/02/2024' is not a date in the form YYYY-MM-DD"),
    (["pat.jones@example.gov.uk", "--pathway", "induction", "--completed-on", "2024-02-30"],
     "is not a date in the form YYYY-MM-DD"),
    (["pat.jones@example.gov.uk", "--pathway", "induction", "--completed-on", "2026-11-23"],
     "The date of the session must be today or in the past"),
    (["pat.jones@example.gov.uk", "--pathway", "refresher", "--completed-on", "2026-01-01"],
     "A refresher renews an earlier certificate"),
    (["sam.officer@example.gov.uk", "--pathway", "induction", "--completed-on", "2024-02-29"],
     "There is no councillor with the email address"),
])
def test_the_command_explains_what_is_wrong(app, runner, councillor, officer, args, message):
    result = runner.invoke(args=["certificates", "record", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert certificates_of(app, councillor) == []


def test_officers_record_a_face_to_face_session_in_a_form(app, client, auth, councillor, officer):
    auth.sign_in(email=OFFICER)
    page = client.get("/officers/certificates/record").get_data(as_text=True)
    assert "Councillor Pat Jones (pat.jones@example.gov.uk)" in page and "Targeted (level 2)" in page

    response = client.post("/officers/certificates/record", data={})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    for message in ("Select the councillor who attended the session", "Select the pathway the session covered",
                    "Enter the date"):
        assert message in page

    future = {"member": str(councillor), "pathway": "targeted", "day": "23", "month": "11", "year": "2026"}
    response = client.post("/officers/certificates/record", data=future)
    assert response.status_code == 400
    assert "The date must be today or in the past" in response.get_data(as_text=True)
    response = client.post("/officers/certificates/record", data={**future, "day": "31", "month": "2"})
    assert response.status_code == 400 and "The date must be a real date" in response.get_data(as_text=True)
    response = client.post("/officers/certificates/record", data={**future, "pathway": "nonsense", "day": "1"})
    assert response.status_code == 400 and "There is no pathway" in response.get_data(as_text=True)
    assert certificates_of(app, councillor) == []

    response = client.post("/officers/certificates/record", data={**future, "day": "12", "month": "3"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Recorded Targeted (level 2) for Councillor Pat Jones, completed on 12 March 2026" in page
    [certificate] = certificates_of(app, councillor)
    assert (certificate.level, certificate.how, certificate.recorded_by_id) == (2, "face-to-face", officer)
    assert certificate.refresher_due == date(2028, 3, 12)
    officer_pdf = client.get(f"/officers/certificates/{certificate.id}.pdf")
    assert officer_pdf.status_code == 200 and "12 March 2028" in pdf_text(officer_pdf.data)


# --- verification and revoking --------------------------------------------------------------------

def test_an_unknown_code_is_not_found(client):
    response = client.get("/verify/ABCD-EFGH-JKMN")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Certificate not found" in page and "There is no certificate with the code ABCD-EFGH-JKMN" in page
    assert client.get("/verify/not-a-code-at-all").status_code == 404


def test_the_verify_form_checks_the_code_then_opens_the_certificate(app, client, councillor):
    with app.app_context():
        db.session.add(Certificate(person_id=councillor, pathway_id="induction", level=1, completed_on=TODAY,
                                   refresher_due=date(2028, 11, 22), code="HJKMNPQRSTUV"))
        db.session.commit()
    assert client.get("/verify").status_code == 200
    response = client.post("/verify", data={"code": ""})
    assert response.status_code == 400
    assert "Enter the verification code from the certificate" in response.get_data(as_text=True)
    response = client.post("/verify", data={"code": "HJKM-0000"})
    assert response.status_code == 400 and "Enter the code exactly as it is" in response.get_data(as_text=True)
    response = client.post("/verify", data={"code": " hjkm-npqr-stuv "})
    assert response.status_code == 303 and response.headers["Location"].endswith("/verify/HJKMNPQRSTUV")
    assert "Councillor Pat Jones" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_officer_revokes_a_certificate_and_the_verification_page_says_so(app, client, auth, councillor, officer):
    complete_induction(app, councillor)
    with app.app_context():
        db.session.add(Certificate(person_id=councillor, pathway_id="induction", level=1, completed_on=TODAY,
                                   refresher_due=date(2028, 11, 22), code="HJKMNPQRSTUV"))
        db.session.commit()
    [certificate] = certificates_of(app, councillor)
    auth.sign_in(email=OFFICER)
    assert "HJKM-NPQR-STUV" in client.get("/officers/certificates").get_data(as_text=True)
    response = client.post(f"/officers/certificates/{certificate.id}/revoke", data={"reason": "  "})
    assert response.status_code == 400
    assert "Enter the reason for revoking the certificate" in response.get_data(as_text=True)
    response = client.post(f"/officers/certificates/{certificate.id}/revoke", data={"reason": "Recorded for the wrong member"})
    assert response.status_code == 303
    # A second officer (or a second click) cannot revoke it twice.
    assert client.post(f"/officers/certificates/{certificate.id}/revoke", data={"reason": "again"}).status_code == 303
    assert client.get("/officers/certificates/999999/revoke").status_code == 404
    [revoked] = certificates_of(app, councillor)
    assert revoked.revoked_at is not None and revoked.revoked_reason == "Recorded for the wrong member"
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "certificate.revoked")).all()
        assert len(events) == 1 and events[0].actor_id == officer and events[0].detail["certificate_id"] == certificate.id
        assert training_record(councillor).status is Status.IN_PROGRESS   # revoked certificates do not count

    auth.sign_out()
    response = client.get("/verify/HJKMNPQRSTUV")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This certificate has been revoked" in page and ">Revoked<" in page
    assert "This certificate is genuine" not in page

    auth.sign_in()
    assert client.get(f"/certificates/{certificate.id}.pdf").status_code == 404
    # The work still counts, so a new certificate is issued: from the next day, as one certificate
    # a day per pathway is all the record keeps.
    assert client.get("/my-training").status_code == 200
    app.config["TODAY"] = date(2026, 11, 23)
    response = client.get("/my-training")
    assert response.status_code == 303 and "/issued" in response.headers["Location"]
    assert [c.revoked_at is None for c in certificates_of(app, councillor)] == [False, True]


def test_verification_is_rate_limited(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(REPO),
                      "RATELIMIT_ENABLED": True})
    with app.app_context():
        db.create_all()
    try:
        client = app.test_client()
        address = {"REMOTE_ADDR": f"10.66.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"}
        statuses = [client.get("/verify/ABCDEFGHJKMN", environ_base=address).status_code for _ in range(31)]
        assert statuses[:30] == [404] * 30
        assert statuses[30] == 429
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


# --- codes ----------------------------------------------------------------------------------------

def test_codes_are_long_random_and_readable():
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    for code in made:
        assert len(code) >= 10 and set(code) <= set(codes.ALPHABET)
    assert not set("01ILO") & set(codes.ALPHABET)
    assert codes.normalise(" abcd-efgh jkmn ") == "ABCDEFGHJKMN"
    assert codes.display("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"


def test_a_code_that_is_taken_is_drawn_again(app, client, auth, councillor, monkeypatch):
    other = make_councillor(app, name="Other", email="other@example.gov.uk")
    with app.app_context():
        db.session.add(Certificate(person_id=other, pathway_id="induction", level=1, completed_on=TODAY,
                                   refresher_due=date(2028, 11, 22), code="TAKENTAKEN22"))
        db.session.commit()
    drawn = iter(["TAKENTAKEN22", "FRESHFRESH22"])
    monkeypatch.setattr(codes, "new_code", lambda: next(drawn))
    complete_induction(app, councillor)
    auth.sign_in()
    assert client.post("/certificates", data={"pathway_id": "induction"}).status_code == 303
    [certificate] = certificates_of(app, councillor)
    assert certificate.code == "FRESHFRESH22"


def test_the_pdf_on_its_own():
    data = render(CertificateText("A Council", "Councillor Zoë O’Brien", "Specialist (level 3)", date(2024, 2, 29),
                                  date(2026, 2, 28), None, "ABCDEFGHJKMN", "https://example.test/verify/ABCDEFGHJKMN",
                                  face_to_face=True))
    text = pdf_text(data)
    assert "Councillor Zoë O’Brien" in text and "28 February 2026" in text
    assert "face-to-face" in text and "Assessment score" not in text


# --- elections ------------------------------------------------------------------------------------

def test_an_officer_records_an_election_and_new_members_get_a_deadline(app, client, auth, officer):
    new = make_councillor(app, name="New Member", email="new@example.gov.uk", elected_on=date(2026, 5, 7))
    auth.sign_in(email=OFFICER)
    assert client.get("/officers/elections").status_code == 200
    response = client.post("/officers/elections", data={"day": "7", "month": "5", "year": "2026",
                                                        "induction_months": "6"})
    assert response.status_code == 303
    page = client.get("/officers/elections").get_data(as_text=True)
    assert "Recorded the election on 7 May 2026" in page and "7 November 2026" in page
    with app.app_context():
        assert training_record(new, date(2026, 11, 1)).due_by == date(2026, 11, 7)
        assert training_record(new).status is Status.OVERDUE
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "election.recorded")) == 1

    # The same date again changes its period rather than adding a second election.
    client.post("/officers/elections", data={"day": "7", "month": "5", "year": "2026", "induction_months": "3"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Election)) == 1
        assert training_record(new, date(2026, 11, 1)).due_by == date(2026, 8, 7)


def test_the_election_form_explains_bad_input(app, client, auth, officer):
    auth.sign_in(email=OFFICER)
    response = client.post("/officers/elections", data={"day": "", "month": "", "year": "", "induction_months": "lots"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter the date" in page and "The induction period must be a whole number of months from 1 to 24" in page
    response = client.post("/officers/elections", data={"day": "7", "month": "5", "year": "26", "induction_months": "3"})
    assert response.status_code == 400 and "The date must include a year with 4 numbers" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Election)) == 0


def test_an_all_out_election_sets_every_current_members_date(app, client, auth, officer, councillor):
    other = make_councillor(app, name="Other", email="other@example.gov.uk")
    auth.sign_in(email=OFFICER)
    client.post("/officers/elections", data={"day": "7", "month": "5", "year": "2026", "induction_months": "3",
                                             "apply_to_all": "y"})
    with app.app_context():
        assert {db.session.get(Councillor, pid).elected_on for pid in (councillor, other)} == {date(2026, 5, 7)}
        officer_row = db.session.execute(text("SELECT elected_on FROM people WHERE id = :id"), {"id": officer}).one()
        assert officer_row.elected_on is None   # officers are not elected


# --- the refresher ---------------------------------------------------------------------------------

def test_an_overdue_member_refreshes_and_both_cycles_are_kept(app, client, auth, councillor):
    finish(app, councillor, "school-exclusion", "child-confides", on=date(2023, 12, 1))
    with app.app_context():
        db.session.add(Certificate(person_id=councillor, pathway_id="induction", level=1,
                                   completed_on=date(2024, 1, 10), refresher_due=date(2026, 1, 10),
                                   code="OLDCERT22222"))
        db.session.commit()
    auth.sign_in()
    page = client.get("/my-training").get_data(as_text=True)
    assert ">Overdue<" in page and "Required for your Refresher (level 1) certificate" in page
    assert "Read what has changed since your last certificate" in page and 'href="/refresher/changes"' in page

    page = client.get("/refresher/changes").get_data(as_text=True)
    assert "You completed your last certificate on 10 January 2024" in page
    assert "The law is now stated as at November 2026" in page
    assert client.post("/refresher/changes").status_code == 303
    client.post("/refresher/changes")   # twice: still one confirmation
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ChangesAcknowledgement)) == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == CHANGES_ACKNOWLEDGED)) == 1

    finish(app, councillor, "school-exclusion", on=date(2026, 11, 10))   # done before: not new
    pass_assessment(app, councillor, on=date(2026, 11, 10), score=90)
    page = client.get("/my-training").get_data(as_text=True)
    assert "Get your certificate" not in page and "you have not done before" in page
    finish(app, councillor, "housing-allocation", on=date(2026, 11, 11))
    response = client.get("/my-training")
    assert response.status_code == 303 and "/issued" in response.headers["Location"]
    old, new = certificates_of(app, councillor)
    assert (old.code, old.revoked_at) == ("OLDCERT22222", None)
    assert (new.pathway_id, new.level, new.completed_on, new.refresher_due, new.score_percent) == \
        ("refresher", 1, TODAY, date(2028, 11, 22), 90)
    page = client.get("/my-training").get_data(as_text=True)
    assert ">Current<" in page and "22 November 2028" in page


def test_the_changes_page_lists_modules_read_in_an_older_version(app, client, auth, councillor):
    with app.app_context():
        db.session.add_all([
            Certificate(person_id=councillor, pathway_id="induction", level=1, completed_on=date(2026, 11, 20),
                        refresher_due=date(2026, 12, 1), code="SOONSOON2222"),
            ModuleRead(person_id=councillor, module_id="principles", content_fingerprint="an-older-version"),
            ModuleRead(person_id=councillor, module_id="care-leavers",
                       content_fingerprint=current_course().module("care-leavers").fingerprint)])
        db.session.commit()
    auth.sign_in()
    page = client.get("/refresher/changes").get_data(as_text=True)
    assert "The text has changed since you read it" in page and 'href="/modules/principles"' in page
    assert 'href="/modules/care-leavers"' not in page
    assert "The law is now stated as at" not in page   # the law is as at the month of the certificate


def test_the_changes_page_is_only_for_a_refresher(app, client, auth, councillor):
    auth.sign_in()
    response = client.get("/refresher/changes")
    assert response.status_code == 303 and response.headers["Location"].endswith("/my-training")


def test_a_returning_member_renews_with_the_assessment_alone(app, client, auth):
    pid = make_councillor(app, elected_on=date(2026, 5, 7))
    with app.app_context():
        db.session.add(Certificate(person_id=pid, pathway_id="induction", level=1, completed_on=date(2025, 6, 1),
                                   refresher_due=date(2027, 6, 1), code="RETURN222222"))
        db.session.commit()
    auth.sign_in()
    page = client.get("/my-training").get_data(as_text=True)
    assert ">Current<" in page and "You were elected again after your last certificate" in page
    assert "Get your certificate" not in page
    pass_assessment(app, pid, on=date(2026, 6, 1), score=92)
    response = client.get("/my-training")
    assert response.status_code == 303 and "/issued" in response.headers["Location"]
    new = certificates_of(app, pid)[-1]
    assert (new.pathway_id, new.refresher_due, new.score_percent) == ("refresher", date(2028, 11, 22), 92)
    assert "You were elected again" not in client.get("/my-training").get_data(as_text=True)


def test_a_board_member_with_induction_works_towards_targeted(app, client, auth, councillor):
    complete_induction(app, councillor)
    with app.app_context():
        from app.models import CouncillorRole
        db.session.add_all([
            CouncillorRole(person_id=councillor, role="board", assigned_on=date(2026, 10, 1)),
            Certificate(person_id=councillor, pathway_id="induction", level=1, completed_on=date(2026, 9, 1),
                        refresher_due=date(2028, 9, 1), code="LEVEL1222222")])
        db.session.commit()
    auth.sign_in()
    page = client.get("/my-training").get_data(as_text=True)
    assert "Targeted (level 2)" in page and "Due by" in page and "1 January 2027" in page
    assert "Finish 1 data exercise" in page and "Answer the level 2 checklist" in page
    assert re.search(r"7 of 13 read", page)
