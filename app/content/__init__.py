"""Course content: loaded and validated once, when the application starts.

A server (gunicorn, the tests' create_app) loads and checks the course in create_app, so a bad
file stops start-up naming its path and line. A `flask ...` command loads the course only when it
first needs it: `flask content check` then reports bad content instead of dying of it, and
commands such as `flask db upgrade` do not read the course at all.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup
from markupsafe import Markup

from app.content.course import Course, Module, load_course
from app.content.local import LocalFacts, LocalFile, local_facts, set_local_facts

__all__ = ["Course", "LocalFacts", "current_course", "init_app", "local_facts", "module_html",
           "set_local_facts"]


def built_by_flask_command() -> bool:
    context = click.get_current_context(silent=True)
    return context is not None and isinstance(context.find_root().command, FlaskGroup)


def init_app(app: Flask) -> None:
    root = Path(app.config["CONTENT_ROOT"])
    app.extensions["course"] = None
    if not built_by_flask_command():
        app.extensions["course"] = load_course(root, app.config["COUNCIL_NAME"])  # raises ContentInvalid
    # The council's own facts come from content/local.yaml until something else is set.
    set_local_facts(app, LocalFile(root / "content" / "local.yaml"))

    @app.context_processor
    def inject_course():
        return {"course": current_course()}


def current_course() -> Course:
    course = current_app.extensions["course"]
    if course is None:
        course = load_course(Path(current_app.config["CONTENT_ROOT"]), current_app.config["COUNCIL_NAME"])
        current_app.extensions["course"] = course
    return course


def module_html(module: Module) -> Markup:
    """The module as drawn now, with the council's facts as they are now."""
    return module.html(local_facts(), current_app.config["COUNCIL_NAME"])
