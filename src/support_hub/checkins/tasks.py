"""The check-in timers the worker runs every pass (registered in `create_app`)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from support_hub.checkins import services

if TYPE_CHECKING:
    from support_hub.outbox.worker import Worker

# Closing silences is a scan of recent check-ins with a three-day grace: every ten minutes is ample.
CLOSE_EVERY_SECONDS = 600.0
_last_closed: dict[str, float] = {}


def schedule_checkins(worker: Worker) -> int:
    """Enqueue due check-ins, then (now and then) close unanswered ones; returns rows touched."""
    hub = worker.app.extensions["support_hub.settings"].hub_name
    done = services.schedule_due(hub)
    closed = 0
    last = _last_closed.get(worker.worker_id)
    if last is None or time.monotonic() - last >= CLOSE_EVERY_SECONDS:
        _last_closed[worker.worker_id] = time.monotonic()
        closed = services.close_unanswered()
    # Deferred and skipped rows are work done too, but not work a drain should wait for again.
    return done.sent + closed
