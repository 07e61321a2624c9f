"""Nearby-search benchmark (issue 3): latency of `search_services` against two references.

Run against a database already filled with `flask bench-data N` (see bench/README.md):

    .venv/bin/python bench/search.py --database-url sqlite:////tmp/bench100k.db

It draws query points weighted like the US population (`PopulationSampler`), asks for the
20 nearest active listings within 25 miles of each (the state's online/phone options included,
as the pages and SMS ask), and reports p50/p95/p99. In the same run it measures:

* the naive approach: load every listing row and compute geopy's great-circle distance to each,
  on a subsample of the points (it takes seconds per query), and
* an in-memory floor: numpy over all points held in RAM (sorted by latitude, a band cut with
  searchsorted, then vectorised haversine), loaded once before timing.

It also checks that all three agree on the 20 nearest for the subsampled points.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from geopy.distance import great_circle

from support_hub import create_app
from support_hub.directory.bench_data import PopulationSampler, read_metros
from support_hub.directory.models import Location, Service, ServiceAtLocation, ServiceStatus
from support_hub.directory.search import (
    EARTH_RADIUS_MI,
    MILES_PER_DEGREE_LAT,
    SearchQuery,
    rank_services,
    search_services,
)
from support_hub.extensions import db


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def percentile(sorted_ms: list[float], p: float) -> float:
    index = min(len(sorted_ms) - 1, max(0, round(p / 100 * len(sorted_ms)) - 1))
    return sorted_ms[index]


@dataclass
class Floor:
    """All listing points in RAM, sorted by latitude."""

    lat: np.ndarray
    lng: np.ndarray
    ids: np.ndarray

    def nearest(self, lat: float, lng: float, radius: float, k: int) -> list[str]:
        dlat = radius / MILES_PER_DEGREE_LAT
        lo, hi = np.searchsorted(self.lat, [lat - dlat, lat + dlat])
        la, ln = np.radians(self.lat[lo:hi]), np.radians(self.lng[lo:hi])
        p = np.radians(lat)
        a = (
            np.sin((la - p) / 2) ** 2
            + np.cos(p) * np.cos(la) * np.sin((ln - np.radians(lng)) / 2) ** 2
        )
        miles = 2 * EARTH_RADIUS_MI * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
        inside = np.nonzero(miles <= radius)[0]
        order = inside[np.argsort(miles[inside], kind="stable")[:k]]
        return [str(x) for x in self.ids[lo:hi][order]]


def all_rows() -> list[tuple[str, float, float]]:
    """(service id, lat, lng) of every active in-person listing: what the naive way reads."""
    return [
        (row[0], row[1], row[2])
        for row in db.session.execute(
            sa.select(ServiceAtLocation.service_id, Location.latitude, Location.longitude)
            .join(Location, Location.id == ServiceAtLocation.location_id)
            .join(Service, Service.id == ServiceAtLocation.service_id)
            .where(Service.status == ServiceStatus.ACTIVE, Service.archived_at.is_(None))
        )
    ]


def naive_nearest(lat: float, lng: float, radius: float, k: int) -> list[str]:
    rows = all_rows()
    scored = []
    for service_id, la, ln in rows:
        miles = great_circle((lat, lng), (la, ln)).miles
        if miles <= radius:
            scored.append((miles, service_id))
    scored.sort()
    return [service_id for _, service_id in scored[:k]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--naive-points", type=int, default=10)
    parser.add_argument("--radius", type=float, default=25.0)
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")

    app = create_app(
        {
            "DATABASE_URL": args.database_url,
            "APP_ENV": "testing",
            "INSTANCE_PATH": tempfile.mkdtemp(prefix="bench-search-"),
            "SECRET_KEY": "bench-secret-key-bench-secret-key-0123456789",
        }
    )
    with app.app_context():
        engine = db.engine
        listings = db.session.scalar(sa.select(sa.func.count()).select_from(Service)) or 0
        if engine.dialect.name == "postgresql":
            version = db.session.scalar(sa.text("SHOW server_version"))
            engine_name = f"PostgreSQL {version}"
        else:
            import sqlite3

            engine_name = f"SQLite {sqlite3.sqlite_version}"
        db.session.remove()

        print("# nearby search benchmark")
        print(f"command: {' '.join([os.path.basename(sys.executable), *sys.argv])}")
        print(f"machine: {cpu_model()}, {os.cpu_count()} cores, load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at start")  # fmt: skip
        started_run = time.monotonic()
        print(f"python {platform.python_version()}, {engine_name}, {listings:,} listings")

        rng = random.Random(args.seed)
        sampler = PopulationSampler(rng, read_metros())
        points = [sampler.point() for _ in range(args.points)]

        def query(lat: float, lng: float, state: str) -> SearchQuery:
            return SearchQuery(
                lat, lng, radius_mi=args.radius, state_code=state, per_page=args.per_page
            )

        for lat, lng, state in points[:20]:  # warm caches and prepared statements
            search_services(query(lat, lng, state))
            db.session.remove()

        timings: list[float] = []
        cpu: list[float] = []
        answers: list[list[str]] = []
        for lat, lng, state in points:
            started, cpu_started = time.perf_counter(), time.thread_time()
            results = search_services(query(lat, lng, state))
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - cpu_started) * 1000)
            answers.append([hit.service.id for hit in results.local])
            db.session.remove()  # a fresh session per search, as each request has
        timings.sort()
        cpu.sort()

        # The ranking alone: the same ids in the same order, before any listing is loaded for
        # display. Like for like with the naive way, which ranks and loads nothing either.
        ranked: list[float] = []
        for lat, lng, state in points:
            started = time.perf_counter()
            rank_services(query(lat, lng, state))
            ranked.append((time.perf_counter() - started) * 1000)
            db.session.remove()
        ranked.sort()

        # In-memory floor: load once (not timed), then time the same queries.
        rows = all_rows()
        db.session.remove()
        order = np.argsort(np.array([r[1] for r in rows]), kind="stable")
        floor = Floor(
            lat=np.array([rows[i][1] for i in order]),
            lng=np.array([rows[i][2] for i in order]),
            ids=np.array([rows[i][0] for i in order], dtype=object),
        )
        floor_ms: list[float] = []
        for lat, lng, _ in points:
            started = time.perf_counter()
            floor.nearest(lat, lng, args.radius, args.per_page)
            floor_ms.append((time.perf_counter() - started) * 1000)
        floor_ms.sort()

        # Naive: every row, geopy distance each, on a subsample.
        naive_ms: list[float] = []
        naive_cpu: list[float] = []
        mismatches = 0
        step = max(1, len(points) // max(1, args.naive_points))
        sample = list(range(0, len(points), step))[: args.naive_points]
        for index in sample:
            lat, lng, _ = points[index]
            started, cpu_started = time.perf_counter(), time.thread_time()
            naive = naive_nearest(lat, lng, args.radius, args.per_page)
            naive_ms.append((time.perf_counter() - started) * 1000)
            naive_cpu.append((time.thread_time() - cpu_started) * 1000)
            db.session.remove()
            from_floor = floor.nearest(lat, lng, args.radius, args.per_page)
            if not (answers[index] == naive == from_floor):
                mismatches += 1

    mean = statistics.fmean(timings)
    naive_mean = statistics.fmean(naive_ms) if naive_ms else float("nan")
    floor_mean = statistics.fmean(floor_ms)
    print()
    print("| what | queries | p50 ms | p95 ms | p99 ms | mean ms |")
    print("|---|---|---|---|---|---|")
    print(f"| search_services (20 nearest ≤ {args.radius:g} mi + remote options, listings read) "
          f"| {len(timings)} | {percentile(timings, 50):.2f} | {percentile(timings, 95):.2f} "
          f"| {percentile(timings, 99):.2f} | {mean:.2f} |")  # fmt: skip
    print(f"| ↳ this process's CPU time in those calls (SQLite: all of it; PostgreSQL: "
          f"without the server's) | {len(cpu)} | {percentile(cpu, 50):.2f} "
          f"| {percentile(cpu, 95):.2f} | {percentile(cpu, 99):.2f} "
          f"| {statistics.fmean(cpu):.2f} |")  # fmt: skip
    print(f"| rank_services (the same ranking: ids, distances, order; nothing loaded) "
          f"| {len(ranked)} | {percentile(ranked, 50):.2f} | {percentile(ranked, 95):.2f} "
          f"| {percentile(ranked, 99):.2f} | {statistics.fmean(ranked):.2f} |")  # fmt: skip
    print(f"| in-memory floor (numpy, latitude band + haversine) | {len(floor_ms)} "
          f"| {percentile(floor_ms, 50):.2f} | {percentile(floor_ms, 95):.2f} "
          f"| {percentile(floor_ms, 99):.2f} | {floor_mean:.2f} |")  # fmt: skip
    if naive_ms:
        naive_ms.sort()
        print(f"| naive (load every row, geopy great_circle each) | {len(naive_ms)} "
              f"| {percentile(naive_ms, 50):.0f} | {percentile(naive_ms, 95):.0f} "
              f"| {percentile(naive_ms, 99):.0f} | {naive_mean:.0f} |")  # fmt: skip
    print()
    print(f"naive / rank_services (means; like for like: both rank, neither loads listings): "
          f"{naive_mean / statistics.fmean(ranked):,.0f}x faster")  # fmt: skip
    print(f"naive / search_services (means; the search also loads the page's listings): "
          f"{naive_mean / mean:,.0f}x faster "
          f"(naive measured on {len(naive_ms)} of the {len(points)} points)")  # fmt: skip
    if naive_cpu:
        cpu_ratio = statistics.fmean(naive_cpu) / statistics.fmean(cpu)
        print(f"the same ratio in this process's CPU time (what a busy machine cannot inflate "
              f"for SQLite): {cpu_ratio:,.0f}x")  # fmt: skip
    print(f"search_services / in-memory floor (means): {mean / floor_mean:.1f}x slower")
    print(f"same 20 nearest from all three on the subsample: "
          f"{len(sample) - mismatches}/{len(sample)}")  # fmt: skip
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"run took {time.monotonic() - started_run:.0f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
