"""Forms for certificates, verification, face-to-face sessions, revoking and elections."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from app import clock
from app.certificates import codes
from app.date_input import read_date


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class IssueForm(FlaskForm):
    pathway_id = HiddenField(validators=[DataRequired()])


class ConfirmForm(FlaskForm):
    """A button with nothing to fill in: CSRF only."""


class VerifyForm(FlaskForm):
    code = StringField("Verification code", filters=[_strip], validators=[
        DataRequired("Enter the verification code from the certificate")])

    def validate_code(self, field):
        if not codes.looks_like_code(field.data):
            raise ValidationError(f"Enter the code exactly as it is on the certificate: "
                                  f"{codes.LENGTH} letters and numbers, like ABCD-EFGH-JKMN")


class DateForm(FlaskForm):
    """A GOV.UK date input: three boxes, checked together, with one message for the date."""

    date_label = "Date"
    day = StringField("Day", filters=[_strip])
    month = StringField("Month", filters=[_strip])
    year = StringField("Year", filters=[_strip])
    allow_future = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.date_value: date | None = None
        self.date_error: str | None = None

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        today = clock.today()
        answer = read_date(self.day.data, self.month.data, self.year.data, today=today,
                           not_after=None if self.allow_future else today)
        self.date_value, self.date_error = answer.value, answer.error
        return ok and not answer.error

    def extra_errors(self) -> list[tuple[str, str]]:
        """Errors that belong to no single field, for the error summary."""
        return [("day", self.date_error)] if self.date_error else []


class FaceToFaceForm(DateForm):
    # Plain fields: the template draws the select and radios, and recording checks the choices.
    member = StringField("Councillor", filters=[_strip], validators=[
        DataRequired("Select the councillor who attended the session")])
    pathway = StringField("Pathway", filters=[_strip], validators=[
        DataRequired("Select the pathway the session covered")])


class RevokeForm(FlaskForm):
    reason = TextAreaField("Why are you revoking this certificate?", filters=[_strip], validators=[
        DataRequired("Enter the reason for revoking the certificate"),
        Length(max=500, message="The reason must be 500 characters or fewer")])


class ElectionForm(DateForm):
    allow_future = True  # an election can be recorded before polling day
    induction_months = StringField("Induction period, in months", filters=[_strip], default="3", validators=[
        DataRequired("Enter the induction period in months, like 3")])

    def validate_induction_months(self, field):
        if not field.data.isdecimal() or not 1 <= int(field.data) <= 24:
            raise ValidationError("The induction period must be a whole number of months from 1 to 24")

    apply_to_all = BooleanField("Set this as the election date of every current councillor")
