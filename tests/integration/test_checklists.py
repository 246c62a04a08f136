"""A councillor works through the levels 1-3 checklists and gets a personal action plan."""
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.extensions import db
from app.models import ChecklistAnswer, CouncillorRole
from tests.conftest import make_councillor

TODAY = date(2026, 12, 1)
OTHER = "alex.smith@example.gov.uk"


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.config["TODAY"] = TODAY


def give_role(app, person_id, role):
    with app.app_context():
        db.session.add(CouncillorRole(person_id=person_id, role=role))
        db.session.commit()


def answer(client, level, number, change=False, **data):
    url = f"/checklists/level-{level}/questions/{number}" + ("?change=1" if change else "")
    return client.post(url, data=data)


def action(what="Ask the clerk for the board's terms of reference", priority="high",
           day="15", month="1", year="2027", who="Clerk to the board"):
    return {"action": what, "priority": priority, "by_when_day": day, "by_when_month": month,
            "by_when_year": year, "who_can_help": who}


def rows(app, person_id=None):
    with app.app_context():
        query = select(ChecklistAnswer).order_by(ChecklistAnswer.id)
        if person_id is not None:
            query = query.where(ChecklistAnswer.person_id == person_id)
        found = list(db.session.scalars(query))
        for row in found:
            db.session.expunge(row)
        return found


def count_rows(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ChecklistAnswer))


# --- what a member sees ---------------------------------------------------------------------

def test_my_training_shows_the_level_1_checklist_to_every_councillor(client, auth, councillor):
    auth.sign_in()
    page = client.get("/my-training").get_data(as_text=True)
    assert '<h2 class="govuk-heading-l" id="checklists">Checklists</h2>' in page
    assert "Level 1: Universal responsibilities" in page
    assert "Answered 0 of 9 questions." in page
    assert "Level 2: Targeted responsibilities" not in page
    assert 'href="/checklists/action-plan"' in page
    assert "(no actions yet)" in page


def test_a_board_member_sees_levels_1_and_2_but_not_3(app, client, auth, councillor):
    give_role(app, councillor, "board")
    auth.sign_in()
    page = client.get("/checklists").get_data(as_text=True)
    assert "Level 1: Universal responsibilities" in page
    assert "Level 2: Targeted responsibilities" in page
    assert "Level 3" not in page
    assert client.get("/checklists/level-2").status_code == 200
    assert client.get("/checklists/level-3").status_code == 404
    assert client.get("/checklists/level-3/questions/1").status_code == 404


def test_a_plain_member_cannot_open_the_level_2_checklist(client, auth, councillor):
    auth.sign_in()
    assert client.get("/checklists/level-2").status_code == 404
    assert answer(client, 2, 1, answer="yes").status_code == 404


def test_unknown_questions_and_levels_are_not_found(client, auth, councillor):
    auth.sign_in()
    assert client.get("/checklists/level-1/questions/0").status_code == 404
    assert client.get("/checklists/level-1/questions/10").status_code == 404
    assert client.get("/checklists/level-4").status_code == 404


def test_the_question_page_uses_govuk_patterns(client, auth, councillor):
    auth.sign_in()
    page = client.get("/checklists/level-1/questions/1").get_data(as_text=True)
    assert "question 1 of 9" in page
    assert "Could I explain to a resident how and why a child ends up in the council" in page
    assert 'href="/modules/legal-framework"' in page  # the help links into the course
    for value in ("yes", "partly", "no", "not-sure"):
        assert f'name="answer" type="radio" value="{value}"' in page
    assert 'class="govuk-date-input"' in page and 'name="by_when_day"' in page
    assert 'inputmode="numeric"' in page
    assert "Save and continue" in page
    assert "style=" not in page and "<script>" not in page


# --- saving and changing answers ------------------------------------------------------------

def test_answering_yes_saves_and_moves_to_the_next_question(app, client, auth, councillor):
    auth.sign_in()
    response = answer(client, 1, 1, answer="yes", note="Read the framework module in October.")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/checklists/level-1/questions/2")
    [row] = rows(app)
    assert (row.person_id, row.level, row.question_id, row.answer) == (
        councillor, 1, "l1-why-children-come-into-care", "yes")
    assert row.note == "Read the framework module in October."
    assert row.action is None and row.priority is None and row.by_when is None
    page = client.get("/my-training").get_data(as_text=True)
    assert "Answered 1 of 9 questions." in page and "In progress" in page


def test_saving_again_updates_the_answer_and_never_duplicates_it(app, client, auth, councillor):
    auth.sign_in()
    answer(client, 1, 2, answer="no", **action())
    answer(client, 1, 2, answer="no", **action())  # a double click
    answer(client, 1, 2, answer="partly", note="Met the chair.",
           **action(what="Go to the next board meeting", priority="low", day="3", month="3"))
    [row] = rows(app)
    assert row.answer == "partly" and row.note == "Met the chair."
    assert row.action == "Go to the next board meeting"
    assert row.priority == "low" and row.by_when == date(2027, 3, 3)
    # The saved answer fills the form when the member comes back.
    page = client.get("/checklists/level-1/questions/2").get_data(as_text=True)
    assert 'value="partly" checked' in page and 'value="low" checked' in page
    assert "Go to the next board meeting</textarea>" in page
    assert 'value="3"' in page and 'value="2027"' in page


