"""The officers' certificate pages: the list, recording face-to-face training, revoking, and
elections (which start new members' induction period)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.access import officer
from app.certificates import codes, issuing
from app.certificates.dates import add_months, long_date
from app.certificates.display import pathway_name, pdf_response
from app.certificates.forms import ElectionForm, FaceToFaceForm, RevokeForm
from app.content import current_course
from app.data import certificates as certificates_data
from app.data import elections as elections_data
from app.data import members as members_data
from app.officers import bp


@bp.route("/certificates")
@officer
def certificates():
    return render_template("certificates/officer_list.html", certificates=certificates_data.latest_issued(),
                           pathway_name=pathway_name, certificate_status=issuing.certificate_status)


def _councillor_choices() -> list[tuple[str, str]]:
    return [(str(pid), f"{name} ({email})") for pid, name, email in members_data.active_choices()]


@bp.route("/certificates/record", methods=["GET", "POST"])
@officer
def record_certificate():
    form = FaceToFaceForm()
    members = [("", "Choose a councillor")] + _councillor_choices()
    pathways = current_course().pathways.pathways
    errors: list[tuple[str, str]] = []
    if form.validate_on_submit():
        member = members_data.get_councillor(int(form.member.data)) if form.member.data.isdecimal() else None
        try:
            certificate, created = issuing.record_face_to_face(
                member.email if member else "", form.pathway.data, form.date_value, current_user.id)
        except issuing.CertificateError as exc:
            field = {"member": "member", "pathway": "pathway", "completed_on": "day"}.get(exc.field, "member")
            errors.append((field, exc.message))
        else:
            verb = "Recorded" if created else "Already recorded:"
            flash(f"{verb} {pathway_name(certificate.pathway_id, certificate.level)} for "
                  f"{certificate.person.name}, completed on {long_date(certificate.completed_on)}. "
                  f"Refresher due by {long_date(certificate.refresher_due)}.", "success")
            return redirect(url_for("officers.certificates"), 303)
    elif form.is_submitted():
        errors = form.extra_errors()
    status = 400 if form.is_submitted() else 200
    return render_template("certificates/record.html", form=form, errors=errors, members=members,
                           pathway_choices=[(p.id, p.name, p.summary) for p in pathways],
                           page_has_errors=bool(errors)), status


def _certificate_or_404(certificate_id: int):
    certificate = certificates_data.get(certificate_id)
    if certificate is None:
        abort(404)
    return certificate


@bp.route("/certificates/<int:certificate_id>.pdf")
@officer
def certificate_pdf(certificate_id: int):
    return pdf_response(_certificate_or_404(certificate_id))


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
@officer
def revoke_certificate(certificate_id: int):
    certificate = _certificate_or_404(certificate_id)
    if certificate.revoked_at is not None:
        flash("That certificate is already revoked.", "info")
        return redirect(url_for("officers.certificates"), 303)
    form = RevokeForm()
    if form.validate_on_submit():
        issuing.revoke(certificate, form.reason.data, current_user.id)
        flash(f"The certificate {codes.display(certificate.code)} is revoked.", "success")
        return redirect(url_for("officers.certificates"), 303)
    status = 400 if form.is_submitted() else 200
    return render_template("certificates/revoke.html", form=form, certificate=certificate,
                           pathway=pathway_name(certificate.pathway_id, certificate.level)), status


@bp.route("/elections", methods=["GET", "POST"])
@officer
def elections():
    form = ElectionForm()
    if form.validate_on_submit():
        election, created = issuing.record_election(form.date_value, int(form.induction_months.data),
                                                    current_user.id, form.apply_to_all.data)
        flash(f"{'Recorded' if created else 'Updated'} the election on {long_date(election.held_on)}: "
              f"members elected then must finish induction within {election.induction_months} months.",
              "success")
        return redirect(url_for("officers.elections"), 303)
    errors = form.extra_errors() if form.is_submitted() else []
    rows = elections_data.newest_first()
    counts = elections_data.active_members_by_election_date()
    status = 400 if form.is_submitted() else 200
    return render_template("certificates/elections.html", form=form, errors=errors, elections=rows,
                           counts=counts, induction_due=lambda e: add_months(e.held_on, e.induction_months)), status

