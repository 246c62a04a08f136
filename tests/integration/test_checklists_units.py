"""The checklists' plain modules, called without a request: dates, saving, progress, plan, PDF."""
from datetime import date, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.checklists import progress
from app.checklists.answers import Entry, save_answer
from app.checklists.forms import parse_date
from app.checklists.pdf import draw_action_plan
from app.checklists.plan import build_plan
from app.content import current_course
from app.extensions import db
from app.models import ChecklistAnswer
from tests.conftest import make_councillor

TODAY = date(2026, 12, 1)


# --- dates ----------------------------------------------------------------------------------

def test_parse_date_reads_a_real_future_date():
    assert parse_date("5", "03", "2027", today=TODAY).value == date(2027, 3, 5)
    assert parse_date(" 1 ", "12", "2026", today=TODAY).value == TODAY  # today is fine


@pytest.mark.parametrize("parts, error, bad", [
    (("", "", ""), "Enter the date", ("day", "month", "year")),
    (("", "", "2027"), "must include a day and a month", ("day", "month")),
    (("29", "2", "2027"), "must be a real date", ("day",)),
    (("31", "4", "2027"), "must be a real date", ("day",)),
    (("10", "0", "2027"), "must be a real date", ("month",)),
    (("x", "1", "2027"), "in numbers", ("day",)),
    (("1", "1", "202"), "a year with 4 numbers", ("year",)),
    (("30", "11", "2026"), "today or in the future", ("day", "month", "year")),
    (("2", "12", "2036"), "must be on or before 1 December 2036", ("day", "month", "year")),
])
def test_parse_date_names_the_problem_and_the_parts(parts, error, bad):
    result = parse_date(*parts, today=TODAY)
    assert result.value is None
    assert error in result.error
    assert result.bad_parts == bad


def test_parse_date_accepts_a_leap_day_and_a_passed_date_already_saved():
    assert parse_date("29", "2", "2028", today=TODAY).value == date(2028, 2, 29)
    assert parse_date("1", "6", "2026", today=TODAY, keep=date(2026, 6, 1)).value == date(2026, 6, 1)
    assert parse_date("2", "6", "2026", today=TODAY, keep=date(2026, 6, 1)).error
    assert parse_date("1", "1", "2030", today=date(2028, 2, 29)).value == date(2030, 1, 1)


# --- saving, progress and answers for other areas -------------------------------------------

def _level(level):
    return next(c for c in current_course().checklists if c.level == level)


def test_save_answer_updates_the_one_row(app):
    person = make_councillor(app)
    with app.app_context():
        level_1 = _level(1)
        q = level_1.questions[0]
        save_answer(person, level_1, q, Entry("no", action="Read it", priority="high",
                                              by_when=date(2027, 1, 1), who_can_help="Clerk"))
        save_answer(person, level_1, q, Entry("yes", note="Done", action=None, priority="high"))
        rows = list(db.session.scalars(select(ChecklistAnswer)))
        assert len(rows) == 1
        assert (rows[0].answer, rows[0].note, rows[0].action, rows[0].priority) == ("yes", "Done", None, None)


def test_checklist_complete_needs_every_question_of_the_level(app):
    person = make_councillor(app)
    other = make_councillor(app, name="Councillor Alex Smith", email="alex@example.gov.uk")
    with app.app_context():
        level_1 = _level(1)
        assert progress.checklist_complete(person, 1) is False
        for q in level_1.questions[:-1]:
            save_answer(person, level_1, q, Entry("yes"))
        assert progress.checklist_complete(person, 1) is False
        save_answer(other, level_1, level_1.questions[-1], Entry("yes"))
        assert progress.checklist_complete(person, 1) is False  # another member's answer does not count
        save_answer(person, level_1, level_1.questions[-1], Entry("partly", action="Ask",
                                                               priority="low", by_when=TODAY))
        assert progress.checklist_complete(person, 1) is True
        assert progress.checklist_complete(person, 2) is False
        assert progress.checklist_complete(person, 9) is False


