"""The report's SQL decides every member's status exactly as the rule in Python does.

app.certificates.status.decide() is the rule; app/data/report.py applies it in SQL so the report
need not load every member. A generated council covers the cases that differ by a day or a
month (29 February, a refresher due today, the last day of the warning window, an induction
deadline that lands on the end of a short month) and the ones that differ in kind (a face-to-face
certificate only, a revoked certificate, a leaver, a member with no role, an election with its
own induction period), and on several days. Any disagreement names the member and both answers.
"""
import random
from datetime import date, datetime, timedelta

from app.certificates.dates import add_months
from app.certificates.status import status_rules, training_records
from app.data import report as data
from app.extensions import db
from app.models import (Certificate, ChecklistAnswer, Councillor, CouncillorRole, Election, ModuleRead,
                        QuizAttempt, ScenarioRun)
from app.officers.report import Filters

ROLES = ["member", "board", "scrutiny", "home-visitor", "lead-member", "chair"]
PATHWAYS = {1: "induction", 2: "targeted", 3: "specialist"}
DAYS = [date(2026, 2, 28), date(2026, 3, 1), date(2024, 2, 29), date(2026, 11, 22)]
ELECTIONS = {date(2023, 11, 30): 3, date(2022, 5, 5): 6, date(2026, 5, 7): 4}


def _certificate(rng, pid, n, completed_on=None, level=None, how="online", due=None, revoked=False):
    completed_on = completed_on or date(2023, 1, 1) + timedelta(days=rng.randrange(0, 1400))
    level = level or rng.choice((1, 1, 2, 3))
    return Certificate(person_id=pid, pathway_id=PATHWAYS[level], level=level, completed_on=completed_on,
                       refresher_due=due or add_months(completed_on, 24), code=f"T{pid:06d}{n:05d}",
                       how=how, revoked_at=datetime(2026, 1, 1) if revoked else None,
                       revoked_reason="recorded in error" if revoked else None)


def _generate(app, count=160, seed=19):
    """A council of random members, then the named edge cases; returns {name: id} of the edge cases."""
    rng = random.Random(seed)
    named = {}
    with app.app_context():
        for held_on, months in ELECTIONS.items():
            db.session.add(Election(held_on=held_on, induction_months=months))

        def add(name, *, roles=(), elected_on=None, active=True):
            person = Councillor(name=name, email=f"{name.lower().replace(' ', '.')}@example.gov.uk",
                                ward=rng.choice(["Abbey", "Castle", None]), party=rng.choice(["Green", "Labour", None]),
                                elected_on=elected_on, active=active)
            db.session.add(person)
            db.session.flush()
            for role, assigned_on in roles:
                db.session.add(CouncillorRole(person_id=person.id, role=role, assigned_on=assigned_on))
            return person.id

        for n in range(count):
            roles = [(role, date(2024, 1, 1) + timedelta(days=rng.randrange(0, 1100)))
                     for role in rng.sample(ROLES, rng.choice((0, 1, 1, 2, 3)))]
            elected_on = rng.choice([None, *ELECTIONS, date(2025, 8, 31), date(2024, 2, 29)])
            pid = add(f"Member {n:03d}", roles=roles, elected_on=elected_on, active=rng.random() > 0.05)
            for c in range(rng.choice((0, 0, 1, 1, 2, 3))):
                db.session.add(_certificate(rng, pid, c, how=rng.choice(("online", "face-to-face")),
                                            revoked=rng.random() < 0.1))
            kind = rng.randrange(6)
            if kind == 1:
                db.session.add(ModuleRead(person_id=pid, module_id="principles", content_fingerprint="x"))
            elif kind == 2:
                db.session.add(QuizAttempt(person_id=pid, quiz="assessment", status="submitted", question_ids=[],
                                           answers={}, score_percent=rng.randrange(30, 101), passed=True))
            elif kind == 3:
                db.session.add(ScenarioRun(person_id=pid, scenario_id="school-exclusion", status="finished"))
            elif kind == 4:
                db.session.add(ChecklistAnswer(person_id=pid, level=1, question_id="l1-know-our-children",
                                               answer="yes"))

        # The cases the rules are most likely to get wrong by a day.
        named["leap day certificate"] = pid = add("Leap Day", roles=[("member", date(2024, 1, 1))])
        db.session.add(_certificate(rng, pid, 1, completed_on=date(2024, 2, 29), level=1))     # due 28/02/2026
        named["refresher due today"] = pid = add("Due Today")
        db.session.add(_certificate(rng, pid, 1, completed_on=date(2024, 2, 28), level=1))     # due 28/02/2026
        named["last day of the warning window"] = pid = add("Window Edge")
        db.session.add(_certificate(rng, pid, 1, level=1, completed_on=date(2024, 5, 29)))      # due 29/05/2026
        named["face-to-face only"] = pid = add("Face To Face", roles=[("board", date(2025, 3, 1))])
        db.session.add(_certificate(rng, pid, 1, level=2, how="face-to-face", completed_on=date(2025, 2, 1),
                                    due=date(2026, 3, 1)))
        named["induction ends on 29 February"] = add("Elected November", elected_on=date(2023, 11, 30))
        named["role deadline at a short month's end"] = pid = add(
            "Promoted", roles=[("lead-member", date(2025, 11, 30))])
        db.session.add(_certificate(rng, pid, 1, level=1, completed_on=date(2025, 6, 1)))
        named["revoked only"] = pid = add("Revoked Only", elected_on=date(2026, 5, 7))
        db.session.add(_certificate(rng, pid, 1, level=1, revoked=True))
        named["leaver"] = pid = add("Gone Away", roles=[("chair", date(2024, 1, 1))], active=False)
        db.session.add(_certificate(rng, pid, 1, level=3))
        named["no role, no election, nothing done"] = add("Blank Slate")
        db.session.commit()
    return named


