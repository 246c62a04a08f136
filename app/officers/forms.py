"""Officer forms: members, the election import, erasure."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app import clock
from app.date_input import DateAnswer, read_date
from app.vocabulary import ROLE_LABELS

EARLIEST_ELECTION = date(1900, 1, 1)  # a typo such as 0226 for 2026, not a real election


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MemberForm(FlaskForm):
    name = StringField("Full name", filters=[_strip], validators=[
        DataRequired("Enter the member's full name"),
        Length(max=200, message="The name must be 200 characters or fewer")])
    email = EmailField("Email address", filters=[_strip], validators=[
        DataRequired("Enter the member's email address"),
        Length(max=320, message="The email address must be 320 characters or fewer"),
        Email("Enter an email address in the correct format, like name@example.gov.uk")])
    ward = StringField("Ward or division (optional)", filters=[_strip], validators=[
        Optional(), Length(max=200, message="The ward must be 200 characters or fewer")])
    party = StringField("Party or group (optional)", filters=[_strip], validators=[
        Optional(), Length(max=200, message="The party must be 200 characters or fewer")])
    elected_on_day = StringField("Day", filters=[_strip])
    elected_on_month = StringField("Month", filters=[_strip])
    elected_on_year = StringField("Year", filters=[_strip])
    # Drawn by the choice_group macro and checked in validate_roles, so WTForms needs no choices.
    roles = SelectMultipleField("Roles", choices=None, validate_choice=False)

    def validate_roles(self, field):
        if not field.data:
            raise ValidationError("Select at least one role (every councillor is a Member)")
        if set(field.data) - set(ROLE_LABELS):
            raise ValidationError("Select roles from the list")

    def validate_elected_on_day(self, field):
        # The GOV.UK date pattern: three boxes, one error, on the first box.
        if self._elected_on.error:
            raise ValidationError(self._elected_on.error)

    @property
    def _elected_on(self) -> DateAnswer:
        return read_date(self.elected_on_day.data, self.elected_on_month.data, self.elected_on_year.data,
                         today=clock.today(), what="Date elected", optional=True,
                         not_before=EARLIEST_ELECTION)

    @property
    def elected_on(self) -> date | None:
        return self._elected_on.value

    def fill_date(self, value: date | None) -> None:
        if value:
            self.elected_on_day.data = str(value.day)
            self.elected_on_month.data = str(value.month)
            self.elected_on_year.data = str(value.year)


class ImportUploadForm(FlaskForm):
    csv_file = FileField("Upload a CSV file", validators=[FileRequired("Select a CSV file to upload")])


class ImportConfirmForm(FlaskForm):
    checked_file = HiddenField()


class EraseForm(FlaskForm):
    confirm = BooleanField("I understand that this cannot be undone", validators=[
        DataRequired("Confirm that you understand the member's personal data will be erased")])


class ModernGovUploadForm(FlaskForm):
    xml_file = FileField("Upload a saved modern.gov file",
                         validators=[FileRequired("Select the file saved from modern.gov")])


class ModernGovConfirmForm(FlaskForm):
    checked = HiddenField()
    # Councillor ids whose home email an officer agreed to use; checked against the signed records.
    home_email = SelectMultipleField("Use their home email", choices=None, validate_choice=False)


class LegalSignOffForm(FlaskForm):
    """The council's own lawyer's sign-off of one module."""

    signed_by = StringField("Name and role of the lawyer who signed it off", filters=[_strip], validators=[
        DataRequired("Enter the name and role of the lawyer who signed it off"),
        Length(max=200, message="The name and role must be 200 characters or fewer")])
    signed_on_day = StringField("Day", filters=[_strip])
    signed_on_month = StringField("Month", filters=[_strip])
    signed_on_year = StringField("Year", filters=[_strip])
    note = TextAreaField("Note (optional)", filters=[_strip], validators=[
        Optional(), Length(max=2000, message="The note must be 2,000 characters or fewer")])

    def validate_signed_on_day(self, field):
        if self._signed_on.error:
            raise ValidationError(self._signed_on.error)

    @property
    def _signed_on(self) -> DateAnswer:
        today = clock.today()
        return read_date(self.signed_on_day.data, self.signed_on_month.data, self.signed_on_year.data,
                         today=today, what="Date signed off", not_after=today, not_before=date(2017, 1, 1))

    @property
    def signed_on(self) -> date | None:
        return self._signed_on.value
