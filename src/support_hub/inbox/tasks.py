"""The inbox's background work, run by the worker (`outbox.worker.register_task`)."""

from __future__ import annotations

from flask import Flask

from support_hub.inbox import services
from support_hub.outbox.worker import Worker, register_task


def escalate(_worker: Worker) -> int:
    """Page the backup and admins for alerts nobody acknowledged in time."""
    return services.escalate_due()


def init_app(app: Flask) -> None:
    register_task(app, "inbox.escalate", escalate)
