"""Response headers, sessions and the signed-in person: security that applies to every request."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import Flask, abort, current_app, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import user_logged_in
from itsdangerous import URLSafeTimedSerializer, base64_encode
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


class QuietSessionInterface(SecureCookieSessionInterface):
    _serializer: tuple[tuple, UncompressedSerializer] | None = None

    def should_set_cookie(self, app, session) -> bool:
        if has_request_context() and request.endpoint in QUIET_ENDPOINTS:
            return False
        return super().should_set_cookie(app, session)

    def get_signing_serializer(self, app):
        # Kept while the keys stay the same, not built twice a request as Flask does.
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        if self._serializer is None or self._serializer[0] != keys:
            self._serializer = (keys, UncompressedSerializer(
                list(keys), salt=self.salt, serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method}))
        return self._serializer[1]


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
        if request.endpoint not in QUIET_ENDPOINTS:
            session.permanent = True

    app.session_interface = QuietSessionInterface()

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static" and "Cache-Control" not in response.headers:
            # Pages carry personal training records: never keep them in shared caches.
            response.headers["Cache-Control"] = "no-store"
        return response
