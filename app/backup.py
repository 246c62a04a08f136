"""Backing up and restoring the SQLite database with SQLite's online backup API.

A file copy of a live SQLite database in WAL mode can miss committed pages still in the -wal
file, or catch a page half-written; the backup API copies a consistent snapshot while the
application keeps running. PostgreSQL has its own tools (pg_dump, pg_restore): we print how to
use them rather than wrap them.
"""
from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import make_url

REQUIRED_TABLES = {"people", "outbox_messages", "alembic_version"}
REQUIRED_PEOPLE_COLUMNS = {"id", "kind", "name", "email", "password_hash", "session_version"}
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"


def known_revisions() -> set[str]:
    """The migration ids this version of the service knows (migrations/versions/*.py)."""
    revisions = set()
    for path in MIGRATIONS.glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("revision = "):
                revisions.add(line.split("=", 1)[1].strip().strip("'\""))
    return revisions


class BackupProblem(Exception):
    """Something the person running the command must fix; the message says what."""


class NotSQLite(BackupProblem):
    """The database is not SQLite: use the server's own tools (see postgresql_guidance)."""


def sqlite_path(database_uri: str) -> Path:
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite":
        raise NotSQLite(postgresql_guidance(database_uri))
    if url.database in (None, "", ":memory:"):
        raise BackupProblem("The database is in memory: there is nothing on disk to back up.")
    return Path(url.database)


def postgresql_guidance(database_uri: str) -> str:
    url = make_url(database_uri)
    # Never print the password: the person running this has it in DATABASE_URL already.
    shown = url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)
    return (
        f"This database is {url.get_backend_name()}, not SQLite: use the server's own tools.\n"
        "Back up (a consistent snapshot while the service runs):\n"
        '  pg_dump --format=custom --no-owner --file PATH "$DATABASE_URL"\n'
        "Restore (stop the service first; this replaces what is in the database):\n"
        '  pg_restore --clean --if-exists --no-owner --single-transaction --dbname "$DATABASE_URL" PATH\n'
        "Then run: flask --app app db upgrade\n"
        f"(DATABASE_URL is {shown}; with psycopg in the URL, drop '+psycopg' for the pg_ tools.)"
    )


def integrity_problems(path: Path) -> list[str]:
    """What PRAGMA integrity_check finds wrong with a database file, and whether it is ours."""
    if not path.is_file():
        return [f"{path} does not exist or is not a file."]
    try:
        # Read-only, so checking a file can never change it.
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in connection.execute("PRAGMA integrity_check")]
            tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        return [f"{path} is not a readable SQLite database ({exc})."]
    problems = [] if rows == ["ok"] else [f"integrity check: {r}" for r in rows[:10]]
    missing = REQUIRED_TABLES - tables
    if missing:
        problems.append(f"{path} is not a backup of this service (no {', '.join(sorted(missing))} table).")
    else:
        problems += _schema_problems(path)
    if foreign:
        problems.append(f"{len(foreign)} row(s) refer to rows that are not there (foreign key check).")
    return problems


def _schema_problems(path: Path) -> list[str]:
    """A foreign SQLite file with a people table was once restored over the live database
    (security review, LOW-10): the schema must be ours, at a migration this version knows."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        versions = [r[0] for r in connection.execute("SELECT version_num FROM alembic_version")]
        columns = {r[1] for r in connection.execute("PRAGMA table_info(people)")}
    finally:
        connection.close()
    problems = []
    if len(versions) != 1 or versions[0] not in known_revisions():
        problems.append(f"{path} is not at a database version this service knows "
                        f"({', '.join(versions) or 'none'}); it may be from another application or a newer release.")
    if not REQUIRED_PEOPLE_COLUMNS <= columns:
        problems.append(f"{path} is not a backup of this service (its people table has other columns).")
    return problems


def _private(path: Path) -> None:
    # Backups hold password hashes and personal data: readable by the service's user only.
    if path.exists():
        os.chmod(path, 0o600)


def _copy(source: Path, target: Path, standalone: bool = False) -> None:
    if standalone:
        target.touch(mode=0o600)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        # Pages in steps so that the application's writers are not held up for the whole copy.
        src.backup(dst, pages=1024)
        if standalone:
            # One self-contained file: no -wal or -shm beside the backup once it is checked.
            dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


def _remove_with_sidecars(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def create(database_uri: str, target: Path, overwrite: bool = False) -> Path:
    """Copy the live database to target with the backup API and check the copy."""
    source = sqlite_path(database_uri)
    if not source.is_file():
        raise BackupProblem(f"There is no database at {source} to back up.")
    target = Path(target)
    if target.exists() and not overwrite:
        raise BackupProblem(f"{target} already exists. Choose another file, or add --overwrite.")
    if target.resolve() == source.resolve():
        raise BackupProblem("The backup must go to a different file from the database itself.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    _remove_with_sidecars(partial)
    try:
        _copy(source, partial, standalone=True)
        problems = integrity_problems(partial)
        if problems:
            raise BackupProblem("The backup failed its check: " + "; ".join(problems))
        # Only a complete, checked copy ever carries the name asked for.
        os.replace(partial, target)
        _private(target)
    finally:
        _remove_with_sidecars(partial)
    return target


def in_use(database: Path) -> bool:
    """True if another connection is writing now (a best guess: idle connections do not show)."""
    if not database.exists():
        return False
    connection = sqlite3.connect(database, timeout=0.5, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        connection.close()


def restore(database_uri: str, backup: Path, keep_current: bool = True) -> Path | None:
    """Replace the database's contents with the backup's; return where the old contents went.

    The backup API writes into the live file under SQLite's own locks, so a process that still
    has it open sees either the old database or the restored one, never a mixture.
    """
    target = sqlite_path(database_uri)
    backup = Path(backup)
    problems = integrity_problems(backup)
    if problems:
        raise BackupProblem("Not restoring: " + "; ".join(problems))
    if backup.resolve() == target.resolve():
        raise BackupProblem("The backup and the database are the same file.")
    saved = None
    if keep_current and target.is_file():
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        saved = create(database_uri, target.with_name(f"{target.name}.before-restore-{stamp}"))
    _copy(backup, target)
    after = integrity_problems(target)
    if after:
        raise BackupProblem("The restored database failed its check: " + "; ".join(after)
                            + (f". The database as it was is in {saved}." if saved else ""))
    return saved
