"""Officer pages an officer reads at a desk or on a phone (issue 16): full width, stacked rows,
"Error:" in titles, the import preview's old and new values, and the audit log in words."""
import re
from datetime import date, datetime

import pytest

from app.extensions import db
from app.models import AuditEvent
from app.officers.audit_words import describe, local_date_time
from tests.conftest import make_councillor

OFFICER = "sam.officer@example.gov.uk"


pytestmark = pytest.mark.usefixtures("fast_hashes")  # argon2 at test cost: see conftest


def title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


def test_officer_pages_use_the_full_width_and_member_pages_do_not(client, auth, signed_in_officer, app):
    make_councillor(app, name="Cllr Ann Ward", email="ann@example.gov.uk", ward="Abbey", party="Green")
    members = client.get("/officers/members").get_data(as_text=True)
    assert "app-width-container--wide" in members
    # On a phone each row stacks, each value labelled with its column.
    assert "app-table--stack" in members and 'data-label="Account"' in members
    report = client.get("/officers/report").get_data(as_text=True)
    assert "app-width-container--wide" in report and 'data-label="Status"' in report
    assert "app-width-container--wide" not in client.get("/accessibility").get_data(as_text=True)


def test_the_import_preview_shows_old_and_new_values(app, client, signed_in_officer):
    import io
    make_councillor(app, name="Councillor Alex Demo", email="alex@example.gov.uk", ward="Castle",
                    party="Labour", password=None)
    data = {"csv_file": (io.BytesIO(b"name,email,ward,party\nAlex Again,alex@example.gov.uk,Castle,Green\n"),
                         "members.csv")}
    page = client.post("/officers/members/import", data=data, content_type="multipart/form-data").get_data(as_text=True)
    assert "Check the import" in page
    changes = re.search(r'data-label="What changes">(.*?)</td>', page, re.S).group(1)
    text = re.sub(r"<[^>]+>", " ", changes)
    text = re.sub(r"\s+", " ", text)
    assert "Name : from Councillor Alex Demo" in text and "to Alex Again" in text
    assert "Party : from Labour" in text and "to Green" in text
    assert "Ward" not in text  # unchanged fields are not listed


def test_an_import_with_problems_says_error_in_the_title(client, signed_in_officer):
    import io
    data = {"csv_file": (io.BytesIO(b"name,email\nAnn,not-an-email\n"), "members.csv")}
    response = client.post("/officers/members/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert title(response.get_data(as_text=True)).startswith("Error: Import members")


def test_recording_a_session_in_the_future_says_error_in_the_title(app, client, signed_in_officer):
    member = make_councillor(app, email="fut@example.gov.uk")
    response = client.post("/officers/certificates/record", data={
        "member": str(member), "pathway": "induction", "day": "1", "month": "1",
        "year": str(date.today().year + 1)})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "must be today or in the past" in page or "must be today or in the past" in page.replace("\n", " ")
    assert title(page).startswith("Error: ")


def test_uk_local_time_follows_british_summer_time():
    assert local_date_time(datetime(2026, 7, 1, 12, 0)) == "1 July 2026 at 1pm"        # BST
    assert local_date_time(datetime(2026, 12, 1, 14, 22)) == "1 December 2026 at 2:22pm"  # GMT
    assert local_date_time(datetime(2026, 3, 29, 0, 30)) == "29 March 2026 at 12:30am"
    assert local_date_time(datetime(2026, 6, 30, 23, 0)) == "1 July 2026 at midnight"


def test_audit_details_read_as_sentences(app):
    with app.app_context(), app.test_request_context():
        assert describe("member.invited", {"resend": False}) == "first invitation"
        assert describe("member.invited", {"resend": True}) == "sent again"
        assert describe("member.edited", {"fields": ["name", "elected_on"]}) == "changed name and date elected"
        assert describe("member.roles_changed", {"added": ["board"], "removed": []}) == \
            "added Corporate parenting board or panel"
        words = describe("certificate.recorded", {"certificate_id": 8, "pathway": "induction",
                                                  "completed_on": "2026-03-03", "how": "face-to-face"})
        assert "completed 3 March 2026" in words and "face-to-face" in words and "8" not in words
        assert describe("report.exported", {"format": "xlsx", "rows": 3, "filter_status": "overdue"}) == \
            "Excel with 3 members, filtered by status overdue"


def test_the_audit_log_page_shows_uk_times_and_words(app, client, signed_in_officer):
    member = make_councillor(app, name="Cllr Ann Ward", email="ann@example.gov.uk")
    with app.app_context():
        db.session.add(AuditEvent(action="member.invited", target_person_id=member,
                                  detail={"resend": False}, at=datetime(2026, 7, 1, 12, 0)))
        db.session.commit()
    page = client.get("/officers/audit?person_id=%d" % member).get_data(as_text=True)
    assert "When (UK time)" in page
    assert "1 July 2026 at 1pm" in page
    assert "First invitation" in page and "resend" not in page
    assert "For example, 1/3/2026" in page and "For example, 31/3/2026" in page


def test_the_audit_log_filters_by_uk_days(app, client, signed_in_officer):
    member = make_councillor(app, name="Cllr Ann Ward", email="ann@example.gov.uk")
    with app.app_context():
        # 23:30 UTC on 30 June is 00:30 on 1 July in London.
        db.session.add(AuditEvent(action="member.deactivated", target_person_id=member,
                                  detail={}, at=datetime(2026, 6, 30, 23, 30)))
        db.session.commit()
    page = client.get("/officers/audit?action=member.deactivated&from=1/7/2026&to=1/7/2026").get_data(as_text=True)
    assert "1 event" in page
    page = client.get("/officers/audit?action=member.deactivated&from=30/6/2026&to=30/6/2026").get_data(as_text=True)
    assert "No events match" in page


def test_the_members_list_can_be_searched(app, client, signed_in_officer):
    make_councillor(app, name="Cllr Ann Ward", email="ann@example.gov.uk", ward="Abbey", party="Green")
    make_councillor(app, name="Cllr Bob Hill", email="bob@example.gov.uk", ward="Castle", party="Labour")
    page = client.get("/officers/members?search=castle").get_data(as_text=True)
    assert "Cllr Bob Hill" in page and "Cllr Ann Ward" not in page
    assert 'Members matching "castle"' in page
    page = client.get("/officers/members?search=ann%40example").get_data(as_text=True)
    assert "Cllr Ann Ward" in page and "Cllr Bob Hill" not in page
    page = client.get("/officers/members?search=%25").get_data(as_text=True)  # a literal %, not a wildcard
    assert "Cllr Ann Ward" not in page


def test_the_outbox_links_can_be_followed(app, client, signed_in_officer):
    from app.mail import send
    with app.app_context():
        send("ann@example.gov.uk", "Hello", "Open https://training.test/my-training to start.")
        db.session.commit()
    page = client.get("/officers/outbox").get_data(as_text=True)
    assert '<a href="https://training.test/my-training"' in page


def test_the_import_preview_warns_when_new_members_will_be_overdue_at_once(app, client, signed_in_officer):
    import io
    data = {"csv_file": (io.BytesIO(b"name,email,elected_on\nOld Hand,old@example.gov.uk,2020-05-07\n"
                                    b"New Face,new@example.gov.uk,\n"), "members.csv")}
    page = client.post("/officers/members/import", data=data, content_type="multipart/form-data").get_data(as_text=True)
    assert "1 new member was elected long enough ago that the induction deadline has passed" in page
