"""Scenario 3: Twilio slow, failing, timing out and rate-limiting; STOP during the backlog.

gunicorn serves the webhook and forked worker processes drain a backlog through the real twilio
client to the loopback fake, which answers a share of requests with 500s, 429s (code 20429),
stalls past the client's timeout, or accepts slowly. Every text must reach Twilio exactly once
(no kill, so no duplicate is allowed); each retry must wait at least the backoff's floor; the
request rate the fake sees must respect `SMS_SEND_RATE` per worker. Meanwhile a person with texts
in the backlog sends STOP through the webhook: what waits for them is cancelled and nothing
reaches Twilio for them after the STOP was answered.
"""

from __future__ import annotations

import itertools
import os
import random
import signal
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from bench.harness import gunicorn
from reliability.conftest import Record
from reliability.support import WEB_START_SECONDS, Texter, production_env
from support_hub.db import utcnow
from support_hub.extensions import db
from support_hub.outbox.delivery import BACKOFF_BASE_SECONDS
from support_hub.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from support_hub.outbox.services import enqueue
from tests.conftest import settings_for_tests
from tests.fakes.twilio_api import Failure, FakeTwilio
from tests.outbox.processes import queue_bulk, start_worker, twilio_overrides

pytestmark = [pytest.mark.slow, pytest.mark.real_commits]

SCALES = {
    "short": {"total": 150, "stop_backlog": 30, "workers": 2, "rate": 8.0},
    "full": {"total": 1500, "stop_backlog": 100, "workers": 3, "rate": 10.0},
}
STOPPER = "+16175559876"
TIMEOUT_SECONDS = 1.0


def _plan(seed: int) -> tuple[dict[str, int], object]:
    """A fault for about one request in four; returns the tally and the plan."""
    rng = random.Random(seed)
    tally: Counter[str] = Counter()

    def plan(_number: int) -> Failure | float | None:
        roll = rng.random()
        if roll < 0.08:
            tally["500"] += 1
            return Failure(status=500, code=20500)
        if roll < 0.14:
            tally["429"] += 1
            return Failure(status=429, code=20429)
        if roll < 0.17:
            tally["timeout"] += 1
            return Failure(status=500, stall_seconds=TIMEOUT_SECONDS + 0.5)
        if roll < 0.25:
            tally["slow"] += 1
            return 0.3
        return None

    return tally, plan


def _max_in_window(times: list[float], seconds: float = 1.0) -> int:
    ordered = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(ordered):
        while t - ordered[start] >= seconds:
            start += 1
        best = max(best, end - start + 1)
    return best


def _statuses() -> dict[OutboxStatus, int]:
    db.session.expire_all()
    return dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        ).all()
    )


