"""A councillor's whole induction: by keyboard alone with JavaScript on, and again with
JavaScript off (by clicks, as the skip link still is by keys).

Sign in, read a module, complete a checklist, take and pass the assessment, play dilemmas to
an ending, and download the certificate. By keyboard, controls are found by tabbing to them and
reading document.activeElement, never by clicking; every stop must show GOV.UK's focus style.

Keys used: Tab, Shift+Tab, Enter (links, and buttons) and Space (buttons, radios and checkboxes),
plus typing into text fields. Inside a group of radios the arrow keys move between the options:
that is how HTML radio groups work for every keyboard user (Tab enters and leaves a group).
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.keys import Keys

from tests.e2e.browser import Browser, Focused
from tests.e2e.live import KEYBOARD, NO_JS, LiveServer, signed_in_as

pytestmark = pytest.mark.e2e


def link(words: str):
    return lambda f: f.tag == "a" and f.says(words)


def button(words: str):
    return lambda f: (f.tag == "button" or f.type == "submit" or "govuk-button" in f.classes) and f.says(words)


def nth(matches, n: int):
    """The n-th control that `matches`, counting as focus passes them."""
    seen = 0

    def check(f: Focused) -> bool:
        nonlocal seen
        if matches(f):
            seen += 1
            return seen == n
        return False
    return check


def radio(f: Focused) -> bool:
    return f.type == "radio"


class Journey:
    """One councillor's journey through the service in one browser, step by step."""

    def __init__(self, browser: Browser, server: LiveServer, account):
        self.b = browser
        self.server = server
        self.account = account
        # With JavaScript on the journey is by keys alone; with it off, by clicks.
        self.keys = browser.javascript
        self.target = None
        self.passed: set[str] = set()
        self.step = ""

    # A step fails, naming the route, when its page is missing (a renamed endpoint), and fails when
    # a step it starts from did not pass (every step needs sign in; the certificate needs them all):
    # a run with a broken journey never exits 0.
    def start(self, step: str, *endpoints: str, after: tuple[str, ...] = ("sign in",)) -> None:
        missing = [e for e in endpoints if not self.server.endpoint_exists(e)]
        if missing:
            pytest.fail(f"step '{step}': no route {', '.join(missing)} (renamed or removed?)")
        if step != "sign in" and "sign in" not in self.passed:
            pytest.fail(f"step '{step}' needs the step 'sign in', which did not pass")
        unmet = [s for s in after if s not in self.passed]
        if unmet:
            pytest.fail(f"step '{step}' needs the steps {unmet}, which did not pass")
        self.step = step

    def done(self) -> None:
        self.passed.add(self.step)

    # Finding and using controls: by keys (Tab and friends), or by clicks with JavaScript off --

    def tab_to(self, matches, description: str, backwards: bool = False) -> Focused:
        if self.keys:
            return self.b.tab_to(matches, description, backwards=backwards)
        found = self.b.focusables()
        for element, here in (reversed(found) if backwards else found):
            if matches(here):
                self.target = element
                return here
        raise AssertionError(f"on {self.b.path} ({self.b.h1()!r}): there is no {description}")

    def activate(self, matches, description: str, backwards: bool = False) -> None:
        """Press a link or button: Enter for a link, Space for a button (or click it)."""
        here = self.tab_to(matches, description, backwards=backwards)
        if not self.keys:
            self.b.until_new_page(self.target.click)
            return
        key = Keys.SPACE if here.tag == "button" or here.type == "submit" else Keys.ENTER
        self.b.until_new_page(lambda: self.b.press(key))

    def from_the_top(self) -> None:
        """Start tabbing from the top of the page, as a fresh page load does."""
        self.b.from_the_top()

    def skip_to_main(self) -> None:
        """By keys, use the skip link (the first Tab on every page) to go straight to the content."""
        if not self.keys:
            return
        self.from_the_top()
        self.b.press(Keys.TAB)
        assert self.b.focused().says("^Skip to main content$"), f"on {self.b.path} the first Tab missed the skip link"
        self.b.press(Keys.ENTER)

    def type_into(self, field_id: str, text: str) -> None:
        self.tab_to(lambda f: f.id == field_id, f"the field #{field_id}")
        if self.keys:
            self.b.press(text)
        else:
            self.target.send_keys(text)

    def choose_radio(self, label: str | None = None) -> None:
        """Choose the radio with this label (or the first) in the next group of radios.

        By keys: Tab into the group, then the arrow keys to the option, as radio groups work."""
        wanted = _words(label) if label else None
        if not self.keys:
            here = self.tab_to(lambda f: radio(f) and (wanted is None or _words(f.label) == wanted),
                               f"a radio labelled {label!r}")
            self.b.js("arguments[0].labels[0].click()", self.target)
            assert self.b.js("return arguments[0].checked", self.target)
            return
        here = self.tab_to(radio, f"the radios for {label!r}")
        for _ in range(12):
            if wanted is None or _words(here.label) == wanted:
                break
            self.b.press(Keys.ARROW_DOWN)
            here = self.b.focused()
            assert here.visible_focus, f"focus is not visible on the radio {here.describe()}"
        assert wanted is None or _words(here.label) == wanted, f"no radio labelled {label!r} in the group"
        if not here.checked:
            self.b.press(Keys.SPACE)
        assert self.b.focused().checked

    def tick_only(self, labels: set[str], how_many: int) -> None:
        """Make exactly these of the next `how_many` checkboxes ticked."""
        if self.keys:
            for _ in range(how_many):
                here = self.tab_to(lambda f: f.type == "checkbox", "the next checkbox")
                if (_words(here.label) in labels) != here.checked:
                    self.b.press(Keys.SPACE)
            return
        for element, here in self.b.focusables():
            if here.type == "checkbox" and (_words(here.label) in labels) != here.checked:
                self.b.js("arguments[0].labels[0].click()", element)

    def go_to_my_training(self) -> None:
        self.from_the_top()
        self.activate(link(r"^My training$"), "the My training link in the navigation")
        assert self.b.path.startswith("/my-training")


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().lower()


