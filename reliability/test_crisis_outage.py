"""Scenario 4: crisis texts while no worker runs; the page and the escalation once one is back.

gunicorn answers the texts (the 988/911 safety reply is TwiML in the same request, so it needs
no worker); the pages wait in the outbox. With every worker down nothing reaches Twilio. The
outage outlasts `URGENT_ACK_MINUTES` (full scale: the real minute; short scale: the alerts'
timers are moved into the past, as if the outage had lasted that long). Then one `flask worker`
starts: the first pages go out, and the escalation timers that ran out during the outage fire
once each, paging the responders and the admin. A backlog of bulk texts (check-ins at the top
of the hour, say) queued before the crisis, sent at a paced `SMS_SEND_RATE`, must hold up
neither the pages nor the escalation.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from bench.harness import REPO, gunicorn
from reliability.conftest import Record
from reliability.support import WEB_START_SECONDS, Texter, production_env
from support_hub.accounts.models import Role
from support_hub.extensions import db
from support_hub.inbox.models import Alert, AlertStatus
from support_hub.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from tests.fakes.twilio_api import FakeTwilio, SentRequest
from tests.outbox.processes import queue_bulk
from tests.staff import make_user

pytestmark = [pytest.mark.slow, pytest.mark.real_commits]

RESPONDER = "+16175560161"  # outside the backlog's +1617555xxxx numbers
ADMIN = "+16175560162"
CRISES = (
    ("+16175550171", "I can't do this anymore, I want to end my life", "988"),
    ("+16175550172", "ya no puedo más, quiero morirme", "988"),
    ("+16175550173", "my wife can't breathe and her lips are blue", "911"),
)
OUTAGE_CHECK_SECONDS = 3.0
BACKLOG = {"short": 300, "full": 2000}
SEND_RATE = 10.0


def _pages(fake: FakeTwilio) -> list[SentRequest]:
    return [r for r in fake.accepted() if r.form.get("To") in (RESPONDER, ADMIN)]


def _wait(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_crisis_texts_during_a_worker_outage_are_answered_paged_and_escalated_after_it(
    app: Flask, scale: str, record: Record, tmp_path: Path, fake_twilio: FakeTwilio
) -> None:
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    make_user(Role.RESPONDER, "remy@example.org", phone=RESPONDER)
    make_user(Role.ADMIN, "ada@example.org", phone=ADMIN)
    env = production_env(
        database_url, tmp_path / "instance", fake_twilio,
        URGENT_ACK_MINUTES="1", SMS_SEND_RATE=str(SEND_RATE),
    )  # fmt: skip
    backlog = BACKLOG[scale]
    queue_bulk(backlog, prefix="backlog")
    # The web stays up throughout; only the workers are out.
    with contextlib.ExitStack() as running:
        texter = Texter(running.enter_context(gunicorn(env, start_seconds=WEB_START_SECONDS)))
        routine = [texter.send("HELP", "+16175550170", f"SMrelhelp{i:024d}") for i in range(5)]
        crisis_started = time.monotonic()
        answers = [
            texter.send(body, number, f"SMrelcrisis{i:022d}")
            for i, (number, body, _) in enumerate(CRISES)
        ]
        # --- the outage: no worker anywhere ---
        time.sleep(OUTAGE_CHECK_SECONDS)
        db.session.expire_all()
        queued_pages = [
            (status, to)
            for status, to in db.session.execute(
                sa.select(OutboxMessage.status, OutboxMessage.to_number).where(
                    OutboxMessage.kind == OutboxKind.PAGE
                )
            )
        ]
        sent_during_outage = len(fake_twilio.requests)
        if scale == "full":
            # Wait out the real URGENT_ACK_MINUTES (1) from the texts.
            time.sleep(max(0.0, crisis_started + 61 - time.monotonic()))
        else:
            # As if the outage had lasted past the timer: move every timer into the past.
            db.session.execute(
                sa.update(Alert).values(
                    next_escalation_at=Alert.next_escalation_at
                    - sa.literal(timedelta(seconds=61), sa.Interval())
                )
            )
            db.session.commit()
        outage_seconds = time.monotonic() - crisis_started
        # --- a worker comes back ---
        worker_started = time.monotonic()
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "support_hub", "worker"],
            env={**os.environ, **env, "PYTHONPATH": str(REPO)}, cwd=REPO,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            first_page = _wait(lambda: _pages(fake_twilio), 60)
            # 3 first pages (the responder) + 3 escalations x (responder + admin).
            all_pages = _wait(lambda: len(_pages(fake_twilio)) >= 9, 60)
            time.sleep(1.5)  # another worker pass must not escalate again
        finally:
            worker.send_signal(signal.SIGTERM)
            output, _ = worker.communicate(timeout=30)
    accepted_at = [p.accepted_at or 0.0 for p in _pages(fake_twilio)]
    bulk_before_last_page = sum(
        1
        for r in fake_twilio.accepted()
        if "backlog message" in r.form["Body"]
        and (r.accepted_at or 0) < max(accepted_at, default=0)
    )
    bulk_rows = dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count())
            .where(OutboxMessage.kind == OutboxKind.NOTICE)
            .group_by(OutboxMessage.status)
        ).all()
    )
    first_page_at = min(accepted_at, default=worker_started)
    last_page_at = max(accepted_at, default=worker_started)
    db.session.expire_all()
    alerts = list(db.session.scalars(sa.select(Alert)))
    pages = _pages(fake_twilio)
    escalation_pages = [p for p in pages if "Not acknowledged yet" in p.form["Body"]]
    record(
        {
            "crisis_texts": len(CRISES),
            "crisis_reply_statuses": [a.status for a in answers],
            "crisis_reply_max_ms": round(max(a.seconds for a in answers) * 1000, 1),
            "routine_reply_max_ms": round(max(a.seconds for a in routine) * 1000, 1),
            "pages_queued_during_outage": len(queued_pages),
            "requests_to_twilio_during_outage": sent_during_outage,
            "outage_seconds": round(outage_seconds, 1),
            "timers": "real minute" if scale == "full" else "moved 61 s into the past",
            "seconds_worker_start_to_first_page": round(first_page_at - worker_started, 2),
            "seconds_worker_start_to_last_page": round(last_page_at - worker_started, 2),
            "backlog_queued_before_the_crisis": backlog,
            "sms_send_rate": SEND_RATE,
            "backlog_sent_before_the_last_page": bulk_before_last_page,
            "backlog_rows_after": {status.value: n for status, n in bulk_rows.items()},
            "pages_sent_after": len(pages),
            "escalation_pages": len(escalation_pages),
            "alerts_escalation_counts": sorted(a.escalation_count for a in alerts),
        }
    )
    assert worker.returncode == 0, output
    for answer, (_, _, expected) in zip(answers, CRISES, strict=True):
        assert answer.status == 200 and expected.encode() in answer.body
    assert len(alerts) == len(CRISES) and {a.status for a in alerts} == {AlertStatus.OPEN}
    assert sent_during_outage == 0, "something was sent with no worker running"
    assert len(queued_pages) == len(CRISES)
    assert {status for status, _ in queued_pages} == {OutboxStatus.PENDING}
    assert first_page, "no page after the worker started"
    assert all_pages, f"pages after the worker started: {len(pages)} of 9"
    assert len(pages) == 9 and len(escalation_pages) == 6
    assert sorted(p.form["To"] for p in escalation_pages) == sorted([ADMIN, RESPONDER] * 3)
    assert [a.escalation_count for a in alerts] == [1, 1, 1], "a timer was lost or fired twice"
    assert last_page_at - worker_started < 60, "pages held up (DESIGN §7: within 60 s)"
    assert bulk_before_last_page < backlog, "the pages waited for the whole backlog"
    assert sum(bulk_rows.values()) == backlog, "a backlog text was lost"
