"""Protections every request relies on: headers, cookies, CSRF and rate limits."""
import importlib
import re
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db, limiter
from config import ProductionConfig
from tests.conftest import PASSWORD, REPO, make_councillor, make_officer

TEMPLATES = REPO / "app" / "templates"


def production_settings() -> dict:
    """ProductionConfig's settings, minus the ones a test must supply itself."""
    skip = {"SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS", "SECRET_KEY", "TESTING",
            "RATELIMIT_STORAGE_URI", "RATELIMIT_ENABLED", "MAIL_SERVER", "CONTENT_ROOT"}
    return {k: getattr(ProductionConfig, k) for k in dir(ProductionConfig) if k.isupper() and k not in skip}


@pytest.fixture
def production_app(database_url):
    app = create_app({**production_settings(), "SQLALCHEMY_DATABASE_URI": database_url,
                      "CONTENT_ROOT": str(REPO)})
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


# --- headers -----------------------------------------------------------------------------------

def _check_headers(response):
    csp = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert csp["default-src"] == "'self'" and csp["base-uri"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] in ("strict-origin-when-cross-origin", "no-referrer",
                                                   "same-origin", "strict-origin")


def test_every_kind_of_response_carries_the_security_headers(client):
    for path, status in (("/sign-in", 200), ("/no-such-page", 404), ("/healthz", 200),
                         ("/password-reset/not-a-token", 400)):
        response = client.get(path)
        assert response.status_code == status, path
        _check_headers(response)
        assert "Strict-Transport-Security" not in response.headers  # not over plain http in dev
    assert client.get("/sign-in").headers["Cache-Control"] == "no-store"


