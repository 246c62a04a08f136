"""The status rules, each on a day we choose, and the bulk form the report is built on."""
from datetime import date, datetime

import pytest
from sqlalchemy import event

from app.certificates.dates import add_months, refresher_due
from app.certificates.status import (HeldCertificate, HeldRole, MemberFacts, Settings, Status, decide,
                                     training_record, training_records)
from app.extensions import db
from app.models import (Certificate, ChecklistAnswer, Councillor, CouncillorRole, Election, ModuleRead,
                        QuizAttempt, ScenarioRun)
from tests.conftest import make_councillor

SETTINGS = Settings(interval_months=24, warning_days=90, induction_months=3)
LEVELS = {1: "induction", 2: "targeted", 3: "specialist"}


def cert(completed_on, level=1, pathway="induction", cid=1):
    return HeldCertificate(cid, pathway, level, completed_on, refresher_due(completed_on, 24))


def status_on(today, **facts):
    return decide(MemberFacts(person_id=1, **facts), today, SETTINGS, LEVELS)


# --- months -----------------------------------------------------------------------------------

@pytest.mark.parametrize("start, months, expected", [
    (date(2024, 2, 29), 24, date(2026, 2, 28)),   # the issue's example: no 29 February in 2026
    (date(2024, 2, 29), 48, date(2028, 2, 29)),   # a leap year keeps it
    (date(2025, 8, 31), 6, date(2026, 2, 28)),
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2025, 11, 15), 3, date(2026, 2, 15)),   # across a year end
    (date(2026, 5, 7), 0, date(2026, 5, 7)),
])
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


# --- a member with a certificate ----------------------------------------------------------------

def test_a_new_certificate_is_current_until_the_warning_period():
    c = cert(date(2025, 3, 10))
    record = status_on(date(2026, 11, 22), certificates=(c,))
    assert record.status is Status.CURRENT
    assert record.refresher_due == record.due_by == date(2027, 3, 10)
    assert record.last_completed == date(2025, 3, 10)
    assert record.required_pathway == "induction"


def test_due_soon_within_the_warning_days_and_overdue_the_day_after():
    c = cert(date(2024, 12, 1))          # due 1 December 2026
    assert status_on(date(2026, 9, 1), certificates=(c,)).status is Status.CURRENT       # 91 days before
    assert status_on(date(2026, 9, 2), certificates=(c,)).status is Status.DUE_SOON      # 90 days before
    assert status_on(date(2026, 12, 1), certificates=(c,)).status is Status.DUE_SOON     # the due date itself
    overdue = status_on(date(2026, 12, 2), certificates=(c,))
    assert overdue.status is Status.OVERDUE
    assert overdue.required_pathway == "refresher"


def test_the_face_to_face_example_from_the_issue():
    record = status_on(date(2026, 11, 22), certificates=(cert(date(2024, 2, 29)),))
    assert record.refresher_due == date(2026, 2, 28)
    assert record.status is Status.OVERDUE


def test_the_latest_cycle_counts_and_history_does_not_get_in_the_way():
    old = cert(date(2022, 1, 10), cid=1)
    new = cert(date(2024, 1, 5), pathway="refresher", cid=2)
    record = status_on(date(2025, 6, 1), certificates=(old, new))
    assert record.status is Status.CURRENT
    assert record.last_completed == date(2024, 1, 5)
    assert record.refresher_due == date(2026, 1, 5)


def test_settings_change_the_interval_and_the_warning():
    c = HeldCertificate(1, "induction", 1, date(2025, 1, 1), refresher_due(date(2025, 1, 1), 12))
    short = Settings(interval_months=12, warning_days=30, induction_months=3)
    assert decide(MemberFacts(1, certificates=(c,)), date(2025, 12, 2), short, LEVELS).status is Status.DUE_SOON
    assert decide(MemberFacts(1, certificates=(c,)), date(2025, 12, 1), short, LEVELS).status is Status.CURRENT


# --- a member with no certificate -----------------------------------------------------------------

