"""Officers edit the council's own facts (what content/local.yaml holds) without a developer.

The form's values become the same YAML as the file and pass the same validation
(app.content.local.parse_local_facts); each save is a new version in the database, so there is a
history of who changed what. Every process reads the newest version when it draws a page, so the
change shows at once everywhere; with no saved version, the file is used (a new install).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import yaml
from flask import current_app
from markupsafe import Markup
from sqlalchemy.exc import OperationalError, ProgrammingError

from app import audit
from app.content import yamlsource
from app.content.local import LOCAL_TOPICS, LocalFacts, LocalFactsProvider, local_box_html, parse_local_facts
from app.content.problems import Problem, Reporter
from app.data import local_facts as data

log = logging.getLogger(__name__)

# (form field, label, hint) in the order of the form.
FIELDS = (
    ("children_in_care", "Children in care", "How many children the council looks after. A whole number, like 612."),
    ("care_leavers", "Care leavers", "How many care leavers the council supports. A whole number."),
    ("figures_as_at", "Figures as at", "The date the two figures are for, like 31 March 2025"),
    ("board_name", "Board or panel", "The board or panel that leads corporate parenting"),
    ("board_meets", "When it meets", "For example, every two months, in public"),
    ("local_offer_url", "Local offer for care leavers (web address)", "Starting https://"),
    ("pledge_url", "Pledge or promise to children in care (web address)", "Starting https://"),
    ("contacts", "Contacts", "One a line: role | name | email (the email is optional)"),
    ("quiz_figures", "Figures for the council's own quiz questions",
     "One a line: name: value, like in_touch_19_21: 81%. Leave one out and its questions wait."),
)
LABELS = {name: label for name, label, _ in FIELDS}
# Which form field each of LocalFacts' attributes comes from, to say what changed.
ATTRIBUTES = {"children_in_care": "children_in_care", "care_leavers": "care_leavers",
              "figures_as_at": "figures_as_at", "board_name": "board_name", "board_meets": "board_meets",
              "local_offer_url": "local_offer_url", "pledge_url": "pledge_url", "contacts": "contacts",
              "quiz_figures": "quiz_figures"}


@dataclass
class Checked:
    facts: LocalFacts | None
    text: str
    errors: list[tuple[str, str]]


def form_values(facts: LocalFacts) -> dict[str, str]:
    """The form's boxes filled from facts."""
    def text(value) -> str:
        return "" if value is None else str(value)

    return {
        "children_in_care": text(facts.children_in_care), "care_leavers": text(facts.care_leavers),
        "figures_as_at": text(facts.figures_as_at), "board_name": text(facts.board_name),
        "board_meets": text(facts.board_meets), "local_offer_url": text(facts.local_offer_url),
        "pledge_url": text(facts.pledge_url),
        "contacts": "\n".join(" | ".join(p for p in (c.role, c.name, c.email) if p) for c in facts.contacts),
        "quiz_figures": "\n".join(f"{name}: {value}" for name, value in facts.quiz_figures),
    }


def _numbers_and_text(values: dict[str, str], errors: list[tuple[str, str]]) -> dict:
    mapping: dict = {}
    for key in ("children_in_care", "care_leavers"):
        value = values.get(key, "").strip().replace(",", "")
        if value and value.isdecimal():
            mapping[key] = int(value)
        elif value:
            errors.append((key, f"{LABELS[key]} must be a whole number, like 612"))
    for key in ("figures_as_at", "local_offer_url", "pledge_url"):
        if values.get(key, "").strip():
            mapping[key] = values[key].strip()
    board = {k: values.get(f"board_{k}", "").strip() for k in ("name", "meets")}
    if any(board.values()):
        mapping["board"] = {k: v for k, v in board.items() if v}
    return mapping


def _contacts(text: str, errors: list[tuple[str, str]]) -> list[dict]:
    contacts = []
    for number, line in enumerate(text.splitlines(), 1):
        parts = [p.strip() for p in line.split("|")]
        if not line.strip():
            continue
        if not 2 <= len(parts) <= 3 or not parts[0] or not parts[1]:
            errors.append(("contacts", f"Contacts line {number} must be role | name, or role | name | email"))
            continue
        contact = {"role": parts[0], "name": parts[1]}
        if len(parts) == 3 and parts[2]:
            contact["email"] = parts[2]
        contacts.append(contact)
    return contacts


