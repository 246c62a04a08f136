"""A councillor plays the "What if...?" dilemmas in a browser without JavaScript."""
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from app.content import current_course
from app.extensions import db
from app.models import AuditEvent, CouncillorRole, ScenarioRun
from app.scenarios import walk
from tests.conftest import REPO, make_councillor

SECOND = "alex.smith@example.gov.uk"


def _scenarios(app):
    with app.app_context():
        return current_course().scenarios


def _runs(app, **where):
    with app.app_context():
        query = select(ScenarioRun).order_by(ScenarioRun.id)
        for key, value in where.items():
            query = query.where(getattr(ScenarioRun, key) == value)
        runs = list(db.session.scalars(query))
        for run in runs:
            db.session.expunge(run)
        return runs


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden field {name} on the page"
    return unescape(match.group(1))


def start(client, scenario_id) -> str:
    """Press Start on the dilemma's page; returns the run's address."""
    page = client.get(f"/dilemmas/{scenario_id}").get_data(as_text=True)
    assert f'action="/dilemmas/{scenario_id}/start"' in page
    response = client.post(f"/dilemmas/{scenario_id}/start")
    assert response.status_code == 303
    return response.headers["Location"]


def choose(client, run_url, index, page=None):
    """Pick a radio and press Continue, sending exactly what the page's form would send."""
    page = page if page is not None else client.get(run_url).get_data(as_text=True)
    assert f'name="choice" type="radio" value="{index}"' in page, "that choice is not on the page"
    return client.post(f"{run_url}/choose", data={
        "choice": str(index), "step": _hidden(page, "step"), "node": _hidden(page, "node")})


def test_the_list_shows_the_dilemmas_for_my_level(app, client, auth, councillor):
    auth.sign_in()
    page = client.get("/dilemmas").get_data(as_text=True)
    scenarios = _scenarios(app)
    for s in scenarios.values():
        shown = f'href="/dilemmas/{s.id}"' in page
        assert shown == (1 in s.levels), s.id
    assert "Dilemma." in page and "About 10 minutes" in page
    assert page.count("Not started") == sum(1 for s in scenarios.values() if 1 in s.levels)
    assert "Workshop view" not in page  # for officers only


def test_a_board_member_also_sees_the_data_exercises(app, client, auth):
    person_id = make_councillor(app)
    with app.app_context():
        db.session.add(CouncillorRole(person_id=person_id, role="board"))
        db.session.commit()
    auth.sign_in()
    page = client.get("/dilemmas").get_data(as_text=True)
    assert "Data exercise." in page and 'href="/dilemmas/data-health-checks"' in page
    assert "including 0 of 3 data exercises" in page


def test_playing_a_dilemma_to_its_ending(app, client, auth, councillor):
    auth.sign_in()
    scenario = _scenarios(app)["school-exclusion"]
    run_url = start(client, "school-exclusion")
    page = client.get(run_url).get_data(as_text=True)
    assert "The situation" in page and "What would you do?" in page
    assert 'class="govuk-radios__input"' in page and "<script>" not in page.split("</main>")[0]
    first = scenario.nodes[scenario.start].choices[0]
    response = choose(client, run_url, 0, page)
    assert response.status_code == 303 and response.headers["Location"] == run_url
    page = client.get(run_url).get_data(as_text=True)
    # The next page shows what happened, then what happens next.
    assert "What happened" in page and "What happens next" in page
    assert str(first.feedback) in page
    assert "decision 2" in page

    here = walk.position(scenario, [0])
    while not here.is_ending:
        choose(client, run_url, 0)
        here = walk.position(scenario, here.path + (0,))
    page = client.get(run_url).get_data(as_text=True)
    assert here.node.ending.title in page.replace("&#39;", "'")
    assert "What a good corporate parent would weigh" in page
    assert "suggested response, not a definitive one" in page
    assert "Your path" in page and "Decision 3" in page

    [run] = _runs(app)
    assert run.status == "finished" and run.ending_node == here.node.id
    assert run.path == list(here.path) and run.finished_at is not None
    assert [e["action"] for e in run.events] == ["start"] + ["choose"] * len(here.path)
    assert all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", e["at"]) for e in run.events)


