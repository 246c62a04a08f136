"""Command-line tasks, grouped by area: flask content ..., flask demo ..."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.certificates.cli import certificates_cli
from app.content.course import build_course

content_cli = AppGroup("content", help="Check the course content.")
demo_cli = AppGroup("demo", help="Demo data for trying the service.")
backup_cli = AppGroup("backup", help="Back up and restore the database.")
quizzes_cli = AppGroup("quizzes", help="Quiz records.")


@quizzes_cli.command("rebuild-statistics")
def rebuild_statistics() -> None:
    """Work out the officers' question statistics again from every submitted assessment."""
    from app.content import current_course
    from app.extensions import db
    from app.quizzes import statistics

    count = statistics.rebuild(current_course())
    db.session.commit()
    click.echo(f"Question statistics rebuilt from {count} submitted assessments.")



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
    """Add a demo councillor, a demo officer and a small demo council, if they are not there yet."""
    from app import demo

    added = demo.load()
    click.echo(f"Demo data: {len(added)} people added" if added else "Demo data already there.")
    click.echo("Sign in with:")
    click.echo(f"  councillor: {demo.DEMO_COUNCILLOR[1]}  password: {demo.DEMO_PASSWORD}")
    click.echo(f"  officer:    {demo.DEMO_OFFICER[1]}  password: {demo.DEMO_PASSWORD}")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace PATH if it exists.")
def backup_create(path: Path, overwrite: bool) -> None:
    """Copy the running database to PATH (SQLite's online backup API) and check the copy."""
    from flask import current_app

    from app import backup

    try:
        backup.create(current_app.config["SQLALCHEMY_DATABASE_URI"], path, overwrite=overwrite)
    except backup.BackupProblem as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(f"Backed up the database to {path} and checked it (PRAGMA integrity_check: ok).")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", "confirmed", is_flag=True,
              help="Confirm: replace everything in the database with the backup.")
def backup_restore(path: Path, confirmed: bool) -> None:
    """Replace the database with the backup at PATH, after checking the backup's integrity."""
    from flask import current_app

    from app import backup
    from app.extensions import db

    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        target = backup.sqlite_path(uri)
        problems = backup.integrity_problems(path)
    except backup.BackupProblem as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    if problems:
        click.echo("Not restoring: " + "; ".join(problems), err=True)
        sys.exit(2)
    if not confirmed:
        click.echo(f"This replaces everything in {target} with {path}. Stop the application, "
                   "then run this again with --yes.", err=True)
        sys.exit(1)
    db.engine.dispose()  # this process's own pooled connections must not hold the file
    if backup.in_use(target):
        click.echo("Warning: another process is writing to the database now. Stop the "
                   "application before restoring, or its next writes will follow the restore.",
                   err=True)
    try:
        saved = backup.restore(uri, path)
    except backup.BackupProblem as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    if saved:
        click.echo(f"The database as it was is saved in {saved}.")
    click.echo(f"Restored {target} from {path}. Run 'flask --app app db upgrade' if the backup "
               "is from an older version of the service.")


def init_app(app: Flask) -> None:
    app.cli.add_command(content_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(quizzes_cli)
