"""Many worker processes, and workers killed mid-send, on PostgreSQL (DESIGN §8)."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

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


@pytest.fixture(autouse=True)
def _postgresql_only(app: Flask) -> Iterator[None]:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip(
            "many worker processes need PostgreSQL (FOR UPDATE SKIP LOCKED); SQLite serialises "
            "writers, and the thread test in test_workers.py covers it"
        )
    yield


def _rows() -> list[tuple[str, OutboxStatus, int]]:
    db.session.expire_all()
    return [
        (body, status, attempts)
        for body, status, attempts in db.session.execute(
            sa.select(OutboxMessage.body, OutboxMessage.status, OutboxMessage.attempts)
        )
    ]


def test_eight_worker_processes_send_ten_thousand_messages_each_once(
    app: Flask, tmp_path: Path, fake_twilio: FakeTwilio
) -> None:
    queue_bulk(10_000)
    overrides = twilio_overrides(
        settings_for_tests(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path), fake_twilio
    )
    started = time.monotonic()
    workers = [start_worker(overrides, once=True) for _ in range(8)]
    for worker in workers:
        # Generous: the machine running CI may be shared; a quiet one needs well under a minute.
        worker.join(timeout=300)
        assert worker.exitcode == 0
    elapsed = time.monotonic() - started
    accepted = Counter(r.form["Body"] for r in fake_twilio.accepted())
    rows = _rows()
    assert len(rows) == 10_000
    assert {status for _, status, _ in rows} == {OutboxStatus.SENT}
    # Claimed twice would show as a second attempt or a second request for the same text.
    assert {attempts for _, _, attempts in rows} == {1}
    assert len(accepted) == 10_000 and set(accepted.values()) == {1}
    assert len(fake_twilio.requests) == 10_000
    print(f"8 workers sent 10,000 messages in {elapsed:.1f} s ({10_000 / elapsed:.0f}/s)")


def test_a_worker_killed_again_and_again_loses_nothing(
    app: Flask, tmp_path: Path, fake_twilio: FakeTwilio
) -> None:
    """SIGKILL at random moments while draining (>= 50 kills); a 1-second lease reclaims claims.

    The duplicate window is checked by `duplicates_around_kills` (shared with the reliability
    suite's 10,000-message version, reliability/test_worker_kills.py).
    """
    total = 3000
    queue_bulk(total)
    overrides = twilio_overrides(
        settings_for_tests(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path),
        fake_twilio,
        OUTBOX_LEASE_SECONDS="1",
    )
    kills = kill_while_draining(
        overrides, fake_twilio, total=total, kills=50, workers=1, rng=random.Random(6),
        deadline_seconds=120,
    )  # fmt: skip
    assert len(kills) >= 50
    # Then a worker that is left alone finishes the queue (expired leases included).
    time.sleep(1.1)
    finisher = start_worker(overrides, once=True)
    finisher.join(timeout=120)
    assert finisher.exitcode == 0
    rows = _rows()
    assert len(rows) == total
    assert {status for _, status, _ in rows} == {OutboxStatus.SENT}, "a message was lost"
    assert len({r.form["Body"] for r in fake_twilio.accepted()}) == total
    duplicates = duplicates_around_kills(fake_twilio, kills)
    rows_by_body = {body: attempts for body, _, attempts in rows}
    assert all(rows_by_body[body] >= 2 for body in duplicates)
    print(f"{len(kills)} kills; {len(duplicates)} duplicate(s) of {total} messages")
