"""CSV import (dry-run preview, then all-or-nothing commit) and CSV export of listings.

One row is one service with its organization and (optionally) one location. The columns are
`COLUMNS`; README documents them and `/portal/import/template.csv` serves the header with an
example row. Multi-value cells (audience, delivery, cost, languages, states) are separated by
semicolons or commas. A row with a `service_id` updates that listing; without one it creates a
listing. Organizations are matched by name (ignoring case) and created when new. `assured_date`
and `last_modified` appear in exports for information and are ignored on import (verifying is
a person's act in the portal, not something a file can claim).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from support_hub.accounts import audit
from support_hub.accounts.audit import Actor
from support_hub.db import BULK_LOAD_ROWS, DIRECTORY_TABLES, refresh_statistics, utcnow
from support_hub.directory.models import Location, Service, ServiceAtLocation
from support_hub.extensions import db
from support_hub.portal import services
from support_hub.portal.models import ImportStatus, ListingImport
from support_hub.portal.services import (
    Locate,
    LocationInput,
    OrganizationInput,
    ServiceInput,
    location_snapshot,
    split_list,
)
from support_hub.validation import ValidationFailed

SERVICE_COLUMNS = [
    "name",
    "description",
    "category",
    "specialty",
    "status",
    "audience",
    "delivery",
    "cost",
    "fees_description",
    "application_process",
    "eligibility_description",
    "url",
    "email",
    "phone",
    "languages",
    "schedule_description",
    "schedule_freq",
    "schedule_byday",
    "schedule_opens_at",
    "schedule_closes_at",
    "service_area",
    "service_area_states",
]
LOCATION_COLUMNS = [
    "location_name",
    "address_1",
    "address_2",
    "city",
    "state",
    "postal_code",
    "confidential",
    "latitude",
    "longitude",
]
COLUMNS = [
    "service_id",
    "organization_name",
    "organization_website",
    *SERVICE_COLUMNS,
    *LOCATION_COLUMNS,
]
EXPORT_ONLY_COLUMNS = ["assured_date", "last_modified"]
REQUIRED_COLUMNS = ["organization_name", "name", "category", "delivery"]
MAX_ROWS = 5000

EXAMPLE_ROW = {
    "organization_name": "Riverside Cancer Support (example)",
    "organization_website": "https://example.org",
    "name": "Metastatic Breast Cancer Evening Group",
    "description": "A peer group for people living with stage 4 breast cancer.",
    "category": "support_group",
    "status": "active",
    "audience": "patients; metastatic",
    "delivery": "in_person; online",
    "cost": "free",
    "application_process": "Call to register before your first visit.",
    "phone": "(617) 555-0100",
    "languages": "en; es",
    "schedule_description": "2nd Tuesday, 6–7:30 pm",
    "schedule_freq": "MONTHLY",
    "schedule_byday": "2TU",
    "schedule_opens_at": "18:00",
    "schedule_closes_at": "19:30",
    "service_area": "state",
    "service_area_states": "MA",
    "location_name": "Community Room",
    "address_1": "1 Main Street",
    "city": "Cambridge",
    "state": "MA",
    "postal_code": "02139",
    "confidential": "no",
}

# Whether a cell in a column is read as a list for the service input.
_LIST_FIELDS = {"audience", "delivery", "cost"}
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"", "no", "n", "false", "0"}


@dataclass(frozen=True)
class RowError:
    line: int  # the CSV line number people see in a spreadsheet (header is line 1)
    column: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class BadFile(ValueError):
    """The file as a whole can't be read (encoding, header, size)."""


def read_rows(text: str) -> list[dict[str, str]]:
    """The CSV's rows as dicts keyed by column; raises BadFile for problems with the whole file."""
    if "\x00" in text:
        raise BadFile("The file contains NUL characters; save it as a plain UTF-8 CSV.")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    if not header:
        raise BadFile("The file is empty; start from the template.")
    known = set(COLUMNS) | set(EXPORT_ONLY_COLUMNS)
    unknown = [name for name in header if name not in known]
    if unknown:
        raise BadFile(f"Unknown columns: {', '.join(unknown)}. Use the template's header row.")
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise BadFile(f"Missing columns: {', '.join(missing)}.")
    reader.fieldnames = header
    rows = []
    try:
        for raw in reader:
            if None in raw:
                raise BadFile(f"Line {reader.line_num} has more cells than the header.")
            rows.append({key: (value or "").strip() for key, value in raw.items()})
            if len(rows) > MAX_ROWS:
                raise BadFile(f"At most {MAX_ROWS} rows per file; split it.")
    except csv.Error as exc:
        # The csv module's own limits (a cell over 131,072 characters) and syntax errors.
        # DictReader's line_num lags on an error; its inner reader's names the line at fault.
        raise BadFile(f"Line {reader.reader.line_num} can't be read as CSV: {exc}.") from None
    if not rows:
        raise BadFile("The file has a header but no rows.")
    return rows


