"""Fuzzing the bulk imports (issue 9, item 3): never a 500, never a partial import.

CSV (`/portal/import` preview and commit, `flask listings import`) and HSDS JSON
(`/portal/hsds/import`, `flask hsds import`) get malformed rows, wrong types, bad encodings,
BOMs, huge cells and huge files, with good and bad rows mixed. Each file is either imported
whole or refused with its reasons (row-level where a row is at fault), and a refused file
leaves every directory table exactly as it was.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from support_hub.accounts.models import User
from support_hub.portal import bulk
from tests.directory.test_hsds_import import generated_services, small_record
from tests.fuzzing import fuzz_examples, table_counts
from tests.portal.test_bulk import GOOD, ONLINE
from tests.staff import open_session

DIRECTORY_TABLES = [
    "organization",
    "service",
    "location",
    "service_at_location",
    "address",
    "phone",
    "schedule",
    "language",
    "cost_option",
    "accessibility",
    "service_area",
    "taxonomy",
    "taxonomy_term",
    "attribute",
]


def fuzz(in_ci: int) -> settings:
    """Settings for these slow-ish examples: no deadline, `in_ci` examples in the normal suite."""
    return settings(
        max_examples=fuzz_examples(in_ci),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def _one_in(n: int) -> st.SearchStrategy[bool]:
    """True about once in `n` draws (integers lean to 0, which would make it much likelier)."""
    return st.sampled_from([False] * (n - 1) + [True])


def directory_counts() -> dict[str, int]:
    counts = table_counts()
    return {name: counts[name] for name in DIRECTORY_TABLES}


# No NUL here: a NUL anywhere refuses the whole file (tests/portal/test_bulk.py), so it is rare.
_CHARS = st.characters(codec="utf-8", exclude_characters="\x00")
_CELL = st.one_of(
    st.text(_CHARS, max_size=30),
    st.text(_CHARS, max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "abc",
            "-1",
            "1e999",
            "NaN",
            "91",
            "-181",
            "yes;no",
            "=cmd|' /C calc'!A0",
            "in_person;;online",
            "TH,FR",
            "25:99",
            "2026-02-30",
            "x" * 300,
            '"',
            "\r\n",
        ]
    ),
)
_HUGE_CELL = st.integers(1_000, 200_000).map(lambda n: "x" * n)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A listings CSV: good rows and fuzzed rows, odd headers, BOMs and other encodings."""
    header = list(bulk.COLUMNS)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(_one_in(10)):
        header = header[: draw(st.integers(0, len(header)))]
    if draw(_one_in(10)):
        header.append(draw(st.sampled_from(["colour", "name", "", "service_id"])))
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        row = dict(draw(st.sampled_from([GOOD, ONLINE])))
        row["name"] = f"{row['name']} {len(rows)}"
        for column in draw(st.sets(st.sampled_from(bulk.COLUMNS), max_size=4)):
            row[column] = draw(_CELL)
        if draw(_one_in(20)):
            row[draw(st.sampled_from(bulk.COLUMNS))] = draw(_HUGE_CELL)
        if draw(_one_in(30)):
            row["description"] = "a\x00b"
        rows.append([row.get(column, "") for column in header])
        if draw(_one_in(20)):
            rows[-1].append("one cell too many")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    if draw(_one_in(10)):
        text = text[: draw(st.integers(1, len(text)))]  # a file cut off in the middle
    encoding = draw(st.sampled_from(["utf-8"] * 5 + ["utf-8-sig", "utf-16", "latin-1"]))
    raw = text.encode(encoding, errors="replace")
    if draw(_one_in(20)):
        raw += draw(st.binary(min_size=1, max_size=20))  # bytes that may not decode
    return raw


def _post_file(client: FlaskClient, path: str, raw: bytes, name: str, **fields: str) -> Any:
    # Encoded here, in memory: the test client spools a big body to a temporary file that it
    # never closes (a ResourceWarning, which this suite treats as an error).
    upload = FileStorage(io.BytesIO(raw), filename=name, content_type="application/octet-stream")
    boundary, body = encode_multipart({"file": upload, **fields})
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _csv_upload(client: FlaskClient, raw: bytes) -> Any:
    return _post_file(client, "/portal/import", raw, "listings.csv")


