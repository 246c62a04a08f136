"""flask certificates ...: record face-to-face completions from the command line."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from app.certificates.dates import long_date, parse_iso

certificates_cli = AppGroup("certificates", help="Certificates and face-to-face training sessions.")


@certificates_cli.command("record")
@click.argument("email")
@click.option("--pathway", "pathway_id", required=True, help="The pathway the session covered, e.g. induction.")
@click.option("--completed-on", "completed_on", required=True, help="The date of the session, YYYY-MM-DD.")
@click.option("--recorded-by", "recorded_by", default=None,
              help="The email address of the officer recording it (for the audit log).")
def record(email: str, pathway_id: str, completed_on: str, recorded_by: str | None) -> None:
    """Record that the councillor with EMAIL completed a pathway at a face-to-face session."""
    from app.certificates import issuing
    from app.certificates.codes import display
    from app.data import members as members_data

    try:
        when = parse_iso(completed_on)
    except ValueError as exc:
        click.echo(f"Error: --completed-on: {exc}", err=True)
        sys.exit(2)
    officer_id = None
    if recorded_by:
        officer = members_data.person_by_email(recorded_by)
        if officer is None or not officer.is_officer:
            click.echo(f"Error: --recorded-by: there is no officer with the email address {recorded_by!r}", err=True)
            sys.exit(2)
        officer_id = officer.id
    try:
        certificate, created = issuing.record_face_to_face(email, pathway_id, when, officer_id)
    except issuing.CertificateError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(2)
    click.echo(f"{'Recorded' if created else 'Already recorded'}: {certificate.pathway_id} "
               f"(level {certificate.level}) completed on {long_date(certificate.completed_on)}, "
               f"certificate {display(certificate.code)}, refresher due by {long_date(certificate.refresher_due)}.")

