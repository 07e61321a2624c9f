"""Load benchmark (issue 9, item 1): search API, HSDS API and signed SMS webhook under gunicorn.

    .venv/bin/python bench/load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB
    .venv/bin/python bench/load.py --database-url URL --seconds 5 --only search

The database must already hold a directory (`flask --app support_hub bench-data 1000000`; the
issue's targets are for 1M listings on PostgreSQL). One gunicorn server on loopback serves the
real app plus the bare reference route (bench/harness.py); for each scenario, in the same run:

  1. closed loop (as fast as `--concurrency` clients go) against the endpoint, then against the
     bare route: throughput, and the endpoint's share of the bare throughput;
  2. open loop at the scenario's fixed rate (`run_load`: latency from when each request was due,
     so a stalled server pays for its queue), the endpoint then the bare route: p50 / p99.

Scenarios: `search` GET /api/v1/services at population-weighted points, 25 mi, 20 per page
(target p99 <= 50 ms at 200 req/s); `hsds` GET /hsds/services pages, full records and text
search (100 req/s, no target in the issue); `webhook` signed POST /sms/inbound, a mix of ZIP
searches, HELP and free text from 500 numbers (target p99 <= 100 ms at 50 req/s). The webhook
scenario writes inbound messages and people into the database (fresh MessageSids every run).

The load generator runs on the same machine and shares its CPU: compare the ratios, and the
percentiles only with the machine's load in mind (printed before and after).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.harness import LoadResult, Request, gunicorn, machine, run_load  # noqa: E402
from bench.webhook.run import ACCOUNT_SID, AUTH_TOKEN, Requests  # noqa: E402
from support_hub.directory.bench_data import PopulationSampler, read_metros  # noqa: E402

HSDS_WORDS = ["group", "support", "care", "hospice", "counsel", "spiritual", "online"]


@dataclass(frozen=True)
class Scenario:
    name: str
    rate: float  # requests/s of the open-loop run
    target_p99_ms: float | None
    method: str  # of the bare reference request: the same verb as the endpoint


def search_requests(seed: int) -> Callable[[int], Request]:
    """GET /api/v1/services at points drawn like the US population (as bench/search.py does)."""
    sampler = PopulationSampler(random.Random(seed), read_metros())

    def make(_: int) -> Request:
        lat, lng, _state = sampler.point()
        query = urlencode(
            {"lat": f"{lat:.5f}", "lng": f"{lng:.5f}", "radius_mi": 25, "per_page": 20}
        )
        return Request("GET", f"/api/v1/services?{query}")

    return make


def hsds_requests(seed: int) -> Callable[[int], Request]:
    """GET /hsds/services: plain pages, full records, and text search, at random pages."""
    rng = random.Random(seed)

    def make(i: int) -> Request:
        match i % 3:
            case 0:
                return Request("GET", f"/hsds/services?per_page=50&page={rng.randint(1, 200)}")
            case 1:
                return Request(
                    "GET", f"/hsds/services?full=true&per_page=20&page={rng.randint(1, 200)}"
                )
            case _:
                word = rng.choice(HSDS_WORDS)
                return Request("GET", f"/hsds/services?search={word}&page={rng.randint(1, 20)}")

    return make


def webhook_requests(base_url: str, count: int) -> Callable[[int], Request]:
    """Signed inbound texts, as Twilio posts them (bench/webhook/run.py builds and signs them)."""
    port = int(base_url.rsplit(":", 1)[1])
    # A new seed each run: MessageSids a run already stored would be answered as cheap replays.
    signed = Requests(port, count, seed=int(time.time()) % 10_000, mix="mixed")
    return signed.next_request


SCENARIOS = {
    "search": Scenario("search", rate=200.0, target_p99_ms=50.0, method="GET"),
    "hsds": Scenario("hsds", rate=100.0, target_p99_ms=None, method="GET"),
    "webhook": Scenario("webhook", rate=50.0, target_p99_ms=100.0, method="POST"),
}


def bare(method: str) -> Callable[[int], Request]:
    return lambda _: Request(method, "/bench/bare")


def closed_loop(
    base_url: str, make: Callable[[int], Request], label: str, seconds: float, concurrency: int
) -> LoadResult:
    """As fast as `concurrency` clients go for about `seconds` (sized from a short probe)."""
    probe = run_load(base_url, make, label=label, total=concurrency * 4, concurrency=concurrency)
    total = max(concurrency * 4, int(probe.throughput * seconds))
    return run_load(base_url, make, label=label, total=total, concurrency=concurrency)


def open_loop(
    base_url: str, make: Callable[[int], Request], label: str, rate: float, seconds: float
) -> LoadResult:
    # Enough clients that a slow answer never delays the next request's start.
    return run_load(
        base_url, make, label=label, total=int(rate * seconds), rate=rate, concurrency=64
    )


def run_scenario(base_url: str, scenario: Scenario, args: argparse.Namespace) -> list[str]:
    def requests() -> Callable[[int], Request]:
        if scenario.name == "search":
            return search_requests(args.seed)
        if scenario.name == "hsds":
            return hsds_requests(args.seed)
        return webhook_requests(base_url, 200_000)

    warm = requests()
    run_load(base_url, warm, label="warm-up", total=40, concurrency=4)
    real_max = closed_loop(base_url, requests(), scenario.name, args.seconds, args.concurrency)
    bare_max = closed_loop(base_url, bare(scenario.method), "bare", args.seconds, args.concurrency)
    real_paced = open_loop(
        base_url, requests(), f"{scenario.name} @ {scenario.rate:g}/s", scenario.rate, args.seconds
    )
    bare_paced = open_loop(
        base_url, bare(scenario.method), f"bare @ {scenario.rate:g}/s", scenario.rate, args.seconds
    )
    ratio = real_max.throughput / bare_max.throughput if bare_max.throughput else float("nan")
    p99 = real_paced.percentile(99)
    if scenario.target_p99_ms is None:
        verdict = "no target"
    else:
        met = "met" if p99 <= scenario.target_p99_ms else "NOT met"
        verdict = f"p99 <= {scenario.target_p99_ms:g} ms: {met}"
    errors = sum(n for status, n in real_paced.statuses.items() if not 200 <= status < 300)
    return [
        f"## {scenario.name}",
        f"closed loop ({args.concurrency} clients):",
        "  " + real_max.line(),
        "  " + bare_max.line(),
        f"  ratio {scenario.name}/bare: {ratio:.1%}",
        f"open loop at {scenario.rate:g} req/s for {args.seconds:g} s:",
        "  " + real_paced.line(),
        "  " + bare_paced.line(),
        f"  p99 {scenario.name}/bare: {p99 / bare_paced.percentile(99):.1f}x; non-2xx: {errors}; "
        f"{verdict}",
    ]


def describe_database(url: str) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            listings = connection.scalar(sa.text("SELECT count(*) FROM service"))
            if engine.dialect.name == "postgresql":
                version = connection.scalar(sa.text("SHOW server_version"))
                return f"PostgreSQL {version}, {listings:,} listings"
            return f"SQLite, {listings:,} listings"
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement (4 each)")
    parser.add_argument("--only", choices=sorted(SCENARIOS), help="one scenario (default: all)")
    parser.add_argument("--concurrency", type=int, default=8, help="closed-loop clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (4 threads)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")

    env = {
        "APP_ENV": "production",
        "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": args.database_url,
        "INSTANCE_PATH": tempfile.mkdtemp(prefix="bench-load-"),
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": "+16175550100",
        "TWILIO_API_BASE_URL": "http://127.0.0.1:9",  # never called by these requests
        "PUBLIC_BASE_URL": "",  # signatures are over the URL the server sees
    }
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    started = time.monotonic()
    print("# load benchmark")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {machine()}")
    print(f"database: {describe_database(args.database_url)}")
    print(f"gunicorn: {args.workers} workers x 4 threads on loopback (load generator on this host)")
    sys.stdout.flush()
    chosen = [SCENARIOS[args.only]] if args.only else list(SCENARIOS.values())
    with gunicorn(env, workers=args.workers) as base_url:
        for scenario in chosen:
            print("\n".join(run_scenario(base_url, scenario, args)), flush=True)
    print(f"load average: before {load_before}, after "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"run took {time.monotonic() - started:.0f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
