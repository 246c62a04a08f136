"""A councillor takes, fails, reviews, retakes and passes "Test your knowledge"."""
import random
import re

import pytest
from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from app.content import current_course
from app.extensions import db
from app.models import Person, QuizAttempt
from app.quizzes import attempts
from tests.conftest import make_councillor

OTHER = "alex.other@example.gov.uk"


# --- helpers that act as the member --------------------------------------------------------------

def start_assessment(client, layout="one-page"):
    response = client.post("/test-your-knowledge", data={"layout": layout})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))


def attempt_row(app, attempt_id) -> QuizAttempt:
    with app.app_context():
        row = db.session.get(QuizAttempt, attempt_id)
        db.session.expunge(row)
        return row


def questions(app, attempt_id):
    with app.app_context():
        course = current_course()
        return attempts.questions_of(course, db.session.get(QuizAttempt, attempt_id))


def choose(question, right: bool) -> list[str]:
    if right:
        return sorted(question.correct_keys)
    if question.choices:  # matching: every statement answered, each wrongly
        return [f"{o.key}{next(c.key for c in question.choices if c.key != o.match)}"
                for o in question.options]
    wrong = sorted(question.option_keys - question.correct_keys)
    return wrong[:1] if wrong else sorted(question.correct_keys)


def form_answers(app, attempt_id, right_count: int) -> dict:
    """The one-page form, with the first right_count questions right and the rest wrong."""
    data = {"action": "submit"}
    for n, q in enumerate(questions(app, attempt_id)):
        data[f"answer-{q.id}"] = choose(q, n < right_count)
    return data


def count_rows(app, **where) -> int:
    with app.app_context():
        query = select(func.count()).select_from(QuizAttempt)
        for name, value in where.items():
            query = query.where(getattr(QuizAttempt, name) == value)
        return db.session.scalar(query)


# --- starting and resuming ----------------------------------------------------------------------

def test_module_page_links_to_its_quiz(client, auth, councillor):
    auth.sign_in()
    page = client.get("/modules/principles").get_data(as_text=True)
    assert "Take the 6-question quiz on this module" in page
    assert 'href="/modules/principles/quiz"' in page
    assert "question quiz" not in client.get("/modules/glossary").get_data(as_text=True)
    assert client.get("/modules/glossary/quiz").status_code == 404


def test_start_page_states_the_rules(client, auth, councillor):
    auth.sign_in()
    page = client.get("/test-your-knowledge").get_data(as_text=True)
    assert "Test your knowledge" in page
    assert "20 questions" in page and "You need 80% to pass" in page
    assert "each wrong option you tick takes the same away" in page
    assert "One question at a time" in page and "All the questions on one page" in page


def test_choosing_no_layout_is_refused_with_a_message(app, client, auth, councillor):
    auth.sign_in()
    response = client.post("/test-your-knowledge", data={})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and "Select how you would like to see the questions" in page
    assert 'href="#layout"' in page
    assert count_rows(app) == 0
    assert client.post("/test-your-knowledge", data={"layout": "sideways"}).status_code == 400


def test_starting_again_resumes_the_open_attempt(app, client, auth, councillor):
    auth.sign_in()
    first = start_assessment(client)
    row = attempt_row(app, first)
    assert row.person_id == councillor and row.quiz == "assessment" and row.status == "started"
    assert len(row.question_ids) == 20 and row.answers == {} and row.pass_mark == 80
    assert row.started_at is not None and row.submitted_at is None
    assert start_assessment(client, layout="paged") == first
    assert count_rows(app) == 1
    assert attempt_row(app, first).layout == "paged"  # the member changed how they see it


def test_pass_mark_comes_from_the_setting_and_stays_with_the_attempt(app, client, auth, councillor):
    app.config["PASS_MARK_PERCENT"] = 60
    auth.sign_in()
    attempt_id = start_assessment(client)
    app.config["PASS_MARK_PERCENT"] = 90
    assert attempt_row(app, attempt_id).pass_mark == 60
    assert client.post(f"/attempts/{attempt_id}", data=form_answers(app, attempt_id, 13)).status_code == 302
    row = attempt_row(app, attempt_id)
    assert row.score_percent == 65 and row.passed is True


