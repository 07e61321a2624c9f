"""The triage word lists: data, reviewed like code. Lower case, no accents, whole words."""

from __future__ import annotations

URGENT_SELF_HARM: dict[str, tuple[str, ...]] = {
    "en": (
        "suicide",
        "suicidal",
        "kill myself",
        "killing myself",
        "end my life",
        "want to die",
        "wanna die",
        "hurt myself",
        "overdose",
        "overdosed",
        "took all my pills",
    ),
    "es": (
        "suicidio",
        "suicidarme",
        "matarme",
        "quiero morir",
        "quiero morirme",
        "me quiero morir",
        "quitarme la vida",
        "hacerme dano",
        "sobredosis",
    ),
}

URGENT_MEDICAL: dict[str, tuple[str, ...]] = {
    "en": (
        "can't breathe",
        "cant breathe",
        "cannot breathe",
        "chest pain",
        "seizure",
        "coughing blood",
        "coughing up blood",
    ),
    "es": (
        "no puedo respirar",
        "dolor de pecho",
        "dolor en el pecho",
        "convulsion",
        "tosiendo sangre",
    ),
}

# Keyed by `Concern` value. Only the plainest signals: the full classifier adds the rest.
ELEVATED: dict[str, dict[str, tuple[str, ...]]] = {
    "asks_for_person": {
        "en": ("talk", "talk to someone", "talk to a person", "call me"),
        "es": ("hablar", "hablar con alguien", "llamenme"),
    },
    "distress": {
        "en": ("pain", "scared", "hopeless", "can't cope", "cant cope"),
        "es": ("dolor", "miedo", "sin esperanza"),
    },
}
