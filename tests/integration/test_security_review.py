"""Regression tests for the penetration test of November 2026 (../shared/reviews/
security-review-2026-11.md): one or more per finding, each failing on the commit tested."""
from __future__ import annotations

import importlib.util
import socket
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from app import create_app
from app.extensions import db
from app.models import OutboxMessage
from app.urls import external_url
from tests.integration.test_auth_security import fast_hashes  # noqa: F401 - a fixture
from tests.conftest import PASSWORD, REPO, last_email, link_in, make_councillor, make_officer

EMAIL = "pat.jones@example.gov.uk"


def _gunicorn_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", REPO / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _emails(app, to=None) -> int:
    with app.app_context():
        query = select(func.count()).select_from(OutboxMessage)
        if to:
            query = query.where(OutboxMessage.recipient == to)
        return db.session.scalar(query)


# --- HIGH-1: a malformed request or a database outage must not kill a worker --------------------

def _access_logger():
    """gunicorn.conf.py's logger, writing access lines to stdout in the configured format."""
    from gunicorn.config import Config

    conf = _gunicorn_conf()
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", conf.access_log_format)
    return conf, cfg, conf.RedactingLogger(cfg)


def test_the_access_logger_writes_a_line_for_a_request_gunicorn_could_not_parse(capsys):
    """gunicorn's error path passes an environ with no PATH_INFO and no parsed request."""
    conf, _, logger = _access_logger()
    environ = {"wsgi.errors": None, "SERVER_SOFTWARE": "gunicorn", "RAW_URI": None,
               "REQUEST_METHOD": None, "SERVER_PROTOCOL": None}
    response = SimpleNamespace(status="400 Bad Request", sent=0, headers=[])
    logger.access(response, None, environ, timedelta(milliseconds=3))
    logger.access(response, None, {}, timedelta(milliseconds=3))
    assert '" 400 ' in capsys.readouterr().out
    assert conf.redact_path("/password-reset/abc.def") == "/password-reset/[redacted]"


def test_an_access_line_says_what_was_asked_and_answered_and_nothing_personal(capsys):
    _, cfg, logger = _access_logger()
    response = SimpleNamespace(status="200 OK", sent=43366, headers=[("Set-Cookie", "session=secret")])
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/password-reset/abc.def", "QUERY_STRING": "email=x",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.9", "HTTP_COOKIE": "session=secret"}
    logger.access(response, None, environ, timedelta(milliseconds=12))
    line = capsys.readouterr().out
    assert line.strip().endswith('"GET /password-reset/[redacted] HTTP/1.1" 200 43366 12ms')
    assert "203.0.113.9" not in line and "secret" not in line and "email=x" not in line
    # A format naming an atom we do not keep (the client's address, say) prints "-".
    cfg.set("access_log_format", '%(h)s "%(r)s" %(s)s')
    logger.access(response, None, environ, timedelta(milliseconds=12))
    assert capsys.readouterr().out.strip().endswith('- "GET /password-reset/[redacted] HTTP/1.1" 200')


MALFORMED = [
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
]


@pytest.mark.slow
def test_malformed_requests_get_an_answer_and_no_worker_dies(tmp_path):
    from bench import servers

    env = servers.app_environment(f"sqlite:///{tmp_path / 'h1.db'}", tmp_path)
    servers.prepare_database(env, 0)
    with servers.Server("app:create_app()", env, workers=2).start() as server:
        workers = sorted(server.worker_pids())
        for request in MALFORMED * 2:
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
                connection.sendall(request)
                answer = connection.recv(200)
            assert answer.startswith(b"HTTP/1.1 400"), (request, answer)
        time.sleep(1)
        assert sorted(server.worker_pids()) == workers, server.log_tail()
        assert "Exception in worker process" not in server.log_tail(200)


