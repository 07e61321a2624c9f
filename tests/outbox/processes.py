"""Worker processes for the multi-process tests and bench/worker.py.

Workers are forked from the test process (Python 3.11: fork is the default start method on
Linux), so each starts in milliseconds instead of re-importing the app; each builds its own app,
engine and twilio client after the fork, exactly as `flask worker` does, and never touches the
parent's connections.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from collections.abc import Mapping

import sqlalchemy as sa

from support_hub.db import new_id, utcnow
from support_hub.extensions import db
from support_hub.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from tests.fakes.twilio_api import FakeTwilio
from tests.fakes.twilio_webhook import ACCOUNT_SID, AUTH_TOKEN, HUB_NUMBER


def twilio_overrides(base: Mapping[str, str], fake: FakeTwilio, **extra: str) -> dict[str, str]:
    """Settings for a worker that sends through the real twilio client to the loopback fake."""
    return {
        **base,
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": HUB_NUMBER,
        "TWILIO_API_BASE_URL": fake.base_url,
        **extra,
    }


def queue_bulk(count: int, prefix: str = "bulk") -> None:
    """Insert `count` due messages (unique bodies) in one statement; commits."""
    now = utcnow()
    rows = [
        {
            "id": new_id(),
            "to_number": f"+1617555{i % 10000:04d}",
            "body": f"Support Hub: {prefix} message {i}",
            "kind": OutboxKind.NOTICE.value,
            "idempotency_key": f"{prefix}:{i}",
            "not_before": now,
            "status": OutboxStatus.PENDING.value,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(count)
    ]
    for start in range(0, count, 2000):
        db.session.execute(sa.insert(OutboxMessage.__table__), rows[start : start + 2000])
    db.session.commit()


def _run(overrides: dict[str, str], once: bool) -> None:
    from support_hub import create_app
    from support_hub.outbox.worker import Worker

    app = create_app(overrides)
    worker = Worker(app, batch_size=20, poll_seconds=0.05)
    worker.install_signal_handlers()
    if once:
        worker.drain()
    else:
        worker.run_forever()
    os._exit(0)


def start_worker(overrides: dict[str, str], *, once: bool) -> multiprocessing.Process:
    """A forked worker process: `once` drains what is due and exits; else runs until SIGTERM."""
    process = multiprocessing.get_context("fork").Process(
        target=_run, args=(dict(overrides), once), daemon=True
    )
    process.start()
    return process


def kill_while_draining(
    overrides: dict[str, str],
    fake: FakeTwilio,
    *,
    total: int,
    kills: int,
    workers: int,
    rng: random.Random,
    deadline_seconds: float,
) -> list[float]:
    """Keep `workers` workers draining `total` queued texts; SIGKILL one at `kills` random moments.

    The moments are random points in the drain (counted in requests the fake has seen, between 2%
    and 90% of `total`, each nudged by up to 50 ms), so every kill lands while texts are being
    sent; the victim is a random live worker and a fresh one replaces it at once. Returns the
    kill times (time.monotonic()). Leaves no worker running: the caller finishes the queue.
    """
    low, high = max(1, total // 50), max(2, total * 9 // 10)
    points = sorted(rng.sample(range(low, high), kills))
    running = [start_worker(overrides, once=False) for _ in range(workers)]
    kill_times: list[float] = []
    deadline = time.monotonic() + deadline_seconds
    try:
        for point in points:
            while len(fake.requests) < point and time.monotonic() < deadline:
                time.sleep(0.002)
            if time.monotonic() >= deadline:
                break
            time.sleep(rng.uniform(0.0, 0.05))
            victim = running.pop(rng.randrange(len(running)))
            assert victim.pid is not None
            os.kill(victim.pid, signal.SIGKILL)
            kill_times.append(time.monotonic())
            victim.join(timeout=10)
            running.append(start_worker(overrides, once=False))
    finally:
        for process in running:
            assert process.pid is not None
            os.kill(process.pid, signal.SIGKILL)
            process.join(timeout=10)
        # Those last kills may interrupt a send too: they count against the window.
        kill_times.extend(time.monotonic() for _ in running)
    return kill_times


def duplicates_around_kills(fake: FakeTwilio, kill_times: list[float]) -> dict[str, list[float]]:
    """Texts Twilio accepted more than once, with when; fails if one falls outside DESIGN §8.

    A duplicate is possible only when a kill lands after Twilio accepted a text and before the
    worker committed SENT. A worker sends one text at a time, so each kill causes at most one
    extra copy (a text caught by two kills in a row is sent three times, and counts twice), and
    every copy but the last was accepted just around a kill (the fake may answer a moment after
    its sender died, on a loaded machine), never while no worker was killed.
    """
    accepted: dict[str, list[float]] = {}
    for request in fake.accepted():
        assert request.accepted_at is not None
        accepted.setdefault(request.form["Body"], []).append(request.accepted_at)
    duplicates = {body: sorted(times) for body, times in accepted.items() if len(times) > 1}
    extra_copies = sum(len(times) - 1 for times in duplicates.values())
    assert extra_copies <= len(kill_times), "more extra copies than kills"
    for times in duplicates.values():
        for sent in times[:-1]:
            assert any(-1.0 < kill - sent < 5.0 for kill in kill_times), (
                "a duplicate outside the window"
            )
    return duplicates