def test_changing_to_yes_drops_the_old_action(app, client, auth, councillor):
    auth.sign_in()
    answer(client, 1, 3, answer="not-sure", **action())
    # Without JavaScript a chosen priority radio cannot be cleared, so it is sent again.
    response = answer(client, 1, 3, answer="yes", action="", priority="high",
                      by_when_day="", by_when_month="", by_when_year="", who_can_help="")
    assert response.status_code == 302
    [row] = rows(app)
    assert row.answer == "yes"
    assert (row.action, row.priority, row.by_when, row.who_can_help) == (None, None, None, None)


def test_a_yes_ignores_the_hidden_action_fields(app, client, auth, councillor):
    """The action fields are hidden for a yes, so what is left in them is neither checked nor kept."""
    auth.sign_in()
    response = answer(client, 1, 4, answer="yes", action="half a thought", priority="",
                      by_when_day="31", by_when_month="2", by_when_year="2027", who_can_help="")
    assert response.status_code == 302
    [row] = rows(app)
    assert row.answer == "yes" and (row.action, row.priority, row.by_when) == (None, None, None)


def test_the_action_fields_are_revealed_only_for_an_answer_that_needs_one(client, auth, councillor):
    auth.sign_in()
    page = client.get("/checklists/level-1/questions/4").get_data(as_text=True)
    assert 'class="app-checklist-answer"' in page and 'class="app-action-fields"' in page


def test_the_last_question_and_change_links_lead_to_check_your_answers(app, client, auth, councillor):
    auth.sign_in()
    response = answer(client, 1, 9, answer="yes")
    assert response.headers["Location"].endswith("/checklists/level-1/answers")
    answer(client, 1, 1, answer="yes")
    page = client.get("/checklists/level-1/answers").get_data(as_text=True)
    assert "Check your answers" in page
    assert "You have answered <strong>2 of 9</strong>" in page
    assert 'href="/checklists/level-1/questions/1?change=1"' in page
    assert "Not answered" in page
    response = answer(client, 1, 1, change=True, answer="partly", **action())
    assert response.headers["Location"].endswith("/checklists/level-1/answers")
    page = client.get("/checklists/level-1/answers").get_data(as_text=True)
    assert "Partly" in page and "Ask the clerk for the board&#39;s terms of reference" in page
    assert "High priority, by 15 January 2027." in page


def test_answering_every_question_completes_the_checklist(app, client, auth, councillor):
    auth.sign_in()
    for number in range(1, 10):
        assert answer(client, 1, number, answer="yes").status_code == 302
    page = client.get("/checklists/level-1/answers").get_data(as_text=True)
    assert "You have answered every question in this checklist" in page
    page = client.get("/my-training").get_data(as_text=True)
    assert "Answered 9 of 9 questions." in page and "Completed" in page
    assert count_rows(app) == 9


# --- validation -----------------------------------------------------------------------------

def test_no_answer_is_an_error_and_saves_nothing(app, client, auth, councillor):
    auth.sign_in()
    response = answer(client, 1, 1, note="Thinking about it")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert '<a href="#answer">Select yes, partly, no or not sure</a>' in page
    assert "<title>Error:" in page
    assert "Thinking about it</textarea>" in page  # what they typed is kept
    assert count_rows(app) == 0


def test_an_answer_other_than_yes_needs_an_action(app, client, auth, councillor):
    auth.sign_in()
    response = answer(client, 1, 1, answer="no")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert '<a href="#action">Enter what you will do</a>' in page
    assert '<a href="#priority">Select whether your action is high, medium or low priority</a>' in page
    assert '<a href="#by_when_day">Enter the date by when you will do it</a>' in page
    assert "Who can help" not in page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert count_rows(app) == 0


