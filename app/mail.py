"""Email: queued in the database with the change it tells about, delivered after the response.

How mail leaves the service is a transport, chosen by MAIL_TRANSPORT from TRANSPORTS:

- "outbox": nothing leaves; officers read the messages on the outbox page. Only for the demo,
  development and tests: production refuses to start with it (security review, MEDIUM-1).
- "smtp": sent to MAIL_SERVER. Once sent, the links in the stored copy are removed, so the
  database never holds a live sign-in link.
- "notify": sent through GOV.UK Notify (app/notify.py), one template for each kind of email;
  links are removed once sent, as for SMTP.

Delivery happens after the response has gone (or from `flask mail send-queued`), so a slow mail
server neither delays the page nor reveals, by the time it takes, whether an account exists
(MEDIUM-2). A message that could not be delivered stays queued and is tried again.
"""
from __future__ import annotations

import logging
import re
import smtplib
import ssl
from collections.abc import Callable
from typing import Any
from email.message import EmailMessage

import click
from flask import Flask, current_app, g, has_request_context
from flask.cli import AppGroup

from app import clock
from app.data import mail as mail_data
from app.extensions import db
from app.notify import NotifyFailed, NotifySender, NotifySettings

log = logging.getLogger(__name__)
Message = Any  # a queued email from app.data.mail (views and services do not import models)
LINK = re.compile(r"https?://\S+")
LINK_REMOVED = "[link removed once the email was sent]"
MAX_ATTEMPTS = 10


class MailNotSent(Exception):
    """The transport could not deliver the message; it stays queued."""


class OutboxTransport:
    """Keeps messages for officers to read in the service: the demo's mail."""

    name = "outbox"
    keeps_messages = True  # the outbox page shows them, links and all

    def __init__(self, app: Flask):
        pass

    def deliver(self, message: Message) -> None:
        pass


class SmtpTransport:
    name = "smtp"
    keeps_messages = False

    def __init__(self, app: Flask):
        if not app.config.get("MAIL_SERVER"):
            raise RuntimeError("MAIL_TRANSPORT is smtp but MAIL_SERVER is not set.")
        self.config = app.config

    def deliver(self, message: Message) -> None:
        config = self.config
        email = EmailMessage()
        email["From"] = config["MAIL_SENDER"]
        email["To"] = message.recipient
        email["Subject"] = message.subject
        email.set_content(message.body)
        server, _, port = config["MAIL_SERVER"].partition(":")
        try:
            with smtplib.SMTP(server, int(port or config["MAIL_PORT"]), timeout=20) as smtp:
                if config.get("MAIL_USE_TLS"):
                    # smtplib's own default would not check the certificate at all.
                    smtp.starttls(context=ssl.create_default_context(cafile=config.get("MAIL_TLS_CA_FILE")))
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
                smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailNotSent(type(exc).__name__) from exc


class NotifyTransport:
    """GOV.UK Notify, with a template for each kind of email (app/notify.py)."""

    name = "notify"
    keeps_messages = False

    def __init__(self, app: Flask):
        self.sender = NotifySender(NotifySettings.from_config(app.config))

    def deliver(self, message: Message) -> None:
        try:
            self.sender.send(message.recipient, message.subject, message.body, kind=message.kind or "general",
                             reference=f"message-{message.id}")
        except NotifyFailed as exc:
            raise MailNotSent(str(exc)) from None


# MAIL_TRANSPORT -> a class taking the app. Other transports (GOV.UK Notify) register here.
TRANSPORTS: dict[str, Callable[[Flask], object]] = {
    "outbox": OutboxTransport,
    "smtp": SmtpTransport,
    "notify": NotifyTransport,
}
# Transports that keep messages inside the service, so never allowed in production.
DEMO_ONLY = {"outbox"}


def transport():
    return current_app.extensions["mail_transport"]


def send(recipient: str, subject: str, body: str, person_id: int | None = None, kind: str = "general") -> Message:
    """Queue an email in the caller's transaction; it is delivered once the caller has committed
    and the response has gone. `kind` is one of app.notify.KINDS (Notify has a template for each)."""
    message = mail_data.add(recipient, subject, body, person_id, kind)
    # Delivered after the response (or after work that itself runs after the response). In a
    # command there is no response to wait for: it calls deliver_queued() once it has committed.
    g.mail_to_deliver = True
    return message


def deliver(message: Message) -> bool:
    """Deliver one queued message; True if delivered. The caller commits."""
    active = transport()
    message.attempts = (message.attempts or 0) + 1
    try:
        active.deliver(message)
    except MailNotSent as exc:
        # The log says what failed, never to whom.
        log.error("mail not sent: message_id=%s attempt=%s reason=%s", message.id, message.attempts, exc)
        return False
    body = None if active.keeps_messages else LINK.sub(LINK_REMOVED, message.body)
    mail_data.mark_delivered(message, clock.now(), body=body, by_smtp=active.name == "smtp")
    return True


def deliver_queued(limit: int = 500) -> tuple[int, int]:
    """Try every queued message once (oldest first); (delivered, still queued)."""
    delivered = failed = 0
    for message_id in mail_data.undelivered_ids(limit):
        message = mail_data.get(message_id)
        if message is None or message.delivered_at is not None or message.attempts >= MAX_ATTEMPTS:
            continue
        if deliver(message):
            delivered += 1
        else:
            failed += 1
        db.session.commit()
    return delivered, failed


def _deliver_some() -> None:
    deliver_queued(limit=50)


def after_response(work: Callable[[], None]) -> None:
    """Run work once the response has been sent, in its own app context and transaction.

    Outside a request (a command), it runs at once.
    """
    if not has_request_context():
        work()
        return
    if "after_response" not in g:
        g.after_response = []
    g.after_response.append(work)


def _run(app: Flask, works: list[Callable[[], None]]) -> None:
    with app.app_context():
        for work in works:
            try:
                work()
            except Exception:  # noqa: BLE001 - the response has gone; log and carry on
                db.session.rollback()
                log.exception("work after the response failed")
        if g.pop("mail_to_deliver", False):
            try:
                deliver_queued(limit=50)
            except Exception:  # noqa: BLE001 - the queue keeps it for send-queued
                db.session.rollback()
                log.exception("mail delivery after the response failed")
        db.session.remove()


mail_cli = AppGroup("mail", help="The mail queue.")


@mail_cli.command("send-queued")
@click.option("--limit", default=500, show_default=True, help="At most this many messages.")
def send_queued(limit: int) -> None:
    """Deliver emails still waiting (a mail server was down); run it every few minutes."""
    delivered, failed = deliver_queued(limit)
    click.echo(f"{delivered} delivered, {failed} still queued.")


def init_app(app: Flask) -> None:
    name = app.config.get("MAIL_TRANSPORT") or "outbox"
    if name not in TRANSPORTS:
        raise RuntimeError(f"MAIL_TRANSPORT must be one of {', '.join(TRANSPORTS)}, not {name!r}")
    app.extensions["mail_transport"] = TRANSPORTS[name](app)
    app.jinja_env.globals["mail_is_demo"] = lambda: app.extensions["mail_transport"].keeps_messages
    app.cli.add_command(mail_cli)

    @app.after_request
    def deliver_after_response(response):
        works = g.pop("after_response", [])
        if g.pop("mail_to_deliver", False):
            works.append(_deliver_some)
        if works:
            response.call_on_close(lambda: _run(app, works))
        return response
