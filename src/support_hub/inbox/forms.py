"""Inbox forms. They only check shape; `inbox.services` decides what is acceptable."""

from __future__ import annotations

import secrets

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Regexp

from support_hub.inbox.models import WEEKDAYS, Outcome, Tier


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class AssignForm(FlaskForm):
    assignee = SelectField("Assign to", validate_choice=False)


def submission_token() -> str:
    """A fresh one-time token for a rendered form: the same token posted twice acts once."""
    return secrets.token_urlsafe(16)


def _token_field() -> HiddenField:
    # Made when the page renders; a double-clicked or re-sent form posts the same one again.
    return HiddenField(
        default=submission_token,
        validators=[InputRequired(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")],
    )


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Text to the person",
        description="Sent from the hub's number, starting with the hub's name; two SMS at most.",
        validators=[Length(max=2000)],
    )
    token = _token_field()


class NoteForm(FlaskForm):
    note = TextAreaField("Note (staff only)", validators=[Length(max=5000)])
    token = _token_field()


class ResolveForm(FlaskForm):
    outcome = SelectField(
        "Outcome",
        choices=[SelectChoice("", "Choose…")] + [SelectChoice(o.value, o.label) for o in Outcome],
        validate_choice=False,
    )
    note = TextAreaField("What happened and what was done", validators=[Length(max=5000)])


class ShiftForm(FlaskForm):
    user_id = SelectField("Responder", validate_choice=False)
    tier = SelectField(
        "Tier",
        choices=[SelectChoice(t.value, t.value.capitalize()) for t in Tier],
        validate_choice=False,
    )
    weekday = SelectField(
        "Day",
        choices=[SelectChoice(str(i), day) for i, day in enumerate(WEEKDAYS)],
        validate_choice=False,
    )
    start_hour = SelectField(
        "From",
        choices=[SelectChoice(str(h), f"{h:02d}:00") for h in range(24)],
        validate_choice=False,
    )
    end_hour = SelectField(
        "Until",
        choices=[SelectChoice(str(h), f"{h:02d}:00") for h in range(1, 25)],
        validate_choice=False,
    )
