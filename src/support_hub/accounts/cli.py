"""`flask users create`: make a staff account from the command line."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from support_hub.accounts import services
from support_hub.accounts.audit import Actor
from support_hub.accounts.models import Role
from support_hub.validation import ValidationFailed

users_group = AppGroup("users", help="Staff accounts.")


def _read_password() -> str:
    # A terminal gets a hidden prompt asked twice; a pipe gives its first line (for scripts).
    if sys.stdin.isatty():
        password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        return password
    return sys.stdin.readline().rstrip("\r\n")


@users_group.command("create")
@click.option("--email", required=True, help="Login email address.")
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in Role]),
    help="What they may do.",
)
@click.option("--phone", default=None, help="Mobile number for pages, e.g. +16175550100.")
@click.option("--name", default="", help="Display name.")
def create_user_command(email: str, role: str, phone: str | None, name: str) -> None:
    """Create a staff account; the password comes from a prompt or the first line of stdin."""
    password = _read_password()
    try:
        user = services.create_user(
            email=email,
            role=Role(role),
            password=password,
            name=name,
            phone=phone,
            actor=Actor.system("cli"),
            hub_name=current_app.extensions["support_hub.settings"].hub_name,
        )
    except ValidationFailed as exc:
        for field, messages in exc.errors.items():
            for message in messages:
                click.echo(f"{field}: {message}", err=True)
        raise click.exceptions.Exit(2) from None
    click.echo(f"Created {user.role.value} {user.email}.")