def test_an_impossible_date_is_named_and_nothing_is_saved(app, client, auth, councillor):
    auth.sign_in()
    response = answer(client, 1, 1, answer="partly", **action(day="31", month="2"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert '<a href="#by_when_day">The date by when you will do it must be a real date</a>' in page
    assert 'govuk-input--width-2 govuk-input--error" id="by_when_day"' in page
    assert 'govuk-input--width-4" id="by_when_year"' in page  # the year was fine
    assert count_rows(app) == 0


@pytest.mark.parametrize("day, month, year, message", [
    ("", "3", "2027", "The date by when you will do it must include a day"),
    ("1", "", "", "The date by when you will do it must include a month and a year"),
    ("1", "13", "2027", "The date by when you will do it must be a real date"),
    ("first", "3", "2027", "must be a real date, in numbers"),
    ("1", "3", "27", "must include a year with 4 numbers"),
    ("30", "11", "2026", "must be today or in the future"),
    ("1", "1", "2040", "must be on or before"),
])
def test_date_errors_say_what_is_wrong(app, client, auth, councillor, day, month, year, message):
    auth.sign_in()
    response = answer(client, 1, 1, answer="no", **action(day=day, month=month, year=year))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count_rows(app) == 0


def test_a_saved_date_that_has_passed_can_be_kept(app, client, auth, councillor):
    auth.sign_in()
    assert answer(client, 1, 1, answer="no", **action(day="10", month="12", year="2026")).status_code == 302
    app.config["TODAY"] = date(2027, 1, 5)
    response = answer(client, 1, 1, answer="no", note="Still to do",
                      **action(day="10", month="12", year="2026"))
    assert response.status_code == 302
    assert rows(app)[0].note == "Still to do"
    page = client.get("/checklists/action-plan").get_data(as_text=True)
    assert "Date passed" in page


def test_text_that_is_too_long_is_refused(app, client, auth, councillor):
    auth.sign_in()
    response = answer(client, 1, 1, answer="no", note="x" * 2001, **action(who="y" * 301))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Your note must be 2,000 characters or fewer" in page
    assert "Who can help must be 300 characters or fewer" in page
    assert count_rows(app) == 0


# --- the action plan ------------------------------------------------------------------------

def make_plan(client):
    answer(client, 1, 1, answer="partly", **action(what="Low later", priority="low", day="1", month="6"))
    answer(client, 1, 2, answer="no", **action(what="High later", priority="high", day="1", month="5"))
    answer(client, 1, 3, answer="not-sure", **action(what="Medium soon", priority="medium", day="1", month="2"))
    answer(client, 1, 4, answer="no", **action(what="High sooner", priority="high", day="1", month="3"))
    answer(client, 1, 5, answer="yes")


def test_the_action_plan_lists_actions_by_priority_then_date(client, auth, councillor):
    auth.sign_in()
    make_plan(client)
    page = client.get("/checklists/action-plan").get_data(as_text=True)
    positions = [page.index(what) for what in ("High sooner", "High later", "Medium soon", "Low later")]
    assert positions == sorted(positions)
    assert "You have 4 actions: 2 high, 1 medium and 1 low priority." in page
    assert "1 March 2027" in page and "Clerk to the board" in page
    assert "You have answered 5 of 9 checklist questions." in page
    assert 'href="/checklists/action-plan.pdf"' in page
    assert "Councillor Pat Jones" in page
    page = client.get("/my-training").get_data(as_text=True)
    assert "(4 actions)" in page


def test_an_empty_action_plan_says_where_actions_come_from(client, auth, councillor):
    auth.sign_in()
    page = client.get("/checklists/action-plan").get_data(as_text=True)
    assert "You have no actions in your plan yet." in page
    assert "action-plan.pdf" not in page


def test_the_action_plan_downloads_as_a_pdf(client, auth, councillor):
    auth.sign_in()
    make_plan(client)
    response = client.get("/checklists/action-plan.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(BytesIO(response.data))
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Test Borough Council" in text
    assert "Councillor Pat Jones" in text
    assert "High sooner" in text and "Clerk to the board" in text
    assert "Produced on 1 December 2026" in text
    assert text.index("High sooner") < text.index("Low later")
    assert reader.metadata.title == "Corporate parenting action plan: Councillor Pat Jones"


# --- privacy between members ----------------------------------------------------------------

def test_another_member_cannot_see_or_change_your_answers(app, client, auth, councillor):
    auth.sign_in()
    make_plan(client)
    auth.sign_out()
    other = make_councillor(app, name="Councillor Alex Smith", email=OTHER)
    auth.sign_in(email=OTHER)
    for url in ("/checklists/action-plan", "/checklists/level-1/answers",
                "/checklists/level-1/questions/2", "/my-training"):
        page = client.get(url).get_data(as_text=True)
        assert "High later" not in page and "Clerk to the board" not in page, url
    assert "You have no actions in your plan yet." in client.get("/checklists/action-plan").get_data(as_text=True)
    text = PdfReader(BytesIO(client.get("/checklists/action-plan.pdf").data)).pages[0].extract_text()
    assert "Councillor Alex Smith" in text and "High later" not in text
    # Answering the same question makes the other member their own row; yours is untouched.
    answer(client, 1, 2, answer="yes")
    mine = {r.question_id: r for r in rows(app, councillor)}
    theirs = rows(app, other)
    assert mine["l1-know-the-governance"].answer == "no"
    assert [(r.question_id, r.answer) for r in theirs] == [("l1-know-the-governance", "yes")]


# --- who may use the checklists -------------------------------------------------------------

def test_signing_in_is_needed(client, councillor):
    for url in ("/checklists", "/checklists/level-1/questions/1", "/checklists/action-plan",
                "/checklists/action-plan.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    response = client.post("/checklists/level-1/questions/1", data={"answer": "yes"})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_an_officer_can_preview_all_three_checklists(client, auth, officer):
    auth.sign_in(email="sam.officer@example.gov.uk")
    page = client.get("/checklists").get_data(as_text=True)
    assert "Level 3: Specialist responsibilities" in page
    assert client.get("/checklists/level-3/questions/7").status_code == 200
