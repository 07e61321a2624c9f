"""`flask checkins ...`: staff tools for check-ins (DESIGN §5)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from support_hub.checkins import services
from support_hub.sms.models import InvalidPhoneNumber, to_e164


@click.group("checkins")
def checkins_group() -> None:
    """Weekly wellbeing check-ins."""


@checkins_group.command("send-now")
@click.option("--phone", required=True, help="The person's number (+1...).")
@click.option("--force", is_flag=True, help="Send even outside 08:00-21:00 local time.")
@with_appcontext
def send_now_command(phone: str, force: bool) -> None:
    """Queue one opted-in person's check-in now (the worker sends it)."""
    try:
        number = to_e164(phone)
    except InvalidPhoneNumber as exc:
        raise click.BadParameter(str(exc), param_hint="--phone") from None
    hub = current_app.extensions["support_hub.settings"].hub_name
    try:
        period = services.send_now(number, hub, force=force)
    except services.SendNowError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"checkins: queued the check-in for period {period}; the worker sends it.")