def _figures(text: str, errors: list[tuple[str, str]]) -> dict[str, str]:
    figures = {}
    for number, line in enumerate(text.splitlines(), 1):
        name, colon, value = line.partition(":")
        if not line.strip():
            continue
        if not colon or not name.strip():
            errors.append(("quiz_figures", f"Quiz figures line {number} must be name: value"))
            continue
        figures[name.strip()] = value.strip()
    return figures


def _mapping(values: dict[str, str], errors: list[tuple[str, str]]) -> dict:
    """The form as the mapping content/local.yaml holds."""
    mapping = _numbers_and_text(values, errors)
    contacts = _contacts(values.get("contacts", ""), errors)
    if contacts:
        mapping["contacts"] = contacts
    figures = _figures(values.get("quiz_figures", ""), errors)
    if figures:
        mapping["quiz_figures"] = figures
    return mapping


def _field_of(problem: Problem) -> str:
    message = problem.message
    if message.startswith("board: 'name'"):
        return "board_name"
    if message.startswith("board: 'meets'"):
        return "board_meets"
    if "contact" in message:
        return "contacts"
    if "quiz_figures" in message:
        return "quiz_figures"
    return next((key for key in LABELS if f"'{key}'" in message), "children_in_care")


def check(values: dict[str, str]) -> Checked:
    """The facts from the form, checked exactly as content/local.yaml is."""
    errors: list[tuple[str, str]] = []
    mapping = _mapping(values, errors)
    text = yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True) if mapping else ""
    problems: list[Problem] = []
    facts = parse_local_facts(yamlsource.load(text), Reporter("local facts", problems)) if mapping else LocalFacts()
    for problem in problems:
        field = _field_of(problem)
        message = problem.message.replace("local.yaml: ", "")
        errors.append((field, f"{LABELS[field]}: {message}"))
    order = {name: n for n, (name, _, _) in enumerate(FIELDS)}
    errors.sort(key=lambda e: order.get(e[0], 99))
    return Checked(None if errors else facts, text, errors)


def changed_fields(before: LocalFacts, after: LocalFacts) -> list[str]:
    return [LABELS[field] for attribute, field in ATTRIBUTES.items()
            if getattr(before, attribute) != getattr(after, attribute)]


def save(checked: Checked, before: LocalFacts, officer_id: int | None) -> list[str]:
    assert checked.facts is not None
    fields = changed_fields(before, checked.facts)
    data.save(checked.text, fields, officer_id)
    audit.record("local_facts.changed", None, actor_id=officer_id, fields=fields)
    data.commit()
    provider = current_app.extensions.get("local_facts")
    if isinstance(provider, DatabaseFacts):
        provider.saved()
    return fields


def preview(facts: LocalFacts, council: str) -> list[tuple[str, Markup]]:
    """Each "In <council>" box as a module shows it with these facts."""
    return [(topic, Markup(local_box_html(facts, council, topic))) for topic in LOCAL_TOPICS]  # nosec B704 - escaped inside


# How long a process draws pages with the facts it last read before it looks for a newer saved
# version: looking cost a query on every module page. The process that saved an edit uses it at
# once; every other process within this many seconds.
RECHECK_SECONDS = 5.0


class DatabaseFacts:
    """The provider officers' edits feed: the newest saved version, else the file's facts."""

    def __init__(self, fallback: LocalFactsProvider):
        self.fallback = fallback
        self._version: int | None = None
        self._facts = LocalFacts()
        self._current: tuple[float, LocalFacts] | None = None

    def __call__(self) -> LocalFacts:
        now, current = time.monotonic(), self._current
        if current is not None and 0 <= now - current[0] < RECHECK_SECONDS:
            return current[1]
        facts = self._newest()
        self._current = (now, facts)
        return facts

    def saved(self) -> None:
        """An officer saved a version in this process: the next page reads it."""
        self._current = None

    def _newest(self) -> LocalFacts:
        try:
            found = data.latest()
        except (OperationalError, ProgrammingError):  # a database not migrated yet: the file
            data.rollback()
            return self.fallback()
        if found is None:
            return self.fallback()
        version, text = found
        if version != self._version:
            problems: list[Problem] = []
            facts = parse_local_facts(yamlsource.load(text) or {}, Reporter("local facts", problems))
            if problems:
                log.warning("saved local facts version %s is invalid; keeping the last good", version)
            else:
                self._facts = facts
            self._version = version
        return self._facts
