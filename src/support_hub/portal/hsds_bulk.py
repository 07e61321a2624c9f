"""HSDS 3.0 JSON import and export from the portal: the directory's services, audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from support_hub.accounts import audit
from support_hub.accounts.audit import Actor
from support_hub.directory.hsds import export_json
from support_hub.directory.hsds_import import (
    ImportResult,
    import_services,
    parse_records,
    validate_records,
)
from support_hub.extensions import db


class BadHsdsFile(ValueError):
    """The upload is not HSDS JSON we can read (the message says why)."""


def read_upload(raw: bytes) -> Any:
    """The records in an uploaded HSDS file; raises BadHsdsFile with a readable reason."""
    try:
        return parse_records(raw)
    except UnicodeDecodeError:
        raise BadHsdsFile("Save the file as UTF-8 JSON and try again.") from None
    except ValueError as exc:
        raise BadHsdsFile(f"The file is not valid JSON ({exc}).") from None


def check_hsds(records: Any) -> ImportResult:
    """The dry run: the errors and warnings an import would give, writing nothing."""
    collector = validate_records(records)
    return ImportResult(errors=collector.errors, warnings=collector.warnings)


def import_hsds(records: Any, filename: str, *, actor: Actor) -> ImportResult:
    """Import every record or none (directory/hsds_import.py), and audit the outcome."""
    result = import_services(records)
    audit.record(
        actor,
        "listings.hsds_import" if result.ok else "listings.hsds_import_refused",
        object_type="hsds_file",
        object_id=filename[:100] or None,
        after={
            "services": result.services,
            "created": result.created,
            "updated": result.updated,
            "deleted": result.deleted,
            "errors": len(result.errors),
        },
    )
    db.session.commit()
    return result


def export_hsds(*, include_confidential: bool, actor: Actor) -> Iterator[str]:
    """Audit the export (confidential addresses are personal safety data), then stream it."""
    audit.record(
        actor,
        "listings.hsds_export",
        object_type="hsds_file",
        after={"include_confidential": include_confidential},
    )
    db.session.commit()
    return export_json(include_confidential=include_confidential)