def _by_rule(today):
    return {pid: (r.status.value, r.due_by, r.required_pathway, r.required_level, r.last_completed,
                  r.refresher_due, r.best_assessment_score, r.dilemmas_done)
            for pid, r in training_records(None, today).items()}


def _by_sql(today):
    return {r.member_id: (r.status, r.due_by, r.required_pathway, r.required_level, r.last_completed,
                          r.refresher_due, r.best_score, r.dilemmas_done)
            for r in data.rows(status_rules(today), Filters())}


def test_sql_and_the_rule_agree_on_every_member(app):
    named = _generate(app)
    seen = set()
    for today in DAYS:
        with app.app_context():
            by_rule, by_sql = _by_rule(today), _by_sql(today)
        assert named["leaver"] not in by_sql and named["leaver"] not in by_rule
        assert set(by_sql) == set(by_rule) and len(by_rule) > 150
        wrong = {pid: (by_rule[pid], by_sql[pid]) for pid in by_rule if by_rule[pid] != by_sql[pid]}
        assert not wrong, f"rule vs SQL on {today}: {wrong}"
        seen |= {value[0] for value in by_sql.values()}
    # The council reaches every status on some day, so every branch of the SQL was compared.
    assert seen == set(data.STATUS_VALUES)


def test_the_edge_cases_land_where_the_rules_say(app):
    named = _generate(app, count=0)
    with app.app_context():
        on_the_day = {r.member_id: r for r in data.rows(status_rules(date(2026, 2, 28)), Filters())}
    assert on_the_day[named["refresher due today"]].status == "due soon"
    assert on_the_day[named["leap day certificate"]].refresher_due == date(2026, 2, 28)
    assert on_the_day[named["last day of the warning window"]].status == "due soon"      # 90 days on
    assert on_the_day[named["face-to-face only"]].status == "due soon"
    assert on_the_day[named["induction ends on 29 February"]].due_by == date(2024, 2, 29)
    assert on_the_day[named["induction ends on 29 February"]].status == "overdue"
    assert on_the_day[named["role deadline at a short month's end"]].due_by == date(2026, 2, 28)
    assert on_the_day[named["revoked only"]].status == "not started"
    assert named["leaver"] not in on_the_day
    with app.app_context():
        next_day = {r.member_id: r for r in data.rows(status_rules(date(2026, 3, 1)), Filters())}
    assert next_day[named["refresher due today"]].status == "overdue"
    assert next_day[named["role deadline at a short month's end"]].status == "overdue"
