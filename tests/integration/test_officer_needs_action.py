""""Needs action" first on the officer home and the report (issue 16): overdue, then due soon,
then never started past the induction deadline; name, ward, party, how long, email, last reminder
and a send-reminder link; counts link to the filtered list."""
import re
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import Certificate, ModuleRead, ReminderSent
from app.officers.needs_action import how_long
from tests.conftest import make_councillor

OFFICER = "sam.officer@example.gov.uk"


pytestmark = pytest.mark.usefixtures("fast_hashes")  # argon2 at test cost: see conftest


@pytest.fixture
def council(app):
    today = date.today()
    ids = {}
    # Started (read a module) but overdue on induction: overdue.
    ids["late"] = make_councillor(app, name="Cllr Lara Late", email="lara@example.gov.uk", ward="Abbey",
                                  party="Green", elected_on=today - timedelta(days=200), password=None)
    # A certificate whose refresher falls due in 20 days: due soon.
    ids["soon"] = make_councillor(app, name="Cllr Sam Soon", email="sam@example.gov.uk", ward="Castle",
                                  party="Labour", password=None)
    # Never started, elected a year ago: past the induction deadline.
    ids["never"] = make_councillor(app, name="Cllr Nia Never", email="nia@example.gov.uk", ward="Abbey",
                                   party="Labour", elected_on=today - timedelta(days=365), password=None)
    # Just elected: nothing to chase yet.
    ids["new"] = make_councillor(app, name="Cllr Ned New", email="ned@example.gov.uk", ward="Abbey",
                                 elected_on=today - timedelta(days=3), password=None)
    with app.app_context():
        db.session.add(ModuleRead(person_id=ids["late"], module_id="corporate-parent", content_fingerprint="x"))
        db.session.add(Certificate(person_id=ids["soon"], pathway_id="induction", level=1,
                                   completed_on=today - timedelta(days=700), refresher_due=today + timedelta(days=20),
                                   code="SOONCODE0001", how="online"))
        db.session.add(ReminderSent(person_id=ids["late"], step="overdue:2026-W01"))
        db.session.commit()
    return ids


def test_the_officer_home_opens_with_who_to_chase(app, client, auth, officer, council):
    auth.sign_in(email=OFFICER)
    page = client.get("/officers/").get_data(as_text=True)
    section = page.split('id="needs-action-heading"')[1].split("</section>")[0]
    names = re.findall(r'/officers/members/\d+">([^<]+)</a>', section)
    assert names == ["Cllr Lara Late", "Cllr Sam Soon", "Cllr Nia Never"]  # most urgent first; not Ned
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    assert "Overdue" in text and "Due soon" in text and "Not started, past the induction deadline" in text
    assert "lara@example.gov.uk" in text and "Abbey" in text and "Green" in text
    assert "Due in 2 weeks" in text  # Sam's refresher in 20 days
    assert "Never" in text  # Nia was never reminded
    assert f'/officers/reminders?member={council["late"]}' in section
    # Counts are links to the filtered list.
    for key, count in (("overdue", 1), ("due-soon", 1), ("not-started", 1)):
        assert re.search(rf'href="/officers/report\?needs={key}"><span class="app-status-counts__number">{count}<', section)


def test_a_needs_action_link_filters_the_report(app, client, auth, officer, council):
    auth.sign_in(email=OFFICER)
    page = client.get("/officers/report?needs=not-started").get_data(as_text=True)
    members = page.split('id="members"')[1]
    assert "Cllr Nia Never" in members and "Cllr Lara Late" not in members and "Cllr Sam Soon" not in members
    assert "needs action: not started, past the induction deadline" in page
    assert client.get("/officers/report?needs=nonsense").status_code == 400


def test_the_report_opens_with_needs_action_and_status_counts_are_links(app, client, auth, officer, council):
    auth.sign_in(email=OFFICER)
    page = client.get("/officers/report?ward=Abbey").get_data(as_text=True)
    assert page.index('id="needs-action-heading"') < page.index("Filter") < page.index('id="members"')
    section = page.split('id="needs-action-heading"')[1].split("</section>")[0]
    assert "Cllr Sam Soon" not in section  # the ward filter applies: Sam is in Castle
    assert 'href="/officers/report?needs=overdue&amp;ward=Abbey"' in section
    assert 'href="/officers/report?status=overdue&amp;ward=Abbey#members"' in page


def test_needs_action_on_the_report_keeps_everyone_to_chase_whatever_status_is_shown(app, client, auth, officer,
                                                                                  council):
    # The report reads Needs action in the same statement as its page: the status and needs
    # filters narrow the members table, never who is to be chased.
    auth.sign_in(email=OFFICER)
    for query in ("status=current", "needs=not-started", "status=due-soon&ward=Abbey"):
        page = client.get(f"/officers/report?{query}").get_data(as_text=True)
        section = page.split('id="needs-action-heading"')[1].split("</section>")[0]
        names = re.findall(r'/officers/members/\d+">([^<]+)</a>', section)
        expected = ["Cllr Lara Late", "Cllr Nia Never"] if "Abbey" in query else \
            ["Cllr Lara Late", "Cllr Sam Soon", "Cllr Nia Never"]
        assert names == expected, query
    members = client.get("/officers/report?needs=not-started").get_data(as_text=True).split('id="members"')[1]
    assert re.findall(r'/officers/members/\d+">([^<]+)</a>', members) == ["Cllr Nia Never"]


@pytest.mark.parametrize("days, words", [(0, "due today"), (1, "1 day overdue"), (20, "2 weeks overdue"),
                                         (-20, "due in 2 weeks"), (100, "3 months overdue"),
                                         (800, "2 years overdue")])
def test_how_long_in_words(days, words):
    assert how_long(days) == words
