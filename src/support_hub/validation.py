"""A service's refusal of bad input, field by field, so a form can show each message in place."""

from __future__ import annotations


class ValidationFailed(Exception):
    """Input a service will not accept; `errors` maps a field name to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items()))
        self.errors = errors

    @classmethod
    def one(cls, field: str, message: str) -> ValidationFailed:
        return cls({field: [message]})
