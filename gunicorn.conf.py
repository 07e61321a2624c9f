"""gunicorn settings for the `web` process (Procfile); gunicorn reads ./gunicorn.conf.py itself."""

from __future__ import annotations

from typing import Any

from support_hub.config import load_settings

# Threads per worker (gthread). PostgreSQL: a webhook spends much of its time waiting for its
# commit to reach the disk; with four threads a worker answers other texts meanwhile and
# PostgreSQL syncs several commits at once. SQLite: writers take turns on one lock anyway, and
# a second thread only competes for the interpreter while the lock holder waits to run: one
# thread per worker answered 733 texts/s where four answered 541 (bench/webhook, 2 workers).
# `--threads N` on the command line overrides this.
threads = 1 if load_settings().database_url.startswith("sqlite") else 4


def post_worker_init(worker: Any) -> None:
    """Build the offline gazetteer and load the triage's weights before the first request.

    Otherwise the first text or search each worker answers waits one to two seconds for them.
    """
    from support_hub.directory.geocode import warm_up
    from support_hub.triage import classify

    worker.log.info(warm_up())
    classify("warming up the triage")  # compiles the word lists and loads the learned net
