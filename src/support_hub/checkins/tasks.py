"""The check-in timers the worker runs every pass (registered in `create_app`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from support_hub.checkins import services

if TYPE_CHECKING:
    from support_hub.outbox.worker import Worker


def schedule_checkins(worker: Worker) -> int:
    """Enqueue due check-ins, then close the ones that went unanswered; returns rows touched."""
    hub = worker.app.extensions["support_hub.settings"].hub_name
    done = services.schedule_due(hub)
    closed = services.close_unanswered()
    # Deferred and skipped rows are work done too, but not work a drain should wait for again.
    return done.sent + closed
