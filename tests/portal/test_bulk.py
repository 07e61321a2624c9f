"""CSV import (dry-run preview, all-or-nothing commit) and export."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from support_hub.accounts.audit import Actor
from support_hub.accounts.models import AuditEvent, User
from support_hub.directory.models import Organization, Service
from support_hub.extensions import db
from support_hub.portal import bulk, places, services
from support_hub.portal.models import ImportStatus, ListingImport
from support_hub.portal.services import OrganizationInput, ServiceInput
from tests.staff import open_session

ACTOR = Actor(user_id=None, email="tester@example.org", ip="192.0.2.1")


def csv_text(*rows: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=bulk.COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in bulk.COLUMNS})
    return out.getvalue()


GOOD = {
    "organization_name": "Lakeside Hope Center",
    "name": "Living With MBC Group",
    "category": "support_group",
    "audience": "patients; metastatic",
    "delivery": "in_person",
    "cost": "free",
    "phone": "(312) 555-0134",
    "schedule_description": "Thursdays 5–6:30 pm",
    "schedule_freq": "WEEKLY",
    "schedule_byday": "TH",
    "address_1": "200 N Michigan Ave",
    "city": "Chicago",
    "state": "IL",
    "postal_code": "60601",
}
ONLINE = {
    "organization_name": "Lakeside Hope Center",
    "name": "Caregiver Evenings Online",
    "category": "support_group",
    "audience": "caregivers",
    "delivery": "online",
    "service_area": "state",
    "service_area_states": "IL;WI",
}


def upload(client: FlaskClient, text: str, name: str = "listings.csv"):
    return client.post(
        "/portal/import",
        data={"file": (io.BytesIO(text.encode("utf-8")), name)},
        content_type="multipart/form-data",
    )


def test_the_template_documents_every_column_and_its_example_imports_cleanly(
    client: FlaskClient, coordinator: User
) -> None:
    open_session(client, coordinator)
    response = client.get("/portal/import/template.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == bulk.COLUMNS
    report = bulk.run_import(
        response.get_data(as_text=True), locate=places.locator(), actor=ACTOR, commit=False
    )
    assert report.errors == []
    assert report.created == 1


def test_dry_run_lists_row_errors_and_changes_nothing(
    client: FlaskClient, coordinator: User
) -> None:
    open_session(client, coordinator)
    bad = {**GOOD, "name": "Bad row", "category": "knitting", "postal_code": "6060", "phone": "999"}
    response = upload(client, csv_text(GOOD, bad, ONLINE))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 rows: 2 new, 0 updates, 3 problems" in html
    assert "<td>3</td><td>category</td>" in html
    assert "<td>3</td><td>postal_code</td>" in html
    assert "<td>3</td><td>phone</td>" in html
    assert "Commit import" not in html
    assert db.session.query(Service).count() == 0
    assert db.session.query(Organization).count() == 0
    assert [
        e.action
        for e in db.session.query(AuditEvent).filter(AuditEvent.action != "login.succeeded")
    ] == ["import.previewed"]


def test_a_clean_preview_commits_every_row_with_audit_events(
    client: FlaskClient, coordinator: User
) -> None:
    open_session(client, coordinator)
    preview = upload(client, csv_text(GOOD, ONLINE))
    assert "Commit import" in preview.get_data(as_text=True)
    assert db.session.query(Service).count() == 0
    record = db.session.query(ListingImport).one()

    committed = client.post(f"/portal/import/{record.id}/commit")
    assert committed.status_code == 302
    names = sorted(s.name for s in db.session.query(Service))
    assert names == ["Caregiver Evenings Online", "Living With MBC Group"]
    # Both rows share one new organization.
    assert db.session.query(Organization).count() == 1
    group = db.session.query(Service).filter_by(name="Living With MBC Group").one()
    assert group.service_at_locations[0].location.latitude is not None
    assert record.status is ImportStatus.COMMITTED
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions.count("service.created") == 2
    assert actions[-1] == "import.committed"
    # A committed import cannot be applied twice.
    again = client.post(f"/portal/import/{record.id}/commit")
    assert again.status_code == 302
    assert db.session.query(Service).count() == 2


def test_commit_is_all_or_nothing(client: FlaskClient, coordinator: User) -> None:
    open_session(client, coordinator)
    upload(client, csv_text(GOOD, {**ONLINE, "service_area": ""}))
    record = db.session.query(ListingImport).one()
    assert record.error_count == 1
    # Forcing the commit of a file with a bad row writes none of its rows.
    response = client.post(f"/portal/import/{record.id}/commit")
    assert response.status_code == 409
    assert db.session.query(Service).count() == 0
    assert db.session.query(Organization).count() == 0
    assert record.status is ImportStatus.FAILED
    assert db.session.query(AuditEvent).filter_by(action="service.created").count() == 0


def test_an_exported_file_imports_back_as_updates_not_copies(coordinator: User) -> None:
    org = services.save_organization(
        None, OrganizationInput(name="Bayview =Cancer Network"), actor=ACTOR
    )
    services.save_service(
        None,
        ServiceInput(
            organization_id=org.id,
            name="@Home Hospice Info Line",
            category="helpline",
            delivery=["phone"],
            service_area="national",
            phone="+16175550188",
        ),
        actor=ACTOR,
    )
    exported = "".join(bulk.export_csv())
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert rows[0]["phone"] == "+16175550188"  # a number is not mistaken for a formula
    assert rows[0]["name"] == "'@Home Hospice Info Line"  # a leading @ is neutralised
    assert rows[0]["service_area"] == "national"

    rows[0]["name"] = "Home Hospice Info Line"
    rows[0]["organization_name"] = "Bayview =Cancer Network"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    report = bulk.run_import(out.getvalue(), locate=places.locator(), actor=ACTOR, commit=True)
    assert (report.created, report.updated, report.errors) == (0, 1, [])
    assert [s.name for s in db.session.query(Service)] == ["Home Hospice Info Line"]


def test_files_that_cannot_be_read_are_refused_with_a_reason(
    client: FlaskClient, coordinator: User
) -> None:
    open_session(client, coordinator)
    unknown = upload(client, "name,colour\nA,red\n")
    assert unknown.status_code == 400
    assert "Unknown columns: colour" in unknown.get_data(as_text=True)
    latin1 = client.post(
        "/portal/import",
        data={
            "file": (
                io.BytesIO(
                    "organization_name,name,category,delivery\nCaf\xe9,x,y,z\n".encode("latin-1")
                ),
                "x.csv",
            )
        },
        content_type="multipart/form-data",
    )
    assert latin1.status_code == 400
    assert "UTF-8" in latin1.get_data(as_text=True)
    empty = client.post("/portal/import", data={}, content_type="multipart/form-data")
    assert empty.status_code == 400
    assert db.session.query(ListingImport).count() == 0


def test_the_export_download_is_csv_and_skips_archived_listings(
    client: FlaskClient, coordinator: User
) -> None:
    org = services.save_organization(None, OrganizationInput(name="Northside Care"), actor=ACTOR)
    kept = services.save_service(
        None,
        ServiceInput(
            organization_id=org.id, name="Kept", category="counseling", delivery=["in_person"]
        ),
        actor=ACTOR,
    )
    gone = services.save_service(
        None,
        ServiceInput(
            organization_id=org.id, name="Gone", category="counseling", delivery=["in_person"]
        ),
        actor=ACTOR,
    )
    services.set_archived(gone, True, actor=ACTOR)
    open_session(client, coordinator)
    response = client.get("/portal/export.csv")
    assert response.headers["Content-Disposition"] == "attachment; filename=listings.csv"
    names = [row["name"] for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))]
    assert names == [kept.name]
    everything = client.get("/portal/export.csv?archived=all").get_data(as_text=True)
    assert "Gone" in everything


def test_cli_import_dry_run_reports_and_real_run_imports(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "listings.csv"
    path.write_text(csv_text(GOOD, {**ONLINE, "delivery": "carrier pigeon"}), encoding="utf-8")
    refused = cli.invoke(args=["listings", "import", str(path)])
    assert refused.exit_code == 1
    assert "line 3, delivery: Unknown value 'carrier pigeon'" in refused.output
    assert db.session.query(Service).count() == 0

    path.write_text(csv_text(GOOD, ONLINE), encoding="utf-8")
    dry = cli.invoke(args=["listings", "import", "--dry-run", str(path)])
    assert "Would import 2 new and 0 updated listings." in dry.output
    assert db.session.query(Service).count() == 0
    real = cli.invoke(args=["listings", "import", str(path)])
    assert real.exit_code == 0, real.output
    assert db.session.query(Service).count() == 2


@pytest.mark.real_commits
def test_cli_import_is_committed_for_other_connections_to_see(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Seen in the same session, an uncommitted import looked done; this one reads the
    # database through a connection of its own, as the web server would.
    path = tmp_path / "listings.csv"
    path.write_text(csv_text(GOOD, ONLINE), encoding="utf-8")
    real = cli.invoke(args=["listings", "import", str(path)])
    assert real.exit_code == 0, real.output
    db.session.remove()
    with db.engine.connect() as other:
        assert other.scalar(sa.select(sa.func.count()).select_from(Service.__table__)) == 2


def test_a_file_with_nul_bytes_is_refused(client: FlaskClient, coordinator: User) -> None:
    open_session(client, coordinator)
    response = upload(
        client, "organization_name,name,category,delivery\nA\x00,B,counseling,phone\n"
    )
    assert response.status_code == 400
    assert "NUL characters" in response.get_data(as_text=True)
    assert db.session.query(ListingImport).count() == 0


def test_a_cell_too_big_for_the_csv_reader_is_refused_with_its_line(
    client: FlaskClient, coordinator: User
) -> None:
    # Found by tests/portal/test_import_fuzz.py: the csv module's field limit was a 500.
    open_session(client, coordinator)
    huge = csv_text(GOOD, {**ONLINE, "description": "x" * 200_000})
    response = upload(client, huge)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Line 3 can&#39;t be read as CSV: field larger than field limit" in page
    assert db.session.query(ListingImport).count() == 0
    assert db.session.query(Service).count() == 0
