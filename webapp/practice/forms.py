"""Practice forms: set up a session, answer, negotiate."""
from __future__ import annotations

import unicodedata

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, StopValidation, ValidationError

from webapp.salaries import LEVEL_LABELS, guide_roles, negotiation_roles

INTERVIEW_TYPE_CHOICES = [
    ("screening", "Screening — “tell me about yourself”"),
    ("behavioural", "Behavioural — stories from your experience"),
    ("technical", "Technical — backend concepts"),
    ("system_design", "System design — design a service"),
]
LEVEL_CHOICES = list(LEVEL_LABELS.items())
LOCATION_CHOICES = [("london", "London"), ("uk", "Elsewhere in the UK")]
DIFFICULTY_CHOICES = [("easy", "Relaxed"), ("standard", "Standard"), ("hard", "Tough")]


def _clean_text(value: str | None) -> str:
    """Strip NULs and other control characters (keeping newlines and tabs) and outer whitespace."""
    if value is None:
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = "".join(
        "\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF  # lone surrogates can't be stored as UTF-8
        else ch
        for ch in value
        if ch in "\n\t" or unicodedata.category(ch) != "Cc"  # C0, DEL and C1 controls
    )
    return cleaned.strip()


def _visible(text: str) -> bool:
    """Whether text has anything to read: not only spaces, zero-width characters and direction marks."""
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in text)


class _Required(DataRequired):
    """DataRequired that also refuses text made only of invisible characters."""

    def __call__(self, form: FlaskForm, field: TextAreaField) -> None:
        if not _visible(field.data or ""):
            field.errors[:] = []
            raise StopValidation(self.message)


class _MaxChars:
    def __call__(self, form: FlaskForm, field: TextAreaField) -> None:
        limit = current_app.config["MAX_ANSWER_CHARS"]
        if len(field.data or "") > limit:
            raise ValidationError(
                f"That's {len(field.data):,} characters; the limit is {limit:,}. Trim it a little and send again."
            )


class InterviewSetupForm(FlaskForm):
    interview_type = RadioField("Interview type", choices=INTERVIEW_TYPE_CHOICES, default="behavioural",
                                validators=[DataRequired("Choose an interview type.")])
    role = SelectField("Role", validators=[DataRequired("Choose a role.")])
    level = SelectField("Level", choices=LEVEL_CHOICES, default="mid")
    num_questions = IntegerField("Number of questions", default=5,
                                 validators=[NumberRange(1, 10, "Choose between 1 and 10 questions.")])

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.role.choices = [(r.slug, r.name) for r in guide_roles()]


class NegotiationSetupForm(FlaskForm):
    role = SelectField("Role", validators=[DataRequired("Choose a role.")])
    level = SelectField("Level", choices=LEVEL_CHOICES, default="mid")
    location = RadioField("Location", choices=LOCATION_CHOICES, default="london")
    difficulty = RadioField("Difficulty", choices=DIFFICULTY_CHOICES, default="standard")

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.role.choices = [(r.slug, r.name) for r in negotiation_roles()]


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        "Your answer",
        filters=[_clean_text],
        validators=[_Required("Write an answer first — even a rough one is worth scoring."), _MaxChars()],
    )


class MessageForm(FlaskForm):
    message = TextAreaField(
        "Your reply",
        filters=[_clean_text],
        validators=[_Required("Write a reply to the hiring manager first."), _MaxChars()],
    )