def test_a_faulty_twilio_loses_nothing_and_stop_cancels_the_backlog(
    app: Flask, scale: str, record: Record, tmp_path: Path, fake_twilio: FakeTwilio
) -> None:
    plan = SCALES[scale]
    total, backlog = int(plan["total"]), int(plan["stop_backlog"])
    workers, rate = int(plan["workers"]), float(plan["rate"])
    tally, fault_plan = _plan(seed=3)
    fake_twilio.fault_plan = fault_plan  # type: ignore[assignment]
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    web_env = production_env(database_url, tmp_path / "web", fake_twilio)
    with gunicorn(web_env, start_seconds=WEB_START_SECONDS) as url:
        queue_bulk(total, prefix="fault")
        # The person who will send STOP has a backlog at the head of the queue (due before the
        # bulk), so their texts are claimed, sent, and still waiting when the STOP arrives.
        now = utcnow()
        for i in range(backlog):
            enqueue(
                to=STOPPER, body=f"Support Hub: for the stopper {i}", kind=OutboxKind.NOTICE,
                idempotency_key=f"stopper:{i}", not_before=now - timedelta(seconds=backlog - i),
            )  # fmt: skip
        db.session.commit()
        overrides = twilio_overrides(
            settings_for_tests(database_url, tmp_path / "worker"),
            fake_twilio,
            SMS_SEND_RATE=str(rate),
            TWILIO_TIMEOUT_SECONDS=str(TIMEOUT_SECONDS),
        )
        started = time.monotonic()
        running = [start_worker(overrides, once=False) for _ in range(workers)]
        try:
            while sum(r.form.get("To") == STOPPER for r in fake_twilio.accepted()) < 3:
                assert time.monotonic() - started < 60, "the stopper's texts never started"
                time.sleep(0.01)
            stop_sent = time.monotonic()
            answer = Texter(url).send("STOP", STOPPER, "SMrelstop" + "0" * 25)
            stop_answered = time.monotonic()
            # Generous: retries queue behind the backlog (FIFO by due time), and a loaded
            # machine may not even reach the paced rate.
            deadline = time.monotonic() + 900
            while True:
                counts = _statuses()
                waiting = counts.get(OutboxStatus.PENDING, 0) + counts.get(OutboxStatus.CLAIMED, 0)
                if not waiting or time.monotonic() > deadline:
                    break
                time.sleep(0.25)
            elapsed = time.monotonic() - started
        finally:
            for process in running:
                assert process.pid is not None
                os.kill(process.pid, signal.SIGTERM)
                process.join(timeout=20)

    requests = list(fake_twilio.requests)
    attempts: dict[str, list[tuple[float, bool]]] = {}
    for request in requests:
        attempts.setdefault(request.form["Body"], []).append(
            (request.received_at, request.accepted)
        )
    accepted = Counter(r.form["Body"] for r in requests if r.accepted)
    bulk = {f"Support Hub: fault message {i}" for i in range(total)}
    # Backoff: a retry never comes sooner than the floor for its attempt (full jitter between
    # half the ceiling and the ceiling; DESIGN §8).
    gaps_ok, shortest_gap_ratio, retried = True, float("inf"), 0
    for tries in attempts.values():
        tries.sort()
        for n, ((before, ok), (after, _)) in enumerate(itertools.pairwise(tries), 1):
            assert not ok, "a text Twilio accepted was sent again"
            floor = max(1.0, BACKOFF_BASE_SECONDS * 2 ** (n - 1) / 2)
            retried += 1
            shortest_gap_ratio = min(shortest_gap_ratio, (after - before) / floor)
            gaps_ok = gaps_ok and after - before >= floor - 0.05
    times = [r.received_at for r in requests]
    stopper = [r for r in requests if r.form.get("To") == STOPPER]
    after_stop = [r for r in stopper if r.received_at > stop_answered]
    stopper_rows = dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count())
            .where(OutboxMessage.to_number == STOPPER)
            .group_by(OutboxMessage.status)
        ).all()
    )
    counts = _statuses()
    record(
        {
            "queued_before": total + backlog,
            "workers": workers,
            "sms_send_rate_per_worker": rate,
            "faults_injected": dict(tally),
            "requests_to_twilio": len(requests),
            "retries": retried,
            "shortest_retry_gap_vs_backoff_floor": round(shortest_gap_ratio, 2),
            "max_requests_in_any_1s": _max_in_window(times),
            "allowed_in_any_1s": workers * (int(rate) + 1),
            "mean_request_rate": round(len(requests) / (max(times) - min(times)), 1),
            "bulk_accepted_once": sum(accepted[b] == 1 for b in bulk),
            "bulk_lost": sum(accepted[b] == 0 for b in bulk),
            "duplicates": sum(n - 1 for n in accepted.values() if n > 1),
            "rows_after": {s.value: n for s, n in counts.items()},
            "stopper_rows_after": {s.value: n for s, n in stopper_rows.items()},
            "stopper_requests_after_stop_answered": len(after_stop),
            "stop_webhook_ms": round((stop_answered - stop_sent) * 1000, 1),
            "drain_seconds": round(elapsed, 1),
        }
    )
    assert answer.status == 200 and b"Message" in answer.body
    assert sum(tally.values()) > 0
    assert all(accepted[b] == 1 for b in bulk), "a text was lost or sent twice"
    assert counts.get(OutboxStatus.PENDING, 0) == counts.get(OutboxStatus.CLAIMED, 0) == 0
    assert gaps_ok, "a retry came sooner than its backoff"
    assert _max_in_window(times) <= workers * (int(rate) + 1), "SMS_SEND_RATE not respected"
    assert not after_stop, "a text reached Twilio for a number after its STOP was answered"
    assert stopper_rows.get(OutboxStatus.CANCELLED, 0) > 0, "STOP cancelled nothing"
    assert sum(stopper_rows.values()) == backlog
    assert stopper_rows.get(OutboxStatus.SENT, 0) == sum(r.accepted for r in stopper)
