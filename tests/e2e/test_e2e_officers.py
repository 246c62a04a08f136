"""An officer at a desk (1280 px) and on a phone (390 px): the officer pages fit (issue 16)."""
from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.live import OFFICER, LiveServer, signed_in_as

pytestmark = pytest.mark.e2e

LONG_NAMES = ("Councillor Bartholomew Fitzwilliam-Ashcroft", "Councillor Henrietta Montgomery-Smythe",
              "Councillor Oluwaseun Adebayo-Richardson")


@pytest.fixture(scope="module")
def council(live_server: LiveServer):
    """A few members with long names, wards and parties, elected long enough ago to be overdue."""
    from app.extensions import db
    from app.models import Councillor, CouncillorRole

    with live_server.app.app_context():
        for index, name in enumerate(LONG_NAMES):
            email = f"long.name.{index}@example.gov.uk"
            if Councillor.by_email(email) is None:
                member = Councillor(name=name, email=email, ward="Upper Wensleydale and Coverdale",
                                    party="Liberal Democrats", elected_on=date(2025, 5, 1))
                member.roles.append(CouncillorRole(role="member"))
                member.roles.append(CouncillorRole(role="board"))
                db.session.add(member)
        db.session.commit()
    return live_server


def _table_fits(browser, css: str) -> tuple[int, int]:
    return tuple(browser.js(
        "const t = document.querySelector(arguments[0]);"
        "return [t.scrollWidth, t.parentElement.clientWidth];", css))


@pytest.mark.parametrize("path, table", [("/officers/report", ".app-report-table"),
                                         ("/officers/members", ".app-table--stack")])
def test_officer_tables_fit_a_1280_screen_and_stack_on_a_phone(browser, council, path, table):
    signed_in_as(browser, OFFICER)
    try:
        browser.set_css_width(1280)
        browser.get(path)
        width, room = _table_fits(browser, table)
        assert width <= room, f"{path}: the table is {width}px wide in {room}px at 1280px"

        browser.set_css_width(390)
        browser.get(path)
        assert browser.js("return document.documentElement.scrollWidth") <= 390, browser.overflowing()
        width, room = _table_fits(browser, table)
        assert width <= room, f"{path}: the table is {width}px wide in {room}px at 390px"
        # Each row's status (the report) or account (members) is on screen, labelled.
        label = "Status" if path.endswith("report") else "Account"
        cells = browser.driver.find_elements(By.CSS_SELECTOR, f'{table} td[data-label="{label}"]')
        assert cells
        for cell in cells[:5]:
            box = cell.rect
            assert cell.is_displayed() and box["x"] >= 0 and box["x"] + box["width"] <= 390
            label_text = browser.js("return getComputedStyle(arguments[0], '::before').content", cell)
            assert label in label_text
    finally:
        browser.clear_css_width()
