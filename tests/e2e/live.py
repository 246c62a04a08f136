"""The accounts and live server the browser tests share (imported by conftest.py and the tests)."""
from __future__ import annotations

from dataclasses import dataclass

from werkzeug.serving import WSGIRequestHandler

from tests.e2e.browser import Browser

DEMO_PASSWORD = "corporate parent demo"


@dataclass(frozen=True)
class Account:
    name: str
    email: str
    password: str = DEMO_PASSWORD


# One councillor per journey, so the journeys never see each other's progress.
KEYBOARD = Account("Councillor Alex Demo", "councillor@example.gov.uk")
NO_JS = Account("Councillor Nia Nojs", "nia.nojs@example.gov.uk")
TOUR = Account("Councillor Tam Tour", "tam.tour@example.gov.uk")
OFFICER = Account("Sam Officer", "officer@example.gov.uk")


class QuietHandler(WSGIRequestHandler):
    # Request lines carry ids and tokens in paths: keep them out of the test output.
    def log_request(self, *args, **kwargs):
        pass


@dataclass
class LiveServer:
    url: str
    app: object

    def endpoint_exists(self, endpoint: str) -> bool:
        return endpoint in self.app.view_functions

    def person_id(self, account: Account) -> int:
        from app.models import Person

        with self.app.app_context():
            return Person.by_email(account.email).id


def signed_in_as(browser: Browser, account: Account | None) -> Browser:
    """Make the browser signed in as `account` (or signed out), signing in only when it must."""
    if browser.account != account:
        browser.sign_out()
        browser.account = None
        if account is not None:
            browser.sign_in_by_form(account.email, account.password)
            browser.account = account
    return browser