@pytest.fixture(scope="module", params=["keyboard, javascript on", "clicks, javascript off"])
def journey(request, live_server):
    javascript = request.param.endswith("javascript on")
    browser = request.getfixturevalue("browser" if javascript else "browser_nojs")
    signed_in_as(browser, None)
    browser.clear_css_width()
    return Journey(browser, live_server, KEYBOARD if javascript else NO_JS)


def test_skip_link_then_sign_in(journey):
    journey.start("sign in", "main.index", "auth.sign_in", after=())
    b = journey.b
    b.get("/")
    b.press(Keys.TAB)
    first = b.focused()
    assert first.says("^Skip to main content$"), f"the first Tab reached {first.describe()}"
    assert first.visible_focus, "the skip link does not show where focus is"
    b.press(Keys.ENTER)
    if b.javascript:
        # GOV.UK Frontend moves focus to <main> itself.
        assert b.focused().id == "main-content"
    else:
        assert b.driver.current_url.endswith("#main-content"), b.driver.current_url
    b.press(Keys.TAB)
    assert b.focused().in_main, f"after the skip link, Tab went to {b.focused().describe()}, outside <main>"

    journey.activate(button("Sign in to start"), "the 'Sign in to start' button")
    assert b.path == "/sign-in"
    journey.type_into("email", journey.account.email)
    journey.type_into("password", journey.account.password)
    journey.activate(button("^Sign in$"), "the 'Sign in' button")
    assert b.path.startswith("/my-training"), f"signing in ended on {b.path}: {b.h1()}"
    b.account = journey.account
    journey.done()


def test_read_a_module(journey):
    journey.start("read a module", "learning.my_training", "learning.module", "learning.mark_read")
    b = journey.b
    journey.activate(lambda f: f.tag == "a" and f.says("^(Start|Continue): "), "the Start button")
    assert b.path.startswith("/modules/")
    title = b.h1()
    # From the bottom of the page up: Shift+Tab goes past the footer to the module's own button.
    journey.from_the_top()
    journey.activate(button("^Mark as read$"), "the 'Mark as read' button", backwards=True)
    assert f"You have marked ‘{title}’ as read" in b.text()
    assert re.search(r"read 1 of \d+ required modules", b.text())
    journey.done()


def test_complete_a_checklist(journey):
    journey.start("complete a checklist", "checklists.checklist", "checklists.question", "checklists.answers")
    b = journey.b
    journey.go_to_my_training()
    journey.activate(link("^Level 1: "), "the level 1 checklist")
    journey.activate(lambda f: f.tag == "a" and f.says("^Start$"), "the checklist's Start button")
    for _ in range(40):
        if "/answers" in b.path:
            break
        assert "/questions/" in b.path, f"the checklist led to {b.path}: {b.h1()}"
        journey.skip_to_main()
        journey.choose_radio("Yes")
        journey.activate(button("^Save and (continue|check your answers)$"), "the save button")
    assert "/answers" in b.path, "the checklist never reached 'Check your answers'"
    assert "Not answered" not in b.text()
    journey.done()


