"""Worker processes for the multi-process tests and bench/worker.py.

Workers are forked from the test process (Python 3.11: fork is the default start method on
Linux), so each starts in milliseconds instead of re-importing the app; each builds its own app,
engine and twilio client after the fork, exactly as `flask worker` does, and never touches the
parent's connections.
"""

from __future__ import annotations

import multiprocessing
import os
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
