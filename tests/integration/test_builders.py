"""The record builders make rows the service reads as real ones."""
from datetime import date

from app.certificates.status import Status, training_record
from app.extensions import db
from app.vocabulary import AttemptStatus
from tests.builders import build_attempt, build_certificate, build_councillor, build_run


def test_built_records_count_as_training(app):
    with app.app_context():
        app.config["TODAY"] = date(2026, 11, 1)
        member = build_councillor(db.session, elected_on=date(2026, 5, 7))
        build_attempt(db.session, person_id=member.id, score_percent=90)
        build_attempt(db.session, person_id=member.id, status=AttemptStatus.STARTED)
        build_run(db.session, person_id=member.id)
        build_certificate(db.session, person_id=member.id, completed_on=date(2024, 2, 29))
        db.session.commit()
        record = training_record(member.id)
        # The certificate from 29 February 2024 fell due on 28 February 2026.
        assert record.status is Status.OVERDUE and record.due_by == date(2026, 2, 28)
