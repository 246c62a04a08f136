"""Every route declares who may use it, and behaves that way for every kind of visitor.

The test walks the application's URL map, so a route added without a rule fails here.
"""
import pytest

from app.auth.access import RULES
from tests.conftest import make_councillor, make_officer

# Values for URL parameters, so that every route can be requested.
# Object ids that do not exist are fine: the matrix checks who is let in, not what is found.
SAMPLE_ARGUMENTS = {
    "module_id": "principles",
    "token": "not-a-real-token",
    "filename": "dist/main.css",
    "attempt_id": 999999,
    "run_id": 999999,
    "person_id": 999999,
    "member_id": 999999,
    "certificate_id": 999999,
    "code": "NOSUCHCODE12",
    "scenario_id": "school-exclusion",
    "node_id": "start",
    "level": 1,
    "pathway_id": "induction",
    "fmt": "csv",
    "question_number": 1,
    "question_id": "no-such-question",
}

# Routes whose public response is not a page (a redirect, or a form that refuses a bad token).
PUBLIC_STATUS = {
    ("main.index", "GET"): {200, 302},
    ("auth.sign_in", "GET"): {200, 302},
    ("auth.sign_in", "POST"): {200, 302, 400},
    ("auth.password_reset_request", "POST"): {200, 400},
    ("auth.password_reset", "GET"): {400},
    ("auth.password_reset", "POST"): {400},
    ("auth.accept_invitation", "GET"): {400},
    ("auth.accept_invitation", "POST"): {400},
    # Signing in with a council account is not set up in this matrix's app (tested in test_council_sign_in).
    ("auth.sso_start", "GET"): {404},
    ("auth.sso_callback", "GET"): {404},
    ("certificates.verify", "GET"): {200, 404},
    ("certificates.verify", "POST"): {200, 302, 400, 404},
    ("certificates.verify_form", "GET"): {200},
    ("certificates.verify_form", "POST"): {200, 302, 400, 404},
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, view, method


def _url(rule):
    missing = [a for a in rule.arguments if a not in SAMPLE_ARGUMENTS]
    assert not missing, f"add sample values for {missing} (route {rule.rule}) to SAMPLE_ARGUMENTS"
    return rule.build({a: SAMPLE_ARGUMENTS[a] for a in rule.arguments})[1]


def test_every_route_declares_an_access_rule(app):
    undeclared = [rule.rule for rule, view, _ in _routes(app)
                  if rule.endpoint != "static" and getattr(view, "access_rule", None) not in RULES]
    assert undeclared == [], f"routes with no access rule: {undeclared}"


@pytest.mark.parametrize("visitor", ["anonymous", "councillor", "officer"])
def test_route_matrix(app, visitor):
    make_councillor(app)
    make_officer(app)
    client = app.test_client()
    if visitor != "anonymous":
        email = "pat.jones@example.gov.uk" if visitor == "councillor" else "sam.officer@example.gov.uk"
        response = client.post("/sign-in", data={"email": email, "password": "a long and memorable passphrase"})
        assert response.status_code == 302
    checked = 0
    for rule, view, method in _routes(app):
        if rule.endpoint == "static" or rule.endpoint == "auth.sign_out":
            continue
        access = view.access_rule
        response = client.open(_url(rule), method=method)
        status = response.status_code
        where = f"{method} {rule.rule} ({access}) as {visitor}"
        if access == "public":
            allowed = PUBLIC_STATUS.get((rule.endpoint, method), {200})
            assert status in allowed, f"{where}: {status}"
        elif visitor == "anonymous":
            assert status == 302 and "/sign-in" in response.headers["Location"], f"{where}: {status}"
        elif access == "officer" and visitor != "officer":
            assert status == 403, f"{where}: {status}"
        elif access == "councillor" and visitor != "councillor":
            assert status == 403, f"{where}: {status}"
        else:
            # Let in: any answer but a refusal, a trip to sign-in or a crash (bad input is a 4xx).
            location = response.headers.get("Location", "")
            assert status not in (401, 403) and status < 500, f"{where}: {status}"
            assert not (status == 302 and "/sign-in" in location), f"{where}: sent to sign in"
        checked += 1
    assert checked >= 10