def test_a_race_to_start_resumes_the_winner(app, councillor, monkeypatch):
    with app.test_request_context():
        course = current_course()
        person = db.session.get(Person, councillor)
        quiz = attempts.assessment_quiz(course)
        winner, _ = attempts.start(course, person, quiz, "paged", 80, random.Random(1))
        real = attempts.open_attempt
        calls = []

        def too_late(person_id, quiz_key):
            # The first look happens before the other tab's insert is visible.
            calls.append(quiz_key)
            return None if len(calls) == 1 else real(person_id, quiz_key)

        monkeypatch.setattr(attempts, "open_attempt", too_late)
        attempt, resumed = attempts.start(course, person, quiz, "paged", 80, random.Random(2))
        assert resumed and attempt.id == winner.id
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


def test_the_database_refuses_a_second_open_attempt(app, councillor):
    with app.app_context():
        for _ in range(2):
            db.session.add(QuizAttempt(person_id=councillor, quiz="assessment", question_ids=["x"]))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


# --- one page at a time, leaving and coming back -------------------------------------------------

def test_paged_attempt_saves_each_answer_and_resumes(app, client, auth, councillor):
    auth.sign_in()
    attempt_id = start_assessment(client, layout="paged")
    qs = questions(app, attempt_id)
    response = client.get(f"/attempts/{attempt_id}")
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/questions/1")
    page = client.get(f"/attempts/{attempt_id}/questions/1").get_data(as_text=True)
    assert "question 1 of 20" in page and str(escape(qs[0].display_prompt)) in page
    control = {"radios": 'type="radio"', "checkboxes": 'type="checkbox"', "matching": "<select"}[qs[0].kind.widget]
    assert control in page

    response = client.post(f"/attempts/{attempt_id}/questions/1", data={"answer": choose(qs[0], True)})
    assert response.headers["Location"].endswith("/questions/2")
    assert attempt_row(app, attempt_id).answers == {qs[0].id: choose(qs[0], True)}

    # They leave, and My training offers the same attempt back.
    training = client.get("/my-training").get_data(as_text=True)
    assert "In progress" in training and "Continue your assessment" in training
    assert "You have answered 1 of 20 questions" in training
    response = client.get(f"/attempts/{attempt_id}")
    assert response.headers["Location"].endswith("/questions/2")

    # An answer they come back to is shown as chosen.
    page = client.get(f"/attempts/{attempt_id}/questions/1").get_data(as_text=True)
    assert re.search(rf'value="{choose(qs[0], True)[0]}" checked', page)


def test_paged_question_without_an_answer_says_which(app, client, auth, councillor):
    auth.sign_in()
    attempt_id = start_assessment(client, layout="paged")
    response = client.post(f"/attempts/{attempt_id}/questions/3", data={})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "to question 3" in page and 'href="#answer"' in page and "govuk-form-group--error" in page
    assert attempt_row(app, attempt_id).answers == {}
    assert client.get(f"/attempts/{attempt_id}/questions/21").status_code == 404


def test_multiple_answer_questions_use_checkboxes_with_the_hint(app, client, auth, councillor):
    auth.sign_in()
    with app.app_context():
        multiple = next(q for q in current_course().question_bank.questions.values()
                        if q.type == "multiple" and q.module == "principles")
    # Draw until the quiz holds a multiple-answer question; six of seven are drawn, so it soon does.
    for _ in range(20):
        response = client.post("/modules/principles/quiz", data={"layout": "one-page"})
        attempt_id = int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))
        if multiple.id in attempt_row(app, attempt_id).question_ids:
            break
        client.post(f"/attempts/{attempt_id}", data=form_answers(app, attempt_id, 6))
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert f'name="answer-{multiple.id}" type="checkbox"' in page
    assert "Select all that apply. Each right option you tick earns part of the mark" in page


