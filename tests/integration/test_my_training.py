"""My training is driven by the member's pathway, and finishing it issues the certificate.

Issue 16: the required modules, checklists, assessment and dilemmas are marked; the green
"Continue" button always leads to the next required item; success messages stay in view.
"""
import re
from datetime import date

import icalendar
from sqlalchemy import select

from app.content import current_course
from app.extensions import db
from app.models import Certificate, ChecklistAnswer, ModuleRead, ScenarioRun
from tests.conftest import make_councillor
from tests.integration.test_certificates import complete_induction, finish, pass_assessment

TODAY = date(2026, 11, 22)


def continue_button(page: str) -> tuple[str, str]:
    """(href, words) of the green start button on My training."""
    found = re.search(r'<a href="([^"]+)" role="button"[^>]*class="govuk-button govuk-button--start app-continue"'
                      r'[^>]*>\s*(.*?)\s*<svg', page, re.S)
    assert found, "no Continue button on the page"
    return found.group(1), found.group(2)


def read(app, pid, *module_ids):
    with app.app_context():
        for module_id in module_ids:
            db.session.add(ModuleRead(person_id=pid, module_id=module_id,
                                      content_fingerprint=current_course().module(module_id).fingerprint))
        db.session.commit()


def answer_checklist(app, pid):
    with app.app_context():
        for question in current_course().checklists[0].questions:
            db.session.add(ChecklistAnswer(person_id=pid, level=1, question_id=question.id, answer="yes"))
        db.session.commit()


def induction(app):
    with app.app_context():
        course = current_course()
        pathway = course.pathways.for_level(1)
        return course, pathway


def test_required_and_optional_modules_are_marked_and_counted(app, client, auth, councillor):
    app.config["TODAY"] = TODAY
    course, pathway = induction(app)
    auth.sign_in()
    page = client.get("/my-training").get_data(as_text=True)
    required = page.split('id="required-modules"')[1].split("</ul>")[0]
    optional = page.split('id="optional-modules"')[1].split("</ul>")[0]
    for module in course.modules:
        inside = required if module.id in pathway.module_ids else optional
        assert f'id="module-{module.id}"' in inside, module.id
    assert required.count("Required.") == len(pathway.module_ids)
    assert optional.count("Optional.") == len(course.modules) - len(pathway.module_ids)
    assert f"Required for your certificate ({len(pathway.module_ids)})" in page
    assert f"read <strong>0 of {len(pathway.module_ids)} required modules</strong>" in page
    # The checklist for the member's level, the assessment and the number of dilemmas are named.
    assert "Answer the level 1 checklist" in page and "Pass the “Test your knowledge” assessment" in page
    assert f"Your certificate needs <strong>{pathway.dilemmas} different dilemmas</strong>" in page
    assert "Required. Answered 0 of" in page


def test_continue_leads_to_the_next_required_item_and_skips_optional_modules(app, client, auth, councillor):
    app.config["TODAY"] = TODAY
    course, pathway = induction(app)
    auth.sign_in()
    href, words = continue_button(client.get("/my-training").get_data(as_text=True))
    first = course.module(pathway.module_ids[0])
    assert (href, words) == (f"/modules/{first.id}", f"Start: {first.title}")

    # Reading the modules in course order, optional ones included, the button skips the optional.
    in_order = [m.id for m in course.modules]
    optional = next(m for m in in_order if m not in pathway.module_ids)
    before = in_order[:in_order.index(optional) + 1]
    for module_id in before:
        client.post(f"/modules/{module_id}/read")
    page = client.get("/my-training").get_data(as_text=True)
    following = next(m for m in pathway.module_ids if m not in before)
    href, words = continue_button(page)
    assert href == f"/modules/{following}" and words.startswith("Continue: ")
    done = sum(1 for m in pathway.module_ids if m in before)
    assert f"read <strong>{done} of {len(pathway.module_ids)} required modules</strong>" in page

    # Every required module read: the checklist is next, then the assessment, then a dilemma.
    read(app, councillor, *[m for m in pathway.module_ids if m not in before])
    assert continue_button(client.get("/my-training").get_data(as_text=True))[0] == "/checklists/level-1"
    answer_checklist(app, councillor)
    assert continue_button(client.get("/my-training").get_data(as_text=True))[0] == "/test-your-knowledge"
    pass_assessment(app, councillor)
    href, words = continue_button(client.get("/my-training").get_data(as_text=True))
    assert href.startswith("/dilemmas/") and words.startswith("Continue: ")