def test_answers_for_groups_by_level_in_checklist_order_with_notes(app):
    person = make_councillor(app)
    with app.app_context():
        level_1, level_2 = _level(1), _level(2)
        save_answer(person, level_2, level_2.questions[1], Entry("not-sure", note="Ask the chair",
                                                                 action="Ask", priority="medium",
                                                                 by_when=TODAY))
        save_answer(person, level_1, level_1.questions[3], Entry("yes", note="Seen the data"))
        save_answer(person, level_1, level_1.questions[0], Entry("no", action="Read", priority="low",
                                                                 by_when=TODAY))
        grouped = progress.answers_for(person)
        assert list(grouped) == [1, 2]
        assert [a.question_id for a in grouped[1]] == [level_1.questions[0].id, level_1.questions[3].id]
        assert grouped[1][1].note == "Seen the data"
        assert grouped[1][1].question_text == level_1.questions[3].text
        assert grouped[2][0].answer_label == "Not sure" and grouped[2][0].priority_label == "Medium"
        assert progress.answers_for(person + 1000) == {}


# --- the plan and its PDF -------------------------------------------------------------------

def _answer(qid, priority, by_when, answer="no", action=None):
    return progress.Answer(level=1, question_id=qid, question_text=f"Question {qid}?", answer=answer,
                           note=None, action=f"Do {qid}" if action is None else action,
                           priority=priority,
                           by_when=by_when, who_can_help=None, updated_at=datetime(2026, 11, 1))


def test_the_plan_sorts_by_priority_then_date_then_checklist_order(app):
    with app.app_context():
        level_1 = _level(1)
    q = [question.id for question in level_1.questions]
    answers = {
        q[0]: _answer(q[0], "low", date(2027, 1, 1)),
        q[1]: _answer(q[1], "high", date(2027, 6, 1)),
        q[2]: _answer(q[2], "medium", date(2027, 1, 1)),
        q[3]: _answer(q[3], "high", date(2027, 2, 1)),
        q[4]: _answer(q[4], "high", date(2027, 2, 1)),
        q[5]: _answer(q[5], None, None, answer="yes", action=""),  # a yes with no action
    }
    plan = build_plan((progress.ChecklistStatus(level_1, answers),))
    assert [item.answer.question_id for item in plan.items] == [q[3], q[4], q[1], q[2], q[0]]
    assert [item.number for item in plan.items] == [4, 5, 2, 3, 1]
    assert (plan.answered, plan.total, plan.complete) == (6, 9, False)
    assert (plan.count("high"), plan.count("medium"), plan.count("low")) == (3, 1, 1)
    assert plan.items[0].overdue(date(2027, 2, 2)) and not plan.items[0].overdue(date(2027, 2, 1))


def test_the_pdf_is_a4_with_selectable_text_and_a_title(app):
    with app.app_context():
        level_1 = _level(1)
    first = level_1.questions[0].id
    long_action = "Visit the children's home & meet the manager <before> the board. " * 12
    plan = build_plan((progress.ChecklistStatus(level_1, {first: _answer(first, "high", date(2027, 1, 5),
                                                                         action=long_action)}),))
    data = draw_action_plan(plan, council_name="Anyshire County Council", member_name="Councillor Jo Bloggs",
                            on=date(2026, 12, 1))
    reader = PdfReader(BytesIO(data))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = " ".join(page.extract_text().split())
    assert "Anyshire County Council" in text and "Councillor Jo Bloggs" in text
    assert "meet the manager <before> the board" in text  # member text is escaped, not markup
    assert "5 January 2027" in text and "High" in text
    assert reader.metadata.title == "Corporate parenting action plan: Councillor Jo Bloggs"
    assert reader.metadata.author == "Anyshire County Council"


def test_an_empty_plan_still_makes_a_pdf(app):
    with app.app_context():
        level_1 = _level(1)
    plan = build_plan((progress.ChecklistStatus(level_1, {}),))
    text = PdfReader(BytesIO(draw_action_plan(plan, council_name="C", member_name="M",
                                              on=TODAY))).pages[0].extract_text()
    assert "There are no actions in this plan yet" in " ".join(text.split())
    assert "answered: 0 of 9" in text