def test_paged_check_page_and_submit(app, client, auth, councillor):
    auth.sign_in()
    attempt_id = start_assessment(client, layout="paged")
    qs = questions(app, attempt_id)
    for n, q in enumerate(qs[:-1], start=1):
        client.post(f"/attempts/{attempt_id}/questions/{n}", data={"answer": choose(q, True)})
    # Jumping to submit with one question unanswered names it, and saves nothing new.
    response = client.post(f"/attempts/{attempt_id}/submit")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "to question 20" in page and f'href="#answer-{qs[-1].id}"' in page
    assert attempt_row(app, attempt_id).status == "started"
    response = client.post(f"/attempts/{attempt_id}/questions/20", data={"answer": choose(qs[-1], True)})
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/check")
    page = client.get(f"/attempts/{attempt_id}/check").get_data(as_text=True)
    assert "Check your answers before you submit" in page and "Not answered" not in page
    response = client.post(f"/attempts/{attempt_id}/submit")
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    row = attempt_row(app, attempt_id)
    assert row.status == "submitted" and row.score_percent == 100 and row.passed is True


# --- submitting once, and refusing bad answers ---------------------------------------------------

def test_submitting_twice_keeps_one_score(app, client, auth, councillor):
    auth.sign_in()
    attempt_id = start_assessment(client)
    first = client.post(f"/attempts/{attempt_id}", data=form_answers(app, attempt_id, 10))
    assert first.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    row = attempt_row(app, attempt_id)
    assert row.score_percent == 50 and row.passed is False
    # The back button and a second click send all-right answers: nothing changes.
    second = client.post(f"/attempts/{attempt_id}", data=form_answers(app, attempt_id, 20),
                         follow_redirects=True)
    assert "You have already submitted this attempt" in second.get_data(as_text=True)
    assert client.post(f"/attempts/{attempt_id}/submit").status_code == 302
    assert client.post(f"/attempts/{attempt_id}/questions/1", data={"answer": ["a"]}).status_code == 302
    again = attempt_row(app, attempt_id)
    assert (again.score_percent, again.passed, again.submitted_at, again.answers) == \
        (50, False, row.submitted_at, row.answers)
    assert count_rows(app) == 1


def test_submit_function_twice_reports_the_second_as_old(app, councillor):
    with app.test_request_context():
        course = current_course()
        person = db.session.get(Person, councillor)
        attempt, _ = attempts.start(course, person, attempts.assessment_quiz(course), "one-page", 80,
                                    random.Random(5))
        qs = attempts.questions_of(course, attempt)
        right = {q.id: choose(q, True) for q in qs}
        done, newly = attempts.submit(course, councillor, attempt.id, right)
        assert newly and done.score_percent == 100
        wrong = {q.id: choose(q, False) for q in qs}
        again, newly = attempts.submit(course, councillor, attempt.id, wrong)
        assert not newly and again.score_percent == 100


def test_a_stale_copy_cannot_save_answers_after_submission(app, councillor):
    with app.test_request_context():
        course = current_course()
        person = db.session.get(Person, councillor)
        attempt, _ = attempts.start(course, person, attempts.assessment_quiz(course), "paged", 80,
                                    random.Random(6))
        qs = attempts.questions_of(course, attempt)
        attempts.submit(course, councillor, attempt.id, {q.id: choose(q, True) for q in qs})
        # A view that loaded the attempt before another tab submitted it still holds "started".
        stale = attempts.find_attempt(councillor, attempt.id)
        set_committed_value(stale, "status", "started")
        assert not attempts.save_answers(course, councillor, attempt.id,
                                         {qs[0].id: choose(qs[0], False)}, replace=False)
        db.session.expire_all()
        row = attempts.find_attempt(councillor, attempt.id)
        assert row.status == "submitted" and row.answers[qs[0].id] == choose(qs[0], True)


