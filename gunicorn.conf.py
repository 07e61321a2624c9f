"""gunicorn settings for the `web` process (Procfile); gunicorn reads ./gunicorn.conf.py itself."""

from __future__ import annotations

from typing import Any

# Threads per worker (gthread): a webhook spends much of its time waiting for its commit to
# reach the disk (PostgreSQL syncs every commit: ~6 ms here); with four threads a worker keeps
# answering other texts meanwhile, and PostgreSQL can sync several commits at once.
threads = 4


def post_worker_init(worker: Any) -> None:
    """Build the offline gazetteer and load the triage's weights before the first request.

    Otherwise the first text or search each worker answers waits one to two seconds for them.
    """
    from support_hub.directory.geocode import warm_up
    from support_hub.triage import classify

    worker.log.info(warm_up())
    classify("warming up the triage")  # compiles the word lists and loads the learned net
