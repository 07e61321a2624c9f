"""Portal forms. Field names match the service inputs; the services do the validating.

Select fields skip WTForms' own choice check so that every message about a value comes from
the one rule in `portal.services` (the CSV import uses the same rules).
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from support_hub.directory.models import (
    CATEGORY_LABELS,
    Audience,
    CostKind,
    Delivery,
    ServiceStatus,
    Specialty,
    flag_slug,
)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def choices(*pairs: tuple[str, str]) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def _flag_choices(flag_type: type) -> list[SelectChoice]:
    labels = {"lgbtq": "LGBTQ+", "metastatic": "Metastatic-specific", "in_person": "In person"}
    return choices(
        *(
            (flag_slug(m), labels.get(flag_slug(m), flag_slug(m).replace("_", " ").capitalize()))
            for m in flag_type
        )
    )


STATUS_PAIRS = [(s.value, s.value.capitalize()) for s in ServiceStatus]
CATEGORY_PAIRS = [(c.value, label) for c, label in CATEGORY_LABELS.items()]
SPECIALTY_PAIRS = [(s.value, s.value.replace("_", " ").capitalize()) for s in Specialty]


class OrganizationForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=255)])
    description = TextAreaField("Description", validators=[Optional()])
    website = StringField("Website", description="Starting with https://", validators=[Optional()])
    email = StringField("Email", validators=[Optional()])


class ServiceForm(FlaskForm):
    organization_id = SelectField("Organization", validate_choice=False)
    name = StringField("Service name", validators=[Length(max=255)])
    description = TextAreaField("Description", validators=[Optional()])
    category = SelectField(
        "Category", choices=choices(("", "Choose…"), *CATEGORY_PAIRS), validate_choice=False
    )
    specialty = SelectField(
        "Specialty",
        choices=choices(("", "None"), *SPECIALTY_PAIRS),
        validate_choice=False,
        description="For counseling and spiritual care: who gives it.",
    )
    status = SelectField("Status", choices=choices(*STATUS_PAIRS), validate_choice=False)
    audience = CheckboxesField(
        "Who it is for", choices=_flag_choices(Audience), validate_choice=False
    )
    delivery = CheckboxesField(
        "How it is given", choices=_flag_choices(Delivery), validate_choice=False
    )
    cost = CheckboxesField("Cost", choices=_flag_choices(CostKind), validate_choice=False)
    fees_description = TextAreaField("About fees", validators=[Optional()])
    application_process = TextAreaField(
        "How to join", description="In the words a person needs, e.g. “Call to register”."
    )
    eligibility_description = TextAreaField("Who can join", validators=[Optional()])
    url = StringField("Web page", description="Starting with https://")
    email = StringField("Email")
    phone = StringField("Phone", description="e.g. (617) 555-0100")
    languages = StringField("Languages", description="Language codes, e.g. en, es")
    schedule_description = StringField(
        "When it meets", description="As people say it, e.g. “2nd Tuesday, 6–7:30 pm”."
    )
    schedule_freq = SelectField(
        "Repeats",
        choices=choices(
            ("", "—"), ("DAILY", "Daily"), ("WEEKLY", "Weekly"), ("MONTHLY", "Monthly")
        ),
        validate_choice=False,
    )
    schedule_byday = StringField("On days", description="e.g. TU, or 2TU for the 2nd Tuesday")
    schedule_opens_at = StringField("Starts at", description="24-hour, e.g. 18:00")
    schedule_closes_at = StringField("Ends at", description="24-hour, e.g. 19:30")
    service_area = SelectField(
        "Service area (online and phone services)",
        choices=choices(
            ("", "None (in person only)"), ("national", "National"), ("state", "Some states")
        ),
        validate_choice=False,
    )
    service_area_states = StringField("States served", description="State codes, e.g. MA, NH")


class LocationForm(FlaskForm):
    name = StringField("Place name", description="e.g. “Community Room, Main Library”")
    address_1 = StringField("Street address")
    address_2 = StringField("Address line 2")
    city = StringField("City")
    state = StringField("State", description="Two letters, e.g. MA")
    postal_code = StringField("ZIP code")
    confidential = BooleanField(
        "Confidential address",
        description="Hide the address from the public; people are told to call instead.",
    )
    latitude = StringField(
        "Latitude", description="Only if the address can't be placed automatically."
    )
    longitude = StringField("Longitude")


class ListingFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    q = StringField("Name contains", validators=[Optional(), Length(max=200)])
    status = SelectField(
        "Status", choices=choices(("", "Any"), *STATUS_PAIRS), validate_choice=False
    )
    category = SelectField(
        "Category", choices=choices(("", "Any"), *CATEGORY_PAIRS), validate_choice=False
    )
    archived = SelectField(
        "Archived",
        choices=choices(("no", "Hide archived"), ("only", "Only archived"), ("all", "Show all")),
        validate_choice=False,
    )


class ImportForm(FlaskForm):
    file = FileField("CSV file", description="UTF-8, with the template's header row.")


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
