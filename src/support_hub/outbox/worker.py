"""The worker loop: run the background tasks until told to stop (DESIGN §2, §5).

Tasks are callables that do what is due and return how much they did; outbox delivery is the
first, later features (check-ins, escalation, retention) add theirs with `register_task`.
SIGTERM (or `stop()`) lets the current send finish, hands unsent claims back, and exits.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from datetime import timedelta
from types import FrameType

from flask import Flask

from support_hub.db import new_id
from support_hub.extensions import db
from support_hub.outbox import delivery
from support_hub.outbox.pacing import Pacer
from support_hub.sms.gateway import SmsGateway, get_gateway

log = logging.getLogger(__name__)

Task = Callable[["Worker"], int]
_TASKS_KEY = "support_hub.worker_tasks"


def register_task(app: Flask, name: str, task: Task) -> None:
    """Add a background task the worker runs every pass (in registration order)."""
    app.extensions.setdefault(_TASKS_KEY, {})[name] = task


def deliver_outbox(worker: Worker) -> int:
    """Send one claimed batch of what is due (the pass then runs the other tasks, and repeats).

    One batch, not everything due: a backlog of thousands of paced texts would otherwise keep
    the escalation and check-in tasks waiting for hours, and an alert's escalation with them.
    """
    sent = 0
    claimed = delivery.claim_due(worker.worker_id, limit=worker.batch_size, lease=worker.lease)
    for message_id in claimed:
        if worker.stopping:
            break
        delivery.deliver_one(
            message_id, worker.worker_id, worker.gateway, pace=worker.pacer, lease=worker.lease
        )
        sent += 1
    if worker.stopping:
        delivery.release_claims(worker.worker_id)
    return sent


class Worker:
    """One worker process (or, in development, thread)."""

    def __init__(
        self,
        app: Flask,
        gateway: SmsGateway | None = None,
        *,
        poll_seconds: float = 1.0,
        batch_size: int = 20,
    ) -> None:
        self.app = app
        self.gateway = gateway or get_gateway(app)
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{new_id()[:8]}"
        self._stop = threading.Event()
        settings = app.extensions["support_hub.settings"]
        # A dead worker's claims return to the queue after this (OUTBOX_LEASE_SECONDS).
        self.lease = timedelta(seconds=settings.outbox_lease_seconds)
        self.pacer = Pacer(settings.sms_send_rate, self._stop)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def stop(self, *_args: object) -> None:
        """Finish the current send, then stop."""
        self._stop.set()

    def tasks(self) -> dict[str, Task]:
        return {"outbox": deliver_outbox, **self.app.extensions.get(_TASKS_KEY, {})}

    def run_once(self) -> int:
        """One pass over every task; returns how much work was done."""
        done = 0
        with self.app.app_context():
            try:
                for name, task in self.tasks().items():
                    if self.stopping:
                        break
                    try:
                        done += task(self)
                    except Exception:
                        # One failing task must not stop the others; the type is enough to log.
                        db.session.rollback()
                        log.exception("worker task %s failed", name)
            finally:
                db.session.remove()
        return done

    def drain(self) -> int:
        """Run passes until a pass finds nothing to do (`flask worker --once`)."""
        total = 0
        while not self.stopping:
            done = self.run_once()
            total += done
            if done == 0:
                break
        return total

    def run_forever(self) -> None:
        """Run passes until stopped, sleeping when idle."""
        while not self.stopping:
            if self.run_once() == 0:
                self._stop.wait(self.poll_seconds)
        with self.app.app_context():
            delivery.release_claims(self.worker_id)
            db.session.remove()

    def install_signal_handlers(self) -> None:
        def handler(signum: int, _frame: FrameType | None) -> None:
            log.info("worker: signal %d, finishing the current send", signum)
            self.stop()

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)


def start_beside_dev_server(app: Flask) -> None:
    """Development only: run the worker in a daemon thread once the server takes its first request.

    Waiting for a request keeps the thread out of `flask db upgrade`, `flask seed` and the
    reloader's parent process; tests never start it (they run `Worker` themselves).
    """
    started = threading.Event()

    @app.before_request
    def _start_worker_thread() -> None:
        if started.is_set():
            return
        started.set()
        worker = Worker(app)
        threading.Thread(target=worker.run_forever, name="outbox-worker", daemon=True).start()
        log.info("worker: running in-process beside the development server")