def test_finishing_a_dilemma_that_completes_the_pathway_lands_on_the_confirmation(app, client, auth, councillor):
    app.config["TODAY"] = TODAY
    read(app, councillor, *induction(app)[1].module_ids)
    answer_checklist(app, councillor)
    pass_assessment(app, councillor)
    finish(app, councillor, "school-exclusion")
    auth.sign_in()
    href, _ = continue_button(client.get("/my-training").get_data(as_text=True))
    scenario_id = href.split("/")[2]
    response = client.post(f"/dilemmas/{scenario_id}/start")
    run_url = response.headers["Location"]
    # Walk the dilemma by always taking the first choice until it ends.
    for _ in range(20):
        page = client.get(run_url).get_data(as_text=True)
        if "/issued" in run_url:
            break
        step = re.search(r'name="step" value="([^"]*)"', page)
        node = re.search(r'name="node" value="([^"]*)"', page)
        choice = re.search(r'name="choice"[^>]*value="([^"]+)"', page)
        assert step and node and choice, page[-2000:]
        response = client.post(f"{run_url}/choose", data={"step": step.group(1), "node": node.group(1),
                                                          "choice": choice.group(1)})
        if "/issued" in response.headers["Location"]:
            run_url = response.headers["Location"]
            break
    assert "/issued" in run_url and "finished=" in run_url
    page = client.get(run_url).get_data(as_text=True)
    assert "Certificate issued" in page and "Go back to what you just finished" in page
    with app.app_context():
        assert db.session.scalar(select(Certificate.pathway_id).where(Certificate.person_id == councillor)) == "induction"


def test_the_confirmation_is_the_members_own(app, client, auth, councillor):
    app.config["TODAY"] = TODAY
    other = make_councillor(app, name="Councillor Lee Smith", email="lee.smith@example.gov.uk")
    complete_induction(app, other)
    auth.sign_in(email="lee.smith@example.gov.uk")
    location = client.get("/my-training").headers["Location"]
    assert client.get(location).status_code == 200
    auth.sign_out()
    auth.sign_in()
    assert client.get(location).status_code == 404
    # The "go back" link only ever leads somewhere on this site.
    auth.sign_out()
    auth.sign_in(email="lee.smith@example.gov.uk")
    page = client.get(location.split("?")[0] + "?finished=javascript:alert(1)").get_data(as_text=True)
    assert "javascript:" not in page and "Go back to what you just finished" not in page
    page = client.get(location.split("?")[0] + "?finished=//evil.example/").get_data(as_text=True)
    assert "evil.example" not in page


def test_the_calendar_says_refresher_once_certified_and_reminds_ahead(app, client, auth, councillor):
    app.config["TODAY"] = TODAY
    complete_induction(app, councillor)
    auth.sign_in()
    client.get("/my-training")
    calendar = icalendar.Calendar.from_ical(client.get("/my-training/due-date.ics").data)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Corporate parenting refresher due"
    assert "refresher by 22 November 2028" in str(event["DESCRIPTION"])
    [alarm] = event.walk("VALARM")
    assert alarm["TRIGGER"].dt.days == -28


