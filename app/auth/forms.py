from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.auth.passwords import MAX_LENGTH


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SignInForm(FlaskForm):
    email = EmailField("Email address", filters=[_strip], validators=[
        DataRequired("Enter your email address"),
        Email("Enter an email address in the correct format, like name@example.gov.uk")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


class PasswordResetRequestForm(FlaskForm):
    email = EmailField("Email address", filters=[_strip], validators=[
        DataRequired("Enter your email address"),
        Email("Enter an email address in the correct format, like name@example.gov.uk")])


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[
        DataRequired("Enter a new password"),
        Length(max=MAX_LENGTH, message=f"Your password must be {MAX_LENGTH} characters or fewer")])
    confirm = PasswordField("Confirm new password", validators=[
        DataRequired("Enter your new password again"),
        EqualTo("password", "The two passwords do not match")])