@pytest.mark.parametrize("scenario_id", sorted(p.stem for p in (REPO / "scenarios").glob("*.yaml")))
def test_every_path_of_every_dilemma_plays_to_an_ending(app, client, auth, scenario_id):
    """The issue's 'all dilemmas play through every path', by forms alone, no JavaScript."""
    # A specialist (level 3) sees every dilemma, including those for board members.
    person_id = make_councillor(app)
    with app.app_context():
        db.session.add(CouncillorRole(person_id=person_id, role="lead-member"))
        db.session.commit()
    auth.sign_in()
    assert f'href="/dilemmas/{scenario_id}"' in client.get("/dilemmas").get_data(as_text=True)
    scenario = _scenarios(app)[scenario_id]
    paths = walk.all_paths(scenario)
    assert paths
    for path in paths:
        run_url = start(client, scenario_id)
        for index in path:
            response = choose(client, run_url, index)
            assert response.status_code == 303, (path, response.status_code)
        page = client.get(run_url).get_data(as_text=True)
        ending = walk.position(scenario, path).node
        assert unescape(page).count(ending.ending.title) >= 1, path
        assert 'id="principles-table"' in page and "<svg" in page
    runs = _runs(app)
    assert len(runs) == len(paths)
    assert all(r.status == "finished" for r in runs)
    assert sorted(tuple(r.path) for r in runs) == sorted(paths)
    assert {r.ending_node for r in runs} == {n.id for n in scenario.endings}


