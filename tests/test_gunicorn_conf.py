"""The `web` process (gunicorn with ./gunicorn.conf.py) warms what requests would wait for."""

from __future__ import annotations

import os
import queue
import runpy
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from bench.harness import free_port
from tests.conftest import settings_for_tests

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_each_worker_builds_the_gazetteer_before_serving(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        **settings_for_tests(f"sqlite:///{tmp_path / 'web.db'}", tmp_path),
        "PYTHONPATH": str(REPO),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "info", "support_hub:create_app()"],
        cwd=REPO, env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    assert server.stderr is not None
    stderr = server.stderr
    reader = threading.Thread(target=lambda: [lines.put(line) for line in stderr], daemon=True)
    reader.start()
    try:
        ready = []
        deadline = time.monotonic() + 120
        while len(ready) < 2 and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            if "offline gazetteer ready" in line:
                ready.append(line)
        assert len(ready) == 2, "both workers say the gazetteer is built"
        assert "ZIP codes" in ready[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=10)
        stderr.close()


@pytest.mark.parametrize(
    ("url", "threads"),
    [("sqlite:////tmp/support_hub.db", 1), ("postgresql+psycopg://db.example/hub", 4)],
)
def test_threads_per_worker_follow_the_database(
    url: str, threads: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in settings_for_tests(url, tmp_path).items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    assert namespace["threads"] == threads
