"""Measuring the classifier against a labelled corpus: shared by the tests and bench/triage.py."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from support_hub.triage.classifier import Level, Triage, classify

LEVELS = (Level.URGENT, Level.ELEVATED, Level.ROUTINE)


@dataclass(frozen=True)
class Example:
    """One labelled reply: what a person wrote and the level a person would give it."""

    text: str
    language: str
    awaiting_score: bool
    expected: Level
    category: str


@dataclass(frozen=True)
class Outcome:
    example: Example
    result: Triage


def load_examples(path: Path) -> list[Example]:
    """Read a JSON-lines corpus (text, language, awaiting_score, expected, category)."""
    examples = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            try:
                examples.append(
                    Example(
                        text=row["text"],
                        language=row["language"],
                        awaiting_score=bool(row["awaiting_score"]),
                        expected=Level(row["expected"]),
                        category=row["category"],
                    )
                )
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{path}:{number}: bad corpus row ({exc})") from exc
    return examples


@dataclass(frozen=True)
class Evaluation:
    """The confusion matrix of one run, and the three figures the triage issue asks for."""

    outcomes: tuple[Outcome, ...]

    @property
    def matrix(self) -> Counter[tuple[Level, Level]]:
        return Counter((o.example.expected, o.result.level) for o in self.outcomes)

    def _share(self, expected: Level, accept: Iterable[Level]) -> float:
        wanted = [o for o in self.outcomes if o.example.expected is expected]
        if not wanted:
            return 1.0
        accepted = set(accept)
        return sum(o.result.level in accepted for o in wanted) / len(wanted)

    @property
    def urgent_recall(self) -> float:
        return self._share(Level.URGENT, [Level.URGENT])

    @property
    def elevated_recall(self) -> float:
        """Elevated items that reached a person: elevated, or urgent (over-triage is safe)."""
        return self._share(Level.ELEVATED, [Level.ELEVATED, Level.URGENT])

    @property
    def routine_to_urgent(self) -> float:
        return self._share(Level.ROUTINE, [Level.URGENT])

    @property
    def accuracy(self) -> float:
        if not self.outcomes:
            return 1.0
        return sum(o.result.level is o.example.expected for o in self.outcomes) / len(self.outcomes)

    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result.level is not o.example.expected]

    def report(self, title: str = "corpus") -> str:
        """The confusion matrix, the figures, and every disagreement, as plain text."""
        width = 10
        lines = [
            f"{title}: {len(self.outcomes)} messages",
            "expected \\ got".ljust(16) + "".join(level.value.rjust(width) for level in LEVELS),
        ]
        matrix = self.matrix
        for expected in LEVELS:
            cells = "".join(str(matrix[(expected, got)]).rjust(width) for got in LEVELS)
            lines.append(expected.value.ljust(16) + cells)
        lines += [
            f"urgent recall            {self.urgent_recall:7.1%}  (required 100%)",
            f"elevated-or-higher recall {self.elevated_recall:6.1%}  (required >= 95%)",
            f"routine raised to urgent {self.routine_to_urgent:7.1%}  (allowed <= 2%)",
            f"exact agreement          {self.accuracy:7.1%}",
        ]
        for miss in self.misses():
            ex = miss.example
            lines.append(
                f"  expected {ex.expected.value:8} got {miss.result.level.value:8} "
                f"[{ex.language} {ex.category}] {ex.text!r} {list(miss.result.reasons)}"
            )
        return "\n".join(lines)


def evaluate(examples: Iterable[Example]) -> Evaluation:
    """Classify every example once."""
    return Evaluation(
        tuple(
            Outcome(ex, classify(ex.text, ex.language, awaiting_score=ex.awaiting_score))
            for ex in examples
        )
    )
