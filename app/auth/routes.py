from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app import audit, clock
from app.auth import bp, password_policy, passwords, throttle, tokens
from app.auth.access import public, signed_in
from app.auth.forms import NewPasswordForm, PasswordResetRequestForm, SignInForm
from app.extensions import db, limiter
from app.mail import after_response, send
from app.models import Person
from app.urls import external_url


def home_for(person: Person) -> str:
    return url_for("officers.index") if person.is_officer else url_for("learning.my_training")


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host, so a link cannot send someone elsewhere."""
    if not target:
        return None
    if any(ord(character) < 32 or ord(character) == 127 for character in target):
        return None  # CR/LF would make the redirect header itself fail (security review, LOW-5)
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return None
    return target


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _limit_reached(request_limit) -> None:
    # Our own line, without the client's address that Flask-Limiter would log (personal data).
    current_app.logger.warning("rate limit reached endpoint=%s", request.endpoint)


def _too_many_attempts():
    return render_template("main/error.html", title="Too many attempts", code=429,
                           body="There have been too many attempts to sign in from here. Wait 15 "
                                "minutes, then try again, or reset your password."), 429


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"], on_breach=_limit_reached)
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        address, email, now = request.remote_addr or "-", form.email.data, clock.now()
        if throttle.sign_in_refused(address, email, now):
            db.session.commit()
            return _too_many_attempts()
        person = Person.by_email(email)
        person_id, stored_hash = (person.id, person.password_hash) if person else (None, None)
        # End the read transaction before the slow hash check, so it holds no database lock.
        db.session.commit()
        # verify() runs even with no account, so the response time does not reveal one.
        correct = passwords.verify(stored_hash, form.password.data)
        if person is not None and correct and person.active:
            if not password_policy.password_allowed(person):
                # Only someone who knows the password learns this, so it reveals nothing.
                return render_template("auth/sign_in.html", form=SignInForm(formdata=None), failed=False,
                                       sso_problem="Sign in with your council account: democratic "
                                                   "services have turned off password sign-in for you."), 400
            if passwords.needs_rehash(person.password_hash):
                person.password_hash = passwords.hash_password(form.password.data)
            next_url = safe_next(request.args.get("next"))
            session.clear()
            session.permanent = True  # clear() dropped it; the cookie must carry the idle timeout
            login_user(person)
            person.last_signed_in_at = now
            throttle.sign_in_succeeded(address, email)
            audit.record("sign-in", person.id, actor_id=person.id)
            db.session.commit()
            after_response(lambda: (throttle.forget_old(clock.now()), db.session.commit()))
            return redirect(next_url or home_for(person))
        # The same counting for a known and an unknown address; only the audit entry differs,
        # and it is written after the response, so the time taken does not tell them apart.
        throttle.sign_in_failed(address, email, now)
        db.session.commit()
        after_response(lambda: _sign_in_failed(person_id))
        failed = True
        # Beside the email field too, as the error summary's link points there.
        form.email.errors = [*form.email.errors, "Enter a correct email address and password"]
    # A wrong password and an unknown address get this same answer.
    return render_template("auth/sign_in.html", form=form, failed=failed), (400 if failed or form.errors else 200)


def _sign_in_failed(person_id: int | None) -> None:
    if person_id is None:
        current_app.logger.info("sign-in failed: no such account")
        return
    audit.record("sign-in-failed", person_id, actor_id=None)
    db.session.commit()


@bp.route("/sign-out", methods=["POST"])
@signed_in
def sign_out():
    person = current_user._get_current_object()
    # Signing out here signs out everywhere: every other session of this person ends too.
    person.session_version += 1
    audit.record("sign-out", person.id, actor_id=person.id)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"], on_breach=_limit_reached)
@public
def password_reset_request():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        if throttle.reset_requests_refused(request.remote_addr or "-", clock.now()):
            db.session.commit()
            return render_template("main/error.html", title="Too many attempts", code=429,
                                   body="There have been too many requests from here. Wait an hour, "
                                        "then try again."), 429
        db.session.commit()
        email = form.email.data
        # Looked up, and the email written and sent, after the response: the page comes back in
        # the same time whether or not there is an account (security review, MEDIUM-2).
        after_response(lambda: _send_password_reset(email))
        # The same answer whether or not there is an account, so nobody can test addresses.
        return render_template("auth/password_reset_sent.html", email=form.email.data)
    return render_template("auth/password_reset_request.html", form=form), (400 if form.errors else 200)


def _send_password_reset(email: str) -> None:
    person = Person.by_email(email)
    if person is None or not person.active:
        current_app.logger.info("password reset asked for: no such active account")
        return
    if not throttle.reset_email_allowed(person.id, clock.now()):
        # Enough reset emails for now: nobody can flood a member's mailbox (LOW-2).
        current_app.logger.warning("password reset email limit reached person_id=%s", person.id)
        db.session.commit()
        return
    link = external_url("auth.password_reset", token=tokens.make_token(person, tokens.PASSWORD_RESET))
    send(person.email, f"Reset your password for {current_app.config['SERVICE_NAME']}",
         render_template("auth/email/password_reset.txt", person=person, link=link), person_id=person.id,
         kind="password-reset")
    audit.record("password-reset-requested", person.id, actor_id=None)
    db.session.commit()


def _set_password(token: str, purpose: str, max_age, template: str):
    try:
        person = tokens.read_token(token, purpose, max_age)
    except tokens.TokenProblem as exc:
        return render_template("auth/link_problem.html", problem=str(exc)), 400
    form = NewPasswordForm()
    if form.is_submitted():
        valid = form.validate()
        # Every problem at once: a short password is reported even when the two do not match.
        problems = passwords.problems_with(form.password.data, person.email, person.name) \
            if form.password.data else ()
        if problems:
            form.password.errors = [*form.password.errors, *(p for p in problems if p not in form.password.errors)]
        if valid and not problems:
            person.password_hash = passwords.hash_password(form.password.data)
            person.session_version += 1  # every other session ends with the old password
            throttle.password_changed(person.email)
            audit.record("password-set", person.id, actor_id=person.id, via=purpose)
            db.session.commit()
            flash("Your password has been set. Sign in with your email address and new password.", "success")
            return redirect(url_for("auth.sign_in"))
    status = 400 if form.errors else 200
    return render_template(template, form=form, person=person), status


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@public
def password_reset(token: str):
    return _set_password(token, tokens.PASSWORD_RESET, current_app.config["PASSWORD_RESET_MAX_AGE"],
                         "auth/new_password.html")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    return _set_password(token, tokens.INVITATION, current_app.config["INVITATION_MAX_AGE"],
                         "auth/accept_invitation.html")
