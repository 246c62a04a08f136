"""Every page type of the service, and how a browser reaches it.

Each entry names the endpoints it needs; when one is missing from the application (renamed or
removed), the tests that walk this list fail, naming the missing route.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from datetime import date, timedelta
from typing import Callable

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select

from app.models import Councillor
from tests.builders import build_certificate
from tests.e2e.browser import Browser
from tests.e2e.live import OFFICER, TOUR, Account, LiveServer, signed_in_as


@dataclass(frozen=True)
class PageType:
    name: str
    visit: Callable[[Browser, LiveServer], None]
    needs: tuple[str, ...]
    account: Account | None = None
    # Officer pages may hold wide tables that scroll inside their own container.
    officer: bool = False
    tags: tuple[str, ...] = field(default=())


PAGES: list[PageType] = []


def page(name: str, needs: tuple[str, ...] | str, account: Account | None = None, **extra):
    def register(visit):
        PAGES.append(PageType(name, visit, (needs,) if isinstance(needs, str) else needs, account,
                              officer=account is OFFICER, **extra))
        return visit
    return register


def open_page(browser: Browser, server: LiveServer, page_type: PageType) -> None:
    """Put the browser on the page; a route that is missing (renamed?) fails, naming it."""
    missing = [e for e in page_type.needs if not server.endpoint_exists(e)]
    if missing:
        pytest.fail(f"page type '{page_type.name}': no route {', '.join(missing)} (renamed or removed?)")
    signed_in_as(browser, page_type.account)
    page_type.visit(browser, server)


# Public pages ---------------------------------------------------------------------------

@page("start page", "main.index")
def _start(browser, server):
    browser.get("/")


@page("sign in", "auth.sign_in")
def _sign_in(browser, server):
    browser.get("/sign-in")


@page("sign in with errors", "auth.sign_in")
def _sign_in_errors(browser, server):
    browser.get("/sign-in")
    browser.submit()
    assert "There is a problem" in browser.text()


@page("sign in with a wrong password", "auth.sign_in")
def _sign_in_wrong(browser, server):
    browser.get("/sign-in")
    browser.driver.find_element(By.ID, "email").send_keys(TOUR.email)
    browser.driver.find_element(By.ID, "password").send_keys("not the password")
    browser.submit()
    assert "There is a problem" in browser.text()


@page("password reset request with errors", "auth.password_reset_request")
def _reset_errors(browser, server):
    browser.get("/password-reset")
    browser.submit()
    assert "There is a problem" in browser.text()


@page("page not found (404)", "main.index")
def _not_found(browser, server):
    browser.get("/no-such-page")
    assert "Page not found" in browser.h1()


@page("invitation link that does not work", "auth.accept_invitation")
def _bad_invitation(browser, server):
    browser.get("/invitation/not-a-real-token")


@page("accessibility statement", "main.accessibility")
def _accessibility(browser, server):
    browser.get("/accessibility")


@page("privacy notice", "main.privacy")
def _privacy(browser, server):
    browser.get("/privacy")


@page("sources", "main.sources")
def _sources(browser, server):
    browser.get("/sources")


# A councillor's pages -------------------------------------------------------------------

@page("no permission (403)", "officers.index", account=TOUR)
def _forbidden(browser, server):
    browser.get("/officers/")
    assert "permission" in browser.h1()


@page("my training", "learning.my_training", account=TOUR)
def _my_training(browser, server):
    browser.get("/my-training")


@page("module", "learning.module", account=TOUR)
def _module(browser, server):
    browser.get("/modules/" + _course(server).modules[0].id)


@page("module with the longest tables", "learning.module", account=TOUR)
def _module_tables(browser, server):
    modules = _course(server).modules
    widest = max(modules, key=lambda m: str(m.html).count("<table"))
    browser.get("/modules/" + widest.id)


@page("glossary", "learning.module", account=TOUR)
def _glossary(browser, server):
    course = _course(server)
    if course.module("glossary") is None:
        pytest.fail("the course has no glossary module")
    browser.get("/modules/glossary")


@page("checklist", "checklists.checklist", account=TOUR)
def _checklist(browser, server):
    browser.get("/checklists/level-1")


@page("checklist question", "checklists.question", account=TOUR)
def _checklist_question(browser, server):
    browser.get("/checklists/level-1/questions/1")


@page("checklist question with errors", "checklists.question", account=TOUR)
def _checklist_question_errors(browser, server):
    browser.get("/checklists/level-1/questions/2")
    browser.driver.find_element(By.CSS_SELECTOR, "input[name=answer][value=no]").click()
    browser.driver.find_element(By.ID, "by_when_day").send_keys("31")
    browser.driver.find_element(By.ID, "by_when_month").send_keys("2")
    browser.submit()
    assert "There is a problem" in browser.text()


@page("checklist answers", "checklists.answers", account=TOUR)
def _checklist_answers(browser, server):
    browser.get("/checklists/level-1/answers")


@page("action plan", ("checklists.action_plan", "checklists.question"), account=TOUR)
def _action_plan(browser, server):
    browser.get("/checklists/level-1/questions/3")
    browser.driver.find_element(By.CSS_SELECTOR, "input[name=answer][value=not-sure]").click()
    browser.driver.find_element(By.ID, "action").send_keys("Ask the clerk for the latest figures")
    browser.driver.find_element(By.CSS_SELECTOR, "input[name=priority][value=high]").click()
    due = date.today() + timedelta(days=60)
    for box, value in (("by_when_day", due.day), ("by_when_month", due.month), ("by_when_year", due.year)):
        browser.driver.find_element(By.ID, box).send_keys(str(value))
    browser.driver.find_element(By.ID, "who_can_help").send_keys("Clerk to the corporate parenting board")
    browser.submit()
    browser.get("/checklists/action-plan")


@page("checklists", "checklists.index", account=TOUR)
def _checklists(browser, server):
    browser.get("/checklists")


# Quizzes --------------------------------------------------------------------------------

def _quiz_module(server) -> str:
    course = _course(server)
    return next(m.id for m in course.modules if course.question_bank.for_module(m.id))


def _into_module_quiz(browser, server) -> None:
    """Start (or carry on with) a module quiz, one question a page; ends on a question, or the check page."""
    browser.get(f"/modules/{_quiz_module(server)}/quiz")
    if browser.has("main input[name=layout]"):
        browser.choose("One question at a time")
    browser.submit()


def _answer_every_question(browser) -> None:
    for _ in range(40):
        if "/questions/" not in browser.path:
            break
        # The first option of each group: one group, or one per statement of a matching question.
        browser.driver.execute_script(
            "const seen = new Set();"
            "for (const input of document.querySelectorAll('main input[name^=answer]')) {"
            "  if (!seen.has(input.name)) { seen.add(input.name); input.click(); } }")
        browser.submit()
    assert browser.path.endswith("/check"), f"answering the quiz led to {browser.path}"


@page("quiz start", "quizzes.assessment", account=TOUR)
def _quiz_start(browser, server):
    browser.get("/test-your-knowledge")


@page("quiz question", ("quizzes.module_quiz", "quizzes.question"), account=TOUR)
def _quiz_question(browser, server):
    _into_module_quiz(browser, server)
    assert "/questions/" in browser.path, browser.path


@page("quiz question with errors", ("quizzes.module_quiz", "quizzes.question"), account=TOUR)
def _quiz_question_errors(browser, server):
    _into_module_quiz(browser, server)
    browser.submit()
    assert browser.has(".govuk-error-summary")


@page("quiz check your answers", ("quizzes.module_quiz", "quizzes.check"), account=TOUR)
def _quiz_check(browser, server):
    _into_module_quiz(browser, server)
    _answer_every_question(browser)


@page("quiz review", ("quizzes.module_quiz", "quizzes.submit", "quizzes.review"), account=TOUR)
def _quiz_review(browser, server):
    _into_module_quiz(browser, server)
    _answer_every_question(browser)
    browser.click("main form button[type=submit]", "Submit")
    assert browser.path.endswith("/review"), browser.path


# Dilemmas ---------------------------------------------------------------------------------

def _scenario_id(server) -> str:
    return sorted(_course(server).scenarios)[0]


def _into_dilemma(browser, server) -> None:
    browser.get(f"/dilemmas/{_scenario_id(server)}")
    browser.click("main .govuk-button", "^(Start|Continue|Play again)")
    assert "/runs/" in browser.path, browser.path


@page("dilemmas list", "scenarios.index", account=TOUR)
def _dilemmas(browser, server):
    browser.get("/dilemmas")


@page("dilemma overview", "scenarios.overview", account=TOUR)
def _dilemma_overview(browser, server):
    browser.get(f"/dilemmas/{_scenario_id(server)}")


@page("dilemma node", ("scenarios.start", "scenarios.play"), account=TOUR)
def _dilemma_node(browser, server):
    _into_dilemma(browser, server)
    if not browser.has("main input[name=choice]"):
        browser.click("main form button[type=submit]", "Start again")
    assert browser.has("main input[name=choice]")


@page("dilemma node with errors", ("scenarios.start", "scenarios.choose"), account=TOUR)
def _dilemma_errors(browser, server):
    _dilemma_node(browser, server)
    browser.click("main form button[type=submit]", "^Continue$")
    assert browser.has(".govuk-error-summary")


@page("dilemma debrief", ("scenarios.start", "scenarios.choose"), account=TOUR)
def _debrief(browser, server):
    _into_dilemma(browser, server)
    for _ in range(30):
        if not browser.has("main input[name=choice]"):
            break
        browser.driver.find_element(By.CSS_SELECTOR, "main input[name=choice]").click()
        browser.click("main form button[type=submit]", "^Continue$")
    assert not browser.has("main input[name=choice]")


@page("workshop view", "scenarios.workshop", account=OFFICER)
def _workshop(browser, server):
    browser.get(f"/dilemmas/{_scenario_id(server)}/workshop")


@page("workshop node", "scenarios.workshop_node", account=OFFICER)
def _workshop_node(browser, server):
    scenario = _course(server).scenarios[_scenario_id(server)]
    browser.get(f"/dilemmas/{scenario.id}/workshop/{scenario.start}")


# Certificates -----------------------------------------------------------------------------

@page("my certificates", "certificates.index", account=TOUR)
def _certificates(browser, server):
    browser.get("/certificates")


@page("verify a certificate", "certificates.verify_form")
def _verify_form(browser, server):
    browser.get("/verify")


@page("verify a certificate with errors", "certificates.verify_form")
def _verify_form_errors(browser, server):
    browser.get("/verify")
    browser.fill("code", "not a code!")
    browser.submit()
    assert browser.has(".govuk-error-summary")


@page("certificate not found", "certificates.verify")
def _verify_not_found(browser, server):
    browser.get("/verify/NOSUCHCODE12")


@page("certificate verified", "certificates.verify")
def _verified(browser, server):
    from app.models import Certificate

    with server.app.app_context():
        session = server.app.extensions["sqlalchemy"].session
        code = session.scalars(select(Certificate.code).order_by(Certificate.id)).first()
        if code is None:
            # Run without the journey that issues one: the page is checked on a certificate of its own.
            code = build_certificate(session, person_id=session.scalars(select(Councillor.id)).first()).code
            session.commit()
    browser.get(f"/verify/{code}")
    assert browser.driver.find_elements(By.CSS_SELECTOR, "h1")


# Officer pages --------------------------------------------------------------------------

@page("officer area", "officers.index", account=OFFICER)
def _officer_area(browser, server):
    browser.get("/officers/")


@page("outbox", "officers.outbox", account=OFFICER)
def _outbox(browser, server):
    browser.get("/officers/outbox")


@page("officer report", "officers.report", account=OFFICER)
def _report(browser, server):
    browser.get("/officers/report")


@page("members", "officers.member_list", account=OFFICER)
def _members(browser, server):
    browser.get("/officers/members")


@page("member page", "officers.member", account=OFFICER)
def _member(browser, server):
    browser.get(f"/officers/members/{server.person_id(TOUR)}")


@page("add a member with errors", "officers.member_new", account=OFFICER)
def _member_new_errors(browser, server):
    browser.get("/officers/members/new")
    browser.submit()
    assert browser.has(".govuk-error-summary")


@page("edit a member", "officers.member_edit", account=OFFICER)
def _member_edit(browser, server):
    browser.get(f"/officers/members/{server.person_id(TOUR)}/edit")


@page("deactivate a member", "officers.member_deactivate", account=OFFICER)
def _member_deactivate(browser, server):
    browser.get(f"/officers/members/{server.person_id(TOUR)}/deactivate")


@page("erase a member", "officers.member_erase", account=OFFICER)
def _member_erase(browser, server):
    browser.get(f"/officers/members/{server.person_id(TOUR)}/erase")


@page("import members", "officers.member_import", account=OFFICER)
def _import(browser, server):
    browser.get("/officers/members/import")


@page("import preview with errors", "officers.member_import", account=OFFICER)
def _import_errors(browser, server):
    upload = Path(tempfile.gettempdir()) / "e2e-import-members.csv"
    upload.write_text("name,email,ward,roles\n"
                      "Councillor Good Row,good.row@example.gov.uk,Hillside,member\n"
                      ",no-name@example.gov.uk,Hillside,member\n"
                      "Councillor Bad Email,not an email,Hillside,member\n"
                      "Councillor Bad Role,bad.role@example.gov.uk,Hillside,emperor\n", encoding="utf-8")
    browser.get("/officers/members/import")
    browser.driver.find_element(By.ID, "csv_file").send_keys(str(upload))
    browser.submit()
    assert "not an email" in browser.text() or browser.has(".govuk-error-summary, .govuk-error-message")


@page("audit log", "officers.audit_events", account=OFFICER)
def _audit(browser, server):
    browser.get("/officers/audit")


@page("certificates (officers)", "officers.certificates", account=OFFICER)
def _officer_certificates(browser, server):
    browser.get("/officers/certificates")


@page("record a certificate with errors", "officers.record_certificate", account=OFFICER)
def _record_errors(browser, server):
    browser.get("/officers/certificates/record")
    browser.submit()
    assert browser.has(".govuk-error-summary")


@page("elections", "officers.elections", account=OFFICER)
def _elections(browser, server):
    browser.get("/officers/elections")


def _course(server: LiveServer):
    from app.content import current_course

    with server.app.app_context():
        return current_course()


# Issue 16: the officers' reminder, session, groups and council-facts pages --------------------

@page("check a reminder", "officers.reminders_check", account=OFFICER)
def _reminder_check(browser, server):
    browser.get(f"/officers/reminders?member={server.person_id(TOUR)}")


@page("check bulk invitations", "officers.invite_all_check", account=OFFICER)
def _invite_all_check(browser, server):
    browser.get("/officers/members/invite-all")


@page("record a training session with errors", "officers.session_new", account=OFFICER)
def _session_errors(browser, server):
    browser.get("/officers/sessions/new")
    browser.click("main form button[value=continue]")
    assert browser.has(".govuk-error-summary")


@page("the council's facts, previewed", "officers.council_facts", account=OFFICER)
def _council_facts(browser, server):
    browser.get("/officers/council-facts")
    browser.click("main form button[value=preview]")
    assert browser.has("#preview")


@page("political groups", "officers.group_list", account=OFFICER)
def _groups(browser, server):
    browser.get("/officers/groups")


@page("a group's leader", "officers.group_leader", account=OFFICER)
def _group_leader(browser, server):
    browser.get("/officers/groups/leader?party=Independent")
