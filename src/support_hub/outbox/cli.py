"""`flask worker`: the background loops (outbox delivery, schedules, escalation, retention)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--once", is_flag=True, help="Drain what is due now, then exit.")
@with_appcontext
def worker_command(once: bool) -> None:
    """Run the background loops until stopped."""
    # The outbox and its loops arrive with the SMS and check-in features; until then there is
    # no background work, and saying so beats a process that silently idles.
    click.echo("worker: nothing to do yet (no background loops are registered).")