@fuzz(25)
@given(raw=csv_files())
def test_any_csv_upload_is_committed_whole_or_changes_nothing(
    client: FlaskClient, coordinator: User, raw: bytes
) -> None:
    open_session(client, coordinator)
    before = directory_counts()

    preview = _csv_upload(client, raw)

    assert preview.status_code in (200, 400), preview.status_code
    assert directory_counts() == before  # a preview never writes the directory
    page = preview.get_data(as_text=True)
    if preview.status_code == 400:
        event("refused as a file")
        assert 'class="field-error"' in page  # the reason, on the form
        return
    import_id = page.split("/portal/import/")[1].split("/commit")[0] if "/commit" in page else ""
    if not import_id:
        event("preview with row errors")
        assert 'class="error-summary"' in page  # each row's problem: line, column, message
        return
    committed = client.post(f"/portal/import/{import_id}/commit")
    assert committed.status_code in (302, 409)
    if committed.status_code == 409:
        event("commit refused")
        assert directory_counts() == before
    else:
        event("committed")
        assert directory_counts()["service"] > before["service"]


@fuzz(25)
@given(raw=csv_files())
def test_any_csv_given_to_the_command_is_imported_whole_or_changes_nothing(
    cli: FlaskCliRunner, tmp_path_factory: pytest.TempPathFactory, raw: bytes
) -> None:
    path = tmp_path_factory.mktemp("csv") / "listings.csv"
    path.write_bytes(raw)
    before = directory_counts()

    result = cli.invoke(args=["listings", "import", str(path)])

    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if result.exit_code == 0:
        event("imported")
        assert "Imported" in result.output
        assert directory_counts()["service"] > before["service"]
    else:
        assert result.exit_code == 1
        assert "Error:" in result.output or "nothing was imported" in result.output
        assert directory_counts() == before


# --- HSDS JSON --------------------------------------------------------------------------------

_WRONG = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**30, -(10**30), 2**31, 1e308, float("nan"), float("inf"), -0.0]),
    st.text(_CHARS, max_size=20),
    st.sampled_from(["\x00", "\ud800", "a\udfffb", "", "2026-13-45", "25:00", "NaN"]),
    st.integers(60_000, 300_000).map(lambda n: "y" * n),  # huge cells
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            paths += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            paths += _paths(child, (*prefix, index))
    return paths


