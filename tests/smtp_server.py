"""A real SMTP server on 127.0.0.1 for the mail tests (aiosmtpd), with STARTTLS on a certificate
from a test certificate authority (trustme), optional AUTH, and a mode that refuses mail."""
from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass, field
from email import message_from_bytes, policy

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USERNAME, PASSWORD = "training-service", "smtp-password-for-tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: object
    tls: bool
    authenticated: bool


@dataclass
class SmtpServer:
    """refuse: answer every RCPT with 550, as a relay that will not take our mail."""
    ca_file: str
    host: str = "127.0.0.1"
    port: int = 0
    refuse: bool = False
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.7.1 Relaying denied"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      message_from_bytes(envelope.content, policy=policy.default),
                                      tls=session.ssl is not None,
                                      authenticated=bool(session.authenticated)))
        return "250 Message accepted for delivery"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USERNAME \
        and auth_data.password.decode() == PASSWORD
    return AuthResult(success=ok)


def start(tmp_path, require_starttls: bool = True, refuse: bool = False,
          certificate_host: str = "127.0.0.1") -> tuple[SmtpServer, Controller]:
    authority = trustme.CA()
    certificate = authority.issue_cert(certificate_host)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    ca_file = tmp_path / "test-ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    handler = SmtpServer(ca_file=str(ca_file), refuse=refuse)
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port, tls_context=context,
                            require_starttls=require_starttls, authenticator=authenticate,
                            auth_require_tls=True, server_hostname="127.0.0.1")
    controller.start()
    return handler, controller
