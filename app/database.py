"""Engine settings that keep SQLite safe with several processes and writers."""
from __future__ import annotations

import logging
import os
import re
import threading

from flask import Flask, has_request_context, request
from sqlalchemy import event

from app.extensions import db


# Statements that only read. WITH is here for the completion report's one statement (a common
# table expression read several ways); nothing in the app writes through a WITH.
_READ = re.compile(r"\s*(SELECT|PRAGMA|WITH)\b", re.I)


BUSY_SECONDS = 10
# One writer at a time in each process. SQLite lets one connection write at a time anyway; a
# writer that finds the lock taken sleeps in SQLite's busy handler for growing intervals (up to
# 100 ms), so with a dozen threads waiting the lock often sits free while they sleep. Threads of
# one process queue here instead and each goes the moment the last one finishes; only one per
# process then waits in SQLite's handler, behind another process's writer.
_writer_turn = threading.Lock()


def _take_writer_turn(info: dict) -> None:
    if not info.get("writer_turn") and _writer_turn.acquire(timeout=BUSY_SECONDS):
        info["writer_turn"] = True  # if the wait timed out, SQLite's own busy wait decides


def _end_writer_turn(info: dict) -> None:
    if info.pop("writer_turn", False):
        _writer_turn.release()


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
        # Straight to the driver, as before_write does: through SQLAlchemy the BEGIN cost as much
        # as the page's own first query, and nothing listens for it.
        connection.info["deferred_transaction"] = False
        dbapi_connection = connection.connection.dbapi_connection
        if _read_only_request():
            dbapi_connection.execute("BEGIN")
            connection.info["deferred_transaction"] = True
        else:
            _take_writer_turn(connection.info)
            dbapi_connection.execute("BEGIN IMMEDIATE")

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
            _take_writer_turn(connection.info)
            dbapi_connection.execute("BEGIN IMMEDIATE")

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def on_end(connection):
        _end_writer_turn(connection.info)

    @event.listens_for(engine.pool, "checkin")
    def on_checkin(_dbapi_connection, record):
        # A connection handed back mid-transaction (an error) is rolled back by the pool, not
        # through the events above: its turn ends here.
        if record is not None:
            _end_writer_turn(record.info)


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
