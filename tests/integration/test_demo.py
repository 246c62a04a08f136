"""The README's run command loads a demo council with members at every stage."""
from datetime import date

from app.certificates.status import Status, training_records
from app.extensions import db
from app.models import Person


def test_demo_load_gives_every_status_and_is_safe_to_run_again(app, runner):
    app.config["TODAY"] = date(2026, 11, 22)
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "councillor@example.gov.uk" in first.output and "corporate parent demo" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "Demo data already there." in second.output
    with app.app_context():
        assert db.session.query(Person).count() == 11
        statuses = {r.status for r in training_records(today=date(2026, 11, 22)).values()}
        tom = Person.by_email("tom.bright@example.gov.uk")
        overdue = training_records([tom.id], today=date(2026, 11, 22))[tom.id]
    assert statuses == set(Status)
    # Recorded face to face on 29 February 2024: due 28 February 2026, so overdue now.
    assert overdue.refresher_due == date(2026, 2, 28) and overdue.status is Status.OVERDUE


def test_demo_accounts_can_sign_in(app, runner, client, auth):
    runner.invoke(args=["demo", "load"])
    assert auth.sign_in("councillor@example.gov.uk", "corporate parent demo").status_code == 302
    auth.sign_out()
    assert auth.sign_in("officer@example.gov.uk", "corporate parent demo").headers["Location"].endswith("/officers/")
