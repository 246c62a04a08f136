"""Issue 16, done when: a new councillor on a 390px phone goes from first sign-in to an issued
certificate using only the green "Continue" button on My training and the required items it
leads to, and no page on the way scrolls sideways.

The councillor never chooses what to do next: from My training they press "Continue", do the
page it opens (read and mark a module, answer the checklist, pass the assessment, play a dilemma
to its end), and come back by the "My training" link. The certificate must be issued by the last
required item itself, with no other button to find.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.browser import Browser
from tests.e2e.live import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

PHONE = 390
EMAIL = "robin.newcomer@example.gov.uk"


@pytest.fixture(scope="module")
def phone(live_server):
    browser = Browser(live_server.url, width=PHONE, height=844)
    browser.account = None
    yield browser
    browser.quit()


@pytest.fixture(scope="module")
def newcomer(live_server):
    from app.auth.passwords import hash_password
    from app.extensions import db
    from app.models import Councillor

    with live_server.app.app_context():
        db.session.add(Councillor(name="Councillor Robin Newcomer-Featherstonehaugh", email=EMAIL,
                                  password_hash=hash_password(DEMO_PASSWORD), ward="Abbey",
                                  party="Independent", elected_on=date.today()))
        db.session.commit()
    return EMAIL


class Walk:
    """One phone, one councillor; every page it lands on is checked for sideways scrolling."""

    def __init__(self, browser: Browser, server):
        self.b = browser
        self.server = server
        self.visited: list[str] = []

    def check_page(self) -> None:
        width = self.b.js("return document.documentElement.clientWidth")
        scroll = self.b.js("return document.documentElement.scrollWidth")
        assert width == PHONE, f"the window is {width} CSS pixels wide, not {PHONE}"
        assert scroll <= width, (f"{self.b.path} scrolls sideways at {PHONE}px (scrollWidth {scroll}); "
                                 f"what sticks out: {self.b.overflowing()}")
        self.visited.append(self.b.path)

    def click(self, css: str, text: str | None = None) -> None:
        self.b.click(css, text)
        self.check_page()

    def to_my_training(self) -> None:
        self.click("nav a", "^My training$")
        assert self.b.path == "/my-training", self.b.path

    def press_continue(self) -> str:
        buttons = self.b.driver.find_elements(By.CSS_SELECTOR, "main a.app-continue")
        assert len(buttons) == 1, f"My training should have one green Continue button, has {len(buttons)}"
        words = buttons[0].text
        assert re.match(r"^(Start|Continue): ", words), words
        self.click("main a.app-continue")
        return words

    def success_banner_in_view(self) -> None:
        """The banner is at the top of the window, and (with JavaScript) has focus."""
        top = self.b.js("const b = document.querySelector('.govuk-notification-banner--success');"
                        "return b ? b.getBoundingClientRect().top : null")
        assert top is not None, f"no success banner on {self.b.path}"
        assert 0 <= top < self.b.js("return window.innerHeight") / 2, f"the banner is out of view (top {top})"
        assert self.b.js("return document.activeElement.classList.contains('govuk-notification-banner')")

    # The required items ------------------------------------------------------------------

    def read_module(self) -> None:
        # Review m7: a quoted case study uses the column's width, not 40px less on each side.
        margins = self.b.js("return [...document.querySelectorAll('main blockquote')]"
                            ".map(q => parseFloat(getComputedStyle(q).marginLeft) + parseFloat(getComputedStyle(q).marginRight))")
        assert all(m == 0 for m in margins), f"quotes on {self.b.path} keep side margins: {margins}"
        self.click("main form button[type=submit]", "^Mark as read$")

    def answer_checklist(self) -> None:
        if self.b.path.rstrip("/").endswith(tuple(f"level-{n}" for n in (1, 2, 3))):
            self.click("main a.govuk-button", "^(Start|Continue)")
        # The action fields appear only for an answer that needs an action (review m3).
        shown = "return getComputedStyle(document.getElementById('your-action')).display !== 'none'"
        assert not self.b.js(shown), "the action fields show before any answer"
        self.b.choose("No")
        assert self.b.js(shown), "the action fields stay hidden after answering No"
        for _ in range(40):
            if "/questions/" not in self.b.path:
                break
            self.b.choose("Yes")
            assert not self.b.js(shown), "the action fields show for a Yes"
            self.click("main form button[type=submit]", "^Save and (continue|check your answers)$")
        assert self.b.path.endswith("/answers"), self.b.path

    def pass_assessment(self) -> None:
        if self.b.path == "/test-your-knowledge":
            self.b.choose("One question at a time")
            self.click("main form button[type=submit]", "^(Start|Continue) (the|your) assessment$")
        for _ in range(60):
            found = re.search(r"/attempts/(\d+)/questions/(\d+)$", self.b.path)
            if not found:
                break
            self._answer_correctly(int(found.group(1)), int(found.group(2)))
        assert self.b.path.endswith("/check"), self.b.path
        self.click("main form button[type=submit]", "^Submit your answers$")

    def _answer_correctly(self, attempt_id: int, number: int) -> None:
        from app.content import current_course
        from app.extensions import db
        from app.models import QuizAttempt

        with self.server.app.app_context():
            attempt = db.session.get(QuizAttempt, attempt_id)
            question = current_course().question_bank.question(attempt.question_ids[number - 1])
        for option in question.options:
            if question.choices:  # matching: one radio group per statement
                self.b.js("document.querySelector(arguments[0]).click()",
                          f'main input[name="answer.{option.key}"][value="{option.match}"]')
            elif option.correct:
                self.b.choose(re.sub(r"\s+", " ", option.text).strip())
        self.click("main form button[type=submit]", "^Save and continue$")

    def play_dilemma(self) -> None:
        if re.fullmatch(r"/dilemmas/[^/]+", self.b.path):
            self.click("main form button[type=submit]", "^Start$")
        for _ in range(30):
            if "/issued" in self.b.path or not self.b.has("main input[name=choice]"):
                break
            self.b.js("document.querySelector('main input[name=choice]').labels[0].click()")
            self.click("main form button[type=submit]", "^Continue$")
            # Review m9: on a phone "Go back one step" is as wide as Continue, not a narrow centred button.
            widths = self.b.js("const w = t => [...document.querySelectorAll('main button')]"
                               ".filter(b => b.textContent.trim() === t).map(b => b.getBoundingClientRect().width)[0];"
                               "return [w('Continue'), w('Go back one step')];")
            if widths[0] and widths[1]:
                assert abs(widths[0] - widths[1]) < 2, f"Continue and Go back one step differ in width: {widths}"


def test_a_new_councillor_on_a_phone_gets_a_certificate_by_continue_alone(phone, live_server, newcomer):
    walk = Walk(phone, live_server)
    phone.set_css_width(PHONE, 844)
    phone.get("/sign-in")
    walk.check_page()
    phone.fill("email", newcomer)
    phone.fill("password", DEMO_PASSWORD)
    walk.click("main form button[type=submit]", "^Sign in$")
    assert phone.path == "/my-training", f"first sign-in ended on {phone.path}"

    steps = []
    for _ in range(40):
        words = walk.press_continue()
        steps.append(words)
        path = phone.path
        if path.startswith("/modules/"):
            walk.read_module()
            assert phone.path == "/my-training"
            walk.success_banner_in_view()
        elif path.startswith("/checklists/"):
            walk.answer_checklist()
        elif path.startswith(("/test-your-knowledge", "/attempts/")):
            walk.pass_assessment()
        elif path.startswith("/dilemmas/"):
            walk.play_dilemma()
        else:
            raise AssertionError(f"Continue ({words!r}) led to {path}, which is not a required item")
        if "/issued" in phone.path:
            break
        if phone.path != "/my-training":
            walk.to_my_training()
    else:
        raise AssertionError(f"no certificate after {len(steps)} presses of Continue: {steps}")

    # The last required item issued the certificate: the confirmation says so, with all it needs.
    assert re.fullmatch(r"/certificates/\d+/issued(\?finished=/dilemmas/.+)?", phone.path), phone.path
    assert phone.h1() == "Certificate issued"
    assert steps[-1].startswith("Continue: ") and len(steps) >= 11, steps
    required, optional = _module_titles(live_server)
    assert all(any(s.endswith(f": {title}") for s in steps) for title in required), steps
    assert not any(s.endswith(f": {title}") for s in steps for title in optional), steps
    for selector in ("a[href$='.pdf']", "a[href$='.ics']", ".app-certificate-code"):
        right = phone.js("const e = document.querySelector(arguments[0]); return e ? e.getBoundingClientRect().right : null",
                         f"main {selector}")
        assert right is not None and right <= PHONE, f"{selector} is not in view on the confirmation page"

    # Their certificates page and My training read on the phone too, download and code in view.
    for path in ("/certificates", "/my-training"):
        phone.get(path)
        walk.check_page()
        right = phone.js("return Math.max(...[...document.querySelectorAll(\"main a[href$='.pdf'], "
                         "main .app-certificate-code\")].map(e => e.getBoundingClientRect().right))")
        assert 0 < right <= PHONE, f"on {path} the download link or code is off the right edge ({right})"
    assert "Current" in phone.text()
    assert len(set(walk.visited)) >= 10, walk.visited


def _module_titles(live_server) -> tuple[list[str], list[str]]:
    """The induction's required module titles, and the optional ones."""
    from app.content import current_course

    with live_server.app.app_context():
        course = current_course()
        required = course.pathways.for_level(1).module_ids
        return ([m.title for m in course.modules if m.id in required],
                [m.title for m in course.modules if m.id not in required])