def test_the_calendar_says_induction_before_a_certificate(app, client, auth):
    app.config["TODAY"] = TODAY
    make_councillor(app, elected_on=date(2026, 10, 1))
    auth.sign_in()
    [event] = icalendar.Calendar.from_ical(client.get("/my-training/due-date.ics").data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Corporate parenting induction due"


def test_success_messages_land_at_the_top_of_the_page(app, client, auth, councillor):
    """No #fragment after an action: the success banner at the top is where the member looks."""
    app.config["TODAY"] = TODAY
    auth.sign_in()
    response = client.post("/modules/principles/read")
    assert response.headers["Location"] == "/my-training"
    page = client.get("/my-training").get_data(as_text=True)
    banner = page.index("govuk-notification-banner--success")
    assert banner < page.index("<h1") and 'role="alert"' in page[banner - 200:banner + 300]

    start = client.post("/dilemmas/school-exclusion/start").headers["Location"]
    run_id = start.rstrip("/").split("/")[-1]
    with app.app_context():
        run = db.session.get(ScenarioRun, int(run_id))
        run.status = "finished"
        db.session.commit()
    response = client.post(f"{start}/reflection", data={"reflection": "I would ask the virtual school head."})
    assert response.status_code == 303 and "#" not in response.headers["Location"]


def test_a_password_error_reports_every_problem_at_once(app, client):
    """Review m10: a short password that also does not match was reported only as 'do not match'."""
    from app.models import Person
    from app.officers.invitations import send_invitation
    from tests.conftest import last_email

    person_id = make_councillor(app, email="new.member@example.gov.uk", password=None)
    with app.test_request_context():
        send_invitation(db.session.get(Person, person_id))
        db.session.commit()
    link = re.search(r"https?://\S+", last_email(app, "new.member@example.gov.uk").body).group(0)
    link = link.split("training.test", 1)[1]
    response = client.post(link, data={"password": "short", "confirm": "different"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "at least 12 characters" in page and "The two passwords do not match" in page
    summary = page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert "at least 12 characters" in summary and "do not match" in summary


def test_an_action_plan_item_can_be_marked_done_and_undone(app, client, auth, councillor):
    app.config["TODAY"] = TODAY
    auth.sign_in()
    post = {"answer": "no", "action": "Ask for the board's terms of reference", "priority": "high",
            "by_when_day": "1", "by_when_month": "3", "by_when_year": "2027"}
    client.post("/checklists/level-1/questions/1", data=post)
    client.post("/checklists/level-1/questions/2", data={**post, "action": "Visit a children's home"})
    with app.app_context():
        first = current_course().checklists[0].questions[0].id
    page = client.get("/checklists/action-plan").get_data(as_text=True)
    assert "You have done 0 of them" in page and page.count("Mark as done") == 2

    response = client.post(f"/checklists/action-plan/{first}/done", data={"done": "1"})
    assert response.status_code == 303 and response.headers["Location"] == "/checklists/action-plan"
    page = client.get("/checklists/action-plan").get_data(as_text=True)
    assert "Your action is marked as done" in page and "You have done 1 of them" in page
    assert ">Done</strong>" in page and "22 November 2026" in page
    # Done actions go below the ones still to do.
    assert page.index("Visit a children") < page.index("Ask for the board")
    assert "Mark as not done" in page

    client.post(f"/checklists/action-plan/{first}/done", data={"done": "0"})
    assert "You have done 0 of them" in client.get("/checklists/action-plan").get_data(as_text=True)
    # Changing the action makes it a new one, not done yet.
    client.post(f"/checklists/action-plan/{first}/done", data={"done": "1"})
    client.post("/checklists/level-1/questions/1?change=1", data={**post, "action": "Something else"})
    assert "You have done 0 of them" in client.get("/checklists/action-plan").get_data(as_text=True)
    # Only the member's own actions, and only answers that have one.
    assert client.post("/checklists/action-plan/no-such-question/done", data={"done": "1"}).status_code == 404


def test_going_back_a_step_ticks_the_choice_made_before(app, client, auth, councillor):
    """Review m8: after 'Go back one step' the member sees what they had chosen."""
    auth.sign_in()
    run_url = client.post("/dilemmas/school-exclusion/start").headers["Location"]
    page = client.get(run_url).get_data(as_text=True)
    client.post(f"{run_url}/choose", data={"step": "0", "node": re.search(r'name="node" value="([^"]*)"', page).group(1),
                                           "choice": "1"})
    page = client.get(run_url).get_data(as_text=True)
    step = re.search(r'name="step" value="([^"]*)"', page.split('/back"')[1]).group(1)
    response = client.post(f"{run_url}/back", data={"step": step})
    assert response.status_code == 303 and response.headers["Location"].endswith("?was=1")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r'name="choice"[^>]*value="1"[^>]*checked', page)
    assert not re.search(r'name="choice"[^>]*value="0"[^>]*checked', page)
    # A made-up value ticks nothing.
    page = client.get(f"{run_url}?was=99").get_data(as_text=True)
    assert "checked" not in page.split('name="choice"', 1)[1].split("</fieldset>")[0]


def test_the_menu_and_the_phase_banner_serve_a_councillor(app, client, auth, councillor):
    """Review m20 (the phone menu had only My training) and m18 (no feedback link, outside landmarks)."""
    auth.sign_in()
    page = client.get("/my-training").get_data(as_text=True)
    menu = page.split('id="navigation"')[1].split("</ul>")[0]
    for href, words in (("/my-training", "My training"), ("/checklists", "Checklists"),
                        ("/dilemmas", "Dilemmas"), ("/certificates", "Your certificates")):
        assert f'href="{href}"' in menu and words in menu
    banner = page.split('<section aria-label="Service phase">')[1].split("</section>")[0]
    assert 'href="mailto:training@example.gov.uk?subject=Feedback' in banner
    assert "Tell democratic services what you think of it</a>" in banner


def test_an_unknown_code_is_echoed_as_it_is_printed(client):
    """Review m23: the code typed in lower case without hyphens comes back in the printed form."""
    page = client.get("/verify/mrcjwc7spbbx").get_data(as_text=True)
    assert "There is no certificate with the code MRCJ-WC7S-PBBX" in page
