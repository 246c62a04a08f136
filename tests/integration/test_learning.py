"""A councillor reads modules and sees their progress change."""
import re

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