def _database_goes_away(app):
    def refuse(*args, **kwargs):
        raise OperationalError("connect", {}, Exception("the database server is restarting"))

    with app.app_context():
        db.engine.dispose()
        event.listen(db.engine, "do_connect", refuse)
    return lambda: event.remove(db.engine, "do_connect", refuse)


def test_the_error_page_is_drawn_while_the_database_is_down(app, client, auth, councillor):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the 500 handler answers
    assert auth.sign_in().status_code == 302
    comes_back = _database_goes_away(app)
    try:
        for path in ("/my-training", "/sign-in", "/no-such-page"):
            response = client.get(path)
            page = response.get_data(as_text=True)
            assert response.status_code == 500, path
            assert "Sorry, there is a problem with the service" in page
            assert "Test Borough Council" in page and "Sign out" not in page
    finally:
        with app.app_context():
            comes_back()


# --- HIGH-2: emailed links come from BASE_URL, never from the request's Host header -------------

def test_a_request_for_another_host_is_refused_and_sends_nothing(app, client, councillor):
    response = client.post("/password-reset", data={"email": EMAIL},
                           headers={"Host": "attacker.example"})
    assert response.status_code == 400
    assert _emails(app, EMAIL) == 0
    assert client.get("/sign-in", headers={"Host": "training.test:443"}).status_code == 200
    # A load balancer probes a process by its own address.
    assert client.get("/healthz", headers={"Host": "10.0.0.7:8000"}).status_code == 200


def test_reset_and_invitation_links_use_the_configured_address(app, client, councillor):
    app.config["TRUSTED_HOST_NAMES"] = []
    client.post("/password-reset", data={"email": EMAIL})
    assert last_email(app, EMAIL).body.count("http://training.test/password-reset/") == 1
    with app.test_request_context("/", base_url="https://attacker.example"):
        assert external_url("auth.accept_invitation", token="t") == "http://training.test/invitation/t"


def test_an_extra_trusted_host_is_answered_but_links_still_use_base_url(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(REPO),
                      "BASE_URL": "https://training.example.gov.uk/cpt",
                      "TRUSTED_HOST_NAMES": ["internal.example"]})
    assert app.config["SERVER_NAME"] == "training.example.gov.uk"
    assert app.config["APPLICATION_ROOT"] == "/cpt"
    with app.app_context():
        db.create_all()
        make_councillor(app)
        client = app.test_client()
        client.post("/password-reset", data={"email": EMAIL}, base_url="http://internal.example")
        body = last_email(app, EMAIL).body
        assert "https://training.example.gov.uk/cpt/password-reset/" in body
        assert "internal.example" not in body
        db.drop_all()


def _production(monkeypatch, **env):
    import importlib

    import config

    defaults = {"APP_CONFIG": "production", "SECRET_KEY": "3b9f0c61d2a4e875" * 4, "BASE_URL": "https://t.example.gov.uk",
                "MAIL_TRANSPORT": "smtp", "MAIL_SERVER": "smtp.example.gov.uk"}
    for key, value in {**defaults, **env}.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    return importlib.reload(config)


@pytest.fixture
def restore_config(monkeypatch):
    yield
    import importlib

    import config

    monkeypatch.undo()
    importlib.reload(config)


def test_production_refuses_to_start_without_a_public_address(monkeypatch, restore_config):
    _production(monkeypatch).config_class().check()  # all set: it starts
    with pytest.raises(RuntimeError, match="BASE_URL is not set"):
        _production(monkeypatch, BASE_URL=None).config_class().check()
    with pytest.raises(RuntimeError, match="https"):
        _production(monkeypatch, BASE_URL="http://t.example.gov.uk").config_class().check()


# --- MEDIUM-1 (a): production never shows live links in an outbox ------------------------------

def test_production_refuses_to_start_without_a_mail_transport(monkeypatch, restore_config):
    with pytest.raises(RuntimeError, match="MAIL_TRANSPORT"):
        _production(monkeypatch, MAIL_TRANSPORT=None, MAIL_SERVER=None).config_class().check()
    with pytest.raises(RuntimeError, match="MAIL_TRANSPORT"):
        _production(monkeypatch, MAIL_TRANSPORT="outbox").config_class().check()


