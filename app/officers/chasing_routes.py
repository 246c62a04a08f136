"""Sending reminders from the officer pages: check who gets what, then send."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.auth.access import officer
from app.officers import bp, chasing
from app.officers import report as report_module


def _back(args) -> str:
    member = args.get("member", "")
    if member.isdecimal():
        return url_for("officers.member", member_id=int(member))
    filters, _ = report_module.parse_filters(args)
    return url_for("officers.report", **filters.query_args())


@bp.route("/reminders", methods=["GET"])
@officer
def reminders_check():
    """The check page: one member (?member=ID) or the overdue members of a report filter."""
    member = request.args.get("member", "")
    if member:
        if not member.isdecimal():
            abort(404)
        found = chasing.for_member(int(member))
        drafts = [found] if found else []
        filters = None
    else:
        filters, errors = report_module.parse_filters(request.args)
        if errors:
            abort(400)
        drafts = chasing.for_filters(filters)
    return render_template("officers/reminders_check.html", drafts=drafts, filters=filters,
                           single=bool(member), back=_back(request.args), form=FlaskForm())


@bp.route("/reminders", methods=["POST"])
@officer
def reminders_send():
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    wanted = {int(v) for v in request.form.getlist("member_id") if v.isdecimal()}
    back = request.form.get("back", "")
    if not back.startswith("/officers/"):
        back = url_for("officers.report")
    drafts = chasing.for_ids(wanted) if wanted else []
    if not drafts:
        flash("No reminders were sent: nobody on the list needs chasing any more.", "info")
        return redirect(back, 303)
    sent = chasing.send_all(drafts, current_user.id, bulk=len(wanted) > 1)
    skipped = len(wanted) - sent
    message = (f"A reminder has been sent to {drafts[0].name}." if sent == 1 and len(wanted) == 1
               else f"Reminders sent to {sent} member{'' if sent == 1 else 's'}.")
    if skipped > 0:
        message += f" {skipped} no longer needed one, so were not sent it."
    flash(message, "success")
    return redirect(back, 303)
