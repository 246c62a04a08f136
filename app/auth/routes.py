from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app.auth import bp, passwords, tokens
from app.auth.access import public, signed_in
from app.auth.forms import NewPasswordForm, PasswordResetRequestForm, SignInForm
from app.extensions import db, limiter
from app.mail import send
from app.models import Person, utcnow


def home_for(person: Person) -> str:
    return url_for("officers.index") if person.is_officer else url_for("learning.my_training")


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host, so a link cannot send someone elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return None
    return target


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        person = Person.by_email(form.email.data)
        # verify() runs even with no account, so the response time does not reveal one.
        correct = passwords.verify(person.password_hash if person else None, form.password.data)
        if person is not None and correct and person.active:
            if passwords.needs_rehash(person.password_hash):
                person.password_hash = passwords.hash_password(form.password.data)
            next_url = safe_next(request.args.get("next"))
            session.clear()
            login_user(person)
            person.last_signed_in_at = utcnow()
            db.session.commit()
            current_app.logger.info("sign-in succeeded person_id=%s", person.id)
            return redirect(next_url or home_for(person))
        current_app.logger.info("sign-in failed")
        failed = True
    return render_template("auth/sign_in.html", form=form, failed=failed), (400 if failed or form.errors else 200)


@bp.route("/sign-out", methods=["POST"])
@signed_in
def sign_out():
    current_app.logger.info("sign-out person_id=%s", current_user.id)
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@public
def password_reset_request():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        person = Person.by_email(form.email.data)
        if person is not None and person.active:
            link = url_for("auth.password_reset", token=tokens.make_token(person, tokens.PASSWORD_RESET),
                           _external=True)
            send(person.email, f"Reset your password for {current_app.config['SERVICE_NAME']}",
                 render_template("auth/email/password_reset.txt", person=person, link=link))
            db.session.commit()
        # The same answer whether or not there is an account, so nobody can test addresses.
        return render_template("auth/password_reset_sent.html", email=form.email.data)
    return render_template("auth/password_reset_request.html", form=form), (400 if form.errors else 200)


def _set_password(token: str, purpose: str, max_age, template: str):
    try:
        person = tokens.read_token(token, purpose, max_age)
    except tokens.TokenProblem as exc:
        return render_template("auth/link_problem.html", problem=str(exc)), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        problems = passwords.problems_with(form.password.data, person.email, person.name)
        if problems:
            form.password.errors = list(problems)
        else:
            person.password_hash = passwords.hash_password(form.password.data)
            person.session_version += 1  # every other session ends with the old password
            db.session.commit()
            current_app.logger.info("password set person_id=%s via %s", person.id, purpose)
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


def invite(person: Person) -> None:
    """Email a person a link to set their password and sign in for the first time."""
    link = url_for("auth.accept_invitation", token=tokens.make_token(person, tokens.INVITATION),
                   _external=True)
    send(person.email, f"You are invited to {current_app.config['SERVICE_NAME']}",
         render_template("auth/email/invitation.txt", person=person, link=link))
