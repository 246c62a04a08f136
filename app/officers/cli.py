"""Democratic services at the command line: flask members ..., flask report ..., flask reminders ..."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

members_cli = AppGroup("members", help="Councillors: import after an election.")
report_cli = AppGroup("report", help="The completion report.")
reminders_cli = AppGroup("reminders", help="Refresher reminders (run daily from cron).")


@members_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and say what would change; import nothing.")
def import_members(file: Path, dry_run: bool) -> None:
    """Import councillors from a CSV file (name,email,ward,party,roles,elected_on)."""
    from app.officers import importer

    data = file.read_bytes()
    if len(data) > importer.MAX_BYTES:
        data = data[:importer.MAX_BYTES + 1]  # enough for parse() to say it is too large
    the_plan = importer.plan(importer.parse(data))
    for warning in the_plan.warnings:
        click.echo(f"warning: {warning}", err=True)
    for problem in the_plan.errors:
        click.echo(str(problem), err=True)
    if not the_plan.ok:
        click.echo(f"{len(the_plan.errors)} problem(s) in {file.name}: nothing was imported.", err=True)
        sys.exit(1)
    for row in the_plan.adds:
        click.echo(f"add: row {row.row}")
    for change in the_plan.updates:
        click.echo(f"update: row {change.row.row} (member #{change.member_id}): {', '.join(change.describe())}")
    counts = (f"{len(the_plan.adds)} to add, {len(the_plan.updates)} to update, "
              f"{len(the_plan.unchanged)} unchanged")
    if dry_run:
        click.echo(f"Dry run: {counts}. Nothing was imported.")
        return
    if not the_plan.has_changes:
        click.echo(f"Nothing to import: {counts}.")
        return
    try:
        summary = importer.apply(the_plan)
    except importer.ImportFailed as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"Imported: {len(summary.added_ids)} added, {len(summary.updated_ids)} updated.")


FORMATS = ("csv", "xlsx", "pdf")


@report_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
@click.option("--status", default="", help="not-started, in-progress, current, due-soon or overdue")
@click.option("--ward", default="")
@click.option("--party", default="")
@click.option("--role", default="", help="A role key, such as board or lead-member")
@click.option("--due-within", default="", help="Due (or overdue) within this many days")
@click.option("--sort", default="name")
@click.option("--direction", type=click.Choice(("asc", "desc")), default="asc")
def export_report(fmt: str, output: Path, status: str, ward: str, party: str, role: str,
                  due_within: str, sort: str, direction: str) -> None:
    """Write the completion report (filtered like the page) as CSV, Excel or PDF."""
    from app import audit
    from app.extensions import db
    from app.officers import exports, report

    filters, errors = report.parse_filters({"status": status, "ward": ward, "party": party,
                                            "role": role, "due_within": due_within, "sort": sort,
                                            "direction": direction})
    for _field, message in errors:
        click.echo(message, err=True)
    if errors:
        sys.exit(2)
    data = report.build(filters)
    output.write_bytes(exports.render(fmt, data))
    audit.record("report.exported", None, format=fmt, rows=len(data.rows), via="command line",
                 **filters.audit_detail())
    db.session.commit()
    click.echo(f"Wrote {len(data.rows)} member(s) to {output} ({fmt}).")


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send and record nothing.")
def send_reminders(dry_run: bool) -> None:
    """Email refresher reminders (60, 30 and 7 days before, then weekly when overdue) and the
    officers' weekly summary. Each is sent once: safe to run daily, and twice."""
    from app.officers import reminders

    outcome = reminders.run(dry_run=dry_run)
    for item in outcome.items:
        verb = "would send" if dry_run else "sent"
        click.echo(f"{verb}: {item.kind} to person #{item.person_id} ({item.step})")
    total = len(outcome.items)
    if dry_run:
        click.echo(f"Dry run: {total} reminder(s) would be sent. Nothing was sent or recorded.")
    else:
        click.echo(f"Sent {total} reminder(s); {outcome.skipped} already sent by another run.")


def register_commands(app: Flask) -> None:
    for group in (members_cli, report_cli, reminders_cli):
        app.cli.add_command(group)
