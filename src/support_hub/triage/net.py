"""A small learned safety net under the word lists: it may only RAISE a level, never lower one.

Logistic regressions over hashed features of the normalised text (words, word pairs, and the
3-5 letter pieces of every word, so misspellings and inflections share most of their features):
one says "urgent", the other "reaches a person" (elevated or urgent); a third tells self-harm from
a medical emergency, to choose the reply. The weights are data,
trained by ``scripts/train_triage_net.py`` (numpy at training time only) and committed as
``data/net_weights.json``; scoring here is pure Python: a few hundred dictionary look-ups.

Why it exists: each held-out round showed new phrasings of danger the rules had never seen. The
rules stay the contract (reasons name the words); the net names its score, and a person decides.
"""

from __future__ import annotations

import json
import math
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

WEIGHTS_PATH = Path(__file__).with_name("data") / "net_weights.json"
BUCKETS = 1 << 20  # hashed feature space; only the features seen in training carry a weight


MIN_WORDS = 2  # one word is too little evidence for a model: "yes", "seis", "help" are rules'


def features(norm: str) -> list[int]:
    """The hashed feature indices of one normalised text (no repeats)."""
    # Numbers are the rules' business: whether "7" is a score depends on a pending check-in.
    words = [w for w in norm.split() if w.isalpha()]
    grams: set[str] = set()
    for i, word in enumerate(words):
        grams.add("w:" + word)
        if i + 1 < len(words):
            grams.add("b:" + word + " " + words[i + 1])
        padded = f" {word} "
        for n in (3, 4, 5):
            for j in range(len(padded) - n + 1):
                grams.add("c:" + padded[j : j + n])
    return sorted({zlib.crc32(g.encode()) % BUCKETS for g in grams})


@dataclass(frozen=True)
class _Model:
    bias: float
    weights: dict[int, float]

    def probability(self, feats: list[int]) -> float:
        if not feats:
            return 1.0 / (1.0 + math.exp(-self.bias))
        get = self.weights.get
        total = sum(get(f, 0.0) for f in feats) / math.sqrt(len(feats))
        z = self.bias + total
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class Net:
    """The trained models and the thresholds chosen for them (see the training script)."""

    urgent: _Model
    person: _Model
    self_harm: _Model  # among urgent texts: self-harm (rather than a medical emergency)
    urgent_threshold: float
    person_threshold: float

    def scores(self, norm: str) -> tuple[float, float, float]:
        """P(urgent), P(elevated or urgent), P(self-harm if urgent) for one normalised text."""
        feats = features(norm)
        return (
            self.urgent.probability(feats),
            self.person.probability(feats),
            self.self_harm.probability(feats),
        )


def _model(raw: dict[str, object]) -> _Model:
    weights = raw["weights"]
    assert isinstance(weights, dict)
    bias = raw["bias"]
    assert isinstance(bias, int | float)
    return _Model(float(bias), {int(k): float(v) for k, v in weights.items()})


def from_json(text: str) -> Net:
    """A Net from the JSON the training script writes."""
    raw = json.loads(text)
    return Net(
        urgent=_model(raw["urgent"]),
        person=_model(raw["person"]),
        self_harm=_model(raw["self_harm"]),
        urgent_threshold=float(raw["urgent_threshold"]),
        person_threshold=float(raw["person_threshold"]),
    )


@lru_cache(maxsize=1)
def load() -> Net | None:
    """The committed net, or None when no weights file is present (the rules still decide)."""
    try:
        return from_json(WEIGHTS_PATH.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
