"""HSDS API latency on a filled directory (not part of the test suite).

    export FLASK_APP=support_hub INSTANCE_PATH=/tmp/hsds-bench DATABASE_URL=sqlite:////tmp/hsds-bench/support_hub.db
    flask db upgrade && flask bench-data 100000
    python bench/hsds_api.py

Prints p50 / p95 of each HSDS request (through the Flask test client, so no network) and its
ratio to `/healthz` measured in the same run, the floor of a request through the app.
"""

from __future__ import annotations

import os
import platform
import statistics
import time

from support_hub import create_app

PATHS = [
    "/hsds/services?per_page=50",
    "/hsds/services?full=true&per_page=50",
    "/hsds/services?minimal=true",
    "/hsds/services?search=group&page=3",
    "/hsds/service_at_locations?per_page=50",
    "/hsds/service_at_locations?full=true&per_page=50",
    "/hsds/service_at_locations?postcode=02114&proximity=5000",
    "/hsds/organizations?full_service=true&per_page=5",
    "/hsds/taxonomy_terms",
]
ROUNDS = 20


def measure(client: object, path: str) -> tuple[float, float]:
    client.get(path)  # type: ignore[attr-defined]  # warm caches
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    app = create_app()
    client = app.test_client()
    machine = f"{platform.node()} {platform.machine()} {os.cpu_count()} CPUs"
    print(f"{machine}, Python {platform.python_version()}")
    print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
    floor, _ = measure(client, "/healthz")
    print(f"{'/healthz':60s} p50 {floor:8.1f} ms")
    for path in PATHS:
        p50, p95 = measure(client, path)
        print(f"{path:60s} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  ({p50 / floor:6.0f}x /healthz)")


if __name__ == "__main__":
    main()
