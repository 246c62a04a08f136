"""Political groups: set each party's leader or whip, and send them the group's summary."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.auth.access import officer
from app.data import groups as data
from app.data.chasing import utcnow
from app.officers import bp, groups


def _party_or_404() -> str:
    party = (request.values.get("party") or "").strip()[:200]
    if party not in {p for p, _ in data.parties()}:
        abort(404)
    return party


@bp.route("/groups")
@officer
def group_list():
    leaders = data.leaders()
    rows = [(party, count, leaders.get(party), len(groups.needing_action(party)[0]))
            for party, count in data.parties()]
    return render_template("officers/groups.html", rows=rows, titles=groups.TITLES)


@bp.route("/groups/leader", methods=["GET", "POST"])
@officer
def group_leader():
    party = _party_or_404()
    members = data.members_of(party)
    current = data.leaders().get(party)
    error = None
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        chosen = request.form.get("person", "")
        title = request.form.get("title", "")
        if title not in groups.TITLES:
            error = ("title", "Select leader or whip")
        elif not chosen.isdecimal() or not groups.set_leader(party, int(chosen), title, current_user.id):
            error = ("person", f"Select a member of the {party} group")
        else:
            flash(f"The {party} group's summary now goes to its {groups.TITLES[title].lower()}.", "success")
            return redirect(url_for("officers.group_list"), 303)
    return render_template("officers/group_leader.html", party=party, members=members, current=current,
                           titles=groups.TITLES, error=error, form=FlaskForm(),
                           page_has_errors=error is not None), (400 if error else 200)


@bp.route("/groups/summary", methods=["GET", "POST"])
@officer
def group_summary():
    party = _party_or_404()
    found = groups.summary(party)
    if found is None:
        flash(f"Choose who leads the {party} group before sending it a summary.", "info")
        return redirect(url_for("officers.group_leader", party=party), 303)
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        groups.send_summary(found, current_user.id, f"group:{found.leader.id}:{utcnow():%Y-%m-%dT%H:%M:%S.%f}")
        data.commit()
        flash(f"The {party} group's summary has been sent to {found.leader.name}.", "success")
        return redirect(url_for("officers.group_list"), 303)
    return render_template("officers/group_summary.html", summary=found, titles=groups.TITLES, form=FlaskForm())
