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
from collections.abc import Callable
from dataclasses import dataclass

from support_hub.checkins.preferences import parse_cadence, parse_pause


class Intent(enum.Enum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    ENGLISH = "english"
    SPANISH = "spanish"
    MORE = "more"
    # Weekly check-ins (handlers in checkins/conversation.py).
    CHECKIN_JOIN = "checkin_join"
    CHECKIN_JOIN_CAREGIVER = "checkin_join_caregiver"
    CHECKIN_CONFIRM = "checkin_confirm"
    CHECKIN_WHEN = "checkin_when"
    CHECKIN_PAUSE = "checkin_pause"
    CHECKIN_RESUME = "checkin_resume"


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
        "CHECKIN": Intent.CHECKIN_JOIN,
        "CHECK IN": Intent.CHECKIN_JOIN,
        "JOIN": Intent.CHECKIN_JOIN,
        "CHECKIN CAREGIVER": Intent.CHECKIN_JOIN_CAREGIVER,
        "CHECK IN CAREGIVER": Intent.CHECKIN_JOIN_CAREGIVER,
        "JOIN CAREGIVER": Intent.CHECKIN_JOIN_CAREGIVER,
        "YES": Intent.CHECKIN_CONFIRM,
        "Y": Intent.CHECKIN_CONFIRM,
        "PAUSE": Intent.CHECKIN_PAUSE,
        "RESUME": Intent.CHECKIN_RESUME,
    },
    "es": {
        "ALTO": Intent.OPT_OUT,
        "PARAR": Intent.OPT_OUT,
        "AYUDA": Intent.HELP,
        "ESPANOL": Intent.SPANISH,
        "MAS": Intent.MORE,
        "SEGUIMIENTO": Intent.CHECKIN_JOIN,
        "UNIRME": Intent.CHECKIN_JOIN,
        "SEGUIMIENTO CUIDADOR": Intent.CHECKIN_JOIN_CAREGIVER,
        "SEGUIMIENTO CUIDADORA": Intent.CHECKIN_JOIN_CAREGIVER,
        "UNIRME CUIDADOR": Intent.CHECKIN_JOIN_CAREGIVER,
        "UNIRME CUIDADORA": Intent.CHECKIN_JOIN_CAREGIVER,
        "SI": Intent.CHECKIN_CONFIRM,
        "PAUSA": Intent.CHECKIN_PAUSE,
        "REANUDAR": Intent.CHECKIN_RESUME,
    },
}


def _looks_like(parse: Callable[[str], object]) -> Callable[[str], bool]:
    """An argument is the command's when it parses, or is a short try at one ("25PM", "0W")."""

    def accepts(argument: str) -> bool:
        try:
            parse(argument)
        except ValueError:
            return len(argument.split()) <= 2 and any(ch.isdigit() for ch in argument)
        return True

    return accepts


_WHEN = (Intent.CHECKIN_WHEN, _looks_like(parse_cadence))
_PAUSE = (Intent.CHECKIN_PAUSE, _looks_like(parse_pause))

# Commands that take an argument: the first word, then the rest of the message ("PAUSE 2W",
# "WHEN TUE 10AM"). Only an argument that is (or tries to be) a time or a length makes it a
# command; "when does the group end" stays free text for triage and search.
PREFIX_KEYWORDS: dict[str, dict[str, tuple[Intent, Callable[[str], bool]]]] = {
    "en": {"WHEN": _WHEN, "PAUSE": _PAUSE},
    "es": {"CUANDO": _WHEN, "PAUSA": _PAUSE},
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
    # The words after a PREFIX_KEYWORDS command, as the person wrote them.
    argument: str = ""


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
    first, _, rest = text.strip().partition(" ")
    for language, prefixes in PREFIX_KEYWORDS.items():
        command = prefixes.get(normalise(first))
        if command is not None and rest.strip() and command[1](rest.strip()):
            return KeywordMatch(command[0], language, argument=rest.strip())
    sentence = " ".join(_POLITE.sub(" ", word.lower()).split())
    for language, patterns in _PLAIN_STOP.items():
        if any(p.match(sentence) for p in patterns):
            return KeywordMatch(Intent.OPT_OUT, language, plain_language=True)
    return None
