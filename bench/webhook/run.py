"""Benchmark `POST /sms/inbound` under gunicorn (2 workers) on loopback (issue 5).

    .venv/bin/python bench/webhook/run.py                       # SQLite in a temp directory
    .venv/bin/python bench/webhook/run.py --database postgresql+psycopg://postgres@127.0.0.1:5432/DB

Each run migrates and seeds the database, starts gunicorn with the real app plus a bare
endpoint answering empty TwiML (bench/webhook/app.py), then measures with a Python load
generator on the same machine:
  1. closed loop, N concurrent clients, D seconds in all, alternating in R rounds: the bare
     endpoint, then signed inbound texts (a mix of ZIP searches, HELP, and free text from 500
     numbers); the median throughput of each and their ratio (target: webhook >= 40% of bare);
     and, as a third reference, the floor of any webhook that stores before it answers (a
     signature check and one committed INSERT, /bench/store): how far the webhook is from it;
  2. open loop at 50 requests/s (bench.harness.run_load, latency counted from when each request
     was due): p50/p99 latency of signed inbound texts (target: p99 <= 100 ms).
Figures are printed with the machine they ran on. The load generator shares the CPU with the
server, which lowers both throughputs alike; the ratio is the figure to compare.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.harness import Request, machine, run_load  # noqa: E402

BIN = Path(sys.executable).parent
ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "0123456789abcdef0123456789abcdef"
ZIPS = ["02139", "10001", "19104", "30303", "60614", "77002", "78701", "80202", "85004", "94110"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(database_url: str, instance: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance),
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": "+16175550100",
        "TWILIO_API_BASE_URL": "http://127.0.0.1:9",  # never called by the webhook
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }


class Requests:
    """Pre-built signed bodies (signing is the client's cost, not the server's)."""

    def __init__(
        self, port: int, count: int, seed: int = 1, mix: str = "mixed", path: str = "/sms/inbound"
    ) -> None:
        rng = random.Random(seed)
        validator = RequestValidator(AUTH_TOKEN)
        url = f"http://127.0.0.1:{port}{path}"
        self.path = path
        self.items: list[tuple[bytes, str]] = []
        for i in range(count):
            roll = rng.random() if mix == "mixed" else 1.0
            body = rng.choice(ZIPS) if roll < 0.6 else "HELP" if roll < 0.8 else "hi there"
            form = {
                "MessageSid": f"SM{seed:04d}{i:028d}",
                "AccountSid": ACCOUNT_SID,
                "From": f"+1617555{rng.randrange(500):04d}",
                "To": "+16175550100",
                "Body": body,
                "NumMedia": "0",
                "NumSegments": "1",
                "SmsStatus": "received",
                "ApiVersion": "2010-04-01",
            }
            self.items.append((urlencode(form).encode(), validator.compute_signature(url, form)))
        self._next = 0
        self._lock = threading.Lock()

    def take(self) -> tuple[bytes, str]:
        with self._lock:
            item = self.items[self._next % len(self.items)]
            self._next += 1
            return item

    def next_request(self, _i: int = 0) -> Request:
        """The next signed post, for `run_load` (which passes the request's number)."""
        body, signature = self.take()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        }
        return Request("POST", self.path, body, headers)


# Answers other than 200 per endpoint: counted, not fatal, and printed with the figures (a run
# with any is reported as failed: its throughput would not be the webhook's).
FAILURES: dict[str, collections.Counter[int]] = collections.defaultdict(collections.Counter)


def post(conn: http.client.HTTPConnection, path: str, body: bytes, signature: str) -> float:
    """Send one signed post; its latency in seconds, or -1.0 when the answer was not 200."""
    started = time.perf_counter()
    conn.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        },
    )
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        FAILURES[path][response.status] += 1
        return -1.0
    return time.perf_counter() - started


