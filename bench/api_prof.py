"""CPU per search API request: this process's, and the PostgreSQL backend's that served it.

    PYTHONPATH=src DATABASE_URL=postgresql+psycopg://... python bench/api_prof.py 500 [--profile]

The requests go through Flask's test client (no HTTP server), one at a time, at points weighted
like the population. The backend's CPU is read from /proc for its pid alone, so other work on
the machine (or on the same PostgreSQL) does not count.
"""

import os
import random
import sys
import time

os.environ.setdefault("APP_ENV", "production")
os.environ.setdefault("SECRET_KEY", "bench-secret-key-that-is-long-enough-0123456789")
os.environ.setdefault("INSTANCE_PATH", "/tmp/api-prof")
os.environ.setdefault("SMS_BACKEND", "console")

import sqlalchemy as sa

from support_hub import create_app
from support_hub.directory.bench_data import PopulationSampler, read_metros
from support_hub.extensions import db


def backend_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    app = create_app()
    client = app.test_client()
    sampler = PopulationSampler(random.Random(5), read_metros())
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    urls = []
    for _ in range(count + 50):
        lat, lng, _state = sampler.point()
        urls.append(f"/api/v1/services?lat={lat:.5f}&lng={lng:.5f}&radius_mi=25&per_page=20")

    def run(batch: list[str]) -> None:
        for url in batch:
            response = client.get(url)
            assert response.status_code == 200, response.data[:200]

    run(urls[:50])
    with app.app_context():
        # One request at a time: the pool holds one connection, the same for every request.
        assert db.engine.pool.checkedin() == 1, db.engine.pool.status()
        pid = int(db.session.scalar(sa.text("SELECT pg_backend_pid()")) or 0)
        db.session.remove()
    backend, cpu, wall = backend_cpu(pid), time.process_time(), time.perf_counter()
    run(urls[50:])
    print(
        f"api search: app cpu {(time.process_time() - cpu) / count * 1000:.2f} ms, "
        f"postgres backend cpu {(backend_cpu(pid) - backend) / count * 1000:.2f} ms, "
        f"wall {(time.perf_counter() - wall) / count * 1000:.2f} ms"
    )
    if "--profile" in sys.argv:
        import cProfile
        import pstats

        profile = cProfile.Profile(time.process_time)
        profile.enable()
        run(urls[50:])
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(60)


if __name__ == "__main__":
    main()
