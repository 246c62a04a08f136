from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length

from app.scenarios.runs import REFLECTION_MAX


class ChoiceForm(FlaskForm):
    # Checked by walk.choose, which knows the choices offered at the node the run is at.
    choice = HiddenField()
    step = HiddenField()
    node = HiddenField()


class StepForm(FlaskForm):
    """Go back one step: carries the step it was made at, so a double click goes back once."""

    step = HiddenField()


class ReflectionForm(FlaskForm):
    reflection = TextAreaField("Your reflection", validators=[
        Length(max=REFLECTION_MAX,
               message=f"Your reflection must be {REFLECTION_MAX:,} characters or fewer")])
