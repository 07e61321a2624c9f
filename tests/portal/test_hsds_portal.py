"""HSDS 3.0 JSON import (dry run, then all or nothing) and export from the portal."""

from __future__ import annotations

import io
import json

import sqlalchemy as sa
from flask.testing import FlaskClient

from support_hub.accounts.models import AuditEvent, User
from support_hub.directory.hsds import export_services
from support_hub.directory.models import Service
from support_hub.directory.seed import load_seed, read_seed
from support_hub.extensions import db
from tests.staff import open_session


def upload(client: FlaskClient, content: bytes, *, dry_run: bool) -> tuple[int, str]:
    data = {"file": (io.BytesIO(content), "listings.json")}
    if dry_run:
        data["dry_run"] = "y"
    response = client.post("/portal/hsds/import", data=data, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def seeded_export() -> list[dict[str, object]]:
    """The demo directory as HSDS records, then the directory emptied (to import into)."""
    load_seed(read_seed())
    records = export_services(include_confidential=True)[:20]
    db.session.execute(sa.delete(Service))
    db.session.commit()
    return records


def service_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Service)) or 0


def test_a_dry_run_reports_but_changes_nothing(client: FlaskClient, coordinator: User) -> None:
    open_session(client, coordinator)
    records = seeded_export()
    status, page = upload(client, json.dumps(records).encode(), dry_run=True)
    assert status == 200
    assert "The file can be imported" in page
    assert service_count() == 0


def test_an_import_writes_every_record_and_is_audited(
    client: FlaskClient, coordinator: User
) -> None:
    open_session(client, coordinator)
    records = seeded_export()
    status, page = upload(client, json.dumps(records).encode(), dry_run=False)
    assert status == 200, page
    assert "Imported" in page
    assert service_count() == 20
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "listings.hsds_import")
    ).one()
    assert event.actor_email == coordinator.email
    assert event.after is not None and event.after["services"] == 20


def test_one_bad_record_imports_nothing_and_names_the_record(
    client: FlaskClient, coordinator: User
) -> None:
    open_session(client, coordinator)
    records = seeded_export()
    records[3]["status"] = "maybe"
    status, page = upload(client, json.dumps(records).encode(), dry_run=False)
    assert status == 422
    assert "nothing was imported" in page
    assert "record 3" in page
    assert service_count() == 0


def test_a_file_that_is_not_json_is_a_clear_400(client: FlaskClient, coordinator: User) -> None:
    open_session(client, coordinator)
    status, page = upload(client, b"name,category\nx,y\n", dry_run=True)
    assert status == 400
    assert "not valid JSON" in page


def test_export_streams_hsds_json_and_is_audited(client: FlaskClient, coordinator: User) -> None:
    open_session(client, coordinator)
    load_seed(read_seed())
    response = client.get("/portal/hsds/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    records = json.loads(response.get_data(as_text=True))
    assert len(records) == service_count()
    assert db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "listings.hsds_export")
    ).one()
