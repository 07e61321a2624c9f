"""`flask listings import CSV`: the portal's CSV import from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from support_hub.accounts.audit import Actor
from support_hub.db import BULK_LOAD_ROWS, DIRECTORY_TABLES, refresh_statistics
from support_hub.extensions import db
from support_hub.portal import bulk, places

listings_group = AppGroup("listings", help="Directory listings in bulk.")


@listings_group.command("import")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; change nothing.")
def import_command(csv_path: Path, dry_run: bool) -> None:
    """Import listings from a CSV in the portal's template format: every row, or none."""
    try:
        text = csv_path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException("Save the file as UTF-8 CSV and try again.") from None
    try:
        report = bulk.run_import(
            text, locate=places.locator(), actor=Actor.system("cli"), commit=not dry_run
        )
    except bulk.BadFile as exc:
        raise click.ClickException(str(exc)) from None
    for error in report.errors:
        click.echo(f"line {error.line}, {error.column}: {error.message}", err=True)
    if report.errors:
        click.echo(f"{len(report.errors)} problems in {report.rows} rows; nothing was imported.")
        raise click.exceptions.Exit(1)
    if not dry_run:
        # run_import keeps the rows in the session's transaction; the command is its owner.
        db.session.commit()
        if report.rows >= BULK_LOAD_ROWS:
            refresh_statistics(db.session, DIRECTORY_TABLES)
    verb = "Would import" if dry_run else "Imported"
    click.echo(f"{verb} {report.created} new and {report.updated} updated listings.")
