"""The migrations build the schema from empty, on SQLite and PostgreSQL, and match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from app.extensions import db
from tests.conftest import REPO


def _fresh_app(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(REPO)})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    return app


def test_upgrade_from_empty_matches_the_models(database_url):
    app = _fresh_app(database_url)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"people", "module_reads", "outbox_messages", "alembic_version"} <= tables
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"the models and the migrations differ: {differences}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_a_script_migrates_the_app_as_a_server_builds_it(database_url):
    """bench/prepare builds the app as gunicorn does (no flask command, not testing), where
    Flask-Migrate is registered only when upgrade() first asks for it."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(REPO), "TESTING": False})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        assert {"people", "alembic_version"} <= set(inspect(db.engine).get_table_names())
        downgrade(revision="base")
        db.engine.dispose()


def test_changes_confirmations_move_out_of_the_audit_log(database_url):
    """A member who confirmed "what has changed" before 0004 is still counted as having done so."""
    app = _fresh_app(database_url)
    with app.app_context():
        upgrade(revision="0003_report_indexes")
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO people (id, kind, name, email, active, session_version, created_at, failed_sign_ins)"
                " VALUES (1, 'councillor', 'A', 'a@example.gov.uk', true, 1, '2026-01-01', 0),"
                " (2, 'councillor', 'B', 'b@example.gov.uk', true, 1, '2026-01-01', 0)")
            connection.exec_driver_sql(
                "INSERT INTO certificates (id, person_id, pathway_id, level, completed_on, refresher_due, code, how,"
                " issued_at) VALUES (7, 1, 'induction', 1, '2024-01-10', '2026-01-10', 'CODE1', 'online',"
                " '2024-01-10')")
            connection.exec_driver_sql(
                "INSERT INTO audit_events (actor_id, action, target_person_id, detail, at) VALUES"
                " (1, 'refresher.changes-acknowledged', 1, '{\"certificate_id\": 7}', '2026-02-01'),"
                " (1, 'refresher.changes-acknowledged', 1, '{\"certificate_id\": 7}', '2026-02-02'),"
                " (2, 'refresher.changes-acknowledged', 2, '{\"certificate_id\": 7}', '2026-02-03')")
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT person_id, certificate_id FROM changes_acknowledgements").all()
        # Once per certificate, and only for the certificate's own member.
        assert [tuple(r) for r in rows] == [(1, 7)]
        downgrade(revision="base")
        db.engine.dispose()


def test_the_database_refuses_a_status_the_code_does_not_know(database_url):
    import pytest
    from sqlalchemy.exc import IntegrityError

    app = _fresh_app(database_url)
    with app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO people (id, kind, name, email, active, session_version, created_at, failed_sign_ins)"
                " VALUES (1, 'councillor', 'A', 'a@example.gov.uk', true, 1, '2026-01-01', 0)")
        insert = ("INSERT INTO quiz_attempts (person_id, quiz, status, layout, question_ids, answers, pass_mark,"
                  " started_at) VALUES (1, 'assessment', '{}', 'paged', '[]', '{{}}', 80, '2026-01-01')")
        with pytest.raises(IntegrityError):
            with db.engine.begin() as connection:
                connection.exec_driver_sql(insert.format("finished"))
        with db.engine.begin() as connection:
            connection.exec_driver_sql(insert.format("started"))
        # The one-open-attempt index survived the table rebuild on SQLite.
        with pytest.raises(IntegrityError):
            with db.engine.begin() as connection:
                connection.exec_driver_sql(insert.format("started"))
        downgrade(revision="base")
        db.engine.dispose()