def _service_input(row: dict[str, str], organization_id: str) -> ServiceInput:
    values: dict[str, object] = {"organization_id": organization_id}
    for column in SERVICE_COLUMNS:
        cell = row.get(column, "")
        values[column] = split_list(cell) if column in _LIST_FIELDS else cell
    if not values.get("status"):
        values["status"] = "active"
    return ServiceInput(**values)  # type: ignore[arg-type]


def _location_input(row: dict[str, str]) -> LocationInput | None:
    cells = {column: row.get(column, "") for column in LOCATION_COLUMNS}
    if not any(cells[c] for c in ("address_1", "city", "postal_code", "latitude", "longitude")):
        return None
    confidential = cells["confidential"].lower()
    if confidential not in _TRUE | _FALSE:
        raise ValidationFailed.one("confidential", "Use yes or no.")
    return LocationInput(
        name=cells["location_name"],
        address_1=cells["address_1"],
        address_2=cells["address_2"],
        city=cells["city"],
        state=cells["state"],
        postal_code=cells["postal_code"],
        confidential=confidential in _TRUE,
        latitude=cells["latitude"],
        longitude=cells["longitude"],
    )


_FIELD_TO_COLUMN = {"organization_id": "organization_name"}


def _apply_row(row: dict[str, str], *, locate: Locate | None, actor: Actor, now: datetime) -> bool:
    """Write one row (no commit); True when it created a listing."""
    service: Service | None = None
    if row.get("service_id"):
        service = services.get_service(row["service_id"])
        if service is None:
            raise ValidationFailed.one(
                "service_id", "No listing has this id; leave it empty to add one."
            )
    org_name = row.get("organization_name", "")
    if not org_name:
        raise ValidationFailed.one("organization_name", "This is required.")
    organization = services.organization_by_name(org_name)
    if organization is None:
        organization = services.apply_organization(
            None,
            OrganizationInput(name=org_name, website=row.get("organization_website", "")),
            actor=actor,
            now=now,
        )
    # Report the service's and the location's problems together, so one preview shows them all.
    errors: dict[str, list[str]] = {}
    location_input: LocationInput | None = None
    try:
        location_input = _location_input(row)
        if location_input is not None:
            services.check_location(location_input)
    except ValidationFailed as exc:
        errors.update({"location_name" if k == "name" else k: v for k, v in exc.errors.items()})
    created = service is None
    try:
        service = services.apply_service(
            service, _service_input(row, organization.id), actor=actor, now=now
        )
    except ValidationFailed as exc:
        errors = {**exc.errors, **errors}
    if errors:
        raise ValidationFailed(errors)
    assert service is not None
    if location_input is not None:
        existing = (
            service.service_at_locations[0].location if service.service_at_locations else None
        )
        try:
            services.apply_location(
                service, existing, location_input, locate=locate, actor=actor, now=now
            )
        except ValidationFailed as exc:
            # The location's "name" is the CSV's location_name column.
            renamed = {"location_name" if k == "name" else k: v for k, v in exc.errors.items()}
            raise ValidationFailed(renamed) from None
    return created


def _column_for(field_name: str) -> str:
    return _FIELD_TO_COLUMN.get(field_name, field_name)


def run_import(
    text: str, *, locate: Locate | None, actor: Actor, commit: bool, now: datetime | None = None
) -> ImportReport:
    """Apply every row inside one transaction; keep it only if `commit` and no row failed.

    A dry run does the real work (the same validation, geocoding and database constraints)
    and then rolls it back, so the preview's errors are exactly what the commit would hit.
    """
    now = now or utcnow()
    rows = read_rows(text)
    report = ImportReport(rows=len(rows))
    outer = db.session.begin_nested()
    for index, row in enumerate(rows):
        line = index + 2
        savepoint = db.session.begin_nested()
        try:
            created = _apply_row(row, locate=locate, actor=actor, now=now)
        except ValidationFailed as exc:
            savepoint.rollback()
            for field_name, messages in exc.errors.items():
                for message in messages:
                    report.errors.append(RowError(line, _column_for(field_name), message))
            continue
        savepoint.commit()
        if created:
            report.created += 1
        else:
            report.updated += 1
    if commit and report.ok:
        outer.commit()
    else:
        outer.rollback()
    return report


