"""The officer area: members, the election import, the completion report, exports, the audit log.

Certificates and elections are in certificate_routes.py, on the same blueprint (URLs /officers/...).

Views stay thin: the work is done by the plain modules beside this one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING


from flask import (Response, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask.globals import request_ctx
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import RequestEntityTooLarge

from app import audit, mail
from app.auth import password_policy
from app.auth.access import officer
from app.content import current_course
from app.extensions import db
from app.data import mail as mail_data
from app.officers import (audit_log, bp, charts, erasure, exports, importer, invitations, member_record,
                          members, moderngov, sign_in_settings)
from app.data import chasing as chasing_data
from app.officers import chasing, needs_action
from app.officers import report as report_module
from app.vocabulary import ROLE_LABELS

if TYPE_CHECKING:
    from app.models import Councillor
from app.officers.forms import (EraseForm, ImportConfirmForm, ImportUploadForm, MemberForm, ModernGovConfirmForm,
                                ModernGovUploadForm)

SHOW_OPTIONS = {"active": "Active members", "inactive": "Deactivated members", "all": "All members"}


@bp.route("/")
@officer
def index():
    return render_template("officers/index.html", active=members.count_active(),
                           needs=needs_action.build(), groups=report_module.NEEDS_ACTION, filter_args={},
                           not_invited=invitations.count_not_yet_invited(), not_sent=mail_data.count_not_sent())


MAIL_KIND_LABELS = {"invitation": "Invitation", "password-reset": "Password reset", "email-changed": "Email changed",
                    "refresher-due": "Refresher reminder", "overdue": "Overdue reminder",
                    "officer-summary": "Officers' weekly summary",
                    "group-summary": "Group leader's summary", "chase": "Chase", "certificate": "Certificate",
                    "general": "Other"}


@bp.route("/emails-not-sent", methods=["GET", "POST"])
@officer
def emails_not_sent():
    # The action that caused each email (the reminder, the invitation) is already recorded; this
    # page is where an officer learns that the email itself has not gone, and can try again.
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        delivered, failed = mail.deliver_queued(limit=500)
        audit.record("mail.retried", None, delivered=delivered, failed=failed)
        db.session.commit()
        flash(f"{delivered} sent; {failed} still could not be sent." if failed else f"{delivered} sent.",
              "success" if not failed else "info")
        return redirect(url_for("officers.emails_not_sent"))
    return render_template("officers/emails_not_sent.html", messages=mail_data.not_sent(), form=form,
                           kind_label=lambda kind: MAIL_KIND_LABELS.get(kind or "general", "Other"))


@bp.route("/outbox")
@officer
def outbox():
    # Only where mail stays in the service (the demo): with a real transport the links in these
    # emails would let an officer sign in as a member (security review, MEDIUM-1).
    if not mail.transport().keeps_messages:
        abort(404)
    messages = mail_data.latest(100)
    audit.record("outbox.read", None, shown=len(messages))
    db.session.commit()
    return render_template("officers/outbox.html", messages=messages)


# --- members -------------------------------------------------------------------------------------

def _member_or_404(member_id: int) -> "Councillor":
    member = members.get_councillor(member_id)
    if member is None:
        abort(404)
    return member


def _details(form: MemberForm) -> members.MemberDetails:
    return members.MemberDetails(name=form.name.data, email=form.email.data, ward=form.ward.data,
                                 party=form.party.data, elected_on=form.elected_on,
                                 roles=tuple(form.roles.data))


@bp.route("/members")
@officer
def member_list():
    show = request.args.get("show", "active")
    if show not in SHOW_OPTIONS:
        show = "active"
    page = request.args.get("page", "1")
    page = int(page) if page.isdecimal() else 1
    search = request.args.get("search", "").strip()[:100]
    shown, pages = members.list_members(show, page, search=search)
    page = min(max(page, 1), pages)
    return render_template("officers/members.html", members=shown, show=show, page=page, pages=pages,
                           show_options=SHOW_OPTIONS, not_invited=invitations.count_not_yet_invited(),
                           search=search,
                           page_url=lambda n: url_for("officers.member_list", show=show, page=n,
                                                      **({"search": search} if search else {})),
                           form=FlaskForm())


@bp.route("/members/new", methods=["GET", "POST"])
@officer
def member_new():
    form = MemberForm()
    if request.method == "GET":
        form.roles.data = ["member"]
    if form.validate_on_submit():
        try:
            member = members.add_member(_details(form))
        except members.EmailTaken:
            form.email.errors.append("Another account already uses this email address")
        else:
            flash(f"{member.name} has been added. Send them an invitation when you are ready.", "success")
            return redirect(url_for("officers.member", member_id=member.id))
    return render_template("officers/member_form.html", form=form, member=None), (400 if form.errors else 200)


@bp.route("/members/<int:member_id>")
@officer
def member(member_id: int):
    member = _member_or_404(member_id)
    record = member_record.load(member, current_course())
    history, actors = chasing_data.member_history(member.id)
    return render_template("officers/member.html", member=member, record=record, form=FlaskForm(),
                           history=history, actors=actors,
                           last_reminder=chasing_data.last_reminders([member.id]).get(member.id),
                           can_remind=bool(member.active and member.erased_at is None and member.email
                                           and chasing.can_remind(record.training)))


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@officer
def member_edit(member_id: int):
    member = _member_or_404(member_id)
    if member.erased_at is not None:
        flash("This member's personal data has been erased, so their details cannot be edited.", "info")
        return redirect(url_for("officers.member", member_id=member.id))
    form = MemberForm(obj=member if request.method == "GET" else None)
    if request.method == "GET":
        form.roles.data = sorted(member.role_keys)
        form.fill_date(member.elected_on)
    if form.validate_on_submit():
        try:
            changed, added, removed = members.update_member(member, _details(form))
        except members.EmailTaken:
            form.email.errors.append("Another account already uses this email address")
        else:
            flash("The member's details have been saved." if changed or added or removed
                  else "Nothing was changed.", "success")
            return redirect(url_for("officers.member", member_id=member.id))
    return render_template("officers/member_form.html", form=form, member=member), (400 if form.errors else 200)


@bp.route("/members/<int:member_id>/deactivate", methods=["GET", "POST"])
@officer
def member_deactivate(member_id: int):
    member = _member_or_404(member_id)
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if members.deactivate(member):
            flash(f"{member.name} has been deactivated. Their training history is kept.", "success")
        return redirect(url_for("officers.member", member_id=member.id))
    if not member.active:
        return redirect(url_for("officers.member", member_id=member.id))
    return render_template("officers/deactivate.html", member=member, form=form)


@bp.route("/members/<int:member_id>/reactivate", methods=["POST"])
@officer
def member_reactivate(member_id: int):
    member = _member_or_404(member_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if members.reactivate(member):
        flash(f"{member.name} has been reactivated.", "success")
    return redirect(url_for("officers.member", member_id=member.id))


@bp.route("/members/<int:member_id>/password-sign-in", methods=["POST"])
@officer
def member_password_sign_in(member_id: int):
    member = _member_or_404(member_id)
    if not FlaskForm().validate_on_submit() or request.form.get("allow") not in ("yes", "no"):
        abort(400)
    if sign_in_settings.set_member_password_sign_in(member, request.form["allow"] == "yes"):
        flash(f"{member.name} can now sign in with a password as well as their council account."
              if member.password_sign_in else
              f"{member.name} must now sign in with their council account.", "success")
    return redirect(url_for("officers.member", member_id=member.id))


@bp.route("/sign-in-settings", methods=["GET", "POST"])
@officer
def sign_in_settings_page():
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit() or request.form.get("passwords") not in ("on", "off"):
            abort(400)
        sign_in_settings.set_passwords_off_for_members(request.form["passwords"] == "off")
        flash("Members must now sign in with their council account." if request.form["passwords"] == "off"
              else "Members can sign in with a password as well as their council account.", "success")
        return redirect(url_for("officers.sign_in_settings_page"))
    return render_template("officers/sign_in_settings.html", form=form,
                           council_accounts=password_policy.council_sign_in_enabled(),
                           passwords_off=password_policy.passwords_off_for_members())


@bp.route("/members/<int:member_id>/invite", methods=["POST"])
@officer
def member_invite(member_id: int):
    member = _member_or_404(member_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    resend = member.invited_at is not None
    if invitations.invite(member):
        flash(f"An invitation has been {'sent again' if resend else 'sent'} to {member.email}.", "success")
    else:
        flash("No invitation was sent: the member has already signed in, or is not active.", "info")
    return redirect(url_for("officers.member", member_id=member.id))


@bp.route("/members/invite-all", methods=["GET"])
@officer
def invite_all_check():
    """Who the bulk invitation goes to, and the email they get, before anything is sent."""
    people = invitations.not_yet_invited()
    preview = invitations.preview(people[0]) if people else None
    return render_template("officers/invite_all_check.html", people=people, preview=preview,
                           form=FlaskForm())


@bp.route("/members/invite-all", methods=["POST"])
@officer
def invite_all():
    if not FlaskForm().validate_on_submit():
        abort(400)
    chosen = {int(v) for v in request.form.getlist("member_id") if v.isdecimal()}
    count = invitations.invite_everyone_not_yet_invited(only=chosen if chosen else None)
    flash(f"Invitations sent to {count} member{'' if count == 1 else 's'}." if count
          else "Everyone active has already been invited.", "success")
    return redirect(url_for("officers.member_list"))


@bp.route("/members/<int:member_id>/erase", methods=["GET", "POST"])
@officer
def member_erase(member_id: int):
    member = _member_or_404(member_id)
    if member.erased_at is not None:
        flash("This member's personal data has already been erased.", "info")
        return redirect(url_for("officers.member", member_id=member.id))
    form = EraseForm()
    if form.validate_on_submit():
        erasure.erase(member)
        flash(f"The personal data of member #{member_id} has been erased. Their anonymous training "
              "totals are kept.", "success")
        return redirect(url_for("officers.member", member_id=member_id))
    return render_template("officers/erase.html", member=member, form=form), (400 if form.errors else 200)


# --- the election import -------------------------------------------------------------------------

def _import_page(upload: ImportUploadForm, status: int = 200, plan=None, token=None, problems=None):
    return render_template("officers/import.html", form=upload, plan=plan, token=token,
                           confirm_form=ImportConfirmForm(formdata=None), problems=problems or [],
                           columns=importer.COLUMNS,
                           page_has_errors=bool(upload.csv_file.errors or (plan is not None and plan.errors)),
                           already_late=_already_late(plan)
                           ), status


def _already_late(plan) -> int:
    """New members whose induction deadline has passed: they will show as overdue straight away."""
    from app import clock
    from app.certificates.dates import add_months

    if plan is None:
        return 0
    months = current_app.config.get("INDUCTION_MONTHS", 3)
    today = clock.today()
    return sum(1 for row in plan.adds if row.elected_on and add_months(row.elected_on, months) < today)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    if request.endpoint == "officers.member_import":
        form = ImportUploadForm(formdata=None)
        form.csv_file.errors = ["The selected file must be smaller than 1 MB"]
        return _import_page(form, 413)
    return render_template("main/error.html", title="The file is too large",
                           body="Choose a smaller file and try again.", code=413), 413


@bp.route("/members/import", methods=["GET", "POST"])
@officer
def member_import():
    if request.method == "GET":
        return _import_page(ImportUploadForm(formdata=None))
    if "checked_file" in request.form:
        return _confirm_import()
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return _import_page(form, 400)
    data = form.csv_file.data.read(importer.MAX_BYTES + 1)
    parsed = importer.parse(data)
    the_plan = importer.plan(parsed)
    if not the_plan.ok:
        form.csv_file.errors = ["The file has problems: correct them in the spreadsheet and upload it again"]
        return _import_page(form, 400, plan=the_plan)
    token = importer.make_token(parsed.text, current_user.id)
    if token is None:
        form.csv_file.errors = ["The file is too large to check in one go. Split it into two files."]
        return _import_page(form, 413)
    return _import_page(ImportUploadForm(formdata=None), plan=the_plan, token=token)


def _confirm_import():
    confirm = ImportConfirmForm()
    if not confirm.validate_on_submit():
        abort(400)
    text = importer.read_token(confirm.checked_file.data, current_user.id)
    upload = ImportUploadForm(formdata=None)
    if text is None:
        upload.csv_file.errors = ["The checked file has expired or was changed. Upload it again."]
        return _import_page(upload, 400)
    the_plan = importer.plan(importer.parse(text.encode("utf-8")))
    if not the_plan.ok:
        # The council's record changed since the preview (for example an officer took an email).
        upload.csv_file.errors = ["The file has problems: correct them in the spreadsheet and upload it again"]
        return _import_page(upload, 409, plan=the_plan)
    if not the_plan.has_changes:
        flash("Nothing to import: every member in the file is already up to date.", "success")
        return redirect(url_for("officers.member_list"))
    try:
        summary = importer.apply(the_plan, actor_id=current_user.id)
    except importer.ImportFailed as exc:
        upload.csv_file.errors = [str(exc)]
        return _import_page(upload, 409)
    flash(f"Imported: {len(summary.added_ids)} added, {len(summary.updated_ids)} updated. "
          "Now send invitations to the new members.", "success")
    return redirect(url_for("officers.member_list"))


# --- the modern.gov sync -------------------------------------------------------------------------

def _sync_page(upload: ModernGovUploadForm, status: int = 200, plan=None, token=None, error=None):
    return render_template("officers/moderngov.html", form=upload, plan=plan, token=token, error=error,
                           confirm_form=ModernGovConfirmForm(formdata=None),
                           moderngov_url=current_app.config.get("MODERNGOV_URL"),
                           no_council_email=moderngov.NO_COUNCIL_EMAIL), status


@bp.route("/members/moderngov", methods=["GET", "POST"])
@officer
def member_sync():
    if request.method == "GET":
        return _sync_page(ModernGovUploadForm(formdata=None))
    if "checked" in request.form:
        return _confirm_sync()
    if "fetch" in request.form:
        if not FlaskForm().validate_on_submit():
            abort(400)
        url = current_app.config.get("MODERNGOV_URL")
        if not url:
            abort(404)
        source, upload = url, ModernGovUploadForm(formdata=None)
        try:
            data = moderngov.fetch(url)
        except moderngov.SyncFailed as exc:
            return _sync_page(upload, 502, error=str(exc))
    else:
        upload = ModernGovUploadForm()
        if not upload.validate_on_submit():
            return _sync_page(upload, 400)
        source = upload.xml_file.data.filename or "the uploaded file"
        data = upload.xml_file.data.read(moderngov.MAX_BYTES + 1)
    parsed = moderngov.read(data, source)
    try:
        the_plan = moderngov.plan(parsed)
    except moderngov.SyncFailed as exc:
        return _sync_page(upload, 500, error=str(exc))
    if not the_plan.ok:
        return _sync_page(upload, 400, plan=the_plan)
    token = moderngov.make_token(parsed, current_user.id, source)
    return _sync_page(ModernGovUploadForm(formdata=None), plan=the_plan, token=token)


def _confirm_sync():
    confirm = ModernGovConfirmForm()
    if not confirm.validate_on_submit():
        abort(400)
    upload = ModernGovUploadForm(formdata=None)
    checked = moderngov.read_token(confirm.checked.data, current_user.id)
    if checked is None:
        return _sync_page(upload, 400, error="The checked list has expired or was changed. Start again.")
    parsed, source = checked
    try:
        the_plan = moderngov.plan(parsed, confirmed_home_emails=set(confirm.home_email.data or ()))
    except moderngov.SyncFailed as exc:
        return _sync_page(upload, 500, error=str(exc))
    if not the_plan.ok:
        return _sync_page(upload, 409, plan=the_plan)
    if not the_plan.has_changes:
        flash("Nothing to change: every member is already as modern.gov lists them.", "success")
        return redirect(url_for("officers.member_list"))
    try:
        summary = moderngov.apply(the_plan, actor_id=current_user.id, source=source)
    except moderngov.SyncFailed as exc:
        return _sync_page(upload, 409, error=str(exc))
    flash(f"Synced from modern.gov: {len(summary.added_ids)} added, {len(summary.updated_ids)} updated, "
          f"{len(summary.deactivated_ids)} deactivated.", "success")
    return redirect(url_for("officers.member_list"))


# --- the audit log -------------------------------------------------------------------------------

@bp.route("/audit")
@officer
def audit_events():
    filters, errors = audit_log.parse_filters(request.args)
    page = audit_log.search(filters)
    return render_template(
        "officers/audit.html", page=page, filters=filters, errors=errors,
        action_label=audit_log.action_label,
        action_options=[(a, audit_log.action_label(a)) for a in page.actions],
        page_url=lambda n: url_for("officers.audit_events", **filters.query_args(page=n)),
    ), (400 if errors else 200)


# --- the completion report and its exports -------------------------------------------------------

REPORT_PER_PAGE = 200


@bp.route("/report")
@officer
def report():
    filters, errors = report_module.parse_filters(request.args)
    page = request.args.get("page", "1")
    data = report_module.build(filters, page=int(page) if page.isdecimal() else 1, per_page=REPORT_PER_PAGE,
                               urgent_limit=needs_action.LIMIT)
    return render_template(
        "officers/report.html", report=data, rows=data.rows, page=data.page, pages=data.pages, errors=errors,
        needs=needs_action.build(filters, data.today, urgent=data.urgent), groups=report_module.NEEDS_ACTION,
        filter_args={k: v for k, v in filters.query_args().items() if k in ("ward", "party", "role", "due_within")},
        columns=report_module.COLUMNS, sort_labels=report_module.SORT_LABELS, statuses=report_module.STATUS_VALUES,
        status_slug=report_module.status_slug,
        status_options=[(report_module.status_slug(s), s.capitalize()) for s in report_module.STATUS_VALUES],
        ward_options=[(w, w) for w in data.wards], party_options=[(p, p) for p in data.parties],
        role_options=list(ROLE_LABELS.items()),
        role_chart=charts.to_svg(charts.status_by_role(data.by_role, report_module.STATUS_VALUES), "chart-roles"),
        month_chart=charts.to_svg(charts.completions_over_time(data.by_month), "chart-months"),
        page_url=lambda n: url_for("officers.report", **filters.query_args(page=n)),
        sort_url=lambda column: url_for("officers.report", **filters.query_args(
            sort=column, direction="desc" if filters.sort == column and filters.direction == "asc" else "asc")),
        export_url=lambda fmt: url_for("officers.report_export", fmt=fmt, **filters.query_args()),
    ), (400 if errors else 200)


@bp.route("/report.<fmt>")
@officer
def report_export(fmt: str):
    if fmt not in exports.RENDERERS:
        abort(404)
    filters, errors = report_module.parse_filters(request.args)
    if errors:
        # The export links carry the page's filters, so this is a hand-edited address.
        abort(400)
    # How many members: from the people table alone unless a status filter needs more.
    data = report_module.build_summary(filters, counts=False)
    audit.record("report.exported", None, format=fmt, rows=data.matched, **filters.audit_detail())
    db.session.commit()
    # Streamed: the rows are read from the database and written out a batch at a time, after
    # the view has returned, in a copy of this request's context pushed when the body is first
    # read (so a response nobody reads holds no context or database session open).
    context = request_ctx.copy()

    def body():
        with context:
            if fmt == "csv":  # no summary in a CSV: the rows alone
                yield from exports.render(fmt, data, report_module.stream(data))
            else:
                yield from exports.render(fmt, *report_module.build_export(filters, data.today))
    # content_type, not mimetype: Werkzeug would add a second charset to text/csv (review m16).
    return Response(body(), content_type=exports.MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{exports.filename(fmt, data.today, filters)}"'})
