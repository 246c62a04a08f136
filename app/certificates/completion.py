"""After any step that can finish a pathway: issue the certificate there and then.

Each view that records progress passes the response it would give anyway; when that step met the
member's last requirement, the member lands on the certificate's confirmation page instead, with
a link back to what they just finished.
"""
from __future__ import annotations

from flask import redirect, url_for
from flask_login import current_user

from app.certificates import issuing


def confirmation_url(certificate, finished: str | None = None) -> str:
    return url_for("certificates.issued", certificate_id=certificate.id, finished=finished or None)


def or_certificate(response, finished: str | None = None):
    certificate = issuing.issue_if_complete(current_user)
    if certificate is None:
        return response
    return redirect(confirmation_url(certificate, finished), 303)


def safe_local(url: str) -> str:
    """A path on this site, or '' (the 'finished' link must never lead elsewhere)."""
    if url.startswith("/") and not url.startswith("//") and "\\" not in url and ":" not in url.split("?")[0]:
        return url
    return ""
