"""Shared pieces for HTTP benchmarks: a gunicorn server on loopback and an open-loop load generator.

Benchmarks compare against a reference measured in the same run (STYLE.md habit 9): the server
they start is the real app plus one extra route, `/bench/bare`, that returns empty TwiML — the
floor any endpoint on the same server, workers and machine can reach.
"""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path

from flask import Flask, Response

REPO = Path(__file__).resolve().parents[1]


def create_bench_app() -> Flask:
    """The real app plus the bare reference route (`bench.harness:create_bench_app()`)."""
    from support_hub import create_app

    app = create_app()

    @app.route("/bench/bare", methods=["GET", "POST"])
    def bare() -> Response:
        return Response("<?xml version='1.0' encoding='UTF-8'?><Response />", mimetype="text/xml")

    # The bare route posts without a CSRF token, like the webhook; exempt it if CSRF is on.
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(bare)
    return app


def machine() -> str:
    """CPU model, cores and Python, for the benchmark's printout."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def gunicorn(
    env: dict[str, str], *, workers: int = 2, threads: int = 4, start_seconds: float = 120.0
) -> Iterator[str]:
    """Run the bench app under gunicorn on loopback; yield its base URL.

    Each worker builds the offline gazetteer before it answers (gunicorn.conf.py): 1-2 s on a
    quiet machine, half a minute on a busy one, hence the generous `start_seconds`.
    """
    port = free_port()
    full_env = {**os.environ, **env, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers",
         str(workers), "--threads", str(threads), "--log-level", "warning",
         "bench.harness:create_bench_app()"],
        env=full_env, cwd=REPO,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class LoadResult:
    label: str
    sent: int
    seconds: float
    latencies_ms: list[float]
    statuses: dict[int, int]

    @property
    def throughput(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]

    def line(self) -> str:
        return (
            f"{self.label:<34} {self.throughput:8.1f} req/s  p50 {self.percentile(50):7.2f} ms  "
            f"p99 {self.percentile(99):7.2f} ms  statuses {dict(sorted(self.statuses.items()))}"
        )


class _Client(threading.local):
    connection: HTTPConnection | None = None


def _send(host: str, port: int, local: _Client, request: Request) -> int:
    if local.connection is None:
        local.connection = HTTPConnection(host, port, timeout=30)
    try:
        local.connection.request(request.method, request.path, request.body, request.headers)
        response = local.connection.getresponse()
        response.read()
        return response.status
    except OSError:
        local.connection.close()
        local.connection = None
        return 0


def run_load(
    base_url: str,
    make_request: Callable[[int], Request],
    *,
    label: str,
    total: int,
    rate: float | None = None,
    concurrency: int = 16,
) -> LoadResult:
    """Send `total` requests; at a fixed `rate` (open loop) or as fast as possible (closed loop).

    With a rate, latency counts from when each request was *due*, so a stalled server is charged
    for the queue it causes (no coordinated omission).
    """
    host, port = base_url.removeprefix("http://").split(":")
    local = _Client()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    requests = [make_request(i) for i in range(total)]
    started = time.perf_counter()

    def one(i: int) -> None:
        due = started + i / rate if rate else time.perf_counter()
        if rate:
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        status = _send(host, int(port), local, requests[i])
        elapsed = (time.perf_counter() - due) * 1000
        with lock:
            latencies.append(elapsed)
            statuses[status] = statuses.get(status, 0) + 1

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(total)))
    seconds = time.perf_counter() - started
    return LoadResult(label, total, seconds, latencies, statuses)
