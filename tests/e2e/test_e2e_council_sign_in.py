"""A councillor signs in with their council account, in Chromium, through a real OpenID Connect
provider on 127.0.0.1: the sign-in page, the provider's page, and back to their training."""
from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.e2e.browser import REPO, Browser
from tests.e2e.conftest import _require_browser
from tests.e2e.live import QuietHandler
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from tests.smtp_server import free_port


@pytest.fixture(scope="module")
def provider():
    with Provider() as running:
        yield running


@pytest.fixture(scope="module")
def server_url(provider):
    _require_browser()
    from app import create_app
    from app.extensions import db
    from app.models import Councillor

    folder = tempfile.mkdtemp(prefix="e2e-sso-")
    port = free_port()
    # Links, and the address the provider sends the member back to, come from BASE_URL.
    app = create_app({"BASE_URL": f"http://127.0.0.1:{port}","SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'e2e.db'}",
                      "CONTENT_ROOT": str(REPO), "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False,
                      "OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID,
                      "OIDC_CLIENT_SECRET": CLIENT_SECRET})
    with app.app_context():
        db.create_all()
        # No password: this member has only ever signed in with their council account.
        db.session.add(Councillor(name="Councillor Sol Single", email="sol.single@example.gov.uk",
                                  password_hash=None, ward="Riverside"))
        db.session.commit()
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)


def test_a_councillor_signs_in_with_their_council_account(server_url, provider):
    provider.claims = {"sub": "sub-sol", "oid": "oid-sol", "email": "Sol.Single@example.gov.uk", "xms_edov": True}
    browser = Browser(server_url)
    try:
        browser.get("/sign-in")
        browser.click("a.govuk-button--start", "Sign in with your council account")
        assert browser.h1() == "Sign in to your account"  # the provider's own page
        browser.click("#idp-sign-in")
        assert browser.path.startswith("/my-training"), browser.text()
        assert browser.h1() != "Sign in" and "Sign in to your account" not in browser.text()
        assert provider.token_requests[-1]["code_verifier"]
    finally:
        browser.quit()
