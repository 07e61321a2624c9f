"""Which words are commands: a table per language, matched on the whole message (DESIGN §6).

Compliance keywords follow Twilio's and CTIA's lists. Matching ignores case, accents and the
space and punctuation around the word, but never looks inside a longer message: "make the pain
stop" is a person in pain, not an opt-out, and goes to triage. Plain-language requests to stop
texting are whole-message patterns below, for the same reason.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass


class Intent(enum.Enum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    ENGLISH = "english"
    SPANISH = "spanish"
    MORE = "more"


# word -> intent, per language. A word in any language's table is recognised from anyone; the
# table it came from says which language a reply to a one-off keyword should use.
KEYWORDS: dict[str, dict[str, Intent]] = {
    "en": {
        "STOP": Intent.OPT_OUT,
        "STOPALL": Intent.OPT_OUT,
        "UNSUBSCRIBE": Intent.OPT_OUT,
        "CANCEL": Intent.OPT_OUT,
        "END": Intent.OPT_OUT,
        "QUIT": Intent.OPT_OUT,
        "REVOKE": Intent.OPT_OUT,
        "OPTOUT": Intent.OPT_OUT,
        "OPT OUT": Intent.OPT_OUT,
        "START": Intent.OPT_IN,
        "UNSTOP": Intent.OPT_IN,
        "HELP": Intent.HELP,
        "INFO": Intent.HELP,
        "ENGLISH": Intent.ENGLISH,
        "MORE": Intent.MORE,
    },
    "es": {
        "ALTO": Intent.OPT_OUT,
        "PARAR": Intent.OPT_OUT,
        "AYUDA": Intent.HELP,
        "ESPANOL": Intent.SPANISH,
        "MAS": Intent.MORE,
    },
}

# Whole-message requests to stop texting, after normalising (lower case, no accents or
# punctuation, "please"/"por favor" dropped). Anchored at both ends on purpose.
PLAIN_STOP_PATTERNS: dict[str, tuple[str, ...]] = {
    "en": (
        r"(stop|quit|cease) (texting|messaging|txting|sending (me )?(texts|messages|msgs))( me)?",
        r"(stop|quit) (all )?(the )?(texts|messages|msgs)",
        r"no more (texts|messages|msgs|txts)",
        r"(do not|dont|don t) (text|message|txt) me( (again|anymore|any more))?",
        r"unsubscribe me",
        r"(remove|take) me (off|from) (this|the|your) (list|texts|messages)",
        r"i want to (unsubscribe|opt out|stop (the )?(texts|messages))",
    ),
    "es": (
        r"no (me )?(manden|envien|escriban|mande|envie|escriba)( mas)?( mensajes)?",
        r"no mas (mensajes|textos)",
        r"(dejen|deje) de (escribirme|enviarme mensajes|mandarme mensajes|mandarme textos)",
        r"(quiero )?(darme de baja|cancelar (los )?mensajes)",
    ),
}
_PLAIN_STOP = {
    language: tuple(re.compile(rf"^{p}$") for p in patterns)
    for language, patterns in PLAIN_STOP_PATTERNS.items()
}
_POLITE = re.compile(r"\b(please|pls|plz|por favor)\b")


@dataclass(frozen=True)
class KeywordMatch:
    intent: Intent
    language: str  # the table the word came from
    plain_language: bool = False


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Upper case, no accents, no surrounding space or punctuation, single inner spaces."""
    plain = strip_accents(text).upper()
    plain = re.sub(r"[^\w\s]", " ", plain)
    return " ".join(plain.split())


def match(text: str) -> KeywordMatch | None:
    """The command the whole message is, or None when it is free text."""
    word = normalise(text)
    for language, table in KEYWORDS.items():
        intent = table.get(word)
        if intent is not None:
            return KeywordMatch(intent, language)
    sentence = " ".join(_POLITE.sub(" ", word.lower()).split())
    for language, patterns in _PLAIN_STOP.items():
        if any(p.match(sentence) for p in patterns):
            return KeywordMatch(Intent.OPT_OUT, language, plain_language=True)
    return None
