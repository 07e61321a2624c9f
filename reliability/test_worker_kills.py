"""Scenario 2: worker processes SIGKILLed at random during a drain (DESIGN §8).

Several forked workers (each builds its own app, engine and twilio client, as `flask worker`
does) drain a queue through the real twilio client and the loopback fake; one of them is killed
at random moments in the drain and replaced at once. A 1-second lease lets the survivors reclaim
a dead worker's claims. Nothing may be lost, and every extra copy Twilio accepted must sit in
the window DESIGN §8 allows (see `duplicates_around_kills`).
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from reliability.conftest import Record
from support_hub.extensions import db
from support_hub.outbox.models import OutboxMessage, OutboxStatus
from tests.conftest import settings_for_tests
from tests.fakes.twilio_api import FakeTwilio
from tests.outbox.processes import (
    duplicates_around_kills,
    kill_while_draining,
    queue_bulk,
    start_worker,
    twilio_overrides,
)

pytestmark = [pytest.mark.slow, pytest.mark.real_commits]

SCALES = {"short": {"total": 2000, "kills": 20}, "full": {"total": 10_000, "kills": 100}}
WORKERS = 4


def test_workers_killed_at_random_during_a_drain_lose_nothing(
    app: Flask, scale: str, record: Record, tmp_path: Path, fake_twilio: FakeTwilio
) -> None:
    total, kills_wanted = SCALES[scale]["total"], SCALES[scale]["kills"]
    queue_bulk(total, prefix="kill")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    overrides = twilio_overrides(
        settings_for_tests(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path),
        fake_twilio,
        OUTBOX_LEASE_SECONDS="1",
    )
    started = time.monotonic()
    kills = kill_while_draining(
        overrides, fake_twilio, total=total, kills=kills_wanted, workers=WORKERS,
        rng=random.Random(9), deadline_seconds=600,
    )  # fmt: skip
    # Then one worker left alone finishes the queue (expired leases included).
    time.sleep(1.1)
    finisher = start_worker(overrides, once=True)
    finisher.join(timeout=300)
    elapsed = time.monotonic() - started
    db.session.expire_all()
    statuses = dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    sent = statuses.get(OutboxStatus.SENT, 0)
    accepted_bodies = {r.form["Body"] for r in fake_twilio.accepted()}
    duplicates = duplicates_around_kills(fake_twilio, kills)
    extra = sum(len(times) - 1 for times in duplicates.values())
    record(
        {
            "queued_before": before,
            "workers": WORKERS,
            "kills": len(kills),
            "rows_sent_after": sent,
            "other_statuses_after": {
                s.value: n for s, n in statuses.items() if s is not OutboxStatus.SENT
            },
            "distinct_texts_twilio_accepted": len(accepted_bodies),
            "lost": total - len(accepted_bodies),
            "duplicated_texts": len(duplicates),
            "extra_copies": extra,
            "drain_seconds": round(elapsed, 1),
        }
    )
    assert finisher.exitcode == 0
    assert len(kills) >= kills_wanted
    assert before == total
    assert statuses == {OutboxStatus.SENT: total}, "a message was lost or left unsent"
    assert len(accepted_bodies) == total, "Twilio never got some message"
