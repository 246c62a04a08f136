"""Engine settings that keep SQLite safe with several processes and writers."""
from __future__ import annotations

import logging
import os
import re

from flask import Flask, has_request_context, request
from sqlalchemy import event

from app.extensions import db


# Statements that only read. WITH is here for the completion report's one statement (a common
# table expression read several ways); nothing in the app writes through a WITH.
_READ = re.compile(r"\s*(SELECT|PRAGMA|WITH)\b", re.I)


def _read_only_request() -> bool:
    return has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")


def _sqlite_engine_setup(engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin (see on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # Writers take the write lock at the start, so two writers queue on busy_timeout instead
        # of failing with "database is locked" when a read transaction tries to upgrade. Pages
        # (GET) only read: they begin deferred, so WAL lets every worker read at once instead of
        # queueing behind the one lock for the whole request.
        connection.info["deferred_transaction"] = False
        if _read_only_request():
            connection.exec_driver_sql("BEGIN")
            connection.info["deferred_transaction"] = True
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "before_cursor_execute")
    def before_write(connection, cursor, statement, parameters, context, executemany):
        # A page that does write after all (an audit entry, say) would fail at once if it
        # upgraded its read transaction while another worker writes; instead it swaps the read
        # transaction for an immediate one before its first write, which waits its turn. Its
        # earlier reads are then as fresh as PostgreSQL's READ COMMITTED would make them.
        if connection.info.get("deferred_transaction") and not _READ.match(statement):
            connection.info["deferred_transaction"] = False
            dbapi_connection = connection.connection.dbapi_connection
            dbapi_connection.execute("ROLLBACK")
            dbapi_connection.execute("BEGIN IMMEDIATE")


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _sqlite_engine_setup(engine)
            _owner_only(engine.url.database)


def _owner_only(database: str | None) -> None:
    # The database holds password hashes and personal data: only the service's user reads it
    # (security review, LOW-10). SQLite gives its -wal and -shm files the same permissions.
    if database and database != ":memory:" and os.path.isfile(database):
        try:
            os.chmod(database, 0o600)
        except OSError:  # not ours to change (a read-only mount): say so, carry on
            logging.getLogger(__name__).warning("could not make the database file private")
