"""Email through GOV.UK Notify, against a local stand-in that checks requests as Notify documents them."""
from __future__ import annotations

import logging

import pytest

from app.notify import KINDS, NotifyFailed, NotifySender, NotifySettings, template_setting
from tests.notify_standin import API_KEY, TEMPLATES, NotifyStandIn

PERSONAL = ("pat.jones@example.gov.uk", "Dear Councillor Pat Jones")


@pytest.fixture
def notify():
    with NotifyStandIn() as standin:
        yield standin


def settings_for(standin, **overrides) -> NotifySettings:
    config = {"NOTIFY_API_KEY": API_KEY, "NOTIFY_BASE_URL": standin.url,
              **{template_setting(kind): template for kind, template in TEMPLATES.items()}, **overrides}
    return NotifySettings.from_config(config)


def sender(standin, **overrides) -> tuple[NotifySender, list[float]]:
    pauses: list[float] = []
    return NotifySender(settings_for(standin, **overrides), sleep=pauses.append), pauses


def test_an_email_goes_to_notify_with_its_kinds_template(notify):
    the_sender, _ = sender(notify)
    notification_id = the_sender.send("pat.jones@example.gov.uk", "You are invited", "Dear Councillor Pat Jones",
                                      kind="invitation", reference="outbox-17")
    assert notification_id
    assert notify.sent == [{"email_address": "pat.jones@example.gov.uk", "template_id": TEMPLATES["invitation"],
                            "personalisation": {"subject": "You are invited", "body": "Dear Councillor Pat Jones"},
                            "reference": "outbox-17"}]
    the_sender.send("pat.jones@example.gov.uk", "Due soon", "Your refresher", kind="refresher-due")
    assert notify.sent[-1]["template_id"] == TEMPLATES["refresher-due"]


def test_a_rate_limit_is_tried_again_a_bounded_number_of_times(notify, caplog):
    the_sender, pauses = sender(notify)
    notify.fail_next = [429, 429]
    the_sender.send(*PERSONAL[:1], "Subject", PERSONAL[1], kind="overdue")
    assert len(notify.sent) == 1 and pauses == [1.0, 2.0]
    notify.fail_next = [429] * 10
    with pytest.raises(NotifyFailed) as failure, caplog.at_level(logging.WARNING):
        the_sender.send(*PERSONAL[:1], "Subject", PERSONAL[1], kind="overdue")
    assert not failure.value.permanent and "429 (RateLimitError) 4 times" in str(failure.value)
    assert len(notify.fail_next) == 6  # four tries, no more
    assert "status=429 error=RateLimitError" in caplog.text
    for personal in PERSONAL:
        assert personal not in caplog.text


@pytest.mark.parametrize("overrides, problem", [
    ({"NOTIFY_API_KEY": API_KEY[:-36] + "00000000-0000-4000-8000-000000000000"}, "403 (AuthError)"),
    ({template_setting("invitation"): "7f0c2f6e-0000-4000-8000-000000000000"}, "400 (BadRequestError)"),
])
def test_a_bad_key_or_template_is_not_tried_again_and_logs_no_personal_data(notify, caplog, overrides, problem):
    the_sender, pauses = sender(notify, **overrides)
    with pytest.raises(NotifyFailed) as failure, caplog.at_level(logging.DEBUG):
        the_sender.send(*PERSONAL[:1], "You are invited", PERSONAL[1], kind="invitation")
    assert failure.value.permanent and problem in str(failure.value)
    assert pauses == [] and notify.sent == []
    for personal in PERSONAL:
        assert personal not in caplog.text


def test_notify_down_is_tried_again_then_reported(notify):
    the_sender, pauses = sender(notify)
    notify.fail_next = [500, 500, 500, 500]
    with pytest.raises(NotifyFailed) as failure:
        the_sender.send(*PERSONAL[:1], "Subject", PERSONAL[1])
    assert not failure.value.permanent and len(pauses) == 3


def test_settings_name_what_is_missing():
    with pytest.raises(RuntimeError, match="NOTIFY_API_KEY is not set"):
        NotifySettings.from_config({})
    with pytest.raises(RuntimeError, match="NOTIFY_TEMPLATE_INVITATION"):
        NotifySettings.from_config({"NOTIFY_API_KEY": API_KEY})
    one_for_all = NotifySettings.from_config({"NOTIFY_API_KEY": API_KEY, "NOTIFY_TEMPLATE_ID": TEMPLATES["general"]})
    assert set(one_for_all.templates) == set(KINDS)
