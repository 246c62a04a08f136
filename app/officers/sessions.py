"""Recording a face-to-face training session for many members at once: the date, the pathway,
the trainer and who attended, checked by the officer, then saved all together or not at all."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app import clock
from app.certificates import issuing
from app.content import current_course
from app.data import sessions as data
from app.date_input import read_date

MAX_TRAINER = 200


@dataclass
class Session:
    day: str = ""
    month: str = ""
    year: str = ""
    pathway: str = ""
    trainer: str = ""
    attendees: list[int] = field(default_factory=list)

    @classmethod
    def from_form(cls, form) -> Session:
        ids = sorted({int(v) for v in form.getlist("attendee") if str(v).isdecimal()})
        def text(name: str, limit: int = 20) -> str:
            return str(form.get(name, "")).strip()[:limit]

        return cls(day=text("day"), month=text("month"), year=text("year"), pathway=text("pathway", 100),
                   trainer=text("trainer", MAX_TRAINER + 1), attendees=ids)

    @classmethod
    def from_dict(cls, saved: dict | None) -> Session:
        saved = saved or {}
        return cls(**{k: saved[k] for k in ("day", "month", "year", "pathway", "trainer", "attendees") if k in saved})

    def to_dict(self) -> dict:
        return {"day": self.day, "month": self.month, "year": self.year, "pathway": self.pathway,
                "trainer": self.trainer, "attendees": list(self.attendees)}

    @property
    def held_on(self) -> date | None:
        return read_date(self.day, self.month, self.year, today=clock.today()).value


def check(session: Session, today: date | None = None) -> list[tuple[str, str]]:
    """(field id, message) for each problem, in the order of the form."""
    today = today or clock.today()
    errors = []
    answer = read_date(session.day, session.month, session.year, today=today, what="The date of the session",
                       not_after=today)
    if answer.error:
        errors.append(("day", answer.error))
    if current_course().pathways.get(session.pathway or "") is None:
        errors.append(("pathway", "Select the pathway the session covered"))
    if not session.trainer:
        errors.append(("trainer", "Enter the name of the trainer"))
    elif len(session.trainer) > MAX_TRAINER:
        errors.append(("trainer", f"The trainer's name must be {MAX_TRAINER} characters or fewer"))
    if not session.attendees:
        errors.append(("attendees", "Select the members who attended"))
    elif len(data.active_members(ids=session.attendees)) != len(session.attendees):
        errors.append(("attendees", "Some members you ticked are no longer active: tick them again"))
    return errors


class SessionFailed(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def record(session: Session, actor_id: int | None, today: date | None = None) -> tuple[int, int]:
    """Issue every attendee's certificate in one transaction: (newly recorded, already recorded).

    If any attendee cannot have it (a refresher for a member with no earlier certificate), nothing
    is saved and the message names the member."""
    attendees = data.active_members(ids=session.attendees)
    created = existing = 0
    try:
        for member in attendees:
            try:
                _, new = issuing.record_face_to_face(member.email or "", session.pathway, session.held_on, actor_id,
                                                     today=today, trainer=session.trainer, commit=False)
            except issuing.CertificateError as exc:
                raise SessionFailed(f"{member.name}: {exc.message}. Nothing has been recorded.") from exc
            created += new
            existing += not new
        data.commit()
    except Exception:
        data.rollback()
        raise
    return created, existing
