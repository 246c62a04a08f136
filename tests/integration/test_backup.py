"""Backups with SQLite's online backup API, restores, and upgrades that keep every row."""
import sqlite3
from datetime import datetime

import pytest
from flask_migrate import stamp, upgrade
from sqlalchemy import func, select, text

from app import backup, create_app
from app.extensions import db
from app.models import ModuleRead, Person
from tests.conftest import REPO, make_councillor


def _names(app):
    with app.app_context():
        return sorted(db.session.scalars(select(Person.name)))


def _is_sqlite(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return False
    # Tables made by create_all: mark them as at the latest migration, as a real database is,
    # since a backup or restore checks it is this service's schema at a known version.
    with app.app_context():
        stamp()
    return True


def test_back_up_change_restore_and_the_data_is_back(app, runner, tmp_path):
    if not _is_sqlite(app):
        pytest.skip("PostgreSQL backups use pg_dump: see the next test")
    make_councillor(app, name="Councillor Before Backup", email="before@example.gov.uk")
    target = tmp_path / "backups" / "nightly.db"
    result = runner.invoke(args=["backup", "create", str(target)])
    assert result.exit_code == 0, result.output
    assert "integrity_check: ok" in result.output
    assert backup.integrity_problems(target) == []

    make_councillor(app, name="Councillor After Backup", email="after@example.gov.uk")
    with app.app_context():
        db.session.execute(text("UPDATE people SET name = 'Renamed' WHERE email = 'before@example.gov.uk'"))
        db.session.commit()
    assert _names(app) == ["Councillor After Backup", "Renamed"]

    refused = runner.invoke(args=["backup", "restore", str(target)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert _names(app) == ["Councillor After Backup", "Renamed"]  # nothing happened without --yes

    result = runner.invoke(args=["backup", "restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert _names(app) == ["Councillor Before Backup"]
    # What was there before the restore is kept, in case the wrong backup was chosen.
    saved = [p for p in (tmp_path).iterdir() if ".before-restore-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(saved) == 1
    with sqlite3.connect(saved[0]) as old:
        assert sorted(r[0] for r in old.execute("SELECT name FROM people")) == ["Councillor After Backup", "Renamed"]


def test_a_backup_is_taken_while_another_connection_writes(app, tmp_path):
    """The online backup sees committed rows still in the write-ahead log, which a file copy can miss."""
    if not _is_sqlite(app):
        pytest.skip("SQLite only")
    make_councillor(app)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    writer = sqlite3.connect(backup.sqlite_path(uri), isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("INSERT INTO people (kind, name, email, active, session_version, created_at, failed_sign_ins)"
                   " VALUES ('councillor', 'Councillor In The Log', 'wal@example.gov.uk', 1, 1, '2026-01-01', 0)")
    try:
        backup.create(uri, tmp_path / "copy.db")
    finally:
        writer.close()
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("SELECT count(*) FROM people").fetchone()[0] == 2


def test_backup_refuses_to_overwrite_and_restore_refuses_a_damaged_file(app, runner, tmp_path):
    if not _is_sqlite(app):
        pytest.skip("SQLite only")
    make_councillor(app)
    target = tmp_path / "b.db"
    assert runner.invoke(args=["backup", "create", str(target)]).exit_code == 0
    again = runner.invoke(args=["backup", "create", str(target)])
    assert again.exit_code != 0 and "already exists" in again.output
    assert runner.invoke(args=["backup", "create", str(target), "--overwrite"]).exit_code == 0

    damaged = tmp_path / "damaged.db"
    data = bytearray(target.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for page in range(1, len(data) // page_size):
        data[page * page_size] = 0x07  # not a valid b-tree page type: every table page is damaged
    damaged.write_bytes(bytes(data))
    result = runner.invoke(args=["backup", "restore", str(damaged), "--yes"])
    assert result.exit_code != 0 and "Not restoring" in result.output
    not_ours = tmp_path / "other.db"
    sqlite3.connect(not_ours).execute("CREATE TABLE x (y)").connection.close()
    result = runner.invoke(args=["backup", "restore", str(not_ours), "--yes"])
    assert result.exit_code != 0 and "not a backup of this service" in result.output
    missing = runner.invoke(args=["backup", "restore", str(tmp_path / "nope.db"), "--yes"])
    assert missing.exit_code != 0 and "does not exist" in missing.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Person)) == 1


def test_postgresql_gets_pg_dump_guidance_and_a_non_zero_exit(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://trainer:s3cret-pw@db.example/training",
                      "CONTENT_ROOT": str(REPO)})
    runner = app.test_cli_runner()
    for args in (["backup", "create", str(tmp_path / "x")], ["backup", "restore", str(tmp_path / "x"), "--yes"]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0
        assert "pg_dump" in result.output and "pg_restore" in result.output
        assert "s3cret-pw" not in result.output
    assert not (tmp_path / "x").exists()


# --- migrations keep the data -------------------------------------------------------------------

def test_upgrading_a_database_with_data_from_the_first_migration_loses_no_rows(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(REPO)})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(revision="0001_foundation")
        created = datetime(2025, 5, 1, 9, 30)
        with db.engine.begin() as connection:
            for i in range(1, 31):
                connection.execute(text(
                    "INSERT INTO people (id, kind, name, email, password_hash, active, session_version, "
                    "created_at, ward, party) VALUES (:id, :kind, :name, :email, :hash, :active, :version, "
                    ":created, :ward, :party)"),
                    {"id": i, "kind": "officer" if i == 30 else "councillor", "name": f"Person {i}",
                     "email": f"person{i}@example.gov.uk", "hash": f"$argon2id$fake{i}", "active": i != 7,
                     "version": i, "created": created, "ward": f"Ward {i}", "party": None})
                for module in ("principles", "education")[: 1 + i % 2]:
                    connection.execute(text(
                        "INSERT INTO module_reads (person_id, module_id, content_fingerprint, read_at) "
                        "VALUES (:p, :m, :f, :at)"), {"p": i, "m": module, "f": "f" * 64, "at": created})
            connection.execute(text("INSERT INTO outbox_messages (recipient, subject, body, created_at, "
                                    "sent_by_smtp) VALUES ('a@example.gov.uk', 's', 'b', :at, false)"),
                               {"at": created})
            if db.engine.dialect.name == "postgresql":
                connection.exec_driver_sql("SELECT setval('people_id_seq', 30)")
        upgrade()  # to head, through every later migration
        people = db.session.execute(select(Person.id, Person.kind, Person.name, Person.email, Person.active,
                                           Person.session_version, Person.password_hash)
                                    .order_by(Person.id)).all()
        assert len(people) == 30
        assert people[6] == (7, "councillor", "Person 7", "person7@example.gov.uk", False, 7, "$argon2id$fake7")
        assert people[29].kind == "officer"
        assert db.session.scalar(select(func.count()).select_from(ModuleRead)) == 45
        assert db.session.scalar(text("SELECT count(*) FROM outbox_messages")) == 1
        # New columns got their defaults, and the rows still belong together.
        assert set(db.session.scalars(select(Person.failed_sign_ins))) == {0}
        assert db.session.scalar(select(Person).where(Person.id == 3)).ward == "Ward 3"
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
        db.session.commit()  # end the read, which on SQLite holds the write lock
        # And the upgraded database takes new rows.
        new = make_councillor(app, name="Councillor After Upgrade", email="after.upgrade@example.gov.uk")
        assert new > 30
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()
