"""One way to say a date, a time and a count, wherever it is shown."""
from datetime import date, datetime

from app.formatting import capitalize_first, date_time, long_date, plural


def test_dates_read_the_gov_uk_way_without_a_leading_zero():
    assert long_date(date(2026, 2, 1)) == "1 February 2026"
    assert long_date(datetime(2024, 2, 29, 23, 59)) == "29 February 2024"
    assert long_date(None) == ""
    assert date_time(datetime(2026, 3, 7, 9, 5)) == "7 March 2026 09:05"
    assert date_time(None) == ""


def test_plurals_and_capitals():
    assert plural(1, "member") == "1 member" and plural(3, "member") == "3 members"
    assert plural(2, "child", "children") == "2 children"
    assert capitalize_first("due soon") == "Due soon" and capitalize_first("SEND support") == "SEND support"
