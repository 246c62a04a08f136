"""The council's facts page: edit, preview as a module shows them, save, and the history."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.auth.access import officer
from app.content import local_facts as current_facts
from app.data import local_facts as data
from app.officers import bp
from app.officers import local_facts as rules


@bp.route("/council-facts", methods=["GET", "POST"])
@officer
def council_facts():
    before = current_facts()
    values = rules.form_values(before)
    errors: list[tuple[str, str]] = []
    preview = None
    status = 200
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        values = {name: request.form.get(name, "")[:5000] for name, _, _ in rules.FIELDS}
        checked = rules.check(values)
        errors = checked.errors
        if errors:
            status = 400
        elif request.form.get("action") == "save":
            fields = rules.save(checked, before, current_user.id)
            flash("The council's facts have been saved: modules show them now." if fields
                  else "Nothing was changed.", "success")
            return redirect(url_for("officers.council_facts"), 303)
        else:
            preview = rules.preview(checked.facts, current_app.config["COUNCIL_NAME"])
    return render_template("officers/council_facts.html", values=values, fields=rules.FIELDS, errors=errors,
                           preview=preview, history=data.history(), form=FlaskForm(),
                           page_has_errors=bool(errors)), status
