"""Scenario 1: PostgreSQL crashes and restarts while inbound texts arrive (DESIGN §8).

A throwaway cluster on its own port (never the shared server) serves gunicorn. Signed texts
arrive at a steady rate; the cluster is stopped in immediate mode (a crash: no shutdown
checkpoint) and started again, `cycles` times. While it is down the webhook must answer 5xx,
fast, so Twilio retries; afterwards every MessageSid that got no 200 is replayed, as Twilio
would, until it is answered. Every MessageSid sent must then be stored exactly once.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from bench.harness import REPO, gunicorn
from reliability.cluster import Cluster, find_binaries, throwaway_cluster
from reliability.conftest import Record
from reliability.support import WEB_START_SECONDS, Answer, Texter, production_env

pytestmark = [pytest.mark.slow, pytest.mark.real_commits]

SCALES = {
    # texts per second, seconds up before the first crash, seconds down, crash cycles
    "short": {"rate": 15.0, "up": 3.0, "down": 4.0, "cycles": 1},
    "full": {"rate": 30.0, "up": 8.0, "down": 10.0, "cycles": 3},
}
BODIES = ("02139", "HELP", "thanks, see you tuesday", "GROUPS 60614", "INFO")


def _migrate(cluster: Cluster, instance: Path) -> None:
    """The release step, as production runs it: `flask db upgrade`."""
    env = {**os.environ, **production_env(cluster.url, instance), "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "support_hub", "db", "upgrade"],
        env=env, cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip


def _stored(cluster: Cluster) -> tuple[int, int]:
    """(rows, distinct MessageSids) stored for this scenario's texts."""
    with psycopg.connect(
        f"host=127.0.0.1 port={cluster.port} user=postgres dbname=reliability"
    ) as connection:
        row = connection.execute(
            "SELECT count(*), count(DISTINCT message_sid) FROM sms_inbound_message"
            " WHERE message_sid LIKE 'SMrel%'"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def test_texts_during_a_postgresql_crash_are_answered_5xx_fast_and_stored_once_on_replay(
    scale: str, record: Record, tmp_path: Path
) -> None:
    if find_binaries() is None:
        pytest.skip("no PostgreSQL install with cube and earthdistance (set RELIABILITY_PG_BIN)")
    plan = SCALES[scale]
    rate, cycles = float(plan["rate"]), int(plan["cycles"])
    with throwaway_cluster() as cluster:
        _migrate(cluster, tmp_path / "instance")
        env = production_env(cluster.url, tmp_path / "instance")
        with gunicorn(env, start_seconds=WEB_START_SECONDS) as url:
            texter = Texter(url)
            answers: list[tuple[float, Answer]] = []
            lock = threading.Lock()
            stop = threading.Event()
            numbers = itertools.cycle(f"+1617555{n:04d}" for n in range(2000, 2400))

            def send(i: int) -> None:
                sent_at = time.monotonic()
                answer = texter.send(BODIES[i % len(BODIES)], next(numbers), f"SMrel{i:029d}")
                with lock:
                    answers.append((sent_at, answer))

            def load() -> None:
                # Open loop: texts keep arriving at the rate whatever the server does.
                with ThreadPoolExecutor(max_workers=12) as pool:
                    futures: list[Future[None]] = []
                    started = time.monotonic()
                    for i in itertools.count():
                        if stop.is_set():
                            break
                        delay = started + i / rate - time.monotonic()
                        if delay > 0:
                            time.sleep(delay)
                        futures.append(pool.submit(send, i))
                    for future in futures:
                        future.result()

            sender = threading.Thread(target=load)
            sender.start()
            outages: list[tuple[float, float]] = []
            try:
                for _ in range(cycles):
                    time.sleep(float(plan["up"]))
                    down_at = time.monotonic()
                    cluster.stop("immediate")
                    time.sleep(float(plan["down"]))
                    cluster.start()
                    outages.append((down_at, time.monotonic()))
                time.sleep(float(plan["up"]))
            finally:
                stop.set()
                sender.join()

            sent = {a.sid for _, a in answers}
            failed = [a for _, a in answers if a.status != 200]
            refused = [a for a in failed if not 500 <= a.status < 600]
            during = [a for t, a in answers if any(d <= t <= u for d, u in outages)]
            # Twilio retries what got no 200; so do we, until each is answered.
            replays: dict[str, int] = {}
            pending = sorted({a.sid for a in failed})
            deadline = time.monotonic() + 60
            while pending and time.monotonic() < deadline:
                retry = []
                for sid in pending:
                    i = int(sid.removeprefix("SMrel"))
                    number = f"+1617555{2000 + i % 400:04d}"
                    answer = texter.send(BODIES[i % len(BODIES)], number, sid)
                    replays[sid] = replays.get(sid, 0) + 1
                    if answer.status != 200:
                        retry.append(sid)
                pending = retry
                if pending:
                    time.sleep(0.5)
        rows, distinct = _stored(cluster)

    five_xx = [a for a in failed if 500 <= a.status < 600]
    statuses: dict[int, int] = {}
    for _, a in answers:
        statuses[a.status] = statuses.get(a.status, 0) + 1
    record(
        {
            "texts_sent": len(sent),
            "crashes": cycles,
            "seconds_down_each": plan["down"],
            "statuses_first_try": statuses,
            "answered_during_outages": len(during),
            "max_5xx_latency_ms": round(max((a.seconds for a in five_xx), default=0) * 1000, 1),
            "replayed_sids": len(replays),
            "stored_rows": rows,
            "stored_distinct_sids": distinct,
            "lost": len(sent) - distinct,
            "duplicates": rows - distinct,
        }
    )
    assert five_xx, "no text arrived while the database was down: the scenario tested nothing"
    assert not refused, f"answers that were neither 200 nor 5xx: {refused[:3]}"
    assert not pending, f"{len(pending)} MessageSid(s) never answered 200 after the restart"
    assert max(a.seconds for a in five_xx) < 3.5, "a 5xx was slow (Twilio gives up at 15 s)"
    assert {a.status for a in five_xx} == {503}, "the webhook must say 503 (retry), never 500"
    assert rows == distinct == len(sent), "a text was lost or stored twice"