def test_the_debrief_shows_the_chart_and_its_table(app, client, auth, councillor):
    auth.sign_in()
    scenario = _scenarios(app)["school-exclusion"]
    path = walk.all_paths(scenario)[-1]
    run_url = start(client, scenario.id)
    for index in path:
        choose(client, run_url, index)
    page = client.get(run_url).get_data(as_text=True)
    svg = page[page.index("<svg xmlns"):page.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="principle-chart-title principle-chart-desc"' in svg
    assert "style=" not in svg
    with app.app_context():
        tallies = walk.tally(current_course().principles, walk.position(scenario, path).steps)
    table = page[page.index('id="principles-table"'):page.index("</table>")]
    for t in tallies:
        row = re.search(rf"{t.letter}\. {re.escape(unescape(t.short))}</th>\s*"
                        rf'<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>', unescape(table))
        assert row and row.groups() == (str(t.served), str(t.neglected)), t.key
    assert sum(t.neglected for t in tallies) > 0  # this path neglects something: red bars drawn
    assert svg.count("<rect") == sum(1 for t in tallies if t.served) + sum(1 for t in tallies if t.neglected)
    for href, _ in scenario.nodes[walk.position(scenario, path).node.id].ending.read_more:
        assert f'href="{href}"' in page


def test_going_back_and_starting_again(app, client, auth, councillor):
    auth.sign_in()
    run_url = start(client, "school-exclusion")
    choose(client, run_url, 0)
    choose(client, run_url, 1)
    page = client.get(run_url).get_data(as_text=True)
    assert "Go back one step" in page and "Start again" in page
    # A double click on "Go back one step" goes back once, not twice.
    step = _hidden(page.split('/back"')[1], "step")
    assert client.post(f"{run_url}/back", data={"step": step}).status_code == 303
    assert client.post(f"{run_url}/back", data={"step": step}).status_code == 303
    [run] = _runs(app)
    assert run.path == [0]
    page = client.get(run_url).get_data(as_text=True)
    assert "decision 2" in page
    client.post(f"{run_url}/restart")
    [run] = _runs(app)
    assert run.path == [] and run.status == "in-progress"
    assert [e["action"] for e in run.events] == ["start", "choose", "choose", "back", "restart"]
    assert "The situation" in client.get(run_url).get_data(as_text=True)
    # Restarting at the start again changes nothing.
    client.post(f"{run_url}/restart")
    assert len(_runs(app)[0].events) == 5


def test_a_stale_form_from_the_back_button_is_refused_and_changes_nothing(app, client, auth, councillor):
    auth.sign_in()
    run_url = start(client, "school-exclusion")
    first_page = client.get(run_url).get_data(as_text=True)
    choose(client, run_url, 0, first_page)
    # The browser's back button shows the first page again; the member picks another answer.
    response = choose(client, run_url, 1, first_page)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "You had already moved on from that question" in page
    assert "Go back one step" in page and "decision 2" in page
    [run] = _runs(app)
    assert run.path == [0] and len(run.events) == 2


def test_a_double_click_records_a_choice_once(app, client, auth, councillor):
    auth.sign_in()
    run_url = start(client, "school-exclusion")
    page = client.get(run_url).get_data(as_text=True)
    assert choose(client, run_url, 0, page).status_code == 303
    assert choose(client, run_url, 0, page).status_code == 303
    [run] = _runs(app)
    assert run.path == [0] and len(run.events) == 2


def test_a_tampered_choice_gets_a_clear_message_not_a_crash(app, client, auth, councillor):
    auth.sign_in()
    run_url = start(client, "school-exclusion")
    for bad in ("99", "-1", "abc", "0 OR 1=1"):
        response = client.post(f"{run_url}/choose", data={"choice": bad, "step": "0", "node": "start"})
        assert response.status_code == 400, bad
        page = response.get_data(as_text=True)
        assert "There is a problem" in page and 'href="#choice"' in page
        assert "Select one of the choices shown on this page" in page
        assert "<title>Error:" in page
    response = client.post(f"{run_url}/choose", data={"step": "0", "node": "start"})
    assert response.status_code == 400
    assert "Select what you would do" in response.get_data(as_text=True)
    # A made-up step or node is refused too.
    response = client.post(f"{run_url}/choose", data={"choice": "0", "step": "7", "node": "start"})
    assert response.status_code == 409
    response = client.post(f"{run_url}/choose", data={"choice": "0", "step": "0", "node": "nowhere"})
    assert response.status_code == 409
    [run] = _runs(app)
    assert run.path == [] and len(run.events) == 1


def test_starting_twice_resumes_the_same_run_and_play_again_starts_a_new_one(app, client, auth, councillor):
    auth.sign_in()
    first = start(client, "bursary-attendance")
    # A double click on Start, or Start pressed again in a second tab, resumes the same run.
    response = client.post("/dilemmas/bursary-attendance/start")
    assert response.status_code == 303 and response.headers["Location"] == first
    assert start(client, "bursary-attendance") == first  # "Continue" on the dilemma's page
    assert len(_runs(app)) == 1
    page = client.get("/dilemmas/bursary-attendance").get_data(as_text=True)
    assert "Continue" in page and "In progress" in page
    scenario = _scenarios(app)["bursary-attendance"]
    for index in walk.all_paths(scenario)[0]:
        choose(client, first, index)
    # Choosing on a finished run (a late double click on the last answer) changes nothing.
    assert _runs(app)[0].status == "finished"
    again = start(client, "bursary-attendance")
    assert again != first
    runs = _runs(app)
    assert [r.status for r in runs] == ["finished", "in-progress"]
    page = client.get("/dilemmas").get_data(as_text=True)
    assert "Done" in page
    page = client.get("/dilemmas/bursary-attendance").get_data(as_text=True)
    assert "Read your last debrief" in page


def test_a_finished_run_cannot_be_changed(app, client, auth, councillor):
    auth.sign_in()
    scenario = _scenarios(app)["bursary-attendance"]
    run_url = start(client, scenario.id)
    path = walk.all_paths(scenario)[0]
    for index in path:
        choose(client, run_url, index)
    before = _runs(app)[0]
    response = client.post(f"{run_url}/choose", data={"choice": "0", "step": str(len(path)), "node": before.ending_node})
    assert response.status_code == 409
    assert "This dilemma has ended" in response.get_data(as_text=True)
    assert client.post(f"{run_url}/back", data={"step": str(len(path))}).status_code == 303
    assert client.post(f"{run_url}/restart").status_code == 303
    after = _runs(app)[0]
    assert (after.status, after.path, after.events) == ("finished", before.path, before.events)


def _finish(app, client, scenario_id="bursary-attendance"):
    scenario = _scenarios(app)[scenario_id]
    run_url = start(client, scenario_id)
    for index in walk.all_paths(scenario)[0]:
        choose(client, run_url, index)
    return run_url


def test_a_private_reflection_is_saved_and_only_its_author_sees_it(app, client, auth, councillor):
    make_councillor(app, name="Councillor Alex Smith", email=SECOND)
    auth.sign_in()
    run_url = _finish(app, client)
    page = client.get(run_url).get_data(as_text=True)
    assert "Only you can see this note" in page
    note = "Ask our virtual school head about bursary rules at Riverside College."
    response = client.post(f"{run_url}/reflection", data={"reflection": note}, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Your reflection has been saved" in page and note in page
    assert _runs(app)[0].reflection == note

    auth.sign_out()
    auth.sign_in(email=SECOND)
    assert client.get(run_url).status_code == 404
    assert note not in client.get("/dilemmas/bursary-attendance").get_data(as_text=True)
    assert client.post(f"{run_url}/reflection", data={"reflection": "Overwritten"}).status_code == 404
    assert client.post(f"{run_url}/choose", data={"choice": "0", "step": "0", "node": "start"}).status_code == 404
    assert client.post(f"{run_url}/back", data={"step": "1"}).status_code == 404
    assert client.post(f"{run_url}/restart").status_code == 404
    assert _runs(app)[0].reflection == note


def test_another_members_run_in_progress_cannot_be_changed(app, client, auth, councillor):
    make_councillor(app, name="Councillor Alex Smith", email=SECOND)
    auth.sign_in()
    run_url = start(client, "school-exclusion")
    auth.sign_out()
    auth.sign_in(email=SECOND)
    assert client.get(run_url).status_code == 404
    assert client.post(f"{run_url}/choose", data={"choice": "0", "step": "0", "node": "start"}).status_code == 404
    [run] = _runs(app)
    assert run.path == [] and len(run.events) == 1
    # A run is found only under its own dilemma's address.
    auth.sign_out()
    auth.sign_in()
    assert client.get(run_url.replace("school-exclusion", "bursary-attendance")).status_code == 404


def test_a_reflection_that_is_too_long_is_refused_with_a_message(app, client, auth, councillor):
    auth.sign_in()
    run_url = _finish(app, client)
    response = client.post(f"{run_url}/reflection", data={"reflection": "x" * 5001})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and 'href="#reflection"' in page
    assert "Your reflection must be 5,000 characters or fewer" in page
    assert _runs(app)[0].reflection is None
    # Clearing the note removes it.
    client.post(f"{run_url}/reflection", data={"reflection": "A thought"})
    client.post(f"{run_url}/reflection", data={"reflection": "   "})
    assert _runs(app)[0].reflection is None


def test_my_training_shows_dilemmas_done_and_in_progress(app, client, auth, councillor):
    auth.sign_in()
    page = client.get("/my-training").get_data(as_text=True)
    assert "“What if…?” dilemmas" in page and 'href="/dilemmas"' in page
    level_one = sum(1 for s in _scenarios(app).values() if 1 in s.levels)
    assert re.search(rf"Finished</dt>\s*<dd[^>]*>0 of {level_one}", page)
    _finish(app, client)
    start(client, "school-exclusion")
    page = client.get("/my-training").get_data(as_text=True)
    assert re.search(rf"Finished</dt>\s*<dd[^>]*>1 of {level_one}", page)
    assert re.search(r"In progress</dt>\s*<dd[^>]*>1<", page)
    assert "Continue: What if... a school wants to exclude" in page


def test_unknown_dilemmas_and_runs_are_not_found(client, auth, councillor):
    auth.sign_in()
    assert client.get("/dilemmas/no-such-dilemma").status_code == 404
    assert client.post("/dilemmas/no-such-dilemma/start").status_code == 404
    assert client.get("/dilemmas/school-exclusion/runs/12345").status_code == 404


def test_pages_need_sign_in(client):
    response = client.get("/dilemmas")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


# --- the workshop view ---------------------------------------------------------------------------

def _counts(app):
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(ScenarioRun)),
                db.session.scalar(select(func.count()).select_from(AuditEvent)))