def test_tampered_option_is_refused_and_nothing_saved(app, client, auth, councillor):
    auth.sign_in()
    attempt_id = start_assessment(client)
    data = form_answers(app, attempt_id, 20)
    third = questions(app, attempt_id)[2]
    data[f"answer-{third.id}"] = ["z"]
    response = client.post(f"/attempts/{attempt_id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The answer sent for question 3 is not one of its options" in page
    assert f'href="#answer-{third.id}"' in page
    row = attempt_row(app, attempt_id)
    assert row.status == "started" and row.answers == {} and row.score_percent is None
    # Saving for later is refused the same way.
    data["action"] = "save"
    assert client.post(f"/attempts/{attempt_id}", data=data).status_code == 400
    assert attempt_row(app, attempt_id).answers == {}


def test_answer_to_a_question_not_in_the_attempt_is_refused(app, client, auth, councillor):
    auth.sign_in()
    attempt_id = start_assessment(client)
    data = form_answers(app, attempt_id, 20)
    data["answer-no-such-question"] = ["a"]
    response = client.post(f"/attempts/{attempt_id}", data=data)
    assert response.status_code == 400
    assert "not in this attempt" in response.get_data(as_text=True)
    assert attempt_row(app, attempt_id).status == "started"


def test_missing_answer_names_the_question_and_keeps_the_others(app, client, auth, councillor):
    auth.sign_in()
    attempt_id = start_assessment(client)
    data = form_answers(app, attempt_id, 20)
    fifth = questions(app, attempt_id)[4]
    del data[f"answer-{fifth.id}"]
    response = client.post(f"/attempts/{attempt_id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "to question 5" in page and page.count("govuk-form-group--error") == 1
    assert "<title>Error:" in page
    assert page.count(" checked") == sum(len(v) for k, v in data.items() if k != "action")
    assert attempt_row(app, attempt_id).status == "started"


def test_one_page_save_and_come_back_later(app, client, auth, councillor):
    auth.sign_in()
    attempt_id = start_assessment(client)
    qs = questions(app, attempt_id)
    response = client.post(f"/attempts/{attempt_id}", data={
        "action": "save", f"answer-{qs[0].id}": choose(qs[0], True)}, follow_redirects=True)
    assert "Your answers are saved" in response.get_data(as_text=True)
    assert attempt_row(app, attempt_id).answers == {qs[0].id: choose(qs[0], True)}
    assert attempt_row(app, attempt_id).status == "started"
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert page.count(" checked") == len(choose(qs[0], True))


# --- one member never sees another's ------------------------------------------------------------

def test_another_member_cannot_open_or_change_your_attempt(app, client, auth, councillor):
    make_councillor(app, name="Councillor Alex Other", email=OTHER)
    auth.sign_in()
    attempt_id = start_assessment(client)
    data = form_answers(app, attempt_id, 20)
    auth.sign_out()
    auth.sign_in(email=OTHER)
    for url in (f"/attempts/{attempt_id}", f"/attempts/{attempt_id}/questions/1",
                f"/attempts/{attempt_id}/check", f"/attempts/{attempt_id}/review"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/attempts/{attempt_id}", data=data).status_code == 404
    assert client.post(f"/attempts/{attempt_id}/submit").status_code == 404
    assert client.post(f"/attempts/{attempt_id}/questions/1", data={"answer": ["a"]}).status_code == 404
    assert attempt_row(app, attempt_id).status == "started"
    # Their own assessment is a new attempt, not yours.
    assert start_assessment(client) != attempt_id
    assert count_rows(app, status="started") == 2


# --- the whole journey ---------------------------------------------------------------------------

def test_take_fail_review_retake_pass(app, client, auth, councillor):
    auth.sign_in()
    page = client.get("/my-training").get_data(as_text=True)
    assert "Not started" in page and "Start the assessment" in page

    # Take it and fail: 12 of 20 right is 60%.
    first = start_assessment(client)
    page = client.get(f"/attempts/{first}").get_data(as_text=True)
    assert "Question 20 of 20" in page and "Submit your answers" in page
    response = client.post(f"/attempts/{first}", data=form_answers(app, first, 12), follow_redirects=True)
    review = response.get_data(as_text=True)
    assert "You scored 60%" in review and "You need 80% to pass" in review
    assert "Not passed" in review and "Retake the assessment" in review

    # The review teaches: each answer, right or wrong, why, the source and where to read more.
    qs = questions(app, first)
    with app.app_context():
        current_course()
        missed = qs[15]
        assert str(missed.explanation) in review
        for option in missed.options:
            assert str(option.feedback) in review
        assert f'href="/sources#{missed.source}"' in review
        assert f'href="/modules/{missed.module}' in review
        sectioned = next(q for q in qs if q.section)
        assert f'href="/modules/{sectioned.module}#{sectioned.section}"' in review
        missed_modules = {q.module for q in qs[12:]}
    assert review.count("govuk-tag--red\">Wrong") + review.count("Partly right") >= 1
    assert review.count("Your answer</strong>") >= 20
    row = attempt_row(app, first)
    assert (row.status, row.score_percent, row.passed) == ("submitted", 60, False)
    assert row.submitted_at >= row.started_at and len(row.answers) == 20

    page = client.get("/my-training").get_data(as_text=True)
    assert "Not passed yet" in page and "Best score" in page and "60%" in page
    assert f'href="/attempts/{first}/review"' in page

    # Retake: a new attempt with a new draw, its questions leaning on the modules missed.
    response = client.post("/test-your-knowledge", data={"layout": "one-page"})
    second = int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))
    assert second != first
    retake = attempt_row(app, second)
    assert retake.status == "started" and retake.question_ids != row.question_ids
    with app.app_context():
        modules = [current_course().question_bank.question(i).module for i in retake.question_ids]
    assert sum(1 for m in modules if m in missed_modules) >= 1

    # Pass: 17 of 20 is 85%.
    response = client.post(f"/attempts/{second}", data=form_answers(app, second, 17), follow_redirects=True)
    review = response.get_data(as_text=True)
    assert "You passed" in review and "85%" in review and "govuk-panel--confirmation" in review
    assert "Retake the assessment" not in review

    with app.app_context():
        rows = db.session.scalars(select(QuizAttempt).order_by(QuizAttempt.id)).all()
        assert [(r.quiz, r.status, r.score_percent, r.passed) for r in rows] == [
            ("assessment", "submitted", 60, False), ("assessment", "submitted", 85, True)]
        assert all(r.person_id == councillor and r.submitted_at for r in rows)
    page = client.get("/my-training").get_data(as_text=True)
    assert "Passed" in page and "with 85%" in page
    assert page.count("/review\"") == 2


def test_module_quiz_is_recorded_apart_from_the_assessment(app, client, auth, councillor):
    auth.sign_in()
    page = client.get("/modules/principles/quiz").get_data(as_text=True)
    assert "6 questions" in page and "Start the quiz" in page
    response = client.post("/modules/principles/quiz", data={"layout": "one-page"})
    attempt_id = int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))
    page = client.get("/my-training").get_data(as_text=True)
    with app.app_context():
        title = current_course().module("principles").title
    assert f"Continue: {escape(title)}: quiz" in page
    client.post(f"/attempts/{attempt_id}", data=form_answers(app, attempt_id, 6))
    row = attempt_row(app, attempt_id)
    assert row.quiz == "module:principles" and row.score_percent == 100 and len(row.question_ids) == 6
    page = client.get("/my-training").get_data(as_text=True)
    assert "Not started" in page  # the assessment itself is still to do


def test_officer_can_preview_the_assessment(client, auth, officer):
    auth.sign_in(email="sam.officer@example.gov.uk")
    assert client.get("/test-your-knowledge").status_code == 200
    assert client.post("/test-your-knowledge", data={"layout": "paged"}).status_code == 302