# --- LOW-8: production refuses a weak SECRET_KEY ------------------------------------------------

@pytest.mark.parametrize("key", ["a", "changeme", "secret", "x" * 40, "0123456789" * 2])
def test_production_refuses_a_short_or_known_secret_key(monkeypatch, restore_config, key):
    with pytest.raises(RuntimeError, match="SECRET_KEY is too weak"):
        _production(monkeypatch, SECRET_KEY=key).config_class().check()


class FakeSmtp:
    """smtplib.SMTP, recording what would have been sent."""

    sent: list = []

    def __init__(self, host, port, timeout=None):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self, context=None):
        pass

    def send_message(self, message):
        FakeSmtp.sent.append(message)


@pytest.fixture
def smtp_app(database_url, monkeypatch):
    import smtplib

    FakeSmtp.sent = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSmtp)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(REPO),
                      "MAIL_TRANSPORT": "smtp", "MAIL_SERVER": "smtp.example.gov.uk", "DEMO_MODE": False})
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_with_a_mail_server_the_outbox_is_closed_and_keeps_no_live_link(smtp_app):
    make_councillor(smtp_app)
    make_officer(smtp_app)
    client = smtp_app.test_client()
    client.post("/password-reset", data={"email": EMAIL})
    assert len(FakeSmtp.sent) == 1 and "/password-reset/" in FakeSmtp.sent[0].get_content()
    stored = last_email(smtp_app, EMAIL)
    assert stored.delivered_at is not None and "http" not in stored.body
    assert client.post("/sign-in", data={"email": "sam.officer@example.gov.uk",
                                         "password": PASSWORD}).status_code == 302
    assert client.get("/officers/outbox").status_code == 404


def test_reading_the_outbox_is_in_the_audit_log(app, client, officer):
    from app.models import AuditEvent

    client.post("/sign-in", data={"email": "sam.officer@example.gov.uk", "password": PASSWORD})
    assert client.get("/officers/outbox").status_code == 200
    with app.app_context():
        event_ = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "outbox.read")).one()
        assert event_.actor_id == officer


# --- MEDIUM-1 (b) and LOW-3: an email change tells the old address and kills its links -----------

def _officer_client(app):
    make_officer(app)
    client = app.test_client()
    assert client.post("/sign-in", data={"email": "sam.officer@example.gov.uk",
                                         "password": PASSWORD}).status_code == 302
    return client


