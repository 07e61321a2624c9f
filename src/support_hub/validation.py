"""A service's refusal of bad input, field by field, so a form can show each message in place."""

from __future__ import annotations

from typing import Any

from flask import flash


class ValidationFailed(Exception):
    """Input a service will not accept; `errors` maps a field name to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items()))
        self.errors = errors

    @classmethod
    def one(cls, field: str, message: str) -> ValidationFailed:
        return cls({field: [message]})


def show_on_form(form: Any, errors: dict[str, list[str]]) -> None:
    """Views: put a service's field errors next to the matching fields; flash the rest."""
    for name, messages in errors.items():
        form_field = getattr(form, name, None)
        if form_field is not None and hasattr(form_field, "errors"):
            form_field.errors = [*form_field.errors, *messages]
        else:
            for message in messages:
                flash(message, "error")
