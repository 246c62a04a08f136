"""What a simulated member does: sign in, read, take a quiz, play a dilemma, get a certificate.

Each step finds its forms on the page, as a person would, so the journey follows the
application's real routes. A step whose pages do not exist yet (404) is skipped and noted.
"""
from __future__ import annotations

import random
import re
import threading
import time
from typing import Callable

from bench.loadgen import Browser, LoadError, Response
from bench.prepare import member_email
from bench.servers import BENCH_PASSWORD

MODULE_IDS: list[str] = []
READ_PER_VISIT = 3
skipped: set[str] = set()
_skipped_lock = threading.Lock()
_PDF_LINK = re.compile(r'href="(/certificates/\d+\.pdf)"')
_DILEMMA_LINK = re.compile(r'href="(/dilemmas/[\w-]+)"')


def _skip(step: str) -> None:
    with _skipped_lock:
        skipped.add(step)


def _ok(response: Response, what: str) -> Response:
    if response.status >= 400:
        raise LoadError(f"{what}: HTTP {response.status}")
    return response


def form_on_page(page: Response, action_pattern: str):
    for form in page.forms():
        if re.search(action_pattern, form.action) and form.method == "post":
            return form
    return None


def take_module_quiz(b: Browser, module_ids: list[str]) -> bool:
    """The quiz of the first of these modules that has one (reference modules have none)."""
    for module_id in module_ids[:6]:
        start = b.get(f"/modules/{module_id}/quiz", label="GET quiz start")
        if start.status != 404:
            break
    else:
        _skip("quiz")
        return False
    _ok(start, "quiz start page")
    form = form_on_page(start, r"quiz$") or next((f for f in start.forms() if "layout" in f.names()), None)
    if form is None:
        raise LoadError("no start form on the quiz page")
    answers_page = _ok(b.submit(start, form, form.fill(lambda name, values: ["one-page"] if "one-page" in values else values[:1]),
                                label="POST quiz start"), "starting a quiz")
    answers = form_on_page(answers_page, r"/attempts/\d+$")
    if answers is None:
        return True  # already submitted elsewhere: the review page
    data = answers.fill()
    data["action"] = ["submit"]
    review = b.submit(answers_page, answers, data, label="POST quiz submit")
    _ok(review, "submitting a quiz")
    return True


def play_dilemma(b: Browser, max_steps: int = 8) -> bool:
    index = b.get("/dilemmas", label="GET /dilemmas")
    if index.status == 404:
        _skip("dilemma")
        return False
    links = sorted(set(_DILEMMA_LINK.findall(_ok(index, "dilemmas").body)))
    if not links:
        raise LoadError("no dilemmas listed")
    overview = _ok(b.get(random.choice(links), label="GET dilemma overview"), "dilemma overview")  # nosec B311
    start = form_on_page(overview, r"/start$")
    if start is None:
        raise LoadError("no start button on the dilemma")
    page = _ok(b.submit(overview, start, label="POST dilemma start"), "starting a dilemma")
    for _ in range(max_steps):
        choose = form_on_page(page, r"/choose$")
        if choose is None:
            break
        page = _ok(b.submit(page, choose, label="POST dilemma choose"), "a dilemma step")
    return True


def fetch_certificate(b: Browser) -> bool:
    page = b.get("/certificates", label="GET /certificates")
    if page.status == 404:
        _skip("certificate")
        return False
    links = _PDF_LINK.findall(_ok(page, "certificates").body)
    if not links:
        _skip("certificate PDF")
        return True
    pdf = b.get(links[0], label="GET certificate PDF")
    if pdf.status != 200 or "pdf" not in pdf.headers.get("Content-Type", ""):
        raise LoadError(f"certificate PDF: HTTP {pdf.status}")
    return True


def mixed_visit(think: tuple[float, float]) -> Callable[[Browser, int, Callable[[], bool]], None]:
    """One visit: sign in, My training, three modules (each marked read), the quiz of the first
    of them that has one, a dilemma to its end, the certificate PDF, sign out; with a pause
    between pages like a person reading."""

    def pause(time_left: Callable[[], bool]) -> bool:
        time.sleep(random.uniform(*think))  # nosec B311
        return time_left()

    def visit(b: Browser, n: int, time_left: Callable[[], bool]) -> None:
        b.sign_in(member_email(n), BENCH_PASSWORD)
        if not pause(time_left):
            return
        _ok(b.get("/my-training", label="GET /my-training"), "my training")
        if not pause(time_left):
            return
        # A visit reads a few modules: members sign in once and stay a while.
        read = random.sample(MODULE_IDS, len(MODULE_IDS))  # nosec B311
        for module_id in read[:READ_PER_VISIT]:
            page = _ok(b.get(f"/modules/{module_id}", label="GET module page"), "module page")
            mark = form_on_page(page, r"/read$")
            if mark is not None:
                if not pause(time_left):
                    return
                _ok(b.submit(page, mark, label="POST mark read"), "marking read")
            if not pause(time_left):
                return
        for step in (lambda: take_module_quiz(b, read), lambda: play_dilemma(b),
                     lambda: fetch_certificate(b)):
            if not pause(time_left):
                return
            step()
        if not pause(time_left):
            return
        home = b.get("/my-training", label="GET /my-training")
        b.post("/sign-out", {"csrf_token": home.csrf()}, label="POST /sign-out")

    return visit