def _edit_email(client, member_id, name, email):
    response = client.post(f"/officers/members/{member_id}/edit",
                           data={"name": name, "email": email, "roles": "member"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def test_correcting_an_email_tells_the_old_address_and_its_invitation_stops_working(app):
    officer = _officer_client(app)
    member_id = make_councillor(app, name="Wes Typo", email="wes.typo@example.gov.uk", password=None)
    assert officer.post(f"/officers/members/{member_id}/invite").status_code == 302
    stale_link = link_in(last_email(app, "wes.typo@example.gov.uk").body)
    _edit_email(officer, member_id, "Wes Typo", "wes.right@example.gov.uk")
    notice = last_email(app, "wes.typo@example.gov.uk")
    assert "changed the email address" in notice.body and "wes.right" not in notice.body
    stranger = app.test_client()
    assert stranger.get(stale_link).status_code == 400
    taken = stranger.post(stale_link, data={"password": "a stranger's own passphrase",
                                            "confirm": "a stranger's own passphrase"})
    assert taken.status_code == 400
    assert stranger.post("/sign-in", data={"email": "wes.right@example.gov.uk",
                                           "password": "a stranger's own passphrase"}).status_code == 400


def test_a_link_sent_before_deactivation_dies_with_it(app):
    officer = _officer_client(app)
    member_id = make_councillor(app)
    app.test_client().post("/password-reset", data={"email": EMAIL})
    link = link_in(last_email(app, EMAIL).body)
    assert officer.post(f"/officers/members/{member_id}/deactivate").status_code == 302
    assert officer.post(f"/officers/members/{member_id}/reactivate").status_code == 302
    assert app.test_client().get(link).status_code == 400


# --- MEDIUM-3: erasure removes every email to the member, whatever address it went to -----------

def test_erasure_removes_emails_sent_to_an_earlier_address(app):
    from app.officers import erasure

    officer = _officer_client(app)
    member_id = make_councillor(app, name="Erin Erasable", email="erin.old@example.gov.uk", password=None)
    officer.post(f"/officers/members/{member_id}/invite")
    _edit_email(officer, member_id, "Erin Erasable", "erin.new@example.gov.uk")
    officer.post(f"/officers/members/{member_id}/invite")
    assert officer.post(f"/officers/members/{member_id}/erase", data={"confirm": "y"}).status_code == 302
    with app.app_context():
        bodies = db.session.scalars(select(OutboxMessage.body)).all()
        recipients = db.session.scalars(select(OutboxMessage.recipient)).all()
        assert not [b for b in bodies if "Erin" in b]
        assert not [r for r in recipients if r.startswith("erin.")]
        assert erasure.personal_data_left(member_id) == []


# --- MEDIUM-2: the reset and sign-in paths take the same time for known and unknown accounts ----

def _median_ms(samples):
    ordered = sorted(samples)
    return 1000 * ordered[len(ordered) // 2]


def _timings(client, path, known, unknown, password=None, rounds=60):
    """Interleaved POSTs for a known and an unknown address; each timed until the response has
    arrived (as a browser sees it), not until work after the response has finished."""
    import random

    times = {"known": [], "unknown": []}
    order = ["known", "unknown"] * rounds
    random.Random(13).shuffle(order)
    for n, which in enumerate(order):
        data = {"email": known if which == "known" else unknown}
        if password:
            data["password"] = password
        address = f"198.51.100.{n % 250 + 1}"  # a fresh address each time: limits are not tested here
        start = time.perf_counter()
        response = client.post(path, data=data, environ_base={"REMOTE_ADDR": address}, buffered=False)
        elapsed = time.perf_counter() - start
        response.close()  # the server closes the response: the email is written and sent now
        assert response.status_code in (200, 400)
        if n >= 10:  # warm-up
            times[which].append(elapsed)
    return _median_ms(times["known"]), _median_ms(times["unknown"])


def _same_time(known_ms, unknown_ms):
    # Equal within a millisecond or 15 per cent. Measured on a busy 2-core machine (medians of
    # 95 each): the reviewed commit took 31% longer to answer a reset for a known address and 64%
    # longer for a wrong password; after the fix the gaps were 7% and -4%.
    return abs(known_ms - unknown_ms) <= max(1.0, 0.15 * unknown_ms)


def _same_time_in_one_of_three(measure):
    """A leak shows in every measurement. This virtual machine's speed drifts by a quarter within
    seconds, which once put one measurement 24% apart in the middle of the full suite: a second
    and third measurement tell that from a leak."""
    seen = []
    for _ in range(3):
        known, unknown = measure()
        seen.append((round(known, 2), round(unknown, 2)))
        if _same_time(known, unknown):
            return seen
    raise AssertionError(f"known and unknown addresses answered at different speeds: {seen}")


@pytest.mark.slow
def test_a_reset_request_takes_the_same_time_for_a_known_and_an_unknown_address(app, client, councillor):
    seen = _same_time_in_one_of_three(
        lambda: _timings(client, "/password-reset", EMAIL, "nobody.here@example.gov.uk"))
    print(f"reset, known and unknown (ms): {seen}")
    assert _emails(app, EMAIL) >= 1  # the known address was sent its email, after the response


@pytest.mark.slow
def test_a_wrong_password_takes_the_same_time_for_a_known_and_an_unknown_address(fast_hashes, app, client,  # noqa: F811
                                                                                councillor):
    seen = _same_time_in_one_of_three(
        lambda: _timings(client, "/sign-in", EMAIL, "nobody.here@example.gov.uk", password="not the password at all"))
    print(f"sign-in, known and unknown (ms): {seen}")


# --- LOW-1 and LOW-2: limits shared by every process, and no stranger can lock a member out ------

WRONG = "this is not the password"


def test_a_stranger_cannot_lock_a_member_out(app, client, councillor):
    attacker = {"REMOTE_ADDR": "203.0.113.66"}
    answers = [client.post("/sign-in", data={"email": EMAIL, "password": WRONG},
                           environ_base=attacker).status_code for _ in range(25)]
    assert answers[:10] == [400] * 10 and set(answers[10:]) == {429}
    # The member, from their own address, signs in as usual: nothing was locked.
    member = app.test_client()
    assert member.post("/sign-in", data={"email": EMAIL, "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": "192.0.2.10"}).status_code == 302
    assert _emails(app, EMAIL) == 0  # and their mailbox was not flooded with lock notices


def test_failures_from_one_address_are_counted_across_processes(tmp_path, councillor, app):
    """Two app objects on one database stand for two gunicorn workers without Redis."""
    from app.auth import throttle

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    workers = [create_app({"SQLALCHEMY_DATABASE_URI": url, "CONTENT_ROOT": str(REPO)}).test_client()
               for _ in range(2)]
    answers = []
    for n in range(throttle.FAILURES_PER_ADDRESS + 6):
        answers.append(workers[n % 2].post("/sign-in", data={"email": f"guess{n}@example.gov.uk", "password": WRONG},
                                           environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code)
    assert answers.count(400) == throttle.FAILURES_PER_ADDRESS and answers[-1] == 429


def test_reset_emails_to_one_member_are_limited(app, councillor):
    from app.auth import throttle

    for n in range(10):
        app.test_client().post("/password-reset", data={"email": EMAIL},
                               environ_base={"REMOTE_ADDR": f"203.0.113.{n + 1}"})
    assert _emails(app, EMAIL) == throttle.RESET_EMAILS_PER_ACCOUNT


def test_reset_requests_from_one_address_are_limited(app, client, councillor):
    from app.auth import throttle

    answers = [client.post("/password-reset", data={"email": f"x{n}@example.gov.uk"}).status_code
               for n in range(throttle.RESET_REQUESTS_PER_ADDRESS + 2)]
    assert answers[-1] == 429 and answers.count(200) == throttle.RESET_REQUESTS_PER_ADDRESS


# --- LOW-9: Redis down does not stop anyone signing in ------------------------------------------

def test_sign_in_works_while_redis_is_unreachable(database_url, caplog):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(REPO),
                      "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6390/0",
                      "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True, "RATELIMIT_SWALLOW_ERRORS": True})
    with app.app_context():
        db.drop_all()
        db.create_all()
    try:
        make_councillor(app)
        client = app.test_client()
        assert client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
        assert client.get("/verify/ABCDEFGHJKMN").status_code == 404
    finally:
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


# --- LOW-13 and the cookie on every response ----------------------------------------------------

def test_a_session_ends_after_its_absolute_lifetime_however_active(app, client, auth, councillor, monkeypatch):
    from app import clock

    start = clock.now()
    assert auth.sign_in().status_code == 302
    for hours in (1, 6, 11.9):
        monkeypatch.setattr(clock, "now", lambda h=hours: start + timedelta(hours=h))
        assert client.get("/my-training").status_code == 200
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(hours=12, minutes=1))
    assert client.get("/my-training").status_code == 302


def test_static_files_and_the_health_check_set_no_cookie(client, auth, councillor):
    auth.sign_in()
    for path in ("/static/dist/main.css", "/healthz"):
        response = client.get(path)
        assert "Set-Cookie" not in response.headers, path
    assert client.get("/my-training").status_code == 200  # still signed in


# --- LOW-5: bad input answers 4xx, never 500 ----------------------------------------------------

def test_a_carriage_return_in_next_is_ignored(app, client, councillor):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post("/sign-in?next=%2F%0D%0A%2F%2Fevil.example",
                           data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]


# --- MEDIUM-4 and LOW-12: names in any script, and long names, print whole on the page ---------

UNICODE_NAME = "Siân Ŵyn Ŷates-Łukasz Nguyễn محمد"


def _certificate(member: str) -> bytes:
    from datetime import date

    from app.certificates import pdf

    return pdf.render(pdf.CertificateText(
        council="Cyngor Sir Ddinbych", member=member, pathway="Induction (level 1)",
        completed_on=date(2026, 11, 2), refresher_due=date(2028, 11, 2), score_percent=90,
        code="ABCDEFGHJKMN", verify_url="http://training.test/verify/ABCDEFGHJKMN"))


def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_certificate_prints_welsh_polish_vietnamese_and_arabic_names():
    text = _pdf_text(_certificate(UNICODE_NAME))
    for word in ("Siân", "Ŵyn", "Ŷates-Łukasz", "Nguyễn"):
        assert word in text, (word, text)
    assert any("\u0600" <= c <= "\u06ff" or "\ufe70" <= c <= "\ufeff" for c in text), text
    assert "\u25a0" not in text


def test_the_action_plan_prints_any_script(app):
    from datetime import date

    from app.checklists.pdf import draw_action_plan
    from app.checklists.plan import ActionPlan

    data = draw_action_plan(ActionPlan(items=(), answered=0, total=3), council_name="Test Borough Council",
                            member_name=UNICODE_NAME, on=date(2026, 11, 28))
    assert "Ŷates-Łukasz Nguyễn" in _pdf_text(data)


def test_a_long_name_wraps_inside_the_page():
    from pypdf import PdfReader
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    import io

    name = ("Councillor " + "Wolstenholme-Fotheringham-Smythe " * 5 + "Ashworth-Blenkinsop").strip()
    chunks = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip() and font_dict:
            base = str(font_dict.get("/BaseFont", "")).lstrip("/").split("+")[-1]
            size = font_size * tm[0]
            chunks.append((tm[4] + cm[4], stringWidth(text, base, size), text))

    PdfReader(io.BytesIO(_certificate(name))).pages[0].extract_text(visitor_text=visit)
    assert chunks
    for x, width, text in chunks:
        assert 0 <= x and x + width <= A4[0], (x, width, text)
    assert "Ashworth-Blenkinsop" in "".join(t for _, _, t in chunks)


# --- MEDIUM-5: control characters never reach the database or break the Excel export -----------

def test_a_pasted_control_character_is_cleaned_and_the_export_works(app):
    import io

    from openpyxl import load_workbook

    officer = _officer_client(app)
    created = officer.post("/officers/members/new", data={
        "name": "Anne\x0bSmith (pasted from Word)", "email": "vt@example.gov.uk", "ward": "North\x00ern",
        "roles": "member"})
    assert created.status_code == 302
    with app.app_context():
        from app.models import Councillor

        member = db.session.scalars(select(Councillor).where(Councillor.email == "vt@example.gov.uk")).one()
        assert (member.name, member.ward) == ("Anne Smith (pasted from Word)", "Northern")
        member.party = "Ind\x01ependent"  # already stored before the fix, or by another way in
        db.session.commit()
    export = officer.get("/officers/report.xlsx?ward=%01")
    assert export.status_code == 200
    cells = [c.value for row in load_workbook(io.BytesIO(export.data)).worksheets[0].iter_rows() for c in row]
    assert "Independent" in cells and "Anne Smith (pasted from Word)" in cells


def test_an_import_with_control_characters_saves_them_cleaned(app):
    from tests.integration.test_import import confirm_from, upload

    officer = _officer_client(app)
    preview = upload(officer, "name,email\nCtrl\x01Name,ctrl@example.gov.uk\nNul\x00Name,nul@example.gov.uk\n")
    assert preview.status_code == 200
    done = officer.post("/officers/members/import",
                        data={"checked_file": confirm_from(preview.get_data(as_text=True))})
    assert done.status_code in (302, 303)
    with app.app_context():
        from app.models import Councillor

        assert sorted(db.session.scalars(select(Councillor.name))) == ["CtrlName", "NulName"]


# --- LOW-5: bad numbers and NUL bytes answer 4xx (or are cleaned), never 500 ---------------------

def test_superscript_digits_are_not_numbers(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    officer = _officer_client(app)
    for path in ("/officers/members?page=²", "/officers/report?page=²", "/officers/report?due_within=²",
                 "/officers/report.csv?due_within=²", "/officers/audit?page=²", "/officers/audit?person_id=²"):
        assert officer.get(path).status_code < 500, path
    assert officer.post("/officers/certificates/record", data={"member": "²"}).status_code < 500
    assert officer.post("/officers/elections", data={"induction_months": "³"}).status_code < 500


# --- LOW-6: an import too big to save in time is refused up front -------------------------------

def test_an_import_over_the_row_limit_is_refused_with_a_clear_message(app):
    from app.officers import importer
    from tests.integration.test_import import upload

    officer = _officer_client(app)
    rows = "".join(f"Member {n},m{n}@example.gov.uk\n" for n in range(importer.MAX_ROWS + 1))
    page = upload(officer, "name,email\n" + rows).get_data(as_text=True)
    assert f"more than {importer.MAX_ROWS:,} members" in page
    with app.app_context():
        from app.models import Councillor

        assert db.session.scalar(select(func.count()).select_from(Councillor)) == 0


def test_a_file_of_bad_rows_lists_a_readable_number_of_problems():
    from app.officers import importer

    parsed = importer.parse(("name,email\n" + "x,not-an-email\n" * 5000).encode())
    assert importer.MAX_PROBLEMS <= len(parsed.errors) <= importer.MAX_PROBLEMS + 1
    assert "more problems" in str(parsed.errors[-1])


# --- LOW-7: guessable passwords are refused ------------------------------------------------------

@pytest.mark.parametrize("password", ["123456789012", "qwertyuiopas", "iloveyou1234", "passwordpassword",
                                      "Password123!", "correct horse battery staple", "Test Borough Council",
                                      "corporate parent demo", "gracemoore12"])
def test_a_guessable_password_is_refused(app, password):
    from app.auth import passwords

    with app.app_context():
        assert passwords.problems_with(password, "grace.moore@example.gov.uk", "Grace Moore"), password


def test_a_strong_passphrase_is_accepted(app):
    from app.auth import passwords

    with app.app_context():
        assert passwords.problems_with("ceredigion lantern sheep harbour", "grace.moore@example.gov.uk",
                                       "Grace Moore") == []


# --- LOW-10: restore only this service's backups; backups private and alone ---------------------

def test_backups_are_private_and_leave_no_partial_files(app, runner, tmp_path):
    import stat

    from flask_migrate import stamp

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite backups; PostgreSQL uses pg_dump")
    with app.app_context():
        stamp()
    make_councillor(app)
    target = tmp_path / "backups" / "nightly.db"
    assert runner.invoke(args=["backup", "create", str(target)]).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["nightly.db"]
    assert runner.invoke(args=["backup", "restore", str(target), "--yes"]).exit_code == 0
    leftovers = [p.name for p in tmp_path.iterdir() if ".partial" in p.name]
    assert leftovers == []
    saved = [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]
    assert saved and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in saved)


def test_a_foreign_sqlite_file_is_not_restored(app, runner, tmp_path):
    import sqlite3

    from flask_migrate import stamp

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite backups; PostgreSQL uses pg_dump")
    with app.app_context():
        stamp()
    make_councillor(app)
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE people (id INTEGER PRIMARY KEY)")
    result = runner.invoke(args=["backup", "restore", str(foreign), "--yes"])
    assert result.exit_code != 0 and "not a backup of this service" in result.output
    newer = tmp_path / "newer.db"
    assert runner.invoke(args=["backup", "create", str(newer)]).exit_code == 0
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    result = runner.invoke(args=["backup", "restore", str(newer), "--yes"])
    assert result.exit_code != 0 and "version this service knows" in result.output
    assert app.test_client().post("/sign-in", data={"email": EMAIL, "password": PASSWORD}).status_code == 302


# --- The public verification page tells no more than the certificate does ----------------------

def _record_certificate(app, runner, completed_on):
    from app.models import Certificate

    result = runner.invoke(args=["certificates", "record", EMAIL, "--pathway", "induction",
                                 "--completed-on", completed_on])
    assert result.exit_code == 0, result.output
    with app.app_context():
        return db.session.scalars(select(Certificate.code)).one()


def test_the_verify_page_says_expired_not_overdue(app, runner, councillor):
    code = _record_certificate(app, runner, "2024-02-29")
    page = app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert ">Expired<" in page and "Overdue" not in page and "overdue" not in page


def test_the_verify_page_shows_nothing_for_an_erased_member(app, runner, councillor):
    from app.models import Councillor
    from app.officers import erasure

    code = _record_certificate(app, runner, "2026-10-01")
    with app.app_context():
        erasure.erase(db.session.get(Councillor, councillor))
    response = app.test_client().get(f"/verify/{code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 410 and "Erased member" not in page and "genuine" not in page


def test_the_csv_export_names_its_charset_once(app):
    officer = _officer_client(app)
    assert officer.get("/officers/report.csv").headers["Content-Type"] == "text/csv; charset=utf-8"


# --- LOW-11: a few idle connections cannot freeze the service -----------------------------------

@pytest.mark.slow
def test_idle_connections_do_not_stop_other_requests(tmp_path):
    import urllib.request

    from bench import servers

    env = servers.app_environment(f"sqlite:///{tmp_path / 'idle.db'}", tmp_path)
    servers.prepare_database(env, 0)
    with servers.Server("app:create_app()", env, workers=2).start() as server:
        idle = []
        # The review's case: three connections, each half-way through sending its request, froze
        # two sync workers. Threads give headroom; a buffering proxy in front is still needed
        # against many (SECURITY.md).
        for _ in range(3):
            connection = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            idle.append(connection)
        try:
            start = time.monotonic()
            with urllib.request.urlopen(server.base + "/healthz", timeout=5) as response:
                assert response.status == 200
            assert time.monotonic() - start < 2
        finally:
            for connection in idle:
                connection.close()


# --- LOW-4: a failed statement's values stay out of the logs -------------------------------------

def test_a_database_error_does_not_carry_personal_data(app, councillor):
    from sqlalchemy.exc import IntegrityError

    from app.models import Councillor

    with app.app_context():
        db.session.add(Councillor(name="Philippa Quixote-Secret", email=EMAIL, password_hash="$argon2id$secret"))
        with pytest.raises(IntegrityError) as caught:
            db.session.commit()
        db.session.rollback()
    message = str(caught.value)
    assert "[parameters:" not in message and "Quixote" not in message.split("DETAIL")[0]
    # PostgreSQL quotes the row back in its DETAIL; the log drops that too.
    import logging

    from app import NoDatabaseDetail

    record = logging.LogRecord("app", logging.ERROR, __file__, 1, "failed", None,
                               (type(caught.value), caught.value, caught.value.__traceback__))
    NoDatabaseDetail().filter(record)
    assert EMAIL not in record.exc_text and "Quixote" not in record.exc_text and "argon2" not in record.exc_text
