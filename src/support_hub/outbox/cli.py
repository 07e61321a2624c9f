"""`flask worker`: the background loops (outbox delivery, schedules, escalation, retention)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from support_hub.outbox.worker import Worker


@click.command("worker")
@click.option("--once", is_flag=True, help="Drain what is due now, then exit.")
@click.option("--poll", default=1.0, show_default=True, help="Seconds to sleep when idle.")
@with_appcontext
def worker_command(once: bool, poll: float) -> None:
    """Run the background loops until stopped (SIGTERM finishes the current send first)."""
    worker = Worker(current_app._get_current_object(), poll_seconds=poll)  # type: ignore[attr-defined]
    worker.install_signal_handlers()
    if once:
        done = worker.drain()
        click.echo(f"worker: drained {done} item(s).")
        return
    click.echo(f"worker {worker.worker_id}: running (Ctrl-C or SIGTERM to stop).")
    worker.run_forever()
    click.echo("worker: stopped; unsent claims released.")