def test_production_adds_hsts_and_secure_cookies(production_app):
    assert production_app.config["SESSION_COOKIE_SECURE"] is True
    assert production_app.config["REMEMBER_COOKIE_SECURE"] is True
    assert production_app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production_app.config["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    make_councillor(production_app)
    client = production_app.test_client()
    response = client.get("/sign-in")
    _check_headers(response)
    hsts = response.headers["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= 31_536_000 and "includeSubDomains" in hsts
    signed_in = client.post("/sign-in", data={"email": "pat.jones@example.gov.uk", "password": PASSWORD})
    assert signed_in.status_code == 302
    cookie = signed_in.headers["Set-Cookie"]
    # __Host-: the browser keeps it only for this host over https, so no subdomain can set it.
    assert cookie.startswith("__Host-session=") and "Domain=" not in cookie and "Path=/" in cookie
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_development_cookies_are_httponly_and_samesite_but_not_secure(client, auth, councillor):
    cookie = auth.sign_in().headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_templates_have_no_inline_script_or_style():
    """The CSP would block them anyway; this names the file so they get moved to a .js or .scss."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0) or not text[match.end():].lstrip().startswith("</script>"):
                offenders.append(f"{path.relative_to(REPO)}: inline <script>")
        if re.search(r"\sstyle\s*=", text) or "<style" in text:
            offenders.append(f"{path.relative_to(REPO)}: inline style")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.relative_to(REPO)}: inline event handler")
    assert offenders == []


# --- CSRF --------------------------------------------------------------------------------------

def _snapshot() -> dict:
    return {table.name: sorted(map(tuple, db.session.execute(select(table)).all()), key=repr)
            for table in db.metadata.sorted_tables}


def _post_routes(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            yield rule


@pytest.mark.parametrize("who", ["councillor", "officer"])
def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(app, who):
    from tests.integration.test_access import _url

    app.config["WTF_CSRF_ENABLED"] = True
    person_id = make_councillor(app) if who == "councillor" else make_officer(app)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{person_id}:1"
        session["_fresh"] = True
        session["signed_in_at"] = int(time.time())  # the absolute lifetime starts at sign-in
    assert client.get("/my-training").status_code == 200  # signed in
    with app.app_context():
        before = _snapshot()
    posted = []
    for rule in _post_routes(app):
        url = _url(rule)
        response = client.post(url, data={"confirm": "yes", "answer": "a", "email": "x@example.gov.uk"})
        assert response.status_code == 400, f"POST {rule.rule} as {who}: {response.status_code}"
        assert "The form had expired" in response.get_data(as_text=True), rule.rule
        posted.append(rule.rule)
    with app.app_context():
        assert _snapshot() == before
    assert "/sign-out" in posted and "/sign-in" in posted and len(posted) >= 5
    assert client.get("/my-training").status_code == 200  # the refused sign-out did not sign out


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    return found.group(1) or found.group(2)


def test_a_form_token_is_signed_again_each_minute_and_every_one_still_works(app, councillor, monkeypatch):
    from app import security
    clock = [5000.0]
    monkeypatch.setattr(security.time, "monotonic", lambda: clock[0])
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    first = _token(client.get("/sign-in").get_data(as_text=True))
    time.sleep(1.1)  # a token signed again would differ: its timestamp is in whole seconds
    assert _token(client.get("/sign-in").get_data(as_text=True)) == first  # the same minute
    clock[0] += security.CSRF_RESIGN_SECONDS + 1
    later = _token(client.get("/sign-in").get_data(as_text=True))
    assert later != first
    other = app.test_client()  # another browser: its own secret, never this one's token
    assert _token(other.get("/sign-in").get_data(as_text=True)) not in (first, later)
    wrong = {"email": "pat.jones@example.gov.uk", "password": "not the password"}
    refused = other.post("/sign-in", data={**wrong, "csrf_token": first}).get_data(as_text=True)
    assert "The form had expired" in refused
    for token in (first, later):  # the form is checked, so its token was accepted
        page = client.post("/sign-in", data={**wrong, "csrf_token": token}).get_data(as_text=True)
        assert "The form had expired" not in page and "Enter" in page


def test_a_post_with_the_token_goes_through(app, councillor):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    token = token.group(1) or token.group(2)
    response = client.post("/sign-in", data={"email": "pat.jones@example.gov.uk", "password": PASSWORD,
                                             "csrf_token": token})
    assert response.status_code == 302


def test_no_view_is_exempt_from_csrf(app):
    assert not getattr(app.extensions["csrf"], "_exempt_views", set())
    assert not getattr(app.extensions["csrf"], "_exempt_blueprints", set())


# --- rate limits -------------------------------------------------------------------------------

def _limited_app(database_url, storage_uri="memory://"):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(REPO),
                      "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": storage_uri,
                      "SIGN_IN_RATE_LIMIT": "5 per minute"})
    with app.app_context():
        db.create_all()
    return app


def _burst(client, address, path="/sign-in", times=6):
    data = {"email": "someone@example.gov.uk", "password": "not the password at all"}
    return [client.post(path, data=data, environ_base={"REMOTE_ADDR": address}) for _ in range(times)]


def test_a_burst_of_sign_ins_from_one_address_gets_a_clear_429(database_url, caplog):
    caplog.set_level("DEBUG")
    app = _limited_app(database_url)
    client = app.test_client()
    responses = _burst(client, "10.0.0.1")
    assert [r.status_code for r in responses] == [400] * 5 + [429]
    page = responses[-1].get_data(as_text=True)
    assert "Too many attempts" in page and "Wait a minute" in page
    # Another address is not held up by the first one.
    assert _burst(client, "10.0.0.2", times=1)[0].status_code == 400
    # Password reset requests share the same per-address limit.
    assert [r.status_code for r in _burst(client, "10.0.0.3", "/password-reset")][-1] == 429
    # Logged, without the address (personal data).
    assert "rate limit reached endpoint=auth.sign_in" in caplog.text
    assert "10.0.0." not in caplog.text
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def test_an_app_wide_limit_is_still_checked_on_every_page(database_url):
    # The per-request look for app-wide limits is dropped only while there are none.
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(REPO),
                      "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
                      "RATELIMIT_APPLICATION": "3 per minute"})
    client = app.test_client()
    try:
        assert [client.get("/accessibility").status_code for _ in range(4)] == [200, 200, 200, 429]
    finally:
        limiter.limit_manager.set_application_limits([])  # the extension outlives this app
        with app.app_context():
            db.engine.dispose()


REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_server():
    redis = pytest.importorskip("redis")
    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server answers on 127.0.0.1:6379")
    yield server
    server.close()


def test_rate_limits_are_shared_through_redis_when_redis_url_is_set(monkeypatch, database_url, redis_server):
    from limits.storage import RedisStorage

    import config
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    try:
        assert importlib.reload(config).ProductionConfig.RATELIMIT_STORAGE_URI == REDIS_URL
    finally:
        monkeypatch.delenv("REDIS_URL")
        importlib.reload(config)
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    first = _limited_app(database_url, REDIS_URL)
    assert isinstance(limiter.storage, RedisStorage)
    try:
        statuses = [r.status_code for r in _burst(first.test_client(), address, times=5)]
        assert statuses == [400] * 5
        assert any(address in key.decode() for key in redis_server.scan_iter("*LIMIT*"))
        # A second process (here a second app on the same Redis) sees the same count.
        second = _limited_app(database_url, REDIS_URL)
        assert _burst(second.test_client(), address, times=1)[0].status_code == 429
    finally:
        for key in redis_server.scan_iter("*LIMIT*"):
            if address in key.decode():
                redis_server.delete(key)
        with first.app_context():
            db.drop_all()
            db.engine.dispose()


def test_security_md_describes_the_protections():
    text = (REPO / "SECURITY.md").read_text()
    for words in ("Reporting a problem", "argon2", "lock", "Content-Security-Policy", "CSRF",
                  "Out of scope", "backup"):
        assert words.lower() in text.lower(), words
    assert Path(REPO / "SECURITY.md").stat().st_size < 20_000
