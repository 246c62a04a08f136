"""The quiz forms. Question fields are built from the attempt, so they are read from the request
here and checked by attempts.check_answers; Flask-WTF still guards every form with CSRF."""
from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import RadioField
from wtforms.validators import AnyOf, InputRequired

from app.quizzes.attempts import LAYOUTS

ANSWER_PREFIX = "answer-"


class StartForm(FlaskForm):
    layout = RadioField(
        "How would you like to see the questions?",
        # The choices are drawn in the template from LAYOUTS, because WTForms 3.3 deprecates
        # tuple choices and we write the GOV.UK radios ourselves.
        validate_choice=False,
        validators=[InputRequired(message="Select how you would like to see the questions"),
                    AnyOf(list(LAYOUTS), message="Select one question at a time or all the "
                                                 "questions on one page")])


def posted_answers(form: MultiDict) -> dict[str, list[str]]:
    """{question id: option keys} from the one-page form's answer-<question id> fields."""
    return {name[len(ANSWER_PREFIX):]: form.getlist(name)
            for name in form if name.startswith(ANSWER_PREFIX)}