@st.composite
def hsds_files(draw: st.DrawFn) -> bytes:
    """A JSON array of valid services with values swapped for wrong types, in odd encodings."""
    records = draw(st.lists(generated_services(), min_size=1, max_size=4))
    for _ in range(draw(st.integers(0, 3))):
        record = copy.deepcopy(draw(st.sampled_from(records)))
        paths = [path for path in _paths(record) if path]
        path = draw(st.sampled_from(paths))
        parent = record
        for step in path[:-1]:
            parent = parent[step]
        if draw(_one_in(5)) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(_WRONG)
        records.append(record)  # the mutant beside the good records
    data: Any = records
    if draw(_one_in(10)):
        data = {"contents": records, "total_items": len(records)}
    text = json.dumps(data, ensure_ascii=draw(st.booleans()))
    if draw(_one_in(15)):
        text = text[: draw(st.integers(1, len(text)))]  # cut off
    encoding = draw(st.sampled_from(["utf-8"] * 5 + ["utf-8-sig", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="surrogatepass" if encoding == "utf-8" else "replace")


def _hsds_upload(client: FlaskClient, raw: bytes, *, dry_run: bool = False) -> Any:
    fields = {"dry_run": "y"} if dry_run else {}
    return _post_file(client, "/portal/hsds/import", raw, "listings.json", **fields)


@fuzz(25)
@given(raw=hsds_files())
def test_any_hsds_upload_is_imported_whole_or_changes_nothing(
    client: FlaskClient, coordinator: User, raw: bytes
) -> None:
    open_session(client, coordinator)
    before = directory_counts()

    response = _hsds_upload(client, raw)

    assert response.status_code in (200, 400, 422), response.status_code
    page = response.get_data(as_text=True)
    if response.status_code == 200:
        event("imported")
        assert "Imported" in page
        return
    event(f"refused ({response.status_code})")
    assert directory_counts() == before
    if response.status_code == 422:
        assert "nothing was imported" in page
        assert "record " in page or "import:" in page


@fuzz(15)
@given(raw=hsds_files())
def test_any_hsds_file_given_to_the_command_is_imported_whole_or_changes_nothing(
    cli: FlaskCliRunner, tmp_path_factory: pytest.TempPathFactory, raw: bytes
) -> None:
    path = tmp_path_factory.mktemp("hsds") / "listings.json"
    path.write_bytes(raw)
    before = directory_counts()

    result = cli.invoke(args=["hsds", "import", str(path), "--default-category", "counseling"])

    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if result.exit_code == 0:
        event("imported")
        assert "Imported" in result.output
    else:
        event("refused")
        assert result.exit_code == 1
        assert "Error:" in result.output
        assert directory_counts() == before


# --- files no generator above reaches: nesting and size ----------------------------------------

DEEP = b'{"contents": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def test_json_nested_too_deeply_is_refused_by_the_portal_and_the_command(
    client: FlaskClient, coordinator: User, cli: FlaskCliRunner, tmp_path: Path
) -> None:
    # Found by fuzzing: the JSON parser's RecursionError was a 500 and a CLI traceback.
    open_session(client, coordinator)
    before = directory_counts()
    response = _hsds_upload(client, DEEP)
    assert response.status_code == 400
    assert "nested too deeply" in response.get_data(as_text=True)
    path = tmp_path / "deep.json"
    path.write_bytes(DEEP)
    result = cli.invoke(args=["hsds", "import", str(path)])
    assert result.exit_code == 1
    assert "nested too deeply" in result.output
    assert directory_counts() == before


def _big_csv(rows: int, *, bad_line: int | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=bulk.COLUMNS)
    writer.writeheader()
    for index in range(rows):
        row = {**ONLINE, "name": f"Group {index}"}
        if index + 2 == bad_line:
            row["delivery"] = "carrier pigeon"
        writer.writerow({column: row.get(column, "") for column in bulk.COLUMNS})
    return out.getvalue().encode()


def test_a_100k_row_csv_is_refused_whole_before_any_row_is_applied(
    cli: FlaskCliRunner, client: FlaskClient, coordinator: User, tmp_path: Path
) -> None:
    raw = _big_csv(100_000)  # ~14 MB
    path = tmp_path / "huge.csv"
    path.write_bytes(raw)
    before = directory_counts()
    result = cli.invoke(args=["listings", "import", str(path)])
    assert result.exit_code == 1
    assert f"At most {bulk.MAX_ROWS} rows per file" in result.output
    open_session(client, coordinator)
    response = _csv_upload(client, raw)
    assert response.status_code == 400
    assert "larger than 2 MB" in response.get_data(as_text=True)
    assert directory_counts() == before


@pytest.mark.slow  # ~40 s: 5,000 rows through the portal's validation and geocoder
def test_a_full_size_csv_with_one_bad_row_at_the_end_imports_nothing(
    cli: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(_big_csv(bulk.MAX_ROWS, bad_line=bulk.MAX_ROWS + 1))
    before = directory_counts()
    result = cli.invoke(args=["listings", "import", str(path)])
    assert result.exit_code == 1
    assert f"line {bulk.MAX_ROWS + 1}, delivery: Unknown value 'carrier pigeon'" in result.output
    assert "nothing was imported" in result.output
    assert directory_counts() == before


def test_an_hsds_upload_over_50_mb_is_refused_without_parsing(
    client: FlaskClient, coordinator: User
) -> None:
    open_session(client, coordinator)
    before = directory_counts()
    raw = b"[" + b" " * (50 * 1024 * 1024) + b"]"
    response = _hsds_upload(client, raw)
    assert response.status_code == 400
    assert "larger than 50 MB" in response.get_data(as_text=True)
    assert directory_counts() == before


def _numbered_record(index: int, **changes: Any) -> dict[str, Any]:
    """`small_record` with ids of its own, so thousands of them can sit in one file."""
    record = small_record(id=str(uuid.UUID(int=3 * index + 1)), **changes)
    record["organization"]["id"] = str(uuid.UUID(int=3 * index + 2))
    record["attributes"][0]["id"] = str(uuid.UUID(int=3 * index + 3))
    return record


def test_a_20_mb_hsds_file_with_one_bad_record_at_the_end_imports_nothing(
    cli: FlaskCliRunner, tmp_path: Path
) -> None:
    padding = "p" * 4000  # ~20 MB in 5,000 records
    records = [_numbered_record(index, description=padding) for index in range(5_000)]
    records[-1]["status"] = "maybe"
    path = tmp_path / "big.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    assert path.stat().st_size > 20 * 1024 * 1024
    before = directory_counts()
    result = cli.invoke(args=["hsds", "import", str(path), "--default-category", "counseling"])
    assert result.exit_code == 1
    assert "record 4999: $.status" in result.output
    assert "nothing was imported" in result.output
    assert directory_counts() == before
