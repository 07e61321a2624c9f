"""The triage generalises: slot grammars combine known parts in new ways, and a learned net may
raise (never lower) what the word lists miss. Sentences here are new combinations, not corpus rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support_hub.triage import Concern, Level, classify
from support_hub.triage import net as learned
from support_hub.triage.classifier import _raise_by_net, classify_rules, normalise
from support_hub.triage.evaluation import load_examples

HERE = Path(__file__).parent


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("planning to hang myself this weekend", "en"),
        ("I keep thinking of stabbing myself", "en"),
        ("considering drowning myself", "en"),
        ("I want to drive into the river", "en"),
        ("been thinking about jumping in front of a train", "en"),
        ("I've been punching myself when nobody is home", "en"),
        ("I looked up the lethal dose of my oxycodone", "en"),
        ("took like 40 of my tramadol", "en"),
        ("they'd honestly be better off without me", "en"),
        ("I'm standing on the ledge right now", "en"),
        ("pienso envenenarme", "es"),
        ("me voy a ahorcar esta noche", "es"),
        ("quisiera dejar de existir", "es"),
        ("estoy en la azotea", "es"),
    ],
)
def test_new_combinations_of_intent_act_and_means_are_urgent_self_harm(
    text: str, language: str
) -> None:
    result = classify_rules(text, language)
    assert result.level is Level.URGENT, result
    assert Concern.SELF_HARM in result.concerns


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("my wife is having a fit on the kitchen floor", "en"),
        ("he hit his head on the stairs and now he's confused", "en"),
        ("dad's face is drooping on the left", "en"),
        ("she isn't waking up no matter what I do", "en"),
        ("his breathing sounds rattly and strange", "en"),
        ("my chest is being crushed", "en"),
        ("I'm vomiting blood", "en"),
        ("mom's bleeding and it won't stop", "en"),
        ("mi papá tiene la cara torcida", "es"),
        ("mi esposa está convulsionando", "es"),
        ("está vomitando sangre", "es"),
    ],
)
def test_medical_emergency_families_in_any_voice_are_urgent_medical(
    text: str, language: str
) -> None:
    result = classify_rules(text, language)
    assert result.level is Level.URGENT, result
    assert Concern.MEDICAL in result.concerns


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # Prognosis, not intent: people with stage 4 cancer talk about dying.
        ("I know I'm going to die of this eventually", "en"),
        ("me voy a morir algún día como todos", "es"),
        # Lookalikes of the grammars.
        ("I'm at the bridge club tonight", "en"),
        ("take all my pills with breakfast, like the nurse said", "en"),
        ("my grandson had a fit when we left the park", "en"),
        ("we had so much blood work today", "en"),
        ("mi hija me va a matar si llego tarde jaja", "es"),
    ],
)
def test_prognosis_and_lookalikes_are_not_urgent(text: str, language: str) -> None:
    assert classify(text, language).level is not Level.URGENT


def test_the_learned_net_never_lowers_a_level_on_any_labelled_text() -> None:
    for path in sorted(HERE.glob("*.jsonl")):
        for ex in load_examples(path):
            rules = classify_rules(ex.text, ex.language, ex.awaiting_score)
            full = classify(ex.text, ex.language, ex.awaiting_score)
            assert full.level.rank >= rules.level.rank, ex.text
            assert set(rules.reasons) <= set(full.reasons), ex.text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["en", "es"]), st.booleans())
def test_the_learned_net_never_lowers_a_level_on_any_text(
    text: str, language: str, awaiting: bool
) -> None:
    rules = classify_rules(text, language, awaiting)
    assert classify(text, language, awaiting).level.rank >= rules.level.rank


def _net(urgent_bias: float, person_bias: float, self_harm_bias: float) -> learned.Net:
    """A net with no weights: its scores are its biases (to test the raising rule itself)."""
    return learned.Net(
        urgent=learned._Model(urgent_bias, {}),
        person=learned._Model(person_bias, {}),
        self_harm=learned._Model(self_harm_bias, {}),
        urgent_threshold=0.8,
        person_threshold=0.8,
    )


def test_a_raise_to_urgent_names_its_score_and_picks_the_reply() -> None:
    routine = classify_rules("the weather is nice today")
    assert routine.level is Level.ROUTINE
    norm = normalise("the weather is nice today")

    sure_self_harm = _raise_by_net(routine, norm, _net(5.0, 5.0, 5.0))
    assert sure_self_harm.level is Level.URGENT
    assert sure_self_harm.kind == "self_harm"
    assert sure_self_harm.concerns == {Concern.SELF_HARM}
    assert sure_self_harm.reasons[0].startswith("learned safety net: urgent score 0.99")

    sure_medical = _raise_by_net(routine, norm, _net(5.0, 5.0, -5.0))
    assert sure_medical.concerns == {Concern.MEDICAL}
    # Unsure which: both replies, 988 and 911, rather than the wrong one.
    unsure = _raise_by_net(routine, norm, _net(5.0, 5.0, 0.0))
    assert unsure.concerns == {Concern.SELF_HARM, Concern.MEDICAL}


def test_a_raise_to_elevated_only_lifts_routine() -> None:
    norm = normalise("the weather is nice today")
    routine = classify_rules("the weather is nice today")
    raised = _raise_by_net(routine, norm, _net(-5.0, 5.0, 0.0))
    assert raised.level is Level.ELEVATED
    assert raised.kind == "learned"
    assert raised.reasons[0].startswith("learned safety net: reach-a-person score")
    elevated = classify_rules("I'm scared about my scan")
    assert elevated.level is Level.ELEVATED
    assert (
        _raise_by_net(elevated, normalise("I'm scared about my scan"), _net(-5, 5, 0)) == elevated
    )


def test_one_word_and_bare_numbers_are_left_to_the_rules() -> None:
    for text in ("7", "seis", "yes", "ok", "94110"):
        assert classify(text, "en") == classify_rules(text, "en")


def test_the_committed_weights_were_trained_on_every_labelled_file() -> None:
    # Retrain with scripts/train_triage_net.py after adding or relabelling examples.
    payload = json.loads(learned.WEIGHTS_PATH.read_text(encoding="utf-8"))
    assert sorted(payload["trained_on"]) == sorted(p.name for p in HERE.glob("*.jsonl"))
    assert learned.load() is not None
    assert 0.5 <= payload["urgent_threshold"] < 1
    assert 0.5 <= payload["person_threshold"] < 1


def test_features_are_stable_hashes_of_words_and_their_pieces() -> None:
    one = learned.features(normalise("I want to disappear"))
    assert one == learned.features(normalise("i want to DISAPPEAR!"))
    assert all(0 <= f < learned.BUCKETS for f in one)
    # A typo keeps most of a word's pieces: that is how the net reads misspellings.
    typo = set(learned.features(normalise("dissapear")))
    right = set(learned.features(normalise("disappear")))
    assert len(typo & right) >= len(right) // 3
    assert learned.features(normalise("7 8 9")) == []


@pytest.mark.parametrize(
    ("text", "language", "concern"),
    [
        ("fever of 102 and i had chemo tuesday", "en", Concern.MEDICAL),
        ("running a temp of 101, my white count was low at chemo", "en", Concern.MEDICAL),
        ("tengo calentura y escalofríos, me dieron quimio el martes", "es", Concern.MEDICAL),
        ("back pain for a week and now my legs went numb", "en", Concern.MEDICAL),
        ("lost control of my bladder, my spine pain is awful", "en", Concern.MEDICAL),
        ("no puedo orinar y la espalda me mata", "es", Concern.MEDICAL),
        ("I burned my arm with a lighter on purpose", "en", Concern.SELF_HARM),
        ("took extra morphine on purpose", "en", Concern.SELF_HARM),
        ("Lord forgive me for what I'm about to do", "en", Concern.SELF_HARM),
        ("me quemé el brazo a propósito", "es", Concern.SELF_HARM),
        ("Diosito perdóname por lo que voy a hacer", "es", Concern.SELF_HARM),
        ("my dad took his whole bottle of morphine", "en", Concern.SELF_HARM),
        ("he's wheezing and fighting for every breath", "en", Concern.MEDICAL),
        ("half my face went numb", "en", Concern.MEDICAL),
        ("blood is pouring from where my port is", "en", Concern.MEDICAL),
        ("he's unresponsive", "en", Concern.MEDICAL),
        ("no puedo jalar aire", "es", Concern.MEDICAL),
        ("siento una presión horrible en el pecho", "es", Concern.MEDICAL),
        ("se le cayó la boca de un lado", "es", Concern.MEDICAL),
        ("me estoy desangrando", "es", Concern.MEDICAL),
        ("creo que me está dando un infarto", "es", Concern.MEDICAL),
    ],
)
def test_signs_urgent_in_context_and_acts_on_purpose_are_urgent(
    text: str, language: str, concern: Concern
) -> None:
    result = classify_rules(text, language)
    assert result.level is Level.URGENT, result
    assert concern in result.concerns


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("no fever since my last chemo", "en"),
        ("fever 100.8 today, not on chemo right now", "en"),
        ("my fever is gone, chemo next week", "en"),
        ("no tengo fiebre desde la quimio", "es"),
        ("my back hurts, can't stand for long at the stove", "en"),
        ("cut my hair short on purpose before chemo", "en"),
        ("took the day off on purpose", "en"),
        ("my phone is unresponsive again", "en"),
        ("me estoy ahogando en deudas", "es"),
        ("me dio un ataque de llanto en la tienda", "es"),
        ("casi me desmayo de la risa jaja", "es"),
        ("a mi compadre le dio un infarto hace dos años", "es"),
        ("i take all my pills in the morning with coffee", "en"),
        ("me tomo todas mis pastillas en la mañana con el café", "es"),
        ("en la iglesia hay una caminata para prevenir el suicidio", "es"),
    ],
)
def test_context_pairs_on_purpose_and_figures_of_speech_are_not_urgent(
    text: str, language: str
) -> None:
    assert classify_rules(text, language).level is not Level.URGENT
