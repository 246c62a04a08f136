"""Quiz routes: start or resume, answer (all on one page or one at a time), submit, review.

The views are thin: drawing, checking, saving and marking live in attempts.py, draw.py and
scoring.py. Every attempt is loaded by id and owner, so another member's is a 404.
"""
from __future__ import annotations


from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app import formatting
from app.auth.access import signed_in
from app.certificates import completion
from app.content import current_course
from app.quizzes import attempts, bp
from app.quizzes.attempts import STARTED, SUBMITTED, Quiz
from app.quizzes.forms import StartForm, posted_answer, posted_answers
from app.content.question_types import QUESTION_TYPES
from app.vocabulary import QuizLayout

ALREADY_SUBMITTED = ("You have already submitted this attempt, so your answers and score "
                     "have not changed.")
PAGED_FIELD = "answer"


@bp.app_context_processor
def quiz_helpers():
    return {"quiz_date": quiz_date, "quiz_start_url": start_url}


quiz_date = formatting.long_date


def start_url(quiz: Quiz) -> str:
    if quiz.module is not None:
        return url_for("quizzes.module_quiz", module_id=quiz.module.id)
    return url_for("quizzes.assessment")


def _own_attempt(attempt_id: int):
    attempt = attempts.find_attempt(current_user.id, attempt_id)
    if attempt is None:
        abort(404)
    return attempt


def _to_review(attempt, post: bool):
    if post:
        flash(ALREADY_SUBMITTED)
    return redirect(url_for("quizzes.review", attempt_id=attempt.id))


def _after_submit(attempt, newly: bool):
    # Passing the assessment may be the member's last requirement: then the certificate is issued.
    # Pathways count only passed assessments: after anything else there is nothing to check.
    if not (attempt.passed and attempt.quiz == attempts.ASSESSMENT):
        return _to_review(attempt, not newly)
    return completion.or_certificate(_to_review(attempt, not newly),
                                     finished=url_for("quizzes.review", attempt_id=attempt.id))


def _common(attempt) -> dict:
    course = current_course()
    return {"attempt": attempt, "quiz": attempts.quiz_for(course, attempt.quiz),
            "question_types": _types_in_use()}


def _types_in_use():
    seen, out = set(), []
    for kind in QUESTION_TYPES.values():
        if kind.label not in seen:
            seen.add(kind.label)
            out.append(kind)
    return out


# --- starting ----------------------------------------------------------------------------------

@bp.route("/test-your-knowledge", methods=["GET", "POST"])
@signed_in
def assessment():
    return _start_page(attempts.assessment_quiz(current_course()))


@bp.route("/modules/<module_id>/quiz", methods=["GET", "POST"])
@signed_in
def module_quiz(module_id: str):
    quiz = attempts.module_quiz(current_course(), module_id)
    if quiz is None:
        abort(404)
    return _start_page(quiz)


def _start_page(quiz: Quiz):
    course = current_course()
    form = StartForm()
    opened = attempts.open_attempt(current_user.id, quiz.key)
    size = attempts.quiz_size(course, quiz, current_user)
    if size == 0 and opened is None:
        abort(404)  # no questions for this member's level: nothing to take
    if form.validate_on_submit():
        attempt, resumed = attempts.start(course, current_user, quiz, form.layout.data,
                                          current_app.config["PASS_MARK_PERCENT"])
        if resumed and attempt.answers:
            flash("You are carrying on with the attempt you started before. The answers you "
                  "saved are still there.")
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    if request.method == "GET" and opened is not None:
        form.layout.data = opened.layout
    last = attempts.last_submitted(current_user.id, quiz.key)
    return render_template(
        "quizzes/start.html", quiz=quiz, form=form, open_attempt=opened, last=last,
        size=size, plan=attempts.retake_plan(course, current_user, quiz) if last else None,
        pass_mark=opened.pass_mark if opened else current_app.config["PASS_MARK_PERCENT"],
        answered=len(opened.answers or {}) if opened else 0, layouts=attempts.LAYOUTS,
        question_types=_types_in_use()), 400 if form.errors else 200


# --- answering ---------------------------------------------------------------------------------

def _next_page(attempt, questions) -> str:
    answers = attempt.answers or {}
    for number, q in enumerate(questions, start=1):
        if q.id not in answers:
            return url_for("quizzes.question", attempt_id=attempt.id, question_number=number)
    return url_for("quizzes.check", attempt_id=attempt.id)