def closed_loop(
    port: int, path: str, requests: Requests, clients: int, seconds: float
) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < stop:
            body, signature = requests.take()
            latency = post(conn, path, body, signature)
            if latency >= 0:
                mine.append(latency)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database", default="", help="SQLAlchemy URL (default: SQLite in a temp dir)"
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--rounds", type=int, default=5, help="alternations of bare and webhook (medians)"
    )
    parser.add_argument(
        "--mix",
        choices=("mixed", "text"),
        default="mixed",
        help="mixed: 60%% ZIP searches, 20%% HELP, 20%% free text; text: free text only",
    )
    args = parser.parse_args()

    load_before = load_average()
    workdir = Path(tempfile.mkdtemp(prefix="bench-webhook-"))
    database = args.database or f"sqlite:///{workdir / 'bench.db'}"
    port = free_port()
    env = environment(database, workdir, port)
    flask = [str(BIN / "flask"), "--app", "support_hub"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "seed"], env=env, cwd=ROOT, check=True, capture_output=True)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "-w", "2", "-b",
         f"127.0.0.1:{port}", "--pythonpath", str(Path(__file__).parent), "app:create()"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        warm = Requests(port, 200, seed=9)
        closed_loop(port, "/sms/inbound", warm, 2, 2.0)  # warm both workers and the caches

        # Alternate the two endpoints (bare, webhook, bare, webhook, ...) and compare medians:
        # on a shared machine one long run of each can land on a busy and a quiet minute.
        texts = Requests(port, 200_000, seed=3, mix=args.mix)
        bare_rounds: list[list[float]] = []
        real_rounds: list[list[float]] = []
        floor_rounds: list[list[float]] = []
        for round_no in range(args.rounds):
            bare_rounds.append(
                closed_loop(
                    port,
                    "/bench/bare",
                    Requests(port, 1000, seed=20 + round_no),
                    args.clients,
                    args.seconds / args.rounds,
                )
            )
            real_rounds.append(
                closed_loop(port, "/sms/inbound", texts, args.clients, args.seconds / args.rounds)
            )
            floor_rounds.append(
                closed_loop(
                    port,
                    "/bench/store",
                    Requests(port, 20_000, seed=40 + round_no, path="/bench/store"),
                    args.clients,
                    args.seconds / args.rounds,
                )
            )
        bare = [latency for one in bare_rounds for latency in one]
        real = [latency for one in real_rounds for latency in one]
        floor = [latency for one in floor_rounds for latency in one]
        signed = Requests(port, 10_000, seed=4, mix=args.mix)

        # Open loop: latency counts from when each request was due (no coordinated omission).
        paced = run_load(
            f"http://127.0.0.1:{port}", signed.next_request, label="50 req/s",
            total=int(50 * args.seconds), rate=50.0,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    engine = "PostgreSQL" if database.startswith("postgresql") else "SQLite"
    print(f"machine: {machine()}, {platform.platform()}")
    # The machine may be shared: the load before and after says how much CPU others took.
    print(f"load average (1, 5, 15 min): before {load_before}, after {load_average()}")
    print(f"database: {engine}; gunicorn 2 workers; {args.clients} clients; {args.seconds:.0f} s")
    print(f"messages: {args.mix}")
    per_round = args.seconds / args.rounds
    bare_each = [len(one) / per_round for one in bare_rounds]
    real_each = [len(one) / per_round for one in real_rounds]
    floor_each = [len(one) / per_round for one in floor_rounds]
    bare_rps, real_rps = statistics.median(bare_each), statistics.median(real_each)
    floor_rps = statistics.median(floor_each)
    for label, rps, each, values in (
        ("bare TwiML", bare_rps, bare_each, bare),
        ("/sms/inbound", real_rps, real_each, real),
        ("store floor", floor_rps, floor_each, floor),
    ):
        p50, p99 = pct(values, 0.5), pct(values, 0.99)
        rounds = ", ".join(f"{x:.0f}" for x in each)
        print(f"{label:13}: {rps:8.1f} req/s (median of {rounds})  p50 {p50:6.1f} ms  "
              f"p99 {p99:6.1f} ms")  # fmt: skip
    print(f"ratio webhook/bare (medians): {real_rps / bare_rps:.1%} (target >= 40%)")
    print(
        f"reference: signature + one committed INSERT / bare: {floor_rps / bare_rps:.1%};"
        f" webhook / that floor: {real_rps / floor_rps:.1%}"
    )
    p50, p99 = paced.percentile(50), paced.percentile(99)
    print(
        f"50 req/s open loop ({paced.sent} requests, statuses {paced.statuses}):"
        f" p50 {p50:.1f} ms  p99 {p99:.1f} ms"
    )
    if FAILURES:
        print(f"FAILED: answers other than 200: {dict(FAILURES)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
