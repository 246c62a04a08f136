import json

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.access import councillor, signed_in
from app.certificates import completion, issuing
from app.certificates.display import pathway_name
from app.certificates.issuing import certificate_status
from app.content import current_course
from app.data import my_data
from app.learning import bp, module_page, my_training as view_model, progress


@bp.route("/my-training")
@signed_in
def my_training():
    # A pathway finished before certificates were issued automatically (or an officer's change
    # of role that drops a requirement) is certified here, on the member's next visit.
    # The member's journey is worked out once, for both (it is most of this page's cost).
    journey = issuing.journey(current_user) if current_user.is_councillor else None
    certificate = issuing.issue_if_complete(current_user, known=journey)
    if certificate is not None:
        return redirect(completion.confirmation_url(certificate), 303)
    return render_template("learning/my_training.html", page=view_model.build(current_user, journey),
                           pathway_name=pathway_name, certificate_status=certificate_status)


def _module_or_404(module_id: str):
    module = current_course().module(module_id)
    if module is None:
        abort(404)
    return module


@bp.route("/modules/<module_id>")
@signed_in
def module(module_id: str):
    course = current_course()
    module = _module_or_404(module_id)
    return module_page.page(course, module, progress.progress(course, current_user, (module,)).statuses[0])


# CSRFProtect checks every POST before these views run, so they need no form of their own.
@bp.route("/modules/<module_id>/read", methods=["POST"])
@signed_in
def mark_read(module_id: str):
    module = _module_or_404(module_id)
    progress.mark_read(current_user, module)
    flash(f"You have marked ‘{module.title}’ as read.", "success")
    # To the top of My training, not a #fragment down the page: the success banner and the
    # "Continue" button to the next required item are then where the member is looking.
    return completion.or_certificate(redirect(url_for("learning.my_training")),
                                     finished=url_for("learning.module", module_id=module.id))


@bp.route("/modules/<module_id>/unread", methods=["POST"])
@signed_in
def mark_unread(module_id: str):
    module = _module_or_404(module_id)
    progress.mark_unread(current_user, module)
    flash(f"‘{module.title}’ is marked as not read.", "success")
    return redirect(url_for("learning.module", module_id=module.id))


@bp.route("/my-training/my-data.json")
@councillor
def my_data_download():
    data = my_data.member_data(current_user, current_app.config["COUNCIL_NAME"])
    body = json.dumps(data, indent=2, ensure_ascii=False)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="my-training-data.json"'})
