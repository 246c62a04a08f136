"""A module's page: its text and its links to the modules either side are the same for every
member, so they are drawn once (app/fragments.py); only the member's progress is drawn each time."""
from __future__ import annotations

from flask import current_app
from markupsafe import Markup

from app.content import Course, local_facts
from app.content.course import Module
from app.fragments import drawn_once, kept
from app.quizzes import draw


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
