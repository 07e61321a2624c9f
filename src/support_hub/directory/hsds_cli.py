"""`flask hsds export PATH` and `flask hsds import PATH` (DESIGN §5).

The file is a JSON array of fully nested HSDS 3.0 service records, each as
`GET /hsds/services/{id}` returns it (organization, service_at_locations with locations and
addresses, phones, schedules, languages, cost options, service areas, and attributes with their
taxonomy terms nested). Import also accepts an HSDS `Page` object and reads its `contents`.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from support_hub.directory import hsds, hsds_import
from support_hub.directory.models import Category

hsds_group = AppGroup("hsds", help="Export and import the directory as Open Referral HSDS 3.0.")


@hsds_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--include-confidential",
    is_flag=True,
    help="Keep confidential locations' addresses and coordinates (a private backup, not for "
    "publishing).",
)
def export_command(path: Path, include_confidential: bool) -> None:
    """Write every listing that isn't archived to PATH as a JSON array of HSDS services."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for chunk in hsds.export_json(include_confidential=include_confidential):
            handle.write(chunk)
            count += chunk.startswith("{")  # each record is one chunk, a JSON object
    click.echo(f"Exported {count} services to {path}.")


@hsds_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--default-category",
    type=click.Choice([category.value for category in Category]),
    help="Category for services that carry no support_hub category term (data from elsewhere).",
)
def import_command(path: Path, default_category: str | None) -> None:
    """Validate every record in PATH, then import all of them or, on any error, none."""
    try:
        records = hsds_import.read_records(path)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError both are
        raise click.ClickException(f"{path} is not a JSON file: {exc}") from exc
    result = hsds_import.import_services(
        records, default_category=Category(default_category) if default_category else None
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not result.ok:
        for error in result.errors:
            click.echo(f"error: {error}", err=True)
        raise click.ClickException(
            f"{len(result.errors)} error(s); nothing was imported. Fix them and run again."
        )
    created, updated = sum(result.created.values()), sum(result.updated.values())
    click.echo(
        f"Imported {result.services} services: {created} rows created, {updated} updated, "
        f"{sum(result.unchanged.values())} unchanged, {sum(result.deleted.values())} removed."
    )
