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


def test_done_when_an_officer_chases_an_overdue_member_then_downloads_the_word_report(browser, council):
    """Issue 16's done-when walk: officer home, "Needs action", send a reminder (check the email,
    confirm), then the Word report, read back with python-docx."""
    import io
    import time
    from pathlib import Path

    from docx import Document
    from docx.oxml.ns import qn

    from app.models import AuditEvent, OutboxMessage
    from app.extensions import db
    from sqlalchemy import select

    signed_in_as(browser, OFFICER)
    browser.set_css_width(1280)
    try:
        browser.get("/officers/")
        assert browser.h1() == "Officer area"
        section = browser.driver.find_element(By.CSS_SELECTOR, "section.app-needs-action")
        assert "Needs action" in section.text and "Overdue" in section.text
        # Other browser tests share this council (a modern.gov sync adds members), so take the
        # first row that is one of this test's overdue members, not whoever sorts first.
        rows = section.find_elements(By.CSS_SELECTOR, "tbody tr")
        first = next(row for row in rows if row.find_element(By.CSS_SELECTOR, "td a").text in LONG_NAMES)
        name = first.find_element(By.CSS_SELECTOR, "td a").text
        browser.until_new_page(first.find_element(By.PARTIAL_LINK_TEXT, "Send reminder").click)

        assert browser.h1() == f"Check the reminder to {name}"
        assert f"Dear {name}" in browser.text() and "overdue" in browser.text()
        browser.click("main form button[type=submit]", "Send the reminder")
        assert f"A reminder has been sent to {name}" in browser.text()
        assert "Last reminder sent" in browser.text()
        history = browser.driver.find_element(By.ID, "history")
        assert history.is_displayed()
        with council.app.app_context():
            email = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
            assert email.body.startswith(f"Dear {name}") and "overdue" in email.subject
            assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "reminder.sent")).first()

        browser.get("/officers/report")
        for old in Path(browser.downloads).glob("*.docx"):
            old.unlink()
        browser.driver.find_element(By.PARTIAL_LINK_TEXT, "Download as a Word document").click()
        deadline = time.monotonic() + 20
        files: list[Path] = []
        while time.monotonic() < deadline and not files:
            files = [p for p in Path(browser.downloads).glob("*.docx")]
            time.sleep(0.2)
        assert files, "the Word report did not download"
        document = Document(io.BytesIO(files[0].read_bytes()))
        headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert headings[0] == ("Heading 1", "Corporate parenting training: completion report")
        assert ("Heading 2", "Members") in headings and ("Heading 2", "Status by role") in headings
        for table in document.tables:
            header = table.rows[0]._tr.trPr
            assert header is not None and header.find(qn("w:tblHeader")) is not None
        members = document.tables[-1]
        assert [c.text for c in members.rows[0].cells][:2] == ["Name", "Ward"]
        assert name in [r.cells[0].text for r in members.rows[1:]]
        picture = document.inline_shapes[0]._inline.docPr
        assert picture.get("descr", "").startswith("Stacked bar chart of the members of each council role")
    finally:
        browser.clear_css_width()
