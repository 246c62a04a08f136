"""Recording a whole face-to-face session: the form (search and tick attendees, no JavaScript
needed), check your answers, then every certificate at once."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.auth.access import officer
from app.content import current_course
from app.data import sessions as data
from app.officers import bp, sessions

KEY = "training_session"


def _form_page(draft: sessions.Session, search: str, errors: list, status: int = 200):
    ticked = data.active_members(ids=draft.attendees) if draft.attendees else []
    ticked_ids = {m.id for m in ticked}
    found = [m for m in data.active_members(search) if m.id not in ticked_ids]
    pathways = [(p.id, p.name, p.summary) for p in current_course().pathways.pathways]
    return render_template("officers/session_new.html", draft=draft, search=search, ticked=ticked,
                           found=found, errors=errors, pathway_choices=pathways, form=FlaskForm(),
                           page_has_errors=bool(errors)), status


@bp.route("/sessions/new", methods=["GET", "POST"])
@officer
def session_new():
    if request.method == "GET":
        draft = sessions.Session.from_dict(session.get(KEY)) if request.args.get("change") else sessions.Session()
        return _form_page(draft, request.args.get("search", "").strip()[:100], [])
    if not FlaskForm().validate_on_submit():
        abort(400)
    draft = sessions.Session.from_form(request.form)
    search = request.form.get("search", "").strip()[:100]
    if request.form.get("action") == "search":
        return _form_page(draft, search, [])
    errors = sessions.check(draft)
    if errors:
        return _form_page(draft, search, errors, 400)
    session[KEY] = draft.to_dict()
    return redirect(url_for("officers.session_check"), 303)


@bp.route("/sessions/check", methods=["GET", "POST"])
@officer
def session_check():
    draft = sessions.Session.from_dict(session.get(KEY))
    if not draft.attendees:
        return redirect(url_for("officers.session_new"), 303)
    errors = sessions.check(draft)
    if errors:
        return _form_page(draft, "", errors, 400)
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        try:
            created, existing = sessions.record(draft, current_user.id)
        except sessions.SessionFailed as exc:
            return _form_page(draft, "", [("attendees", exc.message)], 409)
        session.pop(KEY, None)
        message = f"Recorded {created} certificate{'' if created == 1 else 's'} from the session on " \
                  f"{draft.held_on.strftime('%-d %B %Y')}."
        if existing:
            message += f" {existing} {'was' if existing == 1 else 'were'} already recorded."
        flash(message, "success")
        return redirect(url_for("officers.certificates"), 303)
    pathway = current_course().pathways.get(draft.pathway)
    return render_template("officers/session_check.html", draft=draft, pathway=pathway,
                           attendees=data.active_members(ids=draft.attendees), form=FlaskForm())
