"""PostgreSQL: the HSDS API's text search reads the trigram indexes of migration 0010.

An index on an expression serves only queries with that very expression: were the query's to
drift (a coalesce, a cast), PostgreSQL would quietly read every row again, seconds a search at a
million listings. So these tests EXPLAIN the statements the API really sends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from support_hub.directory.bench_data import insert_bench_listings
from support_hub.extensions import db


@pytest.fixture
def listings() -> None:
    """Three thousand listings ("Synthetic listing N"), with fresh planner statistics."""
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("the trigram indexes are PostgreSQL only; SQLite reads every row")
    insert_bench_listings(3000)


@contextmanager
def sent_statements() -> Iterator[list[tuple[str, Any]]]:
    sent: list[tuple[str, Any]] = []
    engine = db.session.get_bind()

    def record(*args: Any) -> None:
        sent.append((args[2], args[3]))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def search_plans(client: FlaskClient, url: str) -> list[str]:
    """The query plans of the statements that `url` filters by text with."""
    with sent_statements() as sent:
        response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    connection = db.session.connection()
    # A few thousand rows are read faster whole, or in primary key order, than through a
    # trigram index. Forbid both and price each row's text filter as a big table's would be:
    # when the index can serve the statement's expressions the planner then takes it, and when
    # it cannot, no knob helps.
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    connection.exec_driver_sql("SET LOCAL enable_indexscan = off")
    connection.exec_driver_sql("SET LOCAL cpu_operator_cost = 1")
    return [
        "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, params))
        for statement, params in sent
        if " LIKE " in statement
    ]


@pytest.mark.parametrize(
    ("url", "indexes"),
    [
        ("/hsds/services?search=listing 1234", {"ix_service_name_trgm"}),
        ("/hsds/services?search=no such words&page=3", {"ix_service_description_trgm"}),
        (
            "/hsds/service_at_locations?search=listing 1234",
            {"ix_service_name_trgm", "ix_location_name_trgm"},
        ),
        ("/hsds/organizations?search=organization 17", {"ix_organization_name_trgm"}),
    ],
)
def test_search_reads_the_trigram_indexes(
    client: FlaskClient, listings: None, url: str, indexes: set[str]
) -> None:
    plans = search_plans(client, url)
    assert len(plans) == 2  # the total, then the page
    for plan in plans:
        for index in indexes:
            assert index in plan, plan
