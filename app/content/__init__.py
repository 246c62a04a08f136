"""Course content: loaded and validated once when the application starts."""
from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask, current_app
from markupsafe import Markup

from app.content.course import Course, Module, load_course
from app.content.local import LocalFacts, LocalFile, local_facts, set_local_facts
from app.content.problems import ContentInvalid

__all__ = ["Course", "LocalFacts", "current_course", "init_app", "local_facts", "module_html",
           "set_local_facts"]


def _running_content_command() -> bool:
    # 'flask content check' must load the app to find its commands, yet must report bad content
    # rather than die of it; every other way of starting the app refuses invalid content.
    args = sys.argv[1:]
    return "content" in args and args[args.index("content") + 1:][:1] in (["check"], ["--help"])


def init_app(app: Flask) -> None:
    root = Path(app.config["CONTENT_ROOT"])
    try:
        course = load_course(root, app.config["COUNCIL_NAME"])
    except ContentInvalid:
        if not _running_content_command():
            raise
        app.logger.warning("content is invalid; only 'flask content check' will run")
        course = None
    app.extensions["course"] = course
    # The council's own facts come from content/local.yaml until something else is set.
    set_local_facts(app, LocalFile(root / "content" / "local.yaml"))

    @app.context_processor
    def inject_course():
        return {"course": app.extensions["course"]}


def current_course() -> Course:
    return current_app.extensions["course"]


def module_html(module: Module) -> Markup:
    """The module as drawn now, with the council's facts as they are now."""
    return module.html(local_facts(), current_app.config["COUNCIL_NAME"])
