"""Email through GOV.UK Notify, with notifications-python-client.

Each kind of email the service sends has its own Notify template (NOTIFY_TEMPLATE_<KIND>, or
NOTIFY_TEMPLATE_ID for any kind without one). Every template is given two placeholders, ((subject))
and ((body)), which the service fills in, so the council writes each template once in Notify as:

    Subject: ((subject))
    Body:    ((body))

Notify's errors are logged with their status and Notify's error code, never the address or the
email. A rate limit (429) or Notify being down (5xx) is tried again a few times with a pause;
a bad key (403) or a bad template (400) is not, as trying again would not help.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)

# The kinds of email the service sends; each can have its own Notify template.
KINDS = ("invitation", "password-reset", "email-changed", "refresher-due", "overdue", "officer-summary",
         "group-summary", "chase", "certificate", "general")
DEFAULT_BASE_URL = "https://api.notifications.service.gov.uk"
RETRIES = 3           # after the first try, for rate limits and Notify's own errors only
PAUSE_SECONDS = 1.0   # doubled after each retry


class NotifyFailed(Exception):
    """Notify did not accept the email. The message says why, without personal data."""

    def __init__(self, reason: str, permanent: bool):
        super().__init__(reason)
        self.permanent = permanent


def template_setting(kind: str) -> str:
    return "NOTIFY_TEMPLATE_" + kind.upper().replace("-", "_")


@dataclass
class NotifySettings:
    api_key: str
    templates: dict[str, str]
    base_url: str = DEFAULT_BASE_URL
    pause_seconds: float = PAUSE_SECONDS

    @classmethod
    def from_config(cls, config) -> NotifySettings:
        """Read and check the settings; RuntimeError names the one that is missing."""
        api_key = config.get("NOTIFY_API_KEY")
        if not api_key:
            raise RuntimeError("MAIL_TRANSPORT is notify but NOTIFY_API_KEY is not set.")
        if len(api_key) < 74:
            raise RuntimeError("NOTIFY_API_KEY is not a GOV.UK Notify API key (copy the whole key from "
                               "Notify's API integration page).")
        default = config.get("NOTIFY_TEMPLATE_ID")
        templates, missing = {}, []
        for kind in KINDS:
            template = config.get(template_setting(kind)) or default
            if template:
                templates[kind] = template
            else:
                missing.append(template_setting(kind))
        if missing:
            raise RuntimeError("MAIL_TRANSPORT is notify: set NOTIFY_TEMPLATE_ID, or a template for each kind "
                               f"of email ({', '.join(missing)}).")
        return cls(api_key, templates, config.get("NOTIFY_BASE_URL") or DEFAULT_BASE_URL,
                   float(config.get("NOTIFY_RETRY_PAUSE_SECONDS") or PAUSE_SECONDS))


class NotifySender:
    def __init__(self, settings: NotifySettings, sleep=time.sleep):
        # The client brings requests, PyJWT and cryptography (10 MB a worker): only a service
        # that sends through Notify loads them.
        from notifications_python_client.notifications import NotificationsAPIClient

        self.settings = settings
        self.client = NotificationsAPIClient(settings.api_key, base_url=settings.base_url, timeout=20)
        self.sleep = sleep

    def send(self, recipient: str, subject: str, body: str, kind: str = "general",
             reference: str | None = None) -> str:
        """Send one email; returns Notify's id for it. NotifyFailed if Notify does not accept it."""
        from notifications_python_client.errors import HTTPError, TokenError

        template = self.settings.templates.get(kind) or self.settings.templates["general"]
        pause = self.settings.pause_seconds
        for attempt in range(RETRIES + 1):
            try:
                response = self.client.send_email_notification(
                    email_address=recipient, template_id=template,
                    personalisation={"subject": subject, "body": body}, reference=reference)
                return str(response.get("id", ""))
            except HTTPError as exc:
                status = exc.status_code
                codes = ",".join(str(m.get("error", "")) for m in exc.message if isinstance(m, dict)) \
                    if isinstance(exc.message, list) else ""
                retry = status == 429 or (isinstance(status, int) and status >= 500) or status == 503
                log.warning("notify refused an email: kind=%s status=%s error=%s attempt=%s",
                            kind, status, codes or type(exc).__name__, attempt + 1)
                if not retry:
                    raise NotifyFailed(f"Notify answered {status} ({codes or 'error'})", permanent=True) from None
                if attempt == RETRIES:
                    raise NotifyFailed(f"Notify answered {status} ({codes or 'error'}) {RETRIES + 1} times",
                                       permanent=False) from None
            except TokenError:
                log.warning("notify refused an email: kind=%s error=TokenError", kind)
                raise NotifyFailed("the Notify API key is not valid", permanent=True) from None
            except OSError as exc:  # requests' connection errors are OSErrors
                log.warning("notify could not be reached: kind=%s error=%s attempt=%s",
                            kind, type(exc).__name__, attempt + 1)
                if attempt == RETRIES:
                    raise NotifyFailed(f"Notify could not be reached ({type(exc).__name__})",
                                       permanent=False) from None
            self.sleep(pause)
            pause *= 2
        raise AssertionError("unreachable")  # pragma: no cover

