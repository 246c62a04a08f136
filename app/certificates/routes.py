"""Certificate routes: a member's certificates and public verification.

The officers' certificate and election pages are in app/officers/certificate_routes.py."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from app import clock
from app.auth.access import councillor, public
from app.certificates import bp, codes, completion, issuing
from app.certificates.display import pathway_name, pdf_response
from app.certificates.dates import due_date_calendar, long_date
from app.certificates.forms import ConfirmForm, IssueForm, VerifyForm
from app.data import certificates as certificates_data
from app.content import current_course
from app.extensions import limiter
from app.urls import external_url

VERIFY_LIMIT = "30 per minute"




# --- a member's own certificates ----------------------------------------------------------------

def _own_certificate_or_404(certificate_id: int):
    certificate = certificates_data.own(current_user.id, certificate_id)
    if certificate is None:
        abort(404)
    return certificate


@bp.route("/certificates")
@councillor
def index():
    return render_template("certificates/index.html", certificates=issuing.all_certificates(current_user.id),
                           pathway_name=pathway_name, certificate_status=issuing.certificate_status)


@bp.route("/certificates", methods=["POST"])
@councillor
def issue():
    form = IssueForm()
    if not form.validate_on_submit():
        abort(400)
    # Certificates are issued as the last requirement is met; this stays for a form posted from
    # an older page, and lands on the same confirmation.
    try:
        certificate, created = issuing.issue(current_user, form.pathway_id.data)
    except issuing.CertificateError as exc:
        return render_template("certificates/not_ready.html", message=exc.message), 409
    return redirect(url_for("certificates.issued", certificate_id=certificate.id), 303)


@bp.route("/certificates/<int:certificate_id>/issued")
@councillor
def issued(certificate_id: int):
    """The confirmation a member lands on when their last requirement issues the certificate."""
    certificate = _own_certificate_or_404(certificate_id)
    if certificate.revoked_at is not None:
        abort(404)
    return render_template("certificates/issued.html", certificate=certificate,
                           pathway=pathway_name(certificate.pathway_id, certificate.level),
                           finished=completion.safe_local(request.args.get("finished", "")))


@bp.route("/certificates/<int:certificate_id>.pdf")
@councillor
def download(certificate_id: int):
    certificate = _own_certificate_or_404(certificate_id)
    if certificate.revoked_at is not None:
        abort(404)
    return pdf_response(certificate)


@bp.route("/my-training/due-date.ics")
@councillor
def calendar():
    j = issuing.journey(current_user)
    due = j.record.due_by
    if due is None:
        abort(404)
    # Once a member holds a certificate, what falls due is its refresher, whatever their status.
    refresher = due == j.record.refresher_due or \
        j.record.required_pathway == current_course().pathways.refresher.id
    what = "refresher" if refresher else pathway_name(j.record.required_pathway).lower()
    body = due_date_calendar(
        due, uid=f"training-due-{current_user.id}-{due:%Y%m%d}@{urlsplit(external_url('main.index')).hostname}",
        summary=f"Corporate parenting {what} due",
        description=f"Finish your corporate parenting {what} by {long_date(due)}. "
                    f"See what is left to do on My training.",
        url=external_url("learning.my_training"), stamp=clock.now())
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="corporate-parenting-training-due.ics"'
    return response


@bp.route("/refresher/changes", methods=["GET", "POST"])
@councillor
def changes():
    j = issuing.journey(current_user)
    cycle = j.progress.cycle if j.progress else None
    if cycle is None or not j.pathway.changes_page:
        flash("You have no certificate to renew yet, so there is nothing to compare.", "info")
        return redirect(url_for("learning.my_training"), 303)
    form = ConfirmForm()
    if form.validate_on_submit():
        issuing.acknowledge_changes(current_user, cycle.certificate_id)
        flash("You have read what has changed since your last certificate.", "success")
        return completion.or_certificate(redirect(url_for("learning.my_training"), 303))
    acknowledged = any(r.key == "changes" and r.done for r in j.progress.requirements)
    return render_template("certificates/changes.html", form=form, cycle=cycle, acknowledged=acknowledged,
                           changes=issuing.changes_since(current_user.id, cycle.completed_on,
                                                         max(cycle.level, j.record.required_level)))


# --- verification: public ------------------------------------------------------------------------

@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(VERIFY_LIMIT)
@public
def verify_form():
    form = VerifyForm()
    if form.validate_on_submit():
        return redirect(url_for("certificates.verify", code=codes.normalise(form.code.data)), 303)
    status = 400 if form.is_submitted() else 200
    return render_template("certificates/verify_form.html", form=form), status


@bp.route("/verify/<code>")
@limiter.limit(VERIFY_LIMIT)
@public
def verify(code: str):
    normalised = codes.normalise(code)
    certificate = certificates_data.by_code(normalised) \
        if codes.looks_like_code(normalised) else None
    if certificate is None:
        return render_template("certificates/verify_not_found.html",
                               code=codes.display(normalised) if codes.looks_like_code(normalised) else code[:40]), 404
    if certificate.person.erased_at is not None:
        # Nothing to show about a person who asked for their data to be erased, not even that
        # they once held a certificate under a placeholder name.
        return render_template("main/error.html", title="This certificate can no longer be checked", code=410,
                               body="The holder's details have been removed at their request."), 410
    return render_template("certificates/verify.html", certificate=certificate,
                           status=public_status(issuing.certificate_status(certificate)),
                           pathway=pathway_name(certificate.pathway_id, certificate.level))


def public_status(status: str) -> str:
    """What anyone with the code may learn: whether the certificate is current, expired or revoked,
    not how the member stands with their training (due soon, overdue)."""
    return {"revoked": "revoked", "overdue": "expired"}.get(status, "current")
