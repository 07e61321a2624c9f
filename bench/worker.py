"""Benchmark: outbox workers against the loopback Twilio fake, and one scheduling pass.

    .venv/bin/python bench/worker.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/checkins_bench

The database is emptied and migrated first (never point it at data you want). For 1, 2 and 4
worker processes (forked, pacing off) it queues `--messages` texts per worker, drains them
through the real twilio client to the fake on loopback, and prints messages per second. The
reference, measured in the same run, is the same number of processes sending the same texts
straight through the twilio client with no database: the ratio is what the outbox costs.
Then `--subscriptions` due subscriptions get one scheduling pass (`checkins.services.
schedule_due`), against the reference of bulk-inserting the same number of subscriptions.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from bench.harness import machine  # noqa: E402
from support_hub import create_app  # noqa: E402
from support_hub.checkins import services  # noqa: E402
from support_hub.db import new_id  # noqa: E402
from support_hub.extensions import db  # noqa: E402
from support_hub.sms.gateway import OutboundSms, TwilioGateway  # noqa: E402
from tests.conftest import drop_everything, settings_for_tests  # noqa: E402
from tests.fakes.twilio_api import running_fake  # noqa: E402
from tests.fakes.twilio_webhook import ACCOUNT_SID, AUTH_TOKEN, HUB_NUMBER  # noqa: E402
from tests.outbox.processes import queue_bulk, start_worker, twilio_overrides  # noqa: E402


def _direct_sender(base_url: str, count: int, offset: int) -> None:
    gateway = TwilioGateway(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        api_base_url=base_url,
        timeout_seconds=10,
        from_number=HUB_NUMBER,
    )
    for i in range(count):
        gateway.send(OutboundSms(to=f"+1617555{(offset + i) % 10000:04d}", body=f"ref {i}"))
    os._exit(0)


def _reference_rate(base_url: str, processes: int, per_process: int) -> float:
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    senders = [
        context.Process(target=_direct_sender, args=(base_url, per_process, p * per_process))
        for p in range(processes)
    ]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    return processes * per_process / (time.perf_counter() - started)


def bench_workers(overrides: dict[str, str], counts: list[int], per_worker: int) -> None:
    print("\n## outbox workers (pacing off)")
    print("| workers | messages | seconds | msg/s | msg/s per worker | reference msg/s | ratio |")
    print("|---|---|---|---|---|---|---|")
    for workers in counts:
        with running_fake(ACCOUNT_SID, AUTH_TOKEN) as fake:
            total = workers * per_worker
            db.session.execute(sa.text("TRUNCATE outbox_message CASCADE"))
            db.session.commit()
            queue_bulk(total, prefix=f"bench{workers}")
            worker_settings = twilio_overrides(overrides, fake, SMS_SEND_RATE="0")
            started = time.perf_counter()
            processes = [start_worker(worker_settings, once=True) for _ in range(workers)]
            for process in processes:
                process.join()
            elapsed = time.perf_counter() - started
            sent = len(fake.accepted())
            assert sent == total, f"{sent} of {total} sent"
            reference = _reference_rate(fake.base_url, workers, per_worker)
        rate = total / elapsed
        print(
            f"| {workers} | {total} | {elapsed:.2f} | {rate:.0f} | {rate / workers:.0f} "
            f"| {reference:.0f} | {rate / reference:.2f} |"
        )


def _insert_due_subscriptions(count: int, due: datetime) -> float:
    started = time.perf_counter()
    now = due - timedelta(days=1)
    zones = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
    people, subs = [], []
    for i in range(count):
        person_id = new_id()
        people.append(
            {
                "id": person_id,
                "phone": f"+1{2000000000 + i}",
                "language": "es" if i % 5 == 0 else "en",
                "opted_out": False,
                "unreachable": False,
                "created_at": now,
                "updated_at": now,
            }
        )
        subs.append(
            {
                "id": new_id(),
                "person_id": person_id,
                "status": "active",
                "role": "caregiver" if i % 4 == 0 else "patient",
                "zone": zones[i % len(zones)],
                "weekday": 1,
                "at_minute": 600 + 15 * (i % 8),
                "next_due_at": due,
                "missed_in_row": 0,
                "created_at": now,
                "updated_at": now,
            }
        )
    services._insert_ignoring_duplicates(db.metadata.tables["sms_person"], people)
    services._insert_ignoring_duplicates(db.metadata.tables["checkin_subscription"], subs)
    db.session.commit()
    return time.perf_counter() - started


def bench_scheduling(count: int) -> None:
    print("\n## one scheduling pass")
    db.session.execute(
        sa.text("TRUNCATE checkin, outbox_message, checkin_subscription, sms_person CASCADE")
    )
    db.session.commit()
    # Tuesday 2 December 2026, 17:00 UTC: inside 08:00-21:00 in every US zone used.
    due = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    reference = _insert_due_subscriptions(count, due)
    started = time.perf_counter()
    result = services.schedule_due("Support Hub", now=due + timedelta(minutes=5))
    elapsed = time.perf_counter() - started
    assert result.sent == count, result
    print(f"due subscriptions: {count}; enqueued: {result.sent}")
    print(f"scheduling pass: {elapsed:.2f} s; reference (bulk insert of the same subscriptions "
          f"and people): {reference:.2f} s; ratio {elapsed / reference:.2f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--messages", type=int, default=2000, help="per worker")
    parser.add_argument("--subscriptions", type=int, default=100_000)
    args = parser.parse_args()
    print(f"machine: {machine()}; load average {os.getloadavg()}")
    print(f"command: {' '.join(sys.argv)}")
    instance = Path(tempfile.mkdtemp(prefix="bench-worker-"))
    overrides = settings_for_tests(args.database_url, instance)
    app = create_app(overrides)
    with app.app_context():
        drop_everything(db.engine)
        upgrade()
        if args.messages:
            bench_workers(overrides, [int(n) for n in args.workers.split(",")], args.messages)
        if args.subscriptions:
            bench_scheduling(args.subscriptions)
    print(f"\nload average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
