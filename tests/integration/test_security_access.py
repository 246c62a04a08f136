"""A member can never read or change another member's records.

For every route with an object in its URL, a second councillor tries the first councillor's
object (built directly in the database, one factory per URL parameter) and must get 403 or 404.
The test walks the URL map, so routes added later are covered without changing it.
"""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import today
from app.extensions import db
from app.models import Certificate, ChecklistAnswer, QuizAttempt, ScenarioRun
from tests.conftest import PASSWORD, make_councillor
from tests.integration.test_access import SAMPLE_ARGUMENTS

OWNER_NAME = "Councillor Owner Zebedee"
OWNER_EMAIL = "owner.zebedee@example.gov.uk"
SECRET = "PRIVATE-NOTE-OF-ZEBEDEE"
CODE = "ZEBEDEECODE1"
OBJECT_PARAMETERS = {"attempt_id", "run_id", "certificate_id", "member_id", "person_id", "code"}


def _attempt(person_id, course):
    ids = list(course.question_bank.questions)[:5]
    attempt = QuizAttempt(person_id=person_id, quiz="assessment", status="started", layout="paged",
                          question_ids=ids, answers={}, pass_mark=80)
    db.session.add(attempt)
    return attempt


def _run(person_id, course):
    run = ScenarioRun(person_id=person_id, scenario_id=SAMPLE_ARGUMENTS["scenario_id"], status="in-progress",
                      path=[], events=[], reflection=SECRET)
    db.session.add(run)
    return run


def _certificate(person_id, course):
    certificate = Certificate(person_id=person_id, pathway_id=SAMPLE_ARGUMENTS["pathway_id"], level=1,
                              completed_on=today(), refresher_due=today() + timedelta(days=730),
                              score_percent=90, code=CODE)
    db.session.add(certificate)
    return certificate


# One factory per URL parameter: it builds the owner's object and returns the value for the URL.
FACTORIES = {
    "attempt_id": lambda person_id, course: _attempt(person_id, course),
    "run_id": lambda person_id, course: _run(person_id, course),
    "certificate_id": lambda person_id, course: _certificate(person_id, course),
}


@pytest.fixture
def owner_and_intruder(app):
    owner = make_councillor(app, name=OWNER_NAME, email=OWNER_EMAIL, ward="Secretward")
    intruder = make_councillor(app, name="Councillor Nosy Parker", email="nosy.parker@example.gov.uk")
    values = {"member_id": owner, "person_id": owner}
    with app.app_context():
        course = app.extensions["course"]
        objects = {name: factory(owner, course) for name, factory in FACTORIES.items()}
        db.session.add(ChecklistAnswer(person_id=owner, level=1, question_id="l1-know-how-many",
                                       answer="no", note=SECRET, action=SECRET))
        db.session.commit()
        values.update({name: obj.id for name, obj in objects.items()})
        values["code"] = db.session.get(Certificate, values["certificate_id"]).code
    return owner, intruder, values


def _object_routes(app):
    for rule in app.url_map.iter_rules():
        if OBJECT_PARAMETERS & set(rule.arguments):
            yield rule


def _build(rule, values):
    missing = [a for a in rule.arguments if a not in values and a not in SAMPLE_ARGUMENTS]
    assert not missing, f"add a factory or sample value for {missing} ({rule.rule})"
    return rule.build({a: values.get(a, SAMPLE_ARGUMENTS.get(a)) for a in rule.arguments})[1]


def _client_for(app, email):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def _leaks(page: str) -> list[str]:
    return [s for s in (OWNER_NAME, OWNER_EMAIL, SECRET, "Secretward") if s in page]


def _counts():
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
            for m in (QuizAttempt, ScenarioRun, Certificate, ChecklistAnswer)}


def test_a_councillor_cannot_reach_another_councillors_objects(app, owner_and_intruder):
    owner, intruder, values = owner_and_intruder
    owner_client = _client_for(app, OWNER_EMAIL)
    intruder_client = _client_for(app, "nosy.parker@example.gov.uk")
    with app.app_context():
        before = _counts()
    tried = []
    for rule in _object_routes(app):
        view = app.view_functions[rule.endpoint]
        if getattr(view, "access_rule", None) == "public":
            continue  # e.g. certificate checks by code, public by design
        url = _build(rule, values)
        if "GET" in rule.methods:
            # The owner can open it: so the URL really names the owner's object.
            own = owner_client.get(url)
            if view.access_rule != "officer":
                assert own.status_code < 400, (
                    f"GET {url}: the owner got {own.status_code}; the factory in this test does not "
                    f"build an object this route accepts")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = intruder_client.open(url, method=method, data={"reflection": "changed", "answer": "yes"})
            where = f"{method} {rule.rule} as another councillor"
            assert response.status_code in (403, 404), f"{where}: {response.status_code}"
            assert _leaks(response.get_data().decode("utf-8", "replace")) == [], where
            tried.append((method, rule.rule))
    with app.app_context():
        assert _counts() == before
        run = db.session.get(ScenarioRun, values["run_id"])
        assert run.reflection == SECRET and run.path == []
        attempt = db.session.get(QuizAttempt, values["attempt_id"])
        assert attempt.status == "started" and attempt.answers == {}
    print(f"checked {len(tried)} object routes: {sorted(set(r for _, r in tried))}")
    assert len(tried) >= 1


def test_no_page_a_councillor_can_open_shows_another_councillors_records(app, owner_and_intruder):
    from tests.integration.test_access import _url

    intruder_client = _client_for(app, "nosy.parker@example.gov.uk")
    opened = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        response = intruder_client.get(_url(rule))
        if response.status_code == 200:
            assert _leaks(response.get_data().decode("utf-8", "replace")) == [], rule.rule
            opened += 1
    assert opened >= 5
