"""Triage: free text in, a level with its reasons out (DESIGN §7). Pure: no Flask, no database.

This is the seam the SMS front door calls for every message no keyword claims. For now it knows
only the most explicit words of danger (English and Spanish); the triage issue replaces the
insides with the full classifier and keeps `classify` and `Triage` as they are.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, field

from support_hub.triage.words import ELEVATED, URGENT_MEDICAL, URGENT_SELF_HARM


class Level(enum.Enum):
    URGENT = "urgent"
    ELEVATED = "elevated"
    ROUTINE = "routine"


class Concern(enum.Enum):
    """What kind of urgent: it decides which numbers the reply gives (988 or 911)."""

    SELF_HARM = "self_harm"
    MEDICAL = "medical"
    DISTRESS = "distress"
    ASKS_FOR_PERSON = "asks_for_person"


@dataclass(frozen=True)
class Triage:
    level: Level
    reasons: tuple[str, ...] = ()
    concerns: frozenset[Concern] = field(default_factory=frozenset)


def _plain(text: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^\w']+", " ", text)
    return f" {' '.join(text.split())} "


def _found(plain: str, phrases: tuple[str, ...]) -> list[str]:
    return [p for p in phrases if f" {p} " in plain]


def classify(text: str, language: str = "en", awaiting_score: bool = False) -> Triage:
    """The level of one inbound message; words of danger always win."""
    plain = _plain(text)
    reasons: list[str] = []
    concerns: set[Concern] = set()
    for concern, table in (
        (Concern.SELF_HARM, URGENT_SELF_HARM),
        (Concern.MEDICAL, URGENT_MEDICAL),
    ):
        # Both languages always: people mix them, and a missed word here costs a life.
        hits = [hit for words in table.values() for hit in _found(plain, words)]
        if hits:
            concerns.add(concern)
            reasons.extend(f"words: {hit}" for hit in hits)
    if concerns:
        return Triage(Level.URGENT, tuple(reasons), frozenset(concerns))
    for concern_name, table in ELEVATED.items():
        hits = [hit for words in table.values() for hit in _found(plain, words)]
        if hits:
            concerns.add(Concern(concern_name))
            reasons.extend(f"words: {hit}" for hit in hits)
    if concerns:
        return Triage(Level.ELEVATED, tuple(reasons), frozenset(concerns))
    return Triage(Level.ROUTINE, ())
