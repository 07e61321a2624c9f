from __future__ import annotations

from pathlib import Path

from support_hub.directory import hsds

from .hsds_support import official_schemas


def test_shipped_schemas_are_identical_to_the_official_ones(shared_dir: Path) -> None:
    official = official_schemas(shared_dir)
    shipped = hsds.SCHEMA_DIR
    official_files = sorted(p.relative_to(official).as_posix() for p in official.rglob("*.json"))
    shipped_files = sorted(p.relative_to(shipped).as_posix() for p in shipped.rglob("*.json"))
    assert shipped_files == official_files
    for name in official_files:
        assert (shipped / name).read_bytes() == (official / name).read_bytes(), name


def test_shipped_schemas_name_their_source_and_licence() -> None:
    notice = (hsds.SCHEMA_DIR / "NOTICE").read_text(encoding="utf-8")
    assert "openreferral/specification" in notice
    assert "3.0.1" in notice
    assert "CC BY-SA 4.0" in notice
    assert (hsds.SCHEMA_DIR / "LICENSE").is_file()


def test_validation_rejects_properties_the_schema_does_not_name() -> None:
    record = {
        "id": "ac148810-d857-441c-9679-408f346de14b",
        "name": "A group",
        "status": "active",
        "favourite_colour": "green",
    }
    problems = hsds.validate("service.json", record)
    assert [p.path for p in problems] == ["$"]
    assert "favourite_colour" in problems[0].message


def test_validation_checks_uuid_uri_and_date_time_formats() -> None:
    record = {
        "id": "not-a-uuid",
        "name": "A group",
        "status": "active",
        "url": "no scheme here",
        "last_modified": "yesterday",
    }
    paths = {p.path for p in hsds.validate("service.json", record)}
    assert paths == {"$.id", "$.url", "$.last_modified"}