def preview_import(
    filename: str, text: str, *, locate: Locate | None, actor: Actor, now: datetime | None = None
) -> tuple[ListingImport, ImportReport]:
    """Dry-run an uploaded CSV and keep it for a later commit; nothing in the directory changes."""
    now = now or utcnow()
    report = run_import(text, locate=locate, actor=actor, commit=False, now=now)
    upload = ListingImport(
        uploaded_by_id=actor.user_id,
        uploaded_by_email=actor.email,
        created_at=now,
        filename=filename[:255] or "upload.csv",
        content=text,
        row_count=report.rows,
        error_count=len(report.errors),
    )
    db.session.add(upload)
    db.session.flush()
    audit.record(
        actor,
        "import.previewed",
        object_type="listing_import",
        object_id=upload.id,
        after={"rows": report.rows, "errors": len(report.errors), "filename": upload.filename},
        at=now,
    )
    db.session.commit()
    return upload, report


def commit_import(
    upload: ListingImport, *, locate: Locate | None, actor: Actor, now: datetime | None = None
) -> ImportReport:
    """Apply a previewed CSV: every row or none (if a row fails now, nothing is written)."""
    now = now or utcnow()
    if upload.status is not ImportStatus.PREVIEWED:
        raise ValidationFailed.one("import", "This import was already committed or has failed.")
    report = run_import(upload.content, locate=locate, actor=actor, commit=True, now=now)
    upload.status = ImportStatus.COMMITTED if report.ok else ImportStatus.FAILED
    upload.committed_at = now if report.ok else None
    upload.error_count = len(report.errors)
    audit.record(
        actor,
        "import.committed" if report.ok else "import.failed",
        object_type="listing_import",
        object_id=upload.id,
        after={
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "errors": len(report.errors),
        },
        at=now,
    )
    db.session.commit()
    if report.ok and report.rows >= BULK_LOAD_ROWS:
        refresh_statistics(db.session, DIRECTORY_TABLES)
    return report


def get_import(import_id: str) -> ListingImport | None:
    """One uploaded import."""
    return db.session.get(ListingImport, import_id)


# ---------------------------------------------------------------------------------------------
# Export.

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?[\d\s().-]+$")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet runs a cell starting with = + - @ as a formula; quote it unless it is just a
    # number (a phone number, a coordinate).
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def template_csv() -> str:
    """The header row and one example row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerow({column: EXAMPLE_ROW.get(column, "") for column in COLUMNS})
    return out.getvalue()


def _export_row(service: Service) -> dict[str, str]:
    data = services.service_input_from(service)
    row = {column: getattr(data, column) for column in SERVICE_COLUMNS}
    for column in ("audience", "delivery", "cost"):
        row[column] = "; ".join(row[column])
    row["service_id"] = service.id
    row["organization_name"] = service.organization.name
    row["organization_website"] = service.organization.website or ""
    locations: list[Location] = [link.location for link in service.service_at_locations]
    if locations:
        snap = location_snapshot(locations[0])
        row.update(
            location_name=snap["name"] or "",
            address_1=snap["address_1"] or "",
            address_2=snap["address_2"] or "",
            city=snap["city"] or "",
            state=snap["state"] or "",
            postal_code=snap["postal_code"] or "",
            confidential="yes" if snap["confidential"] else "no",
            latitude="" if snap["latitude"] is None else repr(snap["latitude"]),
            longitude="" if snap["longitude"] is None else repr(snap["longitude"]),
        )
    row["assured_date"] = service.assured_date.isoformat() if service.assured_date else ""
    row["last_modified"] = service.last_modified.isoformat()
    return {key: _cell(value) for key, value in row.items()}


def export_csv(*, include_archived: bool = False, batch: int = 500) -> Iterator[str]:
    """Every listing as CSV text, a chunk at a time (first location only, as in the template)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS + EXPORT_ONLY_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    yield out.getvalue()
    query = sa.select(Service.id).order_by(Service.id)
    if not include_archived:
        query = query.where(Service.archived_at.is_(None))
    ids = list(db.session.scalars(query))
    for start in range(0, len(ids), batch):
        out.seek(0)
        out.truncate()
        for service in db.session.scalars(
            sa.select(Service)
            .where(Service.id.in_(ids[start : start + batch]))
            .order_by(Service.id)
            .options(
                selectinload(Service.organization),
                selectinload(Service.phones),
                selectinload(Service.schedules),
                selectinload(Service.languages),
                selectinload(Service.service_areas),
                selectinload(Service.service_at_locations)
                .selectinload(ServiceAtLocation.location)
                .selectinload(Location.addresses),
            )
        ):
            writer.writerow(_export_row(service))
        yield out.getvalue()