def _one_page(attempt, questions, chosen, errors=(), status=200):
    return render_template("quizzes/one_page.html", questions=questions, chosen=chosen,
                           errors=list(errors), error_for=dict(reversed(list(errors))),
                           field_id=attempts.field_id, form=FlaskForm(), **_common(attempt)), status


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@signed_in
def attempt(attempt_id: int):
    course = current_course()
    attempt = _own_attempt(attempt_id)
    post = request.method == "POST"
    if attempt.status == SUBMITTED:
        return _to_review(attempt, post)
    questions = attempts.questions_of(course, attempt)
    if not post:
        if attempt.layout == QuizLayout.PAGED:
            return redirect(_next_page(attempt, questions))
        return _one_page(attempt, questions, attempt.answers or {})
    if not FlaskForm().validate_on_submit():
        abort(400)
    posted = posted_answers(request.form)
    try:
        if request.form.get("action") == "save":
            if not attempts.save_answers(course, current_user.id, attempt_id, posted, replace=True):
                return _to_review(attempt, post)
            flash("Your answers are saved. Carry on from My training when you are ready.",
                  "success")
            return redirect(url_for("learning.my_training"))
        attempt, newly = attempts.submit(course, current_user.id, attempt_id, posted)
    except attempts.Refused as refused:
        return _one_page(attempt, questions, posted, refused.errors, 400)
    return _after_submit(attempt, newly)


@bp.route("/attempts/<int:attempt_id>/questions/<int:question_number>", methods=["GET", "POST"])
@signed_in
def question(attempt_id: int, question_number: int):
    course = current_course()
    attempt = _own_attempt(attempt_id)
    post = request.method == "POST"
    if attempt.status == SUBMITTED:
        return _to_review(attempt, post)
    questions = attempts.questions_of(course, attempt)
    if not 1 <= question_number <= len(questions):
        abort(404)
    q = questions[question_number - 1]
    chosen = (attempt.answers or {}).get(q.id, [])
    errors: list = []
    if post:
        if not FlaskForm().validate_on_submit():
            abort(400)
        chosen = posted_answer(request.form, PAGED_FIELD)
        try:
            attempts.check_answers([q], {q.id: chosen}, require_all=True,
                                   numbers={q.id: question_number}, field=lambda _: PAGED_FIELD)
            if not attempts.save_answers(course, current_user.id, attempt_id, {q.id: chosen},
                                         replace=False):
                return _to_review(attempt, post)
        except attempts.Refused as refused:
            errors = refused.errors
        else:
            if question_number < len(questions):
                return redirect(url_for("quizzes.question", attempt_id=attempt_id,
                                        question_number=question_number + 1))
            return redirect(url_for("quizzes.check", attempt_id=attempt_id))
    back = (url_for("quizzes.question", attempt_id=attempt_id, question_number=question_number - 1)
            if question_number > 1 else start_url(attempts.quiz_for(course, attempt.quiz)))
    return render_template("quizzes/question.html", q=q, number=question_number,
                           total=len(questions), chosen=chosen, errors=errors,
                           error=errors[0][1] if errors else None, back=back, form=FlaskForm(),
                           **_common(attempt)), 400 if errors else 200


@bp.route("/attempts/<int:attempt_id>/check")
@signed_in
def check(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempt.status == SUBMITTED:
        return _to_review(attempt, False)
    return _check_page(attempt)


def _check_page(attempt, errors=(), status=200):
    questions = attempts.questions_of(current_course(), attempt)
    return render_template("quizzes/check.html", questions=questions,
                           answers=attempt.answers or {}, errors=list(errors),
                           field_id=attempts.field_id, form=FlaskForm(), **_common(attempt)), status


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@signed_in
def submit(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        attempt, newly = attempts.submit(current_course(), current_user.id, attempt_id)
    except attempts.Refused as refused:
        return _check_page(attempt, refused.errors, 400)
    return _after_submit(attempt, newly)


# --- after submitting --------------------------------------------------------------------------

@bp.route("/attempts/<int:attempt_id>/review")
@signed_in
def review(attempt_id: int):
    course = current_course()
    attempt = _own_attempt(attempt_id)
    if attempt.status == STARTED:
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    result = attempts.result_of(course, attempt)
    sections = {}
    for m in result.marked:
        module = course.module(m.question.module)
        heading = next((h for h in module.headings if h.anchor == m.question.section), None) \
            if module else None
        sections[m.question.id] = (module, heading)
    retake = StartForm(formdata=None, layout=attempt.layout)
    quiz = attempts.quiz_for(course, attempt.quiz)
    plan = attempts.retake_plan(course, current_user, quiz) if not attempt.passed else None
    return render_template("quizzes/review.html", result=result, sections=sections,
                           retake=retake, form=None, plan=plan, **_common(attempt))
