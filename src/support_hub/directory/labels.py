"""Words for the directory's vocabulary, translatable (the enums' own labels stay English)."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from support_hub.directory.models import (
    Audience,
    Category,
    CostKind,
    Delivery,
    Specialty,
    flag_members,
)

CATEGORY = {
    Category.SUPPORT_GROUP: _l("Support group"),
    Category.COUNSELING: _l("Counseling"),
    Category.SOCIAL_WORK: _l("Social work"),
    Category.SPIRITUAL_CARE: _l("Spiritual care"),
    Category.PALLIATIVE_CARE: _l("Palliative care"),
    Category.HOSPICE: _l("Hospice"),
    Category.NUTRITION: _l("Nutrition"),
    Category.HELPLINE: _l("Helpline"),
}
SPECIALTY = {
    Specialty.THERAPIST: _l("Therapist"),
    Specialty.COUNSELOR: _l("Counselor"),
    Specialty.PSYCHOLOGIST: _l("Psychologist"),
    Specialty.CHAPLAIN: _l("Chaplain"),
    Specialty.SPIRITUAL_ADVISER: _l("Spiritual adviser"),
}
AUDIENCE = {
    Audience.PATIENTS: _l("People with cancer"),
    Audience.METASTATIC: _l("Metastatic (stage 4)"),
    Audience.CAREGIVERS: _l("Caregivers"),
    Audience.FAMILY: _l("Family"),
    Audience.BEREAVED: _l("Bereaved"),
    Audience.YOUNG_ADULTS: _l("Young adults"),
    Audience.LGBTQ: _l("LGBTQ+"),
}
DELIVERY = {
    Delivery.IN_PERSON: _l("In person"),
    Delivery.ONLINE: _l("Online"),
    Delivery.PHONE: _l("By phone"),
}
COST = {
    CostKind.FREE: _l("Free"),
    CostKind.SLIDING_SCALE: _l("Sliding scale"),
    CostKind.INSURANCE: _l("Insurance"),
    CostKind.FEE: _l("Fee"),
}
LANGUAGE = {
    "en": _l("English"),
    "es": _l("Spanish"),
    "zh": _l("Chinese"),
    "vi": _l("Vietnamese"),
    "ko": _l("Korean"),
    "tl": _l("Tagalog"),
    "ru": _l("Russian"),
    "ar": _l("Arabic"),
    "fr": _l("French"),
    "ht": _l("Haitian Creole"),
    "pt": _l("Portuguese"),
    "asl": _l("American Sign Language"),
}
TABLES: dict[type[enum.Enum], dict[object, object]] = {
    Category: CATEGORY,  # type: ignore[dict-item]
    Specialty: SPECIALTY,  # type: ignore[dict-item]
    Audience: AUDIENCE,  # type: ignore[dict-item]
    Delivery: DELIVERY,  # type: ignore[dict-item]
    CostKind: COST,  # type: ignore[dict-item]
}


def label(value: enum.Enum) -> str:
    """One member's words in the page language."""
    return str(TABLES[type(value)][value])


def labels(value: enum.Flag) -> list[str]:
    """Each member set in a flag, in words."""
    return [label(member) for member in flag_members(value)]