def test_no_activity_and_no_election_is_not_started_with_no_deadline():
    record = status_on(date(2026, 11, 22))
    assert record.status is Status.NOT_STARTED
    assert record.due_by is None and record.refresher_due is None and record.last_completed is None
    assert record.required_pathway == "induction" and record.required_level == 1


def test_any_activity_is_in_progress():
    assert status_on(date(2026, 11, 22), any_activity=True).status is Status.IN_PROGRESS


def test_induction_deadline_follows_the_election():
    elected = date(2026, 5, 7)
    record = status_on(date(2026, 8, 7), elected_on=elected, any_activity=True)
    assert record.due_by == date(2026, 8, 7)
    assert record.status is Status.IN_PROGRESS
    assert status_on(date(2026, 8, 8), elected_on=elected).status is Status.OVERDUE


def test_an_elections_own_induction_period_wins_over_the_setting():
    record = status_on(date(2026, 9, 1), elected_on=date(2026, 5, 7), election_induction_months=6)
    assert record.due_by == date(2026, 11, 7)
    assert record.status is Status.NOT_STARTED


def test_re_elected_members_are_checked_against_their_due_date():
    # Elected again in May 2026 with a certificate from 2025: no induction deadline applies.
    record = status_on(date(2026, 11, 22), elected_on=date(2026, 5, 7), certificates=(cert(date(2025, 3, 1)),))
    assert record.status is Status.CURRENT
    assert record.due_by == date(2027, 3, 1)


# --- a new role that needs a higher level --------------------------------------------------------

def test_a_new_board_role_makes_the_targeted_pathway_due_within_the_induction_period():
    roles = (HeldRole("member", 1, date(2024, 1, 1)), HeldRole("board", 2, date(2026, 10, 1)))
    record = status_on(date(2026, 11, 22), roles=roles, certificates=(cert(date(2025, 6, 1)),))
    assert record.required_level == 2
    assert record.required_pathway == "targeted"
    assert record.due_by == date(2027, 1, 1)
    assert record.status is Status.IN_PROGRESS
    assert status_on(date(2027, 1, 2), roles=roles, certificates=(cert(date(2025, 6, 1)),)).status is Status.OVERDUE


def test_a_lapsing_lower_certificate_can_fall_due_before_the_role_deadline():
    roles = (HeldRole("board", 2, date(2026, 10, 1)),)
    c = cert(date(2024, 12, 1))   # due 1 December 2026, before the role's 1 January 2027
    record = status_on(date(2026, 11, 22), roles=roles, certificates=(c,))
    assert record.due_by == date(2026, 12, 1)
    assert record.status is Status.DUE_SOON


def test_the_higher_certificate_meets_the_requirement():
    roles = (HeldRole("chair", 3, date(2026, 1, 1)),)
    c = cert(date(2026, 2, 1), level=3, pathway="specialist")
    record = status_on(date(2026, 11, 22), roles=roles, certificates=(c,))
    assert record.status is Status.CURRENT and record.required_pathway == "specialist"


def test_a_new_member_given_a_role_at_once_has_the_earlier_deadline():
    roles = (HeldRole("board", 2, date(2026, 5, 10)),)
    record = status_on(date(2026, 6, 1), roles=roles, elected_on=date(2026, 5, 7))
    assert record.required_pathway == "targeted"
    assert record.due_by == date(2026, 8, 7)


# --- the bulk form, on the database ---------------------------------------------------------------

def _add(app, *rows):
    with app.app_context():
        db.session.add_all(rows)
        db.session.commit()


