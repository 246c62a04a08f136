"""Response headers, sessions and the signed-in person: security that applies to every request."""
from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from flask import Flask, abort, current_app, g, has_request_context, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_login import user_logged_in
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer, base64_encode
from itsdangerous.url_safe import URLSafeSerializerMixin

from app import clock
from app.data import sign_in
from app.extensions import login_manager
from app.urls import allowed_hosts

if TYPE_CHECKING:
    from app.models import Person

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")


# Files and the health check: no session, so no new cookie on every image and probe (LOW, info).
QUIET_ENDPOINTS = {"static", "main.healthz"}


class UncompressedSerializer(URLSafeTimedSerializer):
    """Flask's session serializer without zlib: a session's few bytes hardly shrink, and the
    cookie is signed again on every request (the idle timeout runs from the last one). Cookies
    compressed before still load."""

    def dump_payload(self, obj) -> bytes:
        return base64_encode(super(URLSafeSerializerMixin, self).dump_payload(obj))


# The idle timeout counts from when the cookie was last signed, so a cookie signed again at most
# once a minute ends an idle session up to a minute early, never late; signing it on every
# request cost more than the rest of Flask's own work on a page.
COOKIE_RESIGN_SECONDS = 60


class SignedSession(SecureCookieSession):
    signed_at: int | None = None  # when the cookie it came from was signed; None for a new session


class QuietSessionInterface(SecureCookieSessionInterface):
    session_class = SignedSession
    _serializer: tuple[tuple, UncompressedSerializer, TimestampSigner] | None = None

    def open_session(self, app, request):
        s = self.get_signing_serializer(app)
        if s is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        try:
            data, signed_at = s.loads(cookie, max_age=int(app.permanent_session_lifetime.total_seconds()),
                                      return_timestamp=True)
        except BadSignature:
            return self.session_class()
        opened = self.session_class(data)
        opened.signed_at = int(signed_at.timestamp())
        return opened

    def should_set_cookie(self, app, session) -> bool:
        if has_request_context() and request.endpoint in QUIET_ENDPOINTS:
            return False
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or self._now(app) - signed_at >= COOKIE_RESIGN_SECONDS

    def _now(self, app) -> int:
        # The signer's own clock: the one the cookie's age is checked against.
        self.get_signing_serializer(app)
        assert self._serializer is not None  # the app has a secret key, or no session was opened
        return self._serializer[2].get_timestamp()

    def get_signing_serializer(self, app):
        # Kept while the keys stay the same, not built twice a request as Flask does.
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        if self._serializer is None or self._serializer[0] != keys:
            serializer = UncompressedSerializer(
                list(keys), salt=self.salt, serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method})
            self._serializer = (keys, serializer, serializer.make_signer(self.salt))
        return self._serializer[1]


# A form's token is Flask-WTF's: the session's secret, signed with a timestamp. Signing it again on
# every page cost more than the page's own queries, so each session's signed token is reused for
# a minute. It stays valid for WTF_CSRF_TIME_LIMIT from when it was signed: a page left open that
# long loses at most that minute.
CSRF_RESIGN_SECONDS = 60
MOST_SIGNED_TOKENS_KEPT = 10_000
_signed_tokens: dict[tuple, tuple[float, str]] = {}


def _token_key(secret: str) -> tuple:
    return current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, secret


def reuse_signed_form_token() -> None:
    secret = session.get("csrf_token")
    if secret:
        kept = _signed_tokens.get(_token_key(secret))
        if kept is not None and 0 <= time.monotonic() - kept[0] < CSRF_RESIGN_SECONDS:
            g.csrf_token = kept[1]  # where Flask-WTF looks first, for every form on the page
            g.form_token_reused = True


def keep_signed_form_token(response):
    token, secret = g.get("csrf_token"), session.get("csrf_token")
    if token and secret and not g.get("form_token_reused") and _signed_for(token, secret):
        if len(_signed_tokens) >= MOST_SIGNED_TOKENS_KEPT:
            _signed_tokens.clear()
        _signed_tokens[_token_key(secret)] = (time.monotonic(), token)
    return response


def _signed_for(token: str, secret: str) -> bool:
    # Signing in or out gives the session a new secret part-way through a request: a token is
    # kept only for the secret it was signed from (checked once a minute, not on every page).
    try:
        return URLSafeTimedSerializer(_token_key(secret)[0], salt="wtf-csrf-token").loads(token) == secret
    except BadSignature:
        return False


def load_person(session_id: str) -> Person | None:
    person_id, _, version = session_id.partition(":")
    if not person_id.isdecimal() or not version.isdecimal():
        return None
    person = sign_in.signed_in_person(int(person_id))
    # A changed session_version (password change, sign out everywhere) ends old sessions.
    if person is None or not person.active or person.session_version != int(version):
        return None
    # However active, a session ends SESSION_MAX_HOURS after signing in (LOW-13).
    signed_in_at = session.get("signed_in_at")
    max_age = current_app.config["SESSION_MAX_HOURS"] * 3600
    if not isinstance(signed_in_at, int) or clock.timestamp() - signed_in_at > max_age:
        return None
    return person


def check_limits_on_limited_routes_only(app: Flask, limiter) -> None:
    """Flask-Limiter looks for app-wide limits before every request. Every limit here is on a
    route, and the route's decorator checks it, so with no app-wide, default, blueprint or meta
    limit that look found nothing, at a cost on every page; it is kept whenever there is one."""
    manager = limiter.limit_manager
    if manager.application_limits or manager.default_limits or manager._blueprint_limits \
            or limiter._meta_limits:
        return
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)


def init_app(app: Flask) -> None:
    # Flask-Limiter logs each breach with the client's address at INFO; auth logs its own line.
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    login_manager.user_loader(load_person)

    @user_logged_in.connect_via(app)
    def remember_when_signed_in(sender, user, **extra):
        # Every way of signing in starts the absolute lifetime (security review, LOW-13).
        session["signed_in_at"] = clock.timestamp()

    hosts = allowed_hosts(app.config)

    @app.before_request
    def refuse_foreign_hosts():
        # Links are built from BASE_URL, and a request naming another host is refused outright.
        # /healthz answers any host, so a load balancer can probe a process by its address.
        if hosts and request.path != "/healthz" and (request.host.rsplit(":", 1)[0].strip("[]").lower()
                                                      not in hosts):
            abort(400)

    @app.before_request
    def keep_session_alive():
        # The idle timeout runs from the last request, not from sign-in.
        if request.endpoint not in QUIET_ENDPOINTS and not session.permanent:
            session.permanent = True  # setting it marks the session changed: only when it was not

    app.session_interface = QuietSessionInterface()
    app.before_request(reuse_signed_form_token)
    app.after_request(keep_signed_form_token)

    every_response = [("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                      ("X-Frame-Options", "DENY"), ("Referrer-Policy", "strict-origin-when-cross-origin"),
                      ("Permissions-Policy", "camera=(), microphone=(), geolocation=()")]
    if app.config.get("SESSION_COOKIE_SECURE"):
        every_response.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))

    @app.after_request
    def security_headers(response):
        # One pass over the headers a view set itself (each setdefault scanned them all again).
        present = {name.lower() for name, _ in response.headers.items()}
        for name, value in every_response:
            if name.lower() not in present:
                response.headers.add(name, value)
        if request.endpoint != "static" and "cache-control" not in present:
            # Pages carry personal training records: never keep them in shared caches.
            response.headers["Cache-Control"] = "no-store"
        return response
