from __future__ import annotations

import math

import sqlalchemy as sa
from flask.testing import FlaskCliRunner

from support_hub.directory.bench_data import read_metros
from support_hub.directory.models import (
    Location,
    Organization,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from support_hub.extensions import db


def miles_between(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 3958.8 * 2 * math.asin(math.sqrt(a))


def test_bench_data_inserts_the_requested_count(cli: FlaskCliRunner) -> None:
    result = cli.invoke(args=["bench-data", "2500", "--batch-size", "1000"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Service)) == 2500
    in_person = db.session.scalar(sa.select(sa.func.count()).select_from(ServiceAtLocation))
    online = db.session.scalar(sa.select(sa.func.count()).select_from(ServiceArea))
    assert in_person + online == 2500
    assert online > 0


def test_bench_data_is_spread_like_the_population_not_uniformly(cli: FlaskCliRunner) -> None:
    cli.invoke(args=["bench-data", "3000"])
    points = db.session.execute(sa.select(Location.latitude, Location.longitude)).all()
    new_york = next(m for m in read_metros() if m.name == "New York")
    near_new_york = sum(
        1
        for lat, lng in points
        if miles_between(lat, lng, new_york.latitude, new_york.longitude) < 50
    )
    # The New York area is ~6% of people but well under 0.1% of the land: uniform spread would
    # put almost nothing there.
    share = near_new_york / len(points)
    assert 0.03 < share < 0.12, share


def test_bench_data_is_reproducible_with_a_seed(cli: FlaskCliRunner) -> None:
    cli.invoke(args=["bench-data", "50", "--seed", "7"])
    first = sorted(db.session.execute(sa.select(Location.latitude, Location.longitude)).all())
    db.session.execute(sa.delete(ServiceAtLocation))
    db.session.execute(sa.delete(ServiceArea))
    db.session.execute(sa.delete(Location))
    db.session.execute(sa.delete(Service))
    db.session.execute(sa.delete(Organization))
    again = cli.invoke(args=["bench-data", "50", "--seed", "7"])
    assert again.exit_code == 0, again.output
    # Same seed: same places (ids are random-but-seeded too, so the delete above is needed).
    second = sorted(db.session.execute(sa.select(Location.latitude, Location.longitude)).all())
    assert first == second
