from __future__ import annotations

import pytest

from support_hub.triage import Concern, Level, classify


@pytest.mark.parametrize(
    "text",
    [
        "I want to die",
        "i keep thinking about suicide",
        "I'm going to kill myself tonight",
        "I think I took an overdose",
        "quiero morir",
        "Voy a suicidarme",
        "2 but I want to die",
    ],
)
def test_explicit_self_harm_words_are_urgent(text: str) -> None:
    result = classify(text, "en", awaiting_score=False)
    assert result.level is Level.URGENT
    assert Concern.SELF_HARM in result.concerns
    assert result.reasons


@pytest.mark.parametrize(
    "text", ["I can't breathe", "I can’t breathe!!", "chest pain since lunch", "No puedo respirar"]
)
def test_medical_emergency_words_are_urgent_medical(text: str) -> None:
    result = classify(text, "es")
    assert result.level is Level.URGENT
    assert result.concerns == {Concern.MEDICAL}


def test_talk_asks_for_a_person_and_is_elevated() -> None:
    result = classify("TALK", "en")
    assert result.level is Level.ELEVATED
    assert Concern.ASKS_FOR_PERSON in result.concerns
    assert result.reasons == ("asks for a person: 'talk'",)


def test_make_the_pain_stop_is_triaged_as_distress_not_routine() -> None:
    result = classify("make the pain stop", "en")
    assert result.level is Level.ELEVATED
    assert Concern.DISTRESS in result.concerns


@pytest.mark.parametrize("text", ["02139", "GROUPS near Austin TX", "thanks, doing ok", ""])
def test_ordinary_texts_are_routine_with_no_reasons(text: str) -> None:
    result = classify(text, "en")
    assert result.level is Level.ROUTINE
    assert result.reasons == ()


def test_words_match_whole_words_only() -> None:
    # "die" inside "diet" or "talk" inside "talking points" style words must not fire.
    assert classify("my diet is fine", "en").level is Level.ROUTINE
    assert classify("wanting to diet", "en").level is Level.ROUTINE