def test_an_officer_leads_a_workshop_without_writing_records(app, client, auth, officer):
    auth.sign_in(email="sam.officer@example.gov.uk")
    scenario = _scenarios(app)["school-exclusion"]
    before = _counts(app)
    page = client.get("/dilemmas").get_data(as_text=True)
    assert 'href="/dilemmas/school-exclusion/workshop"' in page
    page = client.get("/dilemmas/school-exclusion/workshop").get_data(as_text=True)
    assert 'class="app-workshop"' in page and "Show the situation" in page
    node_url = "/dilemmas/school-exclusion/workshop/start"
    page = client.get(node_url).get_data(as_text=True)
    start_node = scenario.nodes["start"]
    assert "The situation" in page and 'class="app-workshop"' in page
    for choice in start_node.choices:
        assert unescape(choice.label) in unescape(page)
        assert str(choice.feedback) not in page  # hidden until revealed
    assert page.count("Reveal what happens<") == len(start_node.choices)
    assert "Option A" in page and "Option B" in page

    page = client.get(f"{node_url}?reveal=2").get_data(as_text=True)
    assert str(start_node.choices[1].feedback) in page
    assert str(start_node.choices[0].feedback) not in page
    follow = f'href="/dilemmas/school-exclusion/workshop/{start_node.choices[1].next}"'
    assert follow in page
    page = client.get(f"{node_url}?reveal=all").get_data(as_text=True)
    assert all(str(c.feedback) in page for c in start_node.choices)

    ending = scenario.endings[0]
    ending_url = f"/dilemmas/school-exclusion/workshop/{ending.id}"
    page = client.get(ending_url).get_data(as_text=True)
    assert "Show the suggested response" in page and str(ending.ending.summary) not in page
    page = client.get(f"{ending_url}?reveal=debrief").get_data(as_text=True)
    assert str(ending.ending.summary) in page and "not a definitive one" in page
    assert _counts(app) == before


