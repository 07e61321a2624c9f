"""Account forms. They only check shape; the services decide what is acceptable."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from support_hub.accounts.models import Role
from support_hub.accounts.passwords import MAX_LENGTH

ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=255)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField(
        "New password",
        description="At least 12 characters. A few unrelated words make a strong password.",
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
    )


class NewUserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=255)])
    name = StringField("Name", validators=[Optional(), Length(max=255)])
    phone = TelField(
        "Mobile phone",
        description="For pages to responders, e.g. +1 617 555 0100.",
        validators=[Optional(), Length(max=30)],
    )
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired()])
    password = PasswordField(
        "Initial password",
        description="At least 12 characters; tell the person and ask them to change it.",
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
    )


class EditUserForm(FlaskForm):
    name = StringField("Name", validators=[Optional(), Length(max=255)])
    phone = TelField("Mobile phone", validators=[Optional(), Length(max=30)])
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired()])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(max=MAX_LENGTH)])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    action = StringField("Action", validators=[Optional(), Length(max=64)])
    actor = StringField("Actor email contains", validators=[Optional(), Length(max=255)])
    object_type = StringField("Object type", validators=[Optional(), Length(max=64)])
    object_id = StringField("Object id", validators=[Optional(), Length(max=64)])
    since = StringField("From (YYYY-MM-DD)", validators=[Optional(), Length(max=10)])
    until = StringField("To (YYYY-MM-DD, inclusive)", validators=[Optional(), Length(max=10)])
