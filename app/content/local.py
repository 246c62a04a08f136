"""The council's own facts, shown in the "In <council>" boxes of the modules.

Modules are parsed once at start-up, but the boxes are filled when a page is drawn, from a
provider the application can replace: the default reads content/local.yaml (again whenever the
file changes), and an officers' page may instead keep the facts in the database, so an edit shows
on the next page without a restart.

    set_local_facts(app, provider)   # provider() -> LocalFacts, called once per module page
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from flask import Flask, current_app, g, has_request_context
from markupsafe import escape

from app.content import yamlsource
from app.content.fields import Fields
from app.content.problems import Problem, Reporter

# The topics a module can ask for with a line holding only {local: topic}.
LOCAL_TOPICS = ("care-population", "board", "local-offer", "pledge", "contacts")
LOCAL_FIELDS = {"children_in_care", "care_leavers", "figures_as_at", "board", "local_offer_url",
                "pledge_url", "contacts", "quiz_figures"}
FIGURE_NAME = re.compile(r"^[a-z0-9_]+$")
URL = re.compile(r"^https?://[^\s<>\"']+$")
EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Contact:
    role: str
    name: str
    email: str | None


@dataclass(frozen=True)
class LocalFacts:
    """The council's own facts; empty values fall back to national figures or a question to ask."""

    children_in_care: int | None = None
    care_leavers: int | None = None
    figures_as_at: str | None = None
    board_name: str | None = None
    board_meets: str | None = None
    local_offer_url: str | None = None
    pledge_url: str | None = None
    contacts: tuple[Contact, ...] = ()
    # Figures for the council's own quiz questions (quizzes/local.yaml 'needs'): (name, value).
    quiz_figures: tuple[tuple[str, str], ...] = ()

    @property
    def figures(self) -> dict[str, str]:
        return dict(self.quiz_figures)


LocalFactsProvider = Callable[[], LocalFacts]


def parse_local_facts(data: Any, report: Reporter) -> LocalFacts:
    """LocalFacts from the mapping in local.yaml, reporting each bad value against its line."""
    f = Fields(data, report, where="local.yaml")
    f.unknown_keys(LOCAL_FIELDS)
    board = Fields(data.get("board") or {}, report, where="board") if f.ok else None

    def url(key: str) -> str | None:
        value = f.text(key, required=False)
        if value and not URL.match(value):
            report(f.line_of(key), f"'{key}' must be a web address starting https:// or http://")
            return None
        return value

    contacts = []
    for _line, item in f.items("contacts", required=False):
        c = Fields(item, report, where="contact")
        role, name, email = c.text("role"), c.text("name"), c.text("email", required=False)
        if email and not EMAIL.match(email):
            report(c.line_of("email"), f"contact email {email!r} is not an email address")
            email = None
        if role and name:
            contacts.append(Contact(role, name, email))
    return LocalFacts(
        children_in_care=f.integer("children_in_care", required=False, minimum=0),
        care_leavers=f.integer("care_leavers", required=False, minimum=0),
        figures_as_at=f.text("figures_as_at", required=False),
        board_name=board.text("name", required=False) if board else None,
        board_meets=board.text("meets", required=False) if board else None,
        local_offer_url=url("local_offer_url"),
        pledge_url=url("pledge_url"),
        contacts=tuple(contacts),
        quiz_figures=_quiz_figures(f, report) if f.ok else (),
    )


def _quiz_figures(f: Fields, report: Reporter) -> tuple[tuple[str, str], ...]:
    raw = f.mapping.get("quiz_figures")
    if raw is None or raw == "":
        return ()
    if not isinstance(raw, dict):
        report(f.line_of("quiz_figures"), "'quiz_figures' must be lines of name: value")
        return ()
    figures = Fields(raw, report, where="quiz_figures")
    out = []
    for name in raw:
        if not FIGURE_NAME.match(str(name)):
            report(figures.line_of(name), f"quiz_figures: {name!r} must be lower case letters, "
                                          f"digits and underscores")
            continue
        value = figures.text(name, required=False)
        if value:  # left empty: the questions that need it wait
            out.append((str(name), value))
    return tuple(out)


