"""Command-line tasks, grouped by area: flask content ..., flask demo ..."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.content.course import build_course

content_cli = AppGroup("content", help="Check the course content.")
demo_cli = AppGroup("demo", help="Demo data for trying the service.")

DEMO_COUNCILLOR = ("Councillor Alex Demo", "councillor@example.gov.uk")
DEMO_OFFICER = ("Sam Officer", "officer@example.gov.uk")
DEMO_PASSWORD = "corporate parent demo"


@content_cli.command("check", with_appcontext=False)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The folder holding content/, quizzes/ and scenarios/ (default: the repository).")
def check(root: Path | None) -> None:
    """Validate every module, quiz and scenario; print path:line: message for each problem."""
    from config import BASE_DIR

    root = (root or BASE_DIR).resolve()
    course, problems = build_course(root)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) in the content under {root}", err=True)
        sys.exit(1)
    bank = course.question_bank
    click.echo(f"Content is valid: {len(course.modules)} modules, {len(bank.questions)} questions, "
               f"{len(course.scenarios)} scenarios, {len(course.checklists)} checklists.")


@demo_cli.command("load")
def load_demo() -> None:
    """Create a demo councillor and officer if they are not there yet, and print how to sign in."""
    from app.auth.passwords import hash_password
    from app.extensions import db
    from app.models import Councillor, Officer, Person

    created = []
    for cls, (name, email), extra in ((Councillor, DEMO_COUNCILLOR, {"ward": "Riverside", "party": "Independent"}),
                                      (Officer, DEMO_OFFICER, {})):
        if Person.by_email(email) is None:
            db.session.add(cls(name=name, email=email, password_hash=hash_password(DEMO_PASSWORD), **extra))
            created.append(email)
    db.session.commit()
    click.echo("Demo accounts " + ("created" if created else "already there") + ":")
    click.echo(f"  councillor: {DEMO_COUNCILLOR[1]}  password: {DEMO_PASSWORD}")
    click.echo(f"  officer:    {DEMO_OFFICER[1]}  password: {DEMO_PASSWORD}")


def init_app(app: Flask) -> None:
    app.cli.add_command(content_cli)
    app.cli.add_command(demo_cli)
