"""Officers edit the council's own facts (issue 16): the same validation as content/local.yaml,
a preview as a module shows them, a history of who changed what, effective without a restart."""
import re

import pytest
from sqlalchemy import select

from app.content import local_facts
from app.extensions import db
from app.models import AuditEvent, LocalFactsVersion

OFFICER = "sam.officer@example.gov.uk"


pytestmark = pytest.mark.usefixtures("fast_hashes")  # argon2 at test cost: see conftest


def form_from(page: str) -> dict:
    values = dict(re.findall(r'<input[^>]*id="([a-z_]+)" name="\1" type="text"[^>]*value="([^"]*)"', page))
    for name, text in re.findall(r'<textarea[^>]*name="([a-z_]+)"[^>]*>(.*?)</textarea>', page, re.S):
        values[name] = text.replace("&amp;", "&").replace("&#39;", "'")
    values["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return values


def test_the_file_is_the_default_until_an_officer_saves(app, client, signed_in_officer):
    page = client.get("/officers/council-facts").get_data(as_text=True)
    assert 'value="612"' in page and "Corporate Parenting Board" in page  # from content/local.yaml
    assert "Not changed here yet" in page


def test_preview_then_save_shows_everywhere_and_is_in_the_history(app, client, signed_in_officer):
    values = form_from(client.get("/officers/council-facts").get_data(as_text=True))
    values.update(children_in_care="640", board_name="Children's Champions Panel", action="preview")
    response = client.post("/officers/council-facts", data=values)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview: how modules will show them" in page
    assert "looked after 640 children" in page and "Children&#39;s Champions Panel" in page
    with app.app_context():
        assert db.session.scalars(select(LocalFactsVersion)).first() is None  # a preview saves nothing

    values["action"] = "save"
    response = client.post("/officers/council-facts", data=values)
    assert response.status_code == 303
    page = client.get("/officers/council-facts").get_data(as_text=True)
    assert "have been saved" in page
    history = page.split('id="history"')[1]
    assert "Sam Officer" in history and "Children in care, Board or panel" in history
    with app.app_context(), app.test_request_context():
        facts = local_facts()  # what every page draws from, with no restart
        assert facts.children_in_care == 640 and facts.board_name == "Children's Champions Panel"
        assert facts.care_leavers == 418  # unchanged fields kept
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "local_facts.changed"))
        assert event.detail["fields"] == ["Children in care", "Board or panel"]


def test_another_process_sees_the_change_within_seconds_without_a_restart(app, client, signed_in_officer,
                                                                         monkeypatch):
    from app import create_app
    from app.officers import local_facts as rules
    clock = [1000.0]
    monkeypatch.setattr(rules.time, "monotonic", lambda: clock[0])
    other = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "CONTENT_ROOT": app.config["CONTENT_ROOT"], "SERVER_NAME": "training.test"})
    with other.app_context():
        assert local_facts().children_in_care == 612
    values = form_from(client.get("/officers/council-facts").get_data(as_text=True))
    values.update(children_in_care="700", action="save")
    client.post("/officers/council-facts", data=values)
    with app.app_context():
        assert local_facts().children_in_care == 700  # the process that saved it: at once
    with other.app_context():
        clock[0] += rules.RECHECK_SECONDS - 0.5
        assert local_facts().children_in_care == 612  # another process: still the facts it read
        clock[0] += 1
        assert local_facts().children_in_care == 700  # and within RECHECK_SECONDS, the edit
        db.session.remove()
        db.engine.dispose()


def test_the_same_validation_as_the_file_names_each_field(app, client, signed_in_officer):
    values = form_from(client.get("/officers/council-facts").get_data(as_text=True))
    values.update(children_in_care="lots", pledge_url="www.example.gov.uk/pledge",
                  contacts="Lead member | Cllr Jo | not-an-email\nJust a role",
                  quiz_figures="In Touch: 80%", action="save")
    response = client.post("/officers/council-facts", data=values)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r"<title>\s*Error: The council", page)
    assert "Children in care must be a whole number" in page
    assert "must be a web address starting https://" in page
    assert "Contacts line 2 must be role | name" in page
    assert "is not an email address" in page
    assert "must be lower case letters" in page
    with app.app_context():
        assert db.session.scalars(select(LocalFactsVersion)).first() is None


def test_only_officers_edit_the_facts(client, auth, councillor):
    assert client.get("/officers/council-facts").status_code == 302
    auth.sign_in()
    assert client.get("/officers/council-facts").status_code == 403
    assert client.post("/officers/council-facts", data={"children_in_care": "1"}).status_code in (400, 403)
