"""The triage measured against the labelled corpus of realistic replies (issue 7, item 2).

corpus.jsonl was written before the classifier, and the word lists were tuned on it. Each
heldout_round*.jsonl was written after the classifier of its day was finished and measured once,
untouched; its first figures are recorded in bench/README.md. Earlier rounds' misses were then
fixed with general rules (never by copying their sentences), so every file must meet the bar now.
Rounds 5 and 6 were written by a later session: round 5 before the slot grammars in lexicon.py,
round 6 after them (it measured whether they generalise); both were measured once, then fixed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from support_hub.triage import Level
from support_hub.triage.evaluation import Evaluation, evaluate, load_examples

HERE = Path(__file__).parent
HELD_OUT = (
    "heldout_round1.jsonl",
    "heldout_round2.jsonl",
    "heldout_round3.jsonl",
    "heldout_round4.jsonl",
    "heldout_round5.jsonl",
    "heldout_round6.jsonl",
)
# Routine texts that share words with the danger grammars ("I'm at the bridge club", "take all
# my pills with breakfast"): written to find false alarms, all expected routine.
LOOKALIKES = "lookalikes.jsonl"
CORPORA = ("corpus.jsonl", *HELD_OUT, LOOKALIKES)

# Every kind of message the issue names must be present, with the tricky negatives.
REQUIRED_CATEGORIES = {
    "score_high",
    "score_low",
    "precedence",
    "self_harm",
    "indirect",
    "medical",
    "symptom_bones",
    "symptom_brain",
    "symptom_lungs",
    "symptom_liver",
    "emotional",
    "caregiver",
    "talk",
    "fine",
    "idiom",
    "negation",
    "joke",
    "sports",
    "medication",
    "stop_words",
    "misspelling",
}


@pytest.fixture(scope="module", params=CORPORA)
def run(request: pytest.FixtureRequest) -> tuple[str, Evaluation]:
    return request.param, evaluate(load_examples(HERE / request.param))


def test_main_corpus_is_large_bilingual_and_covers_every_category() -> None:
    examples = load_examples(HERE / "corpus.jsonl")
    assert len(examples) >= 300
    languages = Counter(ex.language for ex in examples)
    assert set(languages) == {"en", "es"}
    assert languages["es"] / len(examples) >= 0.25
    assert {ex.category for ex in examples} >= REQUIRED_CATEGORIES
    assert {ex.expected for ex in examples} == set(Level)
    assert len({(ex.text, ex.language, ex.awaiting_score) for ex in examples}) == len(examples)


@pytest.mark.parametrize("name", HELD_OUT)
def test_each_held_out_round_is_bilingual_and_new(name: str) -> None:
    heldout = load_examples(HERE / name)
    earlier = {
        ex.text.casefold()
        for other in CORPORA[: CORPORA.index(name)]
        for ex in load_examples(HERE / other)
    }
    assert len(heldout) >= 60
    assert {ex.language for ex in heldout} == {"en", "es"}
    assert {ex.expected for ex in heldout} == set(Level)
    assert not [ex.text for ex in heldout if ex.text.casefold() in earlier]


def test_every_urgent_message_is_urgent(run: tuple[str, Evaluation]) -> None:
    name, evaluation = run
    assert evaluation.urgent_recall == 1.0, evaluation.report(name)


def test_at_least_95_percent_of_elevated_messages_reach_a_person(
    run: tuple[str, Evaluation],
) -> None:
    name, evaluation = run
    assert evaluation.elevated_recall >= 0.95, evaluation.report(name)


def test_at_most_2_percent_of_routine_messages_are_raised_to_urgent(
    run: tuple[str, Evaluation],
) -> None:
    name, evaluation = run
    assert evaluation.routine_to_urgent <= 0.02, evaluation.report(name)
