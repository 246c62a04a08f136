"""The form for one checklist question: the answer, a note, and an action unless the answer is yes."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from app.checklists.answers import Entry
from app.checklists.progress import ANSWERS, PRIORITIES
from app.date_input import DATE_PARTS, DateAnswer, read_date  # noqa: F401 (DATE_PARTS: the parts' order)
from app.vocabulary import Answer as AnswerValue

NOTE_MAX = 2000
ACTION_MAX = 1000
HELP_MAX = 300  # the column's length
LATEST_YEARS_AHEAD = 10


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def parse_date(day: str | None, month: str | None, year: str | None, *, today: date,
               keep: date | None = None, what: str = "The date") -> DateAnswer:
    """An action's deadline: from today to ten years ahead (a passed deadline already saved may stay)."""
    latest = today.replace(year=today.year + LATEST_YEARS_AHEAD) if not (
        today.month == 2 and today.day == 29) else date(today.year + LATEST_YEARS_AHEAD, 2, 28)
    return read_date(day, month, year, today=today, what=what, not_before=today, not_after=latest, keep=keep)


class ChecklistAnswerForm(FlaskForm):
    # Radios drawn by macros/forms.html; their choices are checked in validate() so that the
    # messages say what to do, not "Not a valid choice".
    answer = StringField("Your answer", filters=[_strip])
    note = TextAreaField("Note (optional)", filters=[_strip], validators=[
        Length(max=NOTE_MAX, message=f"Your note must be {NOTE_MAX:,} characters or fewer")])
    action = TextAreaField("What will you do?", filters=[_strip], validators=[
        Length(max=ACTION_MAX, message=f"What you will do must be {ACTION_MAX:,} characters or fewer")])
    priority = StringField("Priority", filters=[_strip])
    by_when_day = StringField("Day", filters=[_strip])
    by_when_month = StringField("Month", filters=[_strip])
    by_when_year = StringField("Year", filters=[_strip])
    who_can_help = StringField("Who can help? (optional)", filters=[_strip], validators=[
        Length(max=HELP_MAX, message=f"Who can help must be {HELP_MAX} characters or fewer")])

    def __init__(self, *args, today: date, saved_by_when: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._today = today
        self._saved_by_when = saved_by_when
        self.by_when: date | None = None
        self.date_error: str | None = None
        self.date_bad_parts: tuple[str, ...] = ()

    @classmethod
    def for_answer(cls, answer, *, today: date) -> ChecklistAnswerForm:
        """The form filled in from a saved answer (or empty), for showing on a GET."""
        data = {}
        if answer is not None:
            data = {"answer": answer.answer, "note": answer.note, "action": answer.action,
                    "priority": answer.priority, "who_can_help": answer.who_can_help}
            if answer.by_when:
                data.update(by_when_day=str(answer.by_when.day), by_when_month=str(answer.by_when.month),
                            by_when_year=str(answer.by_when.year))
        return cls(data=data, today=today, saved_by_when=answer.by_when if answer else None)

    @property
    def action_needed(self) -> bool:
        return self.answer.data in ANSWERS and self.answer.data != AnswerValue.YES

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.answer.data not in ANSWERS:
            self.answer.errors.append("Select yes, partly, no or not sure")
            valid = False
        # A "yes" needs no action: the action fields are hidden then (checklists/question.html), so
        # anything left in them is ignored rather than checked, and nothing of it is saved.
        if not self.action_needed:
            return valid
        if not self.action.data:
            self.action.errors.append("Enter what you will do")
            valid = False
        if self.priority.data not in PRIORITIES:
            self.priority.errors.append("Select whether your action is high, medium or low priority")
            valid = False
        result = parse_date(self.by_when_day.data, self.by_when_month.data, self.by_when_year.data,
                            today=self._today, keep=self._saved_by_when,
                            what="The date by when you will do it")
        if result.error:
            self.date_error, self.date_bad_parts = result.error, result.bad_parts
            # The error summary links to the first part that needs fixing.
            getattr(self, f"by_when_{result.bad_parts[0]}").errors.append(result.error)
            valid = False
        self.by_when = result.value
        return valid

    def entry(self) -> Entry:
        keep_action = self.action_needed and bool(self.action.data)
        return Entry(answer=self.answer.data, note=self.note.data or None,
                     action=self.action.data if keep_action else None,
                     priority=self.priority.data if keep_action else None,
                     by_when=self.by_when if keep_action else None,
                     who_can_help=(self.who_can_help.data or None) if keep_action else None)
