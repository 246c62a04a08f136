"""Modules, checklists and the question bank print without the service's header, navigation and footer."""
from __future__ import annotations

import pytest

from tests.e2e.live import TOUR, signed_in_as

pytestmark = pytest.mark.e2e

CHROME = [".govuk-header", ".govuk-service-navigation", ".govuk-footer", ".govuk-skip-link",
          ".govuk-phase-banner", ".govuk-breadcrumbs"]


def _displays(browser) -> dict:
    return browser.js("return Object.fromEntries(arguments[0].map(s => [s, "
                      "[...document.querySelectorAll(s)].map(e => getComputedStyle(e).display)]))", CHROME)


@pytest.mark.parametrize("path, endpoint", [
    ("/modules/principles", "learning.module"),
    ("/modules/glossary", "learning.module"),
    ("/modules/questions-to-ask", "learning.module"),  # the question bank
    ("/checklists/level-1", "checklists.checklist"),
    ("/checklists/action-plan", "checklists.action_plan"),
])
def test_print_hides_header_navigation_and_footer(browser, live_server, path, endpoint):
    from app.content import current_course

    if not live_server.endpoint_exists(endpoint):
        pytest.skip(f"no route {endpoint} yet")
    with live_server.app.app_context():
        if endpoint == "learning.module" and current_course().module(path.rsplit("/", 1)[1]) is None:
            pytest.skip(f"the course has no module at {path}")
    signed_in_as(browser, TOUR)
    browser.clear_css_width()
    browser.get(path)
    on_screen = _displays(browser)
    assert on_screen[".govuk-header"] == ["block"] and on_screen[".govuk-footer"] == ["block"]
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        printed = _displays(browser)
        shown = {selector: d for selector, d in printed.items() if any(v != "none" for v in d)}
        assert shown == {}, f"printing {path} still shows {shown}"
        assert browser.js("return getComputedStyle(document.querySelector('main h1')).display") != "none"
        assert browser.js("return [...document.querySelectorAll('main .app-prose, main ol, main table')]"
                          ".every(e => getComputedStyle(e).display !== 'none')"), "printing hides the content"
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
