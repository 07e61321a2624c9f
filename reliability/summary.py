"""Print the figures the last run recorded (build/reliability/*.json), one block per scenario.

.venv/bin/python -m reliability.summary
"""

from __future__ import annotations

import json

from reliability.conftest import RESULTS


def main() -> None:
    reports = sorted(RESULTS.glob("*.json"))
    if not reports:
        print(f"no figures in {RESULTS}: run `pytest reliability` first")
        return
    for path in reports:
        report = json.loads(path.read_text())
        print(f"== {report['scenario']} ({report['scale']} scale, {report['finished_at']})")
        print(f"   machine: {report['machine']}")
        for key, value in report["figures"].items():
            print(f"   {key}: {value}")


if __name__ == "__main__":
    main()
