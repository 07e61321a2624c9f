"""Search by text (DESIGN §6). Built on the directory's geocoder and search once they land."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from support_hub.sms.conversation import Turn


def search(turn: Turn) -> tuple[str, ...] | None:
    """The answer to a text that names a place, or None when it does not look like a search."""
    return None


def more(turn: Turn) -> tuple[str, ...]:
    return (turn.say("search_expired"),)


def details(turn: Turn, choice: int) -> tuple[str, ...]:
    return (turn.say("search_expired"),)
