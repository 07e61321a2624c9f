"""Workers as separate threads and processes, on whichever database the suite runs on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from support_hub import create_app
from support_hub.extensions import db
from support_hub.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from support_hub.outbox.services import enqueue
from support_hub.outbox.worker import Worker
from support_hub.sms.gateway import ConsoleGateway
from tests.conftest import settings_for_tests
from tests.fakes.twilio_api import FakeTwilio
from tests.fakes.twilio_webhook import ACCOUNT_SID, AUTH_TOKEN, HUB_NUMBER


def _queue_many(count: int) -> None:
    for i in range(count):
        enqueue(
            to=f"+1617555{i % 10000:04d}",
            body=f"Support Hub: message {i}",
            kind=OutboxKind.NOTICE,
            idempotency_key=f"many:{i}",
        )
    db.session.commit()


def _statuses() -> Counter[OutboxStatus]:
    db.session.expire_all()
    return Counter(db.session.scalars(sa.select(OutboxMessage.status)))


@pytest.mark.real_commits
def test_concurrent_workers_send_every_message_exactly_once(app: Flask) -> None:
    _queue_many(200)
    gateway = ConsoleGateway()
    workers = [Worker(app, gateway, batch_size=10) for _ in range(4)]
    threads = [threading.Thread(target=w.drain) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    bodies = Counter(message.body for message in gateway.sent)
    assert len(bodies) == 200
    assert set(bodies.values()) == {1}
    assert _statuses() == {OutboxStatus.SENT: 200}


@pytest.mark.slow
@pytest.mark.real_commits
def test_sigterm_finishes_the_current_send_and_releases_the_other_claims(
    app: Flask, tmp_path: Path, fake_twilio: FakeTwilio
) -> None:
    _queue_many(5)
    fake_twilio.send_seconds = 1.0
    env = {
        **os.environ,
        **settings_for_tests(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path),
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": HUB_NUMBER,
        "TWILIO_API_BASE_URL": fake_twilio.base_url,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "support_hub", "worker", "--poll", "0.1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while not fake_twilio.requests and time.monotonic() < deadline:
            time.sleep(0.02)
        assert fake_twilio.requests, "the worker never sent"
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
    assert b"unsent claims released" in output
    assert len(fake_twilio.accepted()) == 1
    assert _statuses() == {OutboxStatus.SENT: 1, OutboxStatus.PENDING: 4}
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.claimed_by.is_not(None)))
        == 0
    )


def _hooks(app: Flask) -> list[str]:
    return [f.__name__ for f in app.before_request_funcs.get(None, [])]


def test_the_in_process_worker_is_wired_only_in_development(app: Flask, tmp_path: Path) -> None:
    overrides = settings_for_tests(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    overrides["APP_ENV"] = "development"
    development = create_app(overrides)
    assert "_start_worker_thread" in _hooks(development)
    assert "_start_worker_thread" not in _hooks(app)