def test_take_and_pass_the_assessment(journey):
    journey.start("take and pass the assessment", "quizzes.assessment", "quizzes.question",
                  "quizzes.submit", "quizzes.review")
    b = journey.b
    journey.go_to_my_training()
    journey.activate(lambda f: f.says("^(Start|Continue) (the|your) assessment$"), "the assessment button")
    assert b.path == "/test-your-knowledge", b.path
    journey.choose_radio("One question at a time")
    journey.activate(button("^(Start|Continue) (the|your) assessment$"), "the 'Start the assessment' button")
    for _ in range(60):
        found = re.search(r"/attempts/(\d+)/questions/(\d+)$", b.path)
        if not found:
            break
        _answer_correctly(journey, int(found.group(1)), int(found.group(2)))
    assert b.path.endswith("/check"), f"the questions led to {b.path}: {b.h1()}"
    journey.activate(button("^Submit your answers$"), "the 'Submit your answers' button")
    assert b.path.endswith("/review")
    assert "You passed" in b.text()
    journey.done()


def _answer_correctly(journey: Journey, attempt_id: int, number: int) -> None:
    from app.content import current_course
    from app.extensions import db
    from app.models import QuizAttempt

    journey.skip_to_main()
    with journey.server.app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        question = current_course().question_bank.question(attempt.question_ids[number - 1])
    right = {_words(o.text) for o in question.options if o.correct}
    if question.choices:  # matching: each statement's radios are named answer.<statement key>
        for o in question.options:
            journey.b.js("document.querySelector(arguments[0]).click()",
                         f'main input[name="answer.{o.key}"][value="{o.match}"]')
    elif question.kind.widget == "checkboxes":
        journey.tick_only(right, len(question.options))
    else:
        journey.choose_radio(next(o.text for o in question.options if o.correct))
    journey.activate(button("^Save and continue$"), "the 'Save and continue' button")


def test_play_dilemmas_to_an_ending(journey):
    journey.start("play a dilemma to an ending", "scenarios.index", "scenarios.overview",
                  "scenarios.start", "scenarios.play", "scenarios.choose")
    b = journey.b
    # The induction asks for two finished dilemmas: play the first two on the list.
    for which in (1, 2):
        journey.go_to_my_training()
        journey.activate(link("^See all the dilemmas"), "the link to the dilemmas")
        assert b.path == "/dilemmas"
        journey.activate(nth(lambda f: f.tag == "a" and re.search(r"^/dilemmas/[^/]+$", f.href), which),
                         f"dilemma number {which} on the list")
        journey.activate(button("^Start$"), "the dilemma's Start button")
        for _ in range(30):
            if not b.js("return !!document.querySelector('main input[name=choice]')"):
                break
            journey.skip_to_main()
            journey.choose_radio()
            journey.activate(button("^Continue$"), "the Continue button")
        assert not b.js("return !!document.querySelector('main input[name=choice]')"), "the dilemma never ended"
        assert "/runs/" in b.path
    journey.done()


def test_download_the_certificate(journey):
    journey.start("download the certificate", "certificates.issued", "certificates.download",
                  after=("sign in", "complete a checklist", "take and pass the assessment",
                         "play a dilemma to an ending"))
    b = journey.b
    _read_the_other_modules(journey)
    # Every requirement is now met: opening My training issues the certificate, with no button
    # to find, and lands on its confirmation.
    journey.from_the_top()
    journey.activate(link(r"^My training$"), "the My training link in the navigation")
    assert re.fullmatch(r"/certificates/\d+/issued", b.path), f"My training led to {b.path}: {b.h1()}"
    assert b.h1() == "Certificate issued"
    journey.from_the_top()
    before = set(Path(b.downloads).iterdir())
    here = journey.tab_to(lambda f: f.tag == "a" and f.href.split("?")[0].endswith(".pdf"),
                          "the link to download the certificate")
    assert here.says("^Download"), here.describe()
    b.press(Keys.ENTER) if journey.keys else journey.target.click()
    pdf = _wait_for_download(Path(b.downloads), before)
    assert pdf.read_bytes()[:5] == b"%PDF-", f"the download {pdf.name} is not a PDF"
    journey.done()


def _read_the_other_modules(journey: Journey) -> None:
    """Reading one module by keyboard proves the page; mark the rest of the level's modules as read."""
    from app.content import current_course
    from app.learning import progress
    from app.models import Person

    with journey.server.app.app_context():
        person = Person.by_email(journey.account.email)
        for module in current_course().modules:
            progress.mark_read(person, module)


def _wait_for_download(folder: Path, before: set, seconds: float = 15) -> Path:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        new = [p for p in folder.iterdir() if p not in before and not p.name.endswith(".crdownload")]
        if new:
            return new[0]
        time.sleep(0.1)
    raise AssertionError(f"no file was downloaded into {folder}")
