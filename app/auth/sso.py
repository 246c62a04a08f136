"""Sign in with the council's own account: OpenID Connect, with Microsoft Entra ID the case that matters.

Authlib does the protocol: discovery and the signing keys from OIDC_ISSUER, the authorization
code flow with PKCE (S256), state, and a nonce checked in the ID token with its signature,
issuer, audience and expiry. This module decides who the token is (identify()), and never
creates an account: democratic services add members.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, abort, current_app, redirect, render_template, request, session
from flask_login import current_user, login_user

from app import audit, clock
from app.auth import bp
from app.auth.access import public
from app.auth.forms import SignInForm
from app.auth.routes import home_for, safe_next
from app.urls import external_url
from app.data import sign_in as store

log = logging.getLogger(__name__)
CLIENT = "council"
NEXT_KEY = "sso_next"


def init_app(app: Flask) -> None:
    register_template_globals(app)
    issuer = app.config.get("OIDC_ISSUER")
    if not issuer:
        return
    if not app.config.get("OIDC_CLIENT_ID") or not app.config.get("OIDC_CLIENT_SECRET"):
        raise RuntimeError("OIDC_ISSUER is set, so OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set too.")
    # Authlib brings requests and cryptography: only a council that signs in this way loads them.
    from authlib.integrations.flask_client import OAuth

    oauth = OAuth(app)
    oauth.register(CLIENT, client_id=app.config["OIDC_CLIENT_ID"],
                   client_secret=app.config["OIDC_CLIENT_SECRET"],
                   server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
                   client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256",
                                  "timeout": 20})
    app.extensions["council_sign_in"] = oauth


def register_template_globals(app: Flask) -> None:
    app.jinja_env.globals["council_sign_in_enabled"] = lambda: "council_sign_in" in app.extensions


def enabled() -> bool:
    return "council_sign_in" in current_app.extensions


def allowed_domains() -> set[str]:
    raw = current_app.config.get("OIDC_ALLOWED_DOMAINS") or ""
    return {d.strip().lower().lstrip("@") for d in raw.replace(";", ",").split(",") if d.strip()}


# --- who the token is --------------------------------------------------------------------------

def _true(value) -> bool:
    return value is True or str(value).lower() in {"true", "1"}


def verified_email(claims: dict) -> str | None:
    """The email address the provider vouches for, lower-cased, or None.

    - email with email_verified (any OpenID provider) or xms_edov (Entra: the email's domain is
      one the tenant has verified). Entra's plain `email` claim can be typed in by a user, so
      without either it is not trusted.
    - otherwise Entra's `upn`, which only the tenant's administrators set, in its own domains;
      a guest's UPN (with #EXT#) is not theirs to vouch for.
    """
    email = claims.get("email")
    if isinstance(email, str) and email and (_true(claims.get("email_verified")) or _true(claims.get("xms_edov"))):
        return email.strip().lower()
    upn = claims.get("upn")
    if isinstance(upn, str) and "@" in upn and "#ext#" not in upn.lower():
        return upn.strip().lower()
    return None


def subject(claims: dict) -> str | None:
    """Entra's object id (the same in every app of the tenant) if given, else the token's sub."""
    value = claims.get("oid") or claims.get("sub")
    return str(value) if value else None


@dataclass(frozen=True)
class Outcome:
    person_id: int | None
    refusal: str | None = None
    first_time: bool = False
    reason: str = ""  # for the log and audit: never an email address


def refusal_message(email: str | None) -> str:
    council = current_app.config["COUNCIL_NAME"]
    who = f"the council account {email}" if email else "that council account"
    return (f"There is no account here for {who}. Ask democratic services at {council} to add you, "
            "using the email address of your council account.")


def identify(claims: dict) -> Outcome:
    """The person these verified claims belong to, or why they cannot sign in."""
    sub = subject(claims)
    email = verified_email(claims)
    if sub is None:
        return Outcome(None, "Your council account did not say who you are. Try again, or contact "
                             "democratic services.", reason="no subject")
    person = store.person_by_subject(sub)
    first_time = False
    if person is None:
        if email is None:
            return Outcome(None, refusal_message(None), reason="no verified email")
        domains = allowed_domains()
        if domains and email.rpartition("@")[2] not in domains:
            return Outcome(None, refusal_message(email), reason="domain not allowed")
        person = store.person_by_email(email)
        if person is None:
            return Outcome(None, refusal_message(email), reason="unknown email")
        if person.sso_subject is not None:
            # The address now belongs to a different council account than the one recorded.
            return Outcome(None, "This email address is linked to a different council account. Contact "
                                 "democratic services.", reason="subject mismatch")
        first_time = True
    if person.erased_at is not None or not person.active:
        return Outcome(None, "Your account here has been closed. If you are still a member, contact "
                             "democratic services.", reason="inactive")
    return Outcome(person.id, first_time=first_time, reason="ok")


# --- the routes ---------------------------------------------------------------------------------

@bp.route("/sign-in/council-account")
@public
def sso_start():
    if not enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    session[NEXT_KEY] = safe_next(request.args.get("next"))
    from authlib.integrations.base_client.errors import OAuthError  # loaded already by init_app

    client = current_app.extensions["council_sign_in"].create_client(CLIENT)
    try:
        return client.authorize_redirect(external_url("auth.sso_callback"))
    except (OAuthError, OSError, ValueError) as exc:
        log.error("council sign-in unavailable: %s", type(exc).__name__)
        return _refused("Signing in with your council account is not working at the moment. Use your "
                        "password, or try again later.", 503)


def _refused(message: str, status: int = 400):
    return render_template("auth/sign_in.html", form=SignInForm(formdata=None), failed=False,
                           sso_problem=message), status


@bp.route("/sign-in/council-account/callback")
@public
def sso_callback():
    if not enabled():
        abort(404)
    client = current_app.extensions["council_sign_in"].create_client(CLIENT)
    if request.args.get("error"):
        log.info("council sign-in: the provider returned an error")
        return _refused("Your council account did not sign you in. Try again, or use your password.")
    try:
        # Authlib checks the audience only through azp unless told to: check it, and the issuer, always.
        issuer = client.load_server_metadata()["issuer"]
        token = client.authorize_access_token(claims_options={
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": current_app.config["OIDC_CLIENT_ID"]}})
        if "userinfo" not in token:
            raise ValueError("no ID token")
        claims = dict(token["userinfo"])
    except Exception as exc:  # noqa: BLE001 - Authlib and its JOSE library raise many kinds; all mean 'refuse'
        # A replayed or forged state, a bad signature, the wrong audience, an expired token...
        log.warning("council sign-in refused: %s", type(exc).__name__)
        return _refused("We could not sign you in with your council account. Try again from the "
                        "sign-in page.")
    outcome = identify(claims)
    if outcome.person_id is None:
        log.info("council sign-in refused: %s", outcome.reason)
        audit.record("sign-in-refused", None, actor_id=None, method="council account", reason=outcome.reason)
        store.commit()
        return _refused(outcome.refusal, 403)
    person = store.person(outcome.person_id)
    next_url = session.get(NEXT_KEY)
    session.clear()
    session.permanent = True
    if outcome.first_time:
        person.sso_subject = subject(claims)
    login_user(person)
    person.last_signed_in_at = clock.now()
    audit.record("sign-in", person.id, actor_id=person.id, method="council account",
                 linked=outcome.first_time)
    store.commit()
    return redirect(next_url or home_for(person))
