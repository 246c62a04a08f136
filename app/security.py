"""Response headers, sessions and the signed-in person: security that applies to every request."""
from __future__ import annotations

import logging

from flask import Flask, request, session

from app.extensions import db, login_manager
from app.models import Person

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")


def init_app(app: Flask) -> None:
    # Flask-Limiter logs each breach with the client's address at INFO; auth logs its own line.
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_person(session_id: str) -> Person | None:
        person_id, _, version = session_id.partition(":")
        if not person_id.isdigit() or not version.isdigit():
            return None
        person = db.session.get(Person, int(person_id))
        # A changed session_version (password change, sign out everywhere) ends old sessions.
        if person is None or not person.active or person.session_version != int(version):
            return None
        return person

    @app.before_request
    def keep_session_alive():
        # The idle timeout runs from the last request, not from sign-in.
        session.permanent = True

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
