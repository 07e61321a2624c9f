"""Triage: free text in, a level with its reasons out (DESIGN §7). Pure: no Flask, no database.

``classify(text, language, awaiting_score)`` is the whole public surface; the word lists it reads
live in ``lexicon.py``, the rules that read them in ``classifier.py``.
"""

from support_hub.triage.classifier import (
    Concern,
    Level,
    Triage,
    classify,
    is_small_talk,
    normalise,
)

__all__ = ["Concern", "Level", "Triage", "classify", "is_small_talk", "normalise"]
