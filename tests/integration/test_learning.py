"""A councillor reads modules and sees their progress change."""
import re

import pytest
from markupsafe import escape

from app.content import current_course


def test_my_training_lists_every_module_as_not_read(app, client, auth, councillor):
    auth.sign_in()
    page = client.get("/my-training").get_data(as_text=True)
    with app.app_context():
        modules = current_course().modules
        required = current_course().pathways.for_level(1).module_ids
    for module in modules:
        assert str(escape(module.title)) in page
    assert f"read <strong>0 of {len(required)} required modules</strong>" in page
    assert page.count("Not read") == len(modules)


def test_reading_a_module_and_marking_it_read_moves_progress(app, client, auth, councillor):
    auth.sign_in()
    page = client.get("/modules/principles").get_data(as_text=True)
    assert "The seven corporate parenting principles" in page
    assert "Contents" in page and "Correct as at November 2026" in page
    response = client.post("/modules/principles/read")
    assert response.status_code == 302
    page = client.get("/my-training").get_data(as_text=True)
    assert "You have marked" in page
    assert re.search(r"read <strong>1 of \d+ required modules</strong>", page)
    assert 'value="1"' in page  # the progress bar
    # Marking it read again (a double click) leaves one record, not two.
    client.post("/modules/principles/read")
    assert re.search(r"read <strong>1 of \d+ required modules</strong>", client.get("/my-training").get_data(as_text=True))


def test_marking_a_module_not_read_again(client, auth, councillor):
    auth.sign_in()
    client.post("/modules/education/read")
    client.post("/modules/education/unread")
    page = client.get("/my-training").get_data(as_text=True)
    assert "read <strong>0 of" in page and "Optional. " in page.split('id="module-education"')[1][:800]


def test_unknown_module_is_not_found(client, auth, councillor):
    auth.sign_in()
    response = client.get("/modules/no-such-module")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_module_links_and_citations_render(client, auth, councillor):
    auth.sign_in()
    page = client.get("/modules/care-leavers").get_data(as_text=True)
    assert 'href="/modules/glossary#' in page        # glossary links
    assert 'href="/sources#' in page                  # citations
    assert 'class="govuk-heading-l"' in page          # GOV.UK typography
    assert "<script" not in page.split('id="main-content"')[1].split("</main>")[0]


def test_local_facts_appear_in_modules(app, client, auth, councillor):
    auth.sign_in()
    page = client.get("/modules/corporate-parent").get_data(as_text=True)
    assert "In Test Borough Council" in page


def test_officer_can_preview_modules(client, auth, officer):
    auth.sign_in(email="sam.officer@example.gov.uk")
    assert client.get("/modules/principles").status_code == 200


# --- the module page is drawn once for each place a member can be in ----------------------------

def _form_token(page: str) -> str:
    return re.search(r'action="/modules/principles/(?:un)?read">\s*<input[^>]*value="([^"]+)"', page).group(1)


def test_each_member_sees_their_own_progress_and_carries_their_own_form_token(app, councillor):
    from tests.conftest import PASSWORD, make_councillor
    app.config["WTF_CSRF_ENABLED"] = True
    make_councillor(app, name="Councillor Alex Lee", email="alex.lee@example.gov.uk")
    pat, alex = app.test_client(), app.test_client()
    for client, email in ((pat, "pat.jones@example.gov.uk"), (alex, "alex.lee@example.gov.uk")):
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                          client.get("/sign-in").get_data(as_text=True)).group(1)
        client.post("/sign-in", data={"email": email, "password": PASSWORD,
                                      "csrf_token": token})
        client.get("/my-training")  # takes the signed-in message
    first = pat.get("/modules/principles").get_data(as_text=True)
    assert "Not read yet" in first and "Mark as read" in first
    pats_token = _form_token(first)
    alexs_page = alex.get("/modules/principles").get_data(as_text=True)
    assert _form_token(alexs_page) != pats_token
    assert alex.post("/modules/principles/read", data={"csrf_token": pats_token}).status_code == 400
    assert pat.post("/modules/principles/read", data={"csrf_token": pats_token}).status_code == 302
    pat.get("/my-training")  # where marking it read leads, with its message
    read = pat.get("/modules/principles").get_data(as_text=True)
    assert "You have read this module" in read and "Mark as not read" in read
    unread = alex.get("/modules/principles").get_data(as_text=True)
    assert "Not read yet" in unread and "You have read this module" not in unread
    # The message after marking it not read is this member's alone, and shown once.
    response = pat.post("/modules/principles/unread", data={"csrf_token": _form_token(read)})
    assert "is marked as not read" in pat.get(response.headers["Location"]).get_data(as_text=True)
    assert "is marked as not read" not in alex.get("/modules/principles").get_data(as_text=True)
    assert "is marked as not read" not in pat.get("/modules/principles").get_data(as_text=True)
    from app.learning.module_page import TOKEN_MARK
    assert TOKEN_MARK not in first + read + unread


def test_an_officer_and_a_councillor_each_see_their_own_menu_on_a_module(app, client, auth, councillor, officer):
    auth.sign_in()
    client.get("/my-training")  # takes the signed-in message: the module page is then drawn once
    councillors = client.get("/modules/principles").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in(email="sam.officer@example.gov.uk")
    client.get("/my-training")
    officers = client.get("/modules/principles").get_data(as_text=True)
    assert "Officer area" in officers and "Officer area" not in councillors
    assert "Your certificates" in councillors


def test_a_page_drawn_once_for_many_members_cannot_show_anything_personal(app):
    from app.learning.module_page import PageViewer
    template = app.jinja_env.from_string("{{ current_user.is_officer }} {{ current_user.name }}")
    with pytest.raises(RuntimeError, match="current_user.name"):
        template.render(current_user=PageViewer(is_councillor=True, is_officer=False))
