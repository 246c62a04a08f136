"""Settings read from the environment, and the protections every response carries."""
import importlib

import pytest

from app import create_app
from tests.conftest import PASSWORD, REPO


def _reload_config(monkeypatch, **env):
    for key, value in env.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    import config
    return importlib.reload(config)


def test_production_without_secret_key_refuses_to_start(monkeypatch):
    config = _reload_config(monkeypatch, APP_CONFIG="production", SECRET_KEY=None)
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        config.config_class().check()
    _reload_config(monkeypatch, APP_CONFIG=None)


def test_settings_come_from_the_environment(monkeypatch):
    config = _reload_config(monkeypatch, DATABASE_URL="postgres://u@db.example/x",
                            COUNCIL_NAME="Riverside Borough Council", REFRESHER_INTERVAL_MONTHS="12")
    assert config.Config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@db.example/x"
    assert config.Config.COUNCIL_NAME == "Riverside Borough Council"
    assert config.Config.REFRESHER_INTERVAL_MONTHS == 12
    monkeypatch.setenv("REFRESHER_INTERVAL_MONTHS", "two years")
    with pytest.raises(RuntimeError, match="REFRESHER_INTERVAL_MONTHS must be a whole number"):
        importlib.reload(config)
    _reload_config(monkeypatch, DATABASE_URL=None, COUNCIL_NAME=None, REFRESHER_INTERVAL_MONTHS=None)


def test_default_database_is_sqlite_in_instance(monkeypatch):
    config = _reload_config(monkeypatch, DATABASE_URL=None)
    assert config.Config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert config.Config.SQLALCHEMY_DATABASE_URI.endswith("instance/corporate_parenting.db")


def test_pages_carry_security_headers(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_council_name_is_in_the_header_and_no_crown(client):
    page = client.get("/").get_data(as_text=True)
    assert "Test Borough Council" in page
    assert "govuk-header__logotype" not in page and "crown" not in page.lower()
    assert 'class="govuk-skip-link"' in page and 'href="#main-content"' in page
    assert "Accessibility statement" in page and "Privacy notice" in page


def test_session_cookie_is_httponly_and_samesite(app, client, councillor):
    response = client.post("/sign-in", data={"email": "pat.jones@example.gov.uk", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_csrf_is_enforced_when_switched_on(database_url, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(REPO),
                      "WTF_CSRF_ENABLED": True})
    from app.extensions import db
    with app.app_context():
        db.create_all()
    client = app.test_client()
    response = client.post("/sign-in", data={"email": "a@example.gov.uk", "password": "x" * 12})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
