"""The one date rule every form uses: what a member or officer reads when a date is wrong."""
from datetime import date

import pytest

from app.date_input import read_date

TODAY = date(2026, 11, 28)


def test_a_real_date_is_read_and_spaces_do_not_matter():
    assert read_date(" 29 ", "2", "2028", today=TODAY).value == date(2028, 2, 29)


@pytest.mark.parametrize("parts, kwargs, message, bad", [
    (("", "", ""), {"what": "Date elected"}, "Enter date elected", ("day", "month", "year")),
    (("7", "", "2026"), {"what": "Date elected"}, "Date elected must include a month", ("month",)),
    (("29", "2", "2027"), {}, "The date must be a real date", ("day",)),
    (("1", "13", "2027"), {}, "The date must be a real date", ("month",)),
    (("7", "5", "26"), {}, "The date must include a year with 4 numbers", ("year",)),
    (("seven", "5", "2026"), {}, "The date must be a real date, in numbers", ("day",)),
    (("29", "11", "2026"), {"not_after": TODAY}, "The date must be today or in the past", ("day", "month", "year")),
    (("27", "11", "2026"), {"not_before": TODAY}, "The date must be today or in the future", ("day", "month", "year")),
    (("1", "1", "1899"), {"not_before": date(1900, 1, 1)}, "The date must be on or after 1 January 1900",
     ("day", "month", "year")),
])
def test_each_problem_is_named_with_the_boxes_to_fix(parts, kwargs, message, bad):
    answer = read_date(*parts, today=TODAY, **kwargs)
    assert answer.value is None and answer.error.startswith(message) and answer.bad_parts == bad


def test_an_optional_date_left_empty_is_no_date_and_no_error():
    answer = read_date("", " ", "", today=TODAY, optional=True)
    assert answer.value is None and answer.error is None


def test_a_saved_date_that_has_passed_may_stay():
    saved = date(2026, 6, 1)
    assert read_date("1", "6", "2026", today=TODAY, not_before=TODAY, keep=saved).value == saved
    assert read_date("2", "6", "2026", today=TODAY, not_before=TODAY, keep=saved).error
