from flask import abort, current_app, render_template
from sqlalchemy import func, select

from app.auth.access import officer
from app.extensions import db
from app.models import Councillor, ModuleRead, OutboxMessage
from app.officers import bp


@bp.route("/")
@officer
def index():
    councillors = db.session.scalars(select(Councillor).where(Councillor.active.is_(True))
                                     .order_by(Councillor.name)).all()
    read_counts = dict(db.session.execute(
        select(ModuleRead.person_id, func.count()).group_by(ModuleRead.person_id)).all())
    return render_template("officers/index.html", councillors=councillors, read_counts=read_counts)


@bp.route("/outbox")
@officer
def outbox():
    if current_app.config.get("MAIL_SERVER") and not current_app.config.get("DEMO_MODE"):
        abort(404)
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(100)).all()
    return render_template("officers/outbox.html", messages=messages)