def read_local_file(path: Path, rel: str) -> tuple[LocalFacts, list[Problem]]:
    """The facts in a local.yaml (none if it is missing) and what is wrong with it."""
    problems: list[Problem] = []
    if not path.exists():
        return LocalFacts(), problems
    try:
        data = yamlsource.load(path.read_bytes().decode("utf-8-sig"))
    except yamlsource.YamlProblem as exc:
        return LocalFacts(), [Problem(rel, exc.line, exc.message)]
    except UnicodeDecodeError:
        return LocalFacts(), [Problem(rel, 1, "the file is not UTF-8 text")]
    if data is None:
        return LocalFacts(), problems
    facts = parse_local_facts(data, Reporter(rel, problems))
    return facts, problems


class LocalFile:
    """The default provider: content/local.yaml, read again when its size or time changes.

    start-up has already refused an invalid file; if someone breaks it while the service runs,
    pages keep the last good facts and the log says so.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._stamp: tuple | None = None
        self._facts = LocalFacts()

    def __call__(self) -> LocalFacts:
        try:
            st = self.path.stat()
            stamp: tuple | None = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            stamp = None
        if stamp != self._stamp:
            facts, problems = read_local_file(self.path, self.path.name)
            if problems:
                log.warning("local facts file is invalid, keeping the last good facts: %s", problems[0])
            else:
                self._facts = facts
            self._stamp = stamp
        return self._facts


def set_local_facts(app: Flask, provider: LocalFactsProvider) -> None:
    """Use provider() for the council's facts on every page drawn from now on."""
    app.extensions["local_facts"] = provider


def local_facts() -> LocalFacts:
    # Once a request: a module page asks for its boxes and for its quiz's figures.
    if not has_request_context():
        return current_app.extensions["local_facts"]()
    if "local_facts" not in g:
        g.local_facts = current_app.extensions["local_facts"]()
    return g.local_facts


def local_box_html(local: LocalFacts, council: str, topic: str) -> str:
    """The 'In our council' box; every value is escaped because officers write the facts."""
    c = escape(council)

    def link(url: str, text: str) -> str:
        return f'<a class="govuk-link" href="{escape(url)}">{escape(text)}</a>'

    if topic == "care-population":
        if local.children_in_care is not None:
            when = f" on {escape(local.figures_as_at)}" if local.figures_as_at else ""
            text = f"{c} looked after {local.children_in_care:,} children{when}."
            if local.care_leavers is not None:
                text += f" It was supporting {local.care_leavers:,} care leavers."
        else:
            text = ("Nationally, 81,770 children were looked after in England on 31 March 2025 "
                    "(Department for Education, 2025). Ask officers for the council's own figure "
                    "and how it has changed.")
    elif topic == "board":
        if local.board_name:
            meets = f" It meets {escape(local.board_meets)}." if local.board_meets else ""
            text = f"Here, corporate parenting is led by the {escape(local.board_name)}.{meets}"
        else:
            text = ("Ask democratic services which board or panel leads corporate parenting here, "
                    "who sits on it and when it meets.")
    elif topic == "local-offer":
        text = (f"Read {c}'s {link(local.local_offer_url, 'local offer for care leavers')}."
                if local.local_offer_url else
                "Every council must publish a local offer for care leavers. Ask officers for ours.")
    elif topic == "pledge":
        text = (f"Read {c}'s {link(local.pledge_url, 'pledge to children in care')}."
                if local.pledge_url else
                "Ask whether the council has a pledge or promise to its children in care, and "
                "who wrote it with the children.")
    elif topic == "contacts":
        if local.contacts:
            items = "".join(
                f"<li>{escape(x.role)}: {escape(x.name)}"
                + (f', <a class="govuk-link" href="mailto:{escape(x.email)}">{escape(x.email)}</a>'
                   if x.email else "") + "</li>" for x in local.contacts)
            return (f'<div class="govuk-inset-text app-local"><p class="govuk-body govuk-!-font-weight-bold">'
                    f'In {c}</p><ul class="govuk-list">{items}</ul></div>')
        text = "Ask democratic services for the names of the people who lead this work here."
    else:
        return ""
    return (f'<div class="govuk-inset-text app-local"><p class="govuk-body govuk-!-font-weight-bold">'
            f'In {c}</p><p class="govuk-body">{text}</p></div>')
