"""Every page type in a real browser: axe-core finds no WCAG 2.2 A/AA failure, and at 320 CSS
pixels wide no page scrolls sideways (a wide table, as on the officer pages, may scroll inside its
own container, which a keyboard can reach and a screen reader can name).

Each page is opened once, checked with axe at desktop width, then narrowed to 320 CSS pixels:
the page reflows in place, as it does when a phone turns or a person zooms to 400%.
"""
from __future__ import annotations

import pytest

from tests.e2e.browser import format_violations
from tests.e2e.pages import PAGES, open_page

pytestmark = pytest.mark.e2e

SCROLLING_BOXES_NOBODY_CAN_USE = (
    "return [...document.querySelectorAll('main *')].filter(b => b.scrollWidth > b.clientWidth + 1"
    " && ['auto', 'scroll'].includes(getComputedStyle(b).overflowX))"
    ".filter(b => !(b.getAttribute('tabindex') === '0' && b.getAttribute('role') === 'region'"
    " && b.getAttribute('aria-label'))).map(b => b.tagName + '.' + b.className)")


@pytest.mark.parametrize("page_type", PAGES, ids=[p.name for p in PAGES])
def test_page_passes_axe_and_reflows_at_320_css_pixels(browser, live_server, page_type):
    browser.clear_css_width()
    open_page(browser, live_server, page_type)
    problems = []
    violations = browser.axe_violations()
    if violations:
        problems.append(format_violations(browser.path, violations))

    width = browser.set_css_width(320)
    try:
        assert width == 320, f"could not make the page 320 CSS pixels wide (got {width})"
        scroll_width = browser.js("return document.documentElement.scrollWidth")
        if scroll_width > 320:
            problems.append(f"{browser.path} scrolls sideways at 320px: scrollWidth {scroll_width}; "
                            f"what sticks out: {browser.overflowing()}")
        unusable = browser.js(SCROLLING_BOXES_NOBODY_CAN_USE)
        if unusable:
            problems.append(f"{browser.path}: these boxes scroll sideways at 320px but a keyboard or "
                            f"screen reader cannot use them: {unusable}")
    finally:
        browser.clear_css_width()
    assert not problems, "\n\n".join(problems)


def test_the_checks_catch_a_broken_page(browser, live_server):
    """The harness itself: a picture without a text alternative and a too-wide box are caught."""
    browser.clear_css_width()
    browser.get("/accessibility")
    browser.js("const main = document.querySelector('main');"
               "main.insertAdjacentHTML('beforeend', '<img src=\"/static/none.png\" width=\"10\" height=\"10\">');"
               "const wide = document.createElement('div'); wide.textContent = 'x';"
               "wide.setAttribute('class', 'govuk-body'); wide.setAttribute('id', 'too-wide'); main.append(wide);"
               "wide.style.width = '600px';")
    assert "image-alt" in {v["id"] for v in browser.axe_violations()}
    try:
        browser.set_css_width(320)
        assert browser.js("return document.documentElement.scrollWidth") > 320
        assert any("too-wide" in what for what in browser.overflowing())
    finally:
        browser.clear_css_width()
