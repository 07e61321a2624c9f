from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from support_hub.sms.keywords import KEYWORDS, Intent, match


@pytest.mark.parametrize(
    ("text", "intent", "language"),
    [
        ("STOP", Intent.OPT_OUT, "en"),
        ("  stop.  ", Intent.OPT_OUT, "en"),
        ("Stop!", Intent.OPT_OUT, "en"),
        ("stopall", Intent.OPT_OUT, "en"),
        ("Unsubscribe", Intent.OPT_OUT, "en"),
        ("cancel", Intent.OPT_OUT, "en"),
        ("END", Intent.OPT_OUT, "en"),
        ("quit", Intent.OPT_OUT, "en"),
        ("revoke", Intent.OPT_OUT, "en"),
        ("optout", Intent.OPT_OUT, "en"),
        ("opt-out", Intent.OPT_OUT, "en"),
        ("ALTO", Intent.OPT_OUT, "es"),
        ("parar", Intent.OPT_OUT, "es"),
        ("START", Intent.OPT_IN, "en"),
        ("unstop", Intent.OPT_IN, "en"),
        ("HELP", Intent.HELP, "en"),
        ("info?", Intent.HELP, "en"),
        ("Ayuda", Intent.HELP, "es"),
        ("ESPAÑOL", Intent.SPANISH, "es"),
        ("espanol", Intent.SPANISH, "es"),
        ("English", Intent.ENGLISH, "en"),
        ("MORE", Intent.MORE, "en"),
        ("más", Intent.MORE, "es"),
    ],
)
def test_keyword_matches_whole_message_in_any_case(
    text: str, intent: Intent, language: str
) -> None:
    found = match(text)
    assert found is not None
    assert (found.intent, found.language) == (intent, language)


@pytest.mark.parametrize(
    "text",
    [
        "stop texting me",
        "Please stop texting me!",
        "STOP SENDING ME MESSAGES",
        "no more texts",
        "No more messages please",
        "don't text me again",
        "remove me from this list",
        "No más mensajes",
        "dejen de escribirme por favor",
    ],
)
def test_plain_language_stop_requests_opt_out(text: str) -> None:
    found = match(text)
    assert found is not None
    assert found.intent is Intent.OPT_OUT
    assert found.plain_language


@pytest.mark.parametrize(
    "text",
    [
        "make the pain stop",
        "I can't stop crying",
        "please help me",
        "stop the pain",
        "when does the group end",
        "where do I start",
        "02139",
        "",
    ],
)
def test_longer_messages_with_keyword_words_are_not_commands(text: str) -> None:
    assert match(text) is None


def test_every_language_has_opt_out_and_help_in_its_table() -> None:
    for language, table in KEYWORDS.items():
        intents = set(table.values())
        assert Intent.OPT_OUT in intents, language
        assert Intent.HELP in intents, language


@given(
    entry=st.sampled_from([(w, i) for table in KEYWORDS.values() for w, i in table.items()]),
    before=st.text(alphabet=" \t.!?¡¿\"'*-", max_size=4),
    after=st.text(alphabet=" \t.!?\"'*-", max_size=4),
    upper=st.lists(st.booleans(), min_size=12, max_size=12),
)
def test_any_case_and_surrounding_punctuation_still_match(
    entry: tuple[str, Intent], before: str, after: str, upper: list[bool]
) -> None:
    word, intent = entry
    cased = "".join(c.upper() if u else c.lower() for c, u in zip(word, upper * 2, strict=False))
    found = match(before + cased + after)
    assert found is not None
    assert found.intent is intent
