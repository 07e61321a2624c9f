"""Blind triage evaluation (bench/triage_blind/README.md): figures on texts nobody tuned for."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
from support_hub import triage  # noqa: E402


def main() -> None:
    files = [Path(a) for a in sys.argv[1:]] or sorted((HERE / "triage_blind").glob("*.jsonl"))
    for path in files:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        c: Counter[object] = Counter()
        for row in rows:
            level = triage.classify(row["text"], row["lang"], awaiting_score=False).level.value
            read = level != "routine" or not triage.is_small_talk(row["text"])
            c[(row["expected"], level)] += 1
            c[(row["expected"], "read")] += read
            c[row["expected"]] += 1
        urgent, elevated, routine = c["urgent"], c["elevated"], c["routine"]
        urgent_up = c[("urgent", "urgent")] + c[("urgent", "elevated")]
        elevated_up = c[("elevated", "urgent")] + c[("elevated", "elevated")]
        print(f"{path.name}: {len(rows)} texts")
        print(f"  urgent recall (paged)          {c[('urgent', 'urgent')]}/{urgent}")
        print(f"  urgent at least elevated       {urgent_up}/{urgent}")
        print(f"  urgent read by a person, 988   {c[('urgent', 'read')]}/{urgent}")
        print(f"  elevated at least elevated     {elevated_up}/{elevated}")
        print(f"  elevated read by a person      {c[('elevated', 'read')]}/{elevated}")
        print(f"  routine raised to urgent       {c[('routine', 'urgent')]}/{routine}")
        print(f"  routine read by a person       {c[('routine', 'read')]}/{routine}")


if __name__ == "__main__":
    main()
