"""An officer syncs members from a saved modern.gov file in Chromium: upload, check, confirm.
The upload page and the preview pass axe (WCAG 2.2 AA) and fit a phone."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.live import OFFICER, LiveServer, signed_in_as
from tests.integration.test_moderngov import standard_file

pytestmark = pytest.mark.e2e


def test_an_officer_syncs_from_a_saved_modern_gov_file(browser, live_server: LiveServer, tmp_path):
    path = tmp_path / "GetCouncillorsByWard.xml"
    path.write_bytes(standard_file())
    signed_in_as(browser, OFFICER)
    browser.get("/officers/members/moderngov")
    assert browser.h1() == "Sync members from modern.gov"
    assert browser.axe_violations() == []
    browser.driver.find_element(By.ID, "xml_file").send_keys(str(path))
    browser.click("main form button", "Check the file")
    assert browser.h1() == "Check the changes from modern.gov"
    assert "No council email: add one before inviting" in browser.text()
    assert browser.axe_violations() == []
    browser.set_css_width(390)
    try:
        assert browser.js("return document.documentElement.scrollWidth") <= 390, browser.overflowing()
    finally:
        browser.clear_css_width()
    browser.choose("Use their home email, bea.home@example.com")
    browser.click("main form button", "Make these changes")
    assert "Synced from modern.gov: 4 added" in browser.text()
    assert "Councillor Alex Example" in browser.text()
