"""Checklist routes: one question a page, a check-your-answers page per level, and the action plan.

A page a question suits a phone between meetings; every page reads and writes only the signed-in
person's own answers, so there is no other member's record to reach.
"""
from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.access import signed_in
from app.certificates import completion
from app.data import checklists as checklist_data
from app.checklists import bp, progress
from app.checklists.answers import save_answer
from app.checklists.forms import ChecklistAnswerForm
from app.checklists.plan import build_plan
from app.clock import today


def _applicable_or_404(level: int):
    found = next((c for c in progress.checklists_for(current_user) if c.level == level), None)
    if found is None:
        abort(404)
    return found


def _plan():
    return build_plan(progress.statuses(current_user.id, progress.checklists_for(current_user)))


@bp.route("/checklists")
@signed_in
def index():
    statuses = progress.statuses(current_user.id, progress.checklists_for(current_user))
    return render_template("checklists/index.html", statuses=statuses, plan=build_plan(statuses))


@bp.route("/checklists/level-<int:level>")
@signed_in
def checklist(level: int):
    found = _applicable_or_404(level)
    return render_template("checklists/checklist.html", status=progress.status(current_user.id, found))


@bp.route("/checklists/level-<int:level>/questions/<int:question_number>", methods=["GET", "POST"])
@signed_in
def question(level: int, question_number: int):
    found = _applicable_or_404(level)
    if not 1 <= question_number <= len(found.questions):
        abort(404)
    asked = found.questions[question_number - 1]
    status = progress.status(current_user.id, found)
    saved = status.answer(asked)
    # Only a fixed value is carried: the page returns to "check your answers", never elsewhere.
    changing = request.args.get("change") == "1"
    if request.method == "POST":
        form = ChecklistAnswerForm(today=today(), saved_by_when=saved.by_when if saved else None)
        if form.validate_on_submit():
            save_answer(current_user.id, found, asked, form.entry())
            if changing or question_number == len(found.questions):
                # The last answer may be the member's last requirement: then the certificate.
                return completion.or_certificate(redirect(url_for("checklists.answers", level=level)),
                                                 finished=url_for("checklists.answers", level=level))
            return redirect(url_for("checklists.question", level=level,
                                    question_number=question_number + 1))
        status_code = 400
    else:
        form = ChecklistAnswerForm.for_answer(saved, today=today())
        status_code = 200
    return render_template("checklists/question.html", form=form, checklist=found, question=asked,
                           number=question_number, status=status, changing=changing,
                           today_year=today().year), status_code


@bp.route("/checklists/level-<int:level>/answers")
@signed_in
def answers(level: int):
    found = _applicable_or_404(level)
    return render_template("checklists/answers.html", status=progress.status(current_user.id, found))


@bp.route("/checklists/action-plan")
@signed_in
def action_plan():
    return render_template("checklists/action_plan.html", plan=_plan(), today=today())


@bp.route("/checklists/action-plan/<question_id>/done", methods=["POST"])
@signed_in
def action_done(question_id: str):
    # CSRFProtect has checked the token; "done" is 1 to mark the action done, 0 to undo that.
    done = request.form.get("done") == "1"
    if not checklist_data.mark_action_done(current_user.id, question_id, today() if done else None):
        abort(404)
    flash("Your action is marked as done. Well done." if done else "Your action is marked as not done.",
          "success")
    return redirect(url_for("checklists.action_plan"), 303)


@bp.route("/checklists/action-plan.pdf")
@signed_in
def action_plan_pdf():
    # reportlab's Platypus and the fonts load only in a worker asked for an action plan.
    from app.checklists.pdf import draw_action_plan

    data = draw_action_plan(_plan(), council_name=current_app.config["COUNCIL_NAME"],
                            member_name=current_user.name, on=today())
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'attachment; filename="corporate-parenting-action-plan.pdf"'
    return response
