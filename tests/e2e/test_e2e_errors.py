"""Form errors follow the GOV.UK error summary pattern and move focus to it, with JavaScript on
and off; error pages say what went wrong and where to go next."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.live import OFFICER, TOUR, signed_in_as

pytestmark = pytest.mark.e2e

# (what the person did, the page, the fields to fill in before sending)
BAD_FORMS = [
    ("signs in with nothing filled in", "/sign-in", {}),
    ("signs in with a wrong password", "/sign-in", {"email": TOUR.email, "password": "not the password"}),
    ("signs in with an address that is not an email", "/sign-in", {"email": "pat at council", "password": "x"}),
    ("asks for a password reset with no address", "/password-reset", {}),
]


@pytest.fixture(params=["javascript on", "javascript off"])
def any_browser(request, browser, browser_nojs):
    chosen = browser if request.param == "javascript on" else browser_nojs
    signed_in_as(chosen, None)
    chosen.clear_css_width()
    return chosen


@pytest.mark.parametrize("what, path, fields", BAD_FORMS, ids=[b[0] for b in BAD_FORMS])
def test_a_bad_form_puts_focus_on_the_error_summary(any_browser, live_server, what, path, fields):
    b = any_browser
    b.get(path)
    for field_id, value in fields.items():
        b.driver.find_element(By.ID, field_id).send_keys(value)
    b.submit()

    assert b.driver.title.startswith("Error: "), f"the page title does not start 'Error: ': {b.driver.title!r}"
    summary = b.driver.find_element(By.CSS_SELECTOR, ".govuk-error-summary")
    assert summary.get_attribute("tabindex") == "-1"
    assert b.js("return document.activeElement === arguments[0]", summary), (
        f"focus is on {b.focused().describe()}, not the error summary")
    assert "There is a problem" in summary.text
    # Each message in the summary links to a field on the page that shows the error beside it.
    links = summary.find_elements(By.CSS_SELECTOR, ".govuk-error-summary__list a")
    assert links, "the error summary lists no errors"
    for link in links:
        target = link.get_attribute("href").split("#", 1)[1]
        field = b.driver.find_element(By.ID, target)
        group = field.find_element(By.XPATH, "ancestor::div[contains(@class, 'govuk-form-group')][1]")
        assert "govuk-form-group--error" in group.get_attribute("class")
        inline = group.find_elements(By.CSS_SELECTOR, ".govuk-error-message")
        assert inline, f"no error message beside #{target}"
        described = (field.get_attribute("aria-describedby") or "").split()
        assert inline[0].get_attribute("id") in described, f"#{target} is not described by its error"


def test_error_summary_links_move_focus_to_the_field(browser, live_server):
    signed_in_as(browser, None)
    browser.get("/sign-in")
    browser.submit()
    browser.driver.find_element(By.CSS_SELECTOR, ".govuk-error-summary__list a").click()
    assert browser.focused().id == "email"


@pytest.mark.parametrize("who, path, heading, status_word", [
    (None, "/no-such-page", "Page not found", "404"),
    (TOUR, "/officers/", "You do not have permission to see this page", "403"),
    (OFFICER, "/modules/no-such-module", "Page not found", "404"),
], ids=["404 signed out", "403 councillor in the officer area", "404 officer"])
def test_error_pages_say_what_went_wrong(any_browser, live_server, who, path, heading, status_word):
    signed_in_as(any_browser, who)
    any_browser.get(path)
    assert any_browser.h1() == heading
    assert any_browser.driver.title.startswith(heading)
    main = any_browser.driver.find_element(By.ID, "main-content")
    assert main.find_elements(By.CSS_SELECTOR, "a.govuk-link"), "the error page offers no way on"
