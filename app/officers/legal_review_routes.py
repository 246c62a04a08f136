"""The legal review record: every module's law-checked date, and the council lawyer's sign-off."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app import clock
from app.auth.access import officer
from app.content import current_course
from app.data import legal_review as data
from app.date_input import long_date
from app.officers import bp
from app.officers.forms import LegalSignOffForm
from app.officers.legal_review import recheck_due_on, record_sign_off, review_rows


@bp.route("/legal-review")
@officer
def legal_review():
    rows = review_rows(current_course(), data.latest_sign_offs(), clock.today())
    return render_template("officers/legal_review.html", rows=rows, due=sum(r.due for r in rows),
                           recheck_due_on=recheck_due_on, long_date=long_date)


@bp.route("/legal-review/<module_id>", methods=["GET", "POST"])
@officer
def legal_sign_off(module_id: str):
    module = current_course().module(module_id)
    if module is None:
        abort(404)
    form = LegalSignOffForm()
    if form.validate_on_submit() and (signed_on := form.signed_on):
        record_sign_off(data.SignOff(module.id, form.signed_by.data, signed_on, form.note.data or "",
                                          module.fingerprint), current_user.id)
        flash(f"Recorded the legal sign-off of ‘{module.title}’.", "success")
        return redirect(url_for("officers.legal_review", _anchor=f"module-{module.id}"), 303)
    return render_template("officers/legal_sign_off.html", module=module, form=form,
                           history=data.sign_offs_for(module.id), long_date=long_date), 400 if form.errors else 200