def test_workshop_refuses_bad_addresses(client, auth, officer):
    auth.sign_in(email="sam.officer@example.gov.uk")
    assert client.get("/dilemmas/school-exclusion/workshop/no-such-node").status_code == 404
    assert client.get("/dilemmas/no-such-dilemma/workshop").status_code == 404
    for bad in ("0", "9", "x", "debrief"):
        assert client.get(f"/dilemmas/school-exclusion/workshop/start?reveal={bad}").status_code == 400


def test_councillors_cannot_open_the_workshop_view(client, auth, councillor):
    auth.sign_in()
    assert client.get("/dilemmas/school-exclusion/workshop").status_code == 403
    assert client.get("/dilemmas/school-exclusion/workshop/start").status_code == 403


def test_every_form_carries_its_csrf_token(app, client, auth, councillor):
    auth.sign_in()
    app.config["WTF_CSRF_ENABLED"] = True

    def token(page):
        return _hidden(page, "csrf_token")

    # Without the token nothing is saved.
    assert client.post("/dilemmas/school-exclusion/start").status_code == 400
    assert _runs(app) == []
    page = client.get("/dilemmas/school-exclusion").get_data(as_text=True)
    response = client.post("/dilemmas/school-exclusion/start", data={"csrf_token": token(page)})
    assert response.status_code == 303
    run_url = response.headers["Location"]
    page = client.get(run_url).get_data(as_text=True)
    response = client.post(f"{run_url}/choose", data={
        "csrf_token": token(page), "choice": "0", "step": "0", "node": "start"})
    assert response.status_code == 303
    page = client.get(run_url).get_data(as_text=True)
    back_form = page.split('/back"')[1]
    assert client.post(f"{run_url}/back", data={
        "csrf_token": token(back_form), "step": _hidden(back_form, "step")}).status_code == 303
    assert _runs(app)[0].path == []
    scenario = _scenarios(app)["school-exclusion"]
    path = walk.all_paths(scenario)[0]
    for step, index in enumerate(path):
        page = client.get(run_url).get_data(as_text=True)
        client.post(f"{run_url}/choose", data={"csrf_token": token(page), "choice": str(index),
                                               "step": str(step), "node": _hidden(page, "node")})
    page = client.get(run_url).get_data(as_text=True)
    reflection_form = page.split('/reflection"')[1]
    response = client.post(f"{run_url}/reflection", data={
        "csrf_token": token(reflection_form), "reflection": "Noted"})
    assert response.status_code == 303
    assert _runs(app)[0].reflection == "Noted" and _runs(app)[0].status == "finished"
    assert client.post(f"{run_url}/reflection", data={"reflection": "No token"}).status_code == 400
    assert _runs(app)[0].reflection == "Noted"
