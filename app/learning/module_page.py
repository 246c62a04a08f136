"""A module's page: its text and its links to the modules either side are the same for every
member, so they are drawn once (app/fragments.py). The whole page is the same for every member in
the same place (the kind of person they are, and whether they have read this version of the
module) but for the form token, so it too is drawn once for each such place and each request
puts its own token in."""
from __future__ import annotations

import secrets

from flask import current_app, g, render_template, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.content import Course, local_facts
from app.content.course import Module
from app.fragments import drawn_once, kept
from app.learning.progress import ModuleStatus
from app.quizzes import draw

# Where each request's form token goes in a page drawn once: random, so no text can contain it.
TOKEN_MARK = "form-token-" + secrets.token_hex(16)


class PageViewer:
    """Who a page drawn once is drawn for: only what its key names. Anything else a template asks
    of current_user fails loudly, so a page that came to show something personal can never carry
    one member's details to the next."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, is_councillor: bool, is_officer: bool):
        self.is_councillor = is_councillor
        self.is_officer = is_officer

    def __getattr__(self, name: str):
        raise RuntimeError(f"a page drawn once for many members cannot show current_user.{name}")


def page(course: Course, module: Module, status: ModuleStatus) -> str:
    """The module page for the signed-in member."""
    values = {"module": module, "status": status, "text": text(course, module),
              "pagination": pagination(course, module)}
    if session.get("_flashes"):  # a message for this member alone: drawn for them
        return render_template("learning/module.html", **values)
    viewer = PageViewer(bool(current_user.is_councillor), bool(current_user.is_officer))
    key = ("module page", module.id, status.is_read, status.changed_since_read, viewer.is_councillor,
           viewer.is_officer, values["text"], values["pagination"])
    drawn = kept(key, lambda: _drawn_with_token_mark(values, viewer))
    return str.replace(drawn, TOKEN_MARK, generate_csrf())


def _drawn_with_token_mark(values: dict, viewer: PageViewer) -> str:
    token = g.pop("csrf_token", None)
    g.csrf_token = TOKEN_MARK  # what Flask-WTF hands the template for this request
    try:
        return render_template("learning/module.html", current_user=viewer, **values)
    finally:
        if token is None:
            g.pop("csrf_token", None)
        else:
            g.csrf_token = token


def text(course: Course, module: Module) -> Markup:
    """From the learning outcomes to the quiz link: the module under the council's facts now."""
    facts = local_facts()
    council = current_app.config["COUNCIL_NAME"]

    def drawing() -> str:
        return current_app.jinja_env.get_template("learning/_module_text.html").render(
            module=module, course=course, body=module.html(facts, council),
            quiz_size=draw.module_quiz_size(course, module.id, facts.figures))

    return kept(("module text", module.id, facts), drawing)


def pagination(course: Course, module: Module) -> Markup:
    position = course.modules.index(module)
    previous = course.modules[position - 1] if position > 0 else None
    following = course.modules[position + 1] if position + 1 < len(course.modules) else None
    return drawn_once("learning/_module_pagination.html", module.id, previous=previous, following=following)
