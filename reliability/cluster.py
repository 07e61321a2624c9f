"""A throwaway PostgreSQL cluster on a free loopback port, to stop and start at will.

Scenario 1 crashes its database; the shared server on 5432 (CI's and everyone else's) is never
touched. The binaries are the ones whose contrib has `cube` and `earthdistance` (our search
migration creates both): `pg_config --sharedir` of the install beside `initdb`.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.harness import free_port

CANDIDATE_BIN_DIRS = ("/usr/local/bin", "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin")
EXTENSIONS = ("cube", "earthdistance")


def find_binaries() -> Path | None:
    """A PostgreSQL bin directory with initdb, pg_ctl and the extensions our migrations need."""
    for candidate in (os.environ.get("RELIABILITY_PG_BIN", ""), *CANDIDATE_BIN_DIRS):
        if not candidate:
            continue
        folder = Path(candidate).resolve()
        if not all((folder / name).exists() for name in ("initdb", "pg_ctl", "pg_config")):
            continue
        # initdb may be a symlink into the real install; ask that install where contrib lives.
        real = Path(os.path.realpath(folder / "initdb")).parent
        share = subprocess.run(
            [str(real / "pg_config"), "--sharedir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        extension_dir = Path(share) / "extension"
        if all((extension_dir / f"{name}.control").exists() for name in EXTENSIONS):
            return real
    return None


class Cluster:
    """One data directory and port; `stop()` crashes it (immediate mode), `start()` recovers."""

    def __init__(self, bin_dir: Path, data_dir: Path, port: int, run_as: str | None) -> None:
        self.bin_dir = bin_dir
        self.data_dir = data_dir
        self.port = port
        self.run_as = run_as
        self.log = data_dir.parent / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/reliability"

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.run_as:
            # PostgreSQL refuses to run as root; CI containers run as root.
            command = ["runuser", "-u", self.run_as, "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data_dir), "-U", "postgres", "--auth=trust")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data_dir.parent} "
            "-c max_connections=60"
        )
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data_dir),
                  "-l", str(self.log), "-o", options)  # fmt: skip

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "stop", "-w", "-m", mode, "-D", str(self.data_dir))

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as connection:
            connection.execute("CREATE DATABASE reliability")


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """An initialised, started cluster with an empty `reliability` database; removed afterwards."""
    bin_dir = find_binaries()
    if bin_dir is None:
        raise RuntimeError(
            "no PostgreSQL install with cube and earthdistance found; set RELIABILITY_PG_BIN"
        )
    run_as = "postgres" if os.geteuid() == 0 else None
    top = Path(tempfile.mkdtemp(prefix="reliability-pg-"))
    if run_as:
        entry = pwd.getpwnam(run_as)
        os.chown(top, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(bin_dir, top / "data", free_port(), run_as)
    try:
        cluster.init()
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.stop("fast")  # unless a failed scenario left it stopped
        shutil.rmtree(top, ignore_errors=True)