def test_training_records_read_every_kind_of_row(app):
    a = make_councillor(app, name="A", email="a@example.gov.uk", elected_on=date(2026, 5, 7))
    b = make_councillor(app, name="B", email="b@example.gov.uk")
    c = make_councillor(app, name="C", email="c@example.gov.uk")
    d = make_councillor(app, name="D", email="d@example.gov.uk", active=False)
    now = datetime(2026, 6, 1, 10, 0)
    _add(app,
         Election(held_on=date(2026, 5, 7), induction_months=4),
         ModuleRead(person_id=b, module_id="principles", content_fingerprint="x"),
         QuizAttempt(person_id=b, quiz="assessment", status="submitted", question_ids=[], score_percent=70,
                     passed=False, submitted_at=now),
         QuizAttempt(person_id=b, quiz="assessment", status="submitted", question_ids=[], score_percent=90,
                     passed=True, submitted_at=now),
         ScenarioRun(person_id=b, scenario_id="school-exclusion", status="finished", finished_at=now),
         ScenarioRun(person_id=b, scenario_id="school-exclusion", status="finished", finished_at=now),
         ScenarioRun(person_id=b, scenario_id="child-confides", status="in-progress"),
         CouncillorRole(person_id=c, role="board", assigned_on=date(2026, 9, 1)),
         Certificate(person_id=c, pathway_id="induction", level=1, completed_on=date(2025, 1, 1),
                     refresher_due=date(2027, 1, 1), code="AAAABBBBCCCC"),
         Certificate(person_id=c, pathway_id="targeted", level=2, completed_on=date(2026, 10, 1),
                     refresher_due=date(2028, 10, 1), code="AAAABBBBCCCD", revoked_at=now,
                     revoked_reason="recorded in error"))
    with app.app_context():
        records = training_records(today=date(2026, 11, 22))
        assert set(records) == {a, b, c}   # inactive members are left out
        assert records[a].status is Status.OVERDUE and records[a].due_by == date(2026, 9, 7)
        assert records[b].status is Status.IN_PROGRESS
        assert records[b].best_assessment_score == 90 and records[b].dilemmas_done == 1
        # The revoked targeted certificate does not count: targeted is still required.
        assert records[c].required_pathway == "targeted" and records[c].due_by == date(2026, 12, 1)
        assert records[c].last_completed == date(2025, 1, 1)
        assert training_records([d], today=date(2026, 11, 22))[d].status is Status.NOT_STARTED
        assert training_records([], today=date(2026, 11, 22)) == {}


def test_a_checklist_answer_is_activity(app):
    pid = make_councillor(app)
    _add(app, ChecklistAnswer(person_id=pid, level=1, question_id="l1-know-our-children", answer="yes"))
    with app.app_context():
        assert training_record(pid, date(2026, 11, 22)).status is Status.IN_PROGRESS


def test_the_clock_setting_moves_today(app):
    pid = make_councillor(app)
    _add(app, Certificate(person_id=pid, pathway_id="induction", level=1, completed_on=date(2024, 2, 29),
                          refresher_due=date(2026, 2, 28), code="AAAABBBBCCCE"))
    with app.app_context():
        app.config["TODAY"] = date(2026, 1, 1)
        assert training_record(pid).status is Status.DUE_SOON
        app.config["TODAY"] = date(2026, 11, 22)
        assert training_record(pid).status is Status.OVERDUE


def _members(app, start, count):
    ids = []
    with app.app_context():
        for i in range(start, start + count):
            person = Councillor(name=f"Member {i}", email=f"member{i}@example.gov.uk", elected_on=date(2026, 5, 7))
            db.session.add(person)
            db.session.flush()
            db.session.add_all([
                CouncillorRole(person_id=person.id, role="board", assigned_on=date(2026, 6, 1)),
                Certificate(person_id=person.id, pathway_id="induction", level=1, completed_on=date(2026, 6, 1),
                            refresher_due=date(2028, 6, 1), code=f"QQQQ{i:08d}"),
                ModuleRead(person_id=person.id, module_id="principles", content_fingerprint="x"),
                ScenarioRun(person_id=person.id, scenario_id="school-exclusion", status="finished",
                            finished_at=datetime(2026, 6, 1))])
            ids.append(person.id)
        db.session.commit()
    return ids


def _count_queries(app, ids):
    with app.app_context():
        statements = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            records = training_records(ids, today=date(2026, 11, 22))
            every = training_records(today=date(2026, 11, 22))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert len(records) == len(ids) and len(every) >= len(ids)
        return len(statements)


def test_the_number_of_queries_does_not_grow_with_the_number_of_members(app):
    few = _members(app, 0, 3)
    with_three = _count_queries(app, few)
    many = few + _members(app, 3, 27)
    with_thirty = _count_queries(app, many)
    assert with_three == with_thirty
    assert with_thirty <= 20
