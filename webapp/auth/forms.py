"""Account forms; Flask-WTF adds the CSRF token to each."""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from webapp.auth.passwords import MAX_LENGTH, password_problem


def normalise_email(value: str) -> str:
    """Trim and lower-case an address (the whole address: mailboxes are treated case-insensitively)."""
    return (value or "").strip().lower()


class _EmailValid:
    def __call__(self, form: FlaskForm, field: EmailField) -> None:
        try:
            validate_email(field.data or "", check_deliverability=False)
        except EmailNotValidError:
            raise ValidationError("Enter a valid email address, like name@example.com.") from None


class _PasswordPolicy:
    def __init__(self, email_field: str | None = "email") -> None:
        self.email_field = email_field

    def __call__(self, form: FlaskForm, field: PasswordField) -> None:
        email = getattr(form, self.email_field).data if self.email_field and hasattr(form, self.email_field) else ""
        problem = password_problem(field.data or "", email or "")
        if problem:
            raise ValidationError(problem)


EMAIL = [DataRequired("Enter your email address."), Length(max=254), _EmailValid()]


class SignupForm(FlaskForm):
    email = EmailField("Email", validators=EMAIL, filters=[normalise_email])
    password = PasswordField("Password", validators=[DataRequired("Choose a password."), _PasswordPolicy()])
    next = HiddenField()
    submit = SubmitField("Sign up free")


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=EMAIL, filters=[normalise_email])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=MAX_LENGTH)])
    remember = BooleanField("Remember me on this device")
    next = HiddenField()
    submit = SubmitField("Log in")


class RequestResetForm(FlaskForm):
    email = EmailField("Email", validators=EMAIL, filters=[normalise_email])
    submit = SubmitField("Send reset link")


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired("Choose a password."), _PasswordPolicy(None)])
    submit = SubmitField("Set new password")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired("Enter your current password.")])
    new_password = PasswordField(
        "New password", validators=[DataRequired("Choose a new password."), _PasswordPolicy(None)]
    )
    submit = SubmitField("Change password")


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired("Enter your password to confirm.")])
    submit = SubmitField("Delete my account and all my data")


class ResendVerificationForm(FlaskForm):
    submit = SubmitField("Send the link again")


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for plain POST buttons."""
