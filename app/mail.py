"""Email: sent by SMTP when MAIL_SERVER is set, and always kept in the outbox.

The outbox lets the demo work with no mail server: officers read it in demo mode.
"""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import TYPE_CHECKING

from flask import current_app

from app.data import outbox as outbox_data

if TYPE_CHECKING:
    from app.models import OutboxMessage


def send(recipient: str, subject: str, body: str) -> OutboxMessage:
    message = outbox_data.add(recipient, subject, body)
    config = current_app.config
    if config.get("MAIL_SERVER"):
        email = EmailMessage()
        email["From"] = config["MAIL_SENDER"]
        email["To"] = recipient
        email["Subject"] = subject
        email.set_content(body)
        try:
            with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
                if config.get("MAIL_USE_TLS"):
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
                smtp.send_message(email)
            message.sent_by_smtp = True
        except (OSError, smtplib.SMTPException) as exc:
            # The outbox keeps the message; the log says what failed without the address.
            current_app.logger.error("mail not sent (outbox id pending): %s", type(exc).__name__)
    return message
