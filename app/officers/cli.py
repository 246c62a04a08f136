"""Democratic services at the command line: flask members ..., flask report ..., flask reminders ..."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

members_cli = AppGroup("members", help="Councillors: import after an election, or sync from modern.gov.")
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


@members_cli.command("sync-moderngov")
@click.option("--url", default=None, help="The web service address, ending /mgWebService.asmx/GetCouncillorsByWard "
                                          "(default: the MODERNGOV_URL setting).")
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A GetCouncillorsByWard response saved to a file, when modern.gov cannot be reached.")
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@click.option("--use-home-email", "home_emails", multiple=True, metavar="COUNCILLORID",
              help="Use this councillor's home email, as they have no council email (repeat for each).")
def sync_moderngov(url: str | None, file: Path | None, dry_run: bool, home_emails: tuple[str, ...]) -> None:
    """Add, update and mark as leavers the councillors modern.gov lists: all or nothing."""
    from app.officers import moderngov

    the_plan, source = _moderngov_plan(url, file, home_emails)
    _echo_moderngov_preview(the_plan)
    counts = the_plan.counts() + (f", {the_plan.past_members_skipped} past member(s) not added"
                                  if the_plan.past_members_skipped else "")
    if dry_run:
        click.echo(f"Dry run: {counts}. Nothing was changed.")
        return
    if not the_plan.has_changes:
        click.echo(f"Nothing to change: {counts}.")
        return
    try:
        summary = moderngov.apply(the_plan, source=source)
    except moderngov.SyncFailed as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"Synced: {len(summary.added_ids)} added, {len(summary.updated_ids)} updated, "
               f"{len(summary.deactivated_ids)} deactivated, {len(summary.elections)} election(s) recorded.")


def _moderngov_plan(url: str | None, file: Path | None, home_emails: tuple[str, ...]):
    """The plan from the web service or a saved file, or exit with what was wrong."""
    from flask import current_app

    from app.officers import moderngov

    url = url or (None if file else current_app.config.get("MODERNGOV_URL"))
    if bool(url) == bool(file):
        click.echo("Give either --url or --file (or set MODERNGOV_URL).", err=True)
        sys.exit(2)
    try:
        if file:
            source, data = file.name, file.read_bytes()
        else:
            source, data = url, moderngov.fetch(url)
        the_plan = moderngov.plan(moderngov.read(data, source), confirmed_home_emails=set(home_emails))
    except moderngov.SyncFailed as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    for warning in the_plan.warnings:
        click.echo(f"warning: {warning}", err=True)
    for problem in the_plan.errors:
        click.echo(str(problem), err=True)
    if not the_plan.ok:
        click.echo(f"{len(the_plan.errors)} problem(s) in {source}: nothing was changed.", err=True)
        sys.exit(1)
    return the_plan, source


def _echo_moderngov_preview(the_plan) -> None:
    from app.officers import moderngov

    no_email = {r.councillor_id for r in the_plan.no_council_email}
    for add in the_plan.adds:
        note = f" [{moderngov.NO_COUNCIL_EMAIL}]" if add.record.councillor_id in no_email else ""
        if add.record.home_email and add.email == add.record.home_email:
            note = " [home email, as confirmed]"
        click.echo(f"add: {add.record.name} (councillorid {add.record.councillor_id}), {add.record.ward or 'no ward'}, "
                   f"roles: {', '.join(add.roles)}{note}")
    for change in the_plan.updates:
        note = f" [{moderngov.NO_COUNCIL_EMAIL}]" if change.record.councillor_id in no_email else ""
        click.echo(f"update: {change.record.name} (councillorid {change.record.councillor_id}, member "
                   f"#{change.member_id}): {'; '.join(change.describe())}{note}")
    for leaver in the_plan.leavers:
        click.echo(f"leaver: {leaver.record.name} (councillorid {leaver.record.councillor_id}, member "
                   f"#{leaver.member_id}): terms of office ended; will be deactivated, record kept")
    for held_on in the_plan.elections:
        click.echo(f"election: {held_on.isoformat()} will be recorded")
    for record in the_plan.no_council_email:
        if record.home_email:
            click.echo(f"{moderngov.NO_COUNCIL_EMAIL}: councillorid {record.councillor_id} has a home email; "
                       f"to use it, run again with --use-home-email {record.councillor_id}")

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
    if fmt == "csv":
        data = report.build_summary(filters, counts=False)
        rows = report.stream(data)
    else:  # the summary and the rows from one statement, so they count the same members
        data, rows = report.build_export(filters)
    with output.open("wb") as file:
        for chunk in exports.render(fmt, data, rows):
            file.write(chunk)
    audit.record("report.exported", None, format=fmt, rows=data.matched, via="command line",
                 **filters.audit_detail())
    db.session.commit()
    click.echo(f"Wrote {data.matched} member(s) to {output} ({fmt}).")


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
