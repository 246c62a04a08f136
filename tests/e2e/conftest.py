"""A live server and headless Chromium for the browser tests.

The server is the real application (CSRF on, the repository's content, built stylesheet) on a
temporary SQLite file, in a background thread on a free 127.0.0.1 port. Without Chromium the
tests skip, except in CI (CI=true), where a missing browser fails the run.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.smtp_server import free_port

from tests.e2e.browser import AXE, REPO, Browser, browser_missing
from tests.e2e.live import DEMO_PASSWORD, KEYBOARD, NO_JS, OFFICER, TOUR, LiveServer, QuietHandler


def _require_browser() -> None:
    why = browser_missing()
    if why is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and the browser tests cannot run: {why}", pytrace=False)
    pytest.skip(why)


@pytest.fixture(scope="session")
def live_server():
    _require_browser()
    for built, how in ((REPO / "app" / "static" / "dist" / "main.css", "bash scripts/setup"),
                       (AXE, "bash scripts/setup --dev (npm installs axe-core)")):
        if not built.exists():
            pytest.fail(f"{built.relative_to(REPO)} is missing: run {how}", pytrace=False)

    from app import create_app
    from app.auth.passwords import hash_password
    from app.extensions import db
    from app.models import Councillor, Officer

    folder = tempfile.mkdtemp(prefix="e2e-db-")
    port = free_port()
    app = create_app({
        "BASE_URL": f"http://127.0.0.1:{port}",  # other hosts are refused, and links are built from it
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'e2e.db'}",
        "CONTENT_ROOT": str(REPO),
        "WTF_CSRF_ENABLED": True,  # the browser fills in the real forms, tokens and all
        "RATELIMIT_ENABLED": False,
    })
    with app.app_context():
        db.create_all()
        password_hash = hash_password(DEMO_PASSWORD)
        for account in (KEYBOARD, NO_JS, TOUR):
            db.session.add(Councillor(name=account.name, email=account.email, password_hash=password_hash,
                                      ward="Riverside", party="Independent"))
        db.session.add(Officer(name=OFFICER.name, email=OFFICER.email, password_hash=password_hash))
        db.session.commit()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)


def _browser(live_server, **kwargs):
    browser = Browser(live_server.url, **kwargs)
    browser.account = None
    return browser


@pytest.fixture(scope="session")
def browser(live_server):
    """Chromium with JavaScript on."""
    browser = _browser(live_server)
    yield browser
    browser.quit()


@pytest.fixture(scope="session")
def browser_nojs(live_server):
    """Chromium with JavaScript turned off, as some councils' networks do."""
    browser = _browser(live_server, javascript=False)
    yield browser
    browser.quit()


