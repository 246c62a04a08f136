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
    """{question id: answer tokens} from the one-page form's answer-<question id> fields (and a
    matching question's answer-<question id>.<statement key> fields)."""
    out: dict[str, list[str]] = {}
    for name in form:
        if name.startswith(ANSWER_PREFIX):
            qid, _, statement = name[len(ANSWER_PREFIX):].partition(".")
            out.setdefault(qid, []).extend(_tokens(form.getlist(name), statement))
    return out


def posted_answer(form: MultiDict, field: str) -> list[str]:
    """One question's answer tokens from the paged form's `field` (or `field`.<statement>)."""
    tokens = []
    for name in form:
        base, _, statement = name.partition(".")
        if base == field:
            tokens.extend(_tokens(form.getlist(name), statement))
    return tokens


def _tokens(values: list[str], statement: str) -> list[str]:
    # A matching answer is the statement key then the choice key, as attempts store it.
    return [f"{statement}{v}" for v in values] if statement else list(values)
