"""gunicorn settings for the `web` process (Procfile); gunicorn reads ./gunicorn.conf.py itself."""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    """Build the offline gazetteer before this worker takes its first request.

    Otherwise the first text or search each worker answers waits one to two seconds for it.
    """
    from support_hub.directory.geocode import warm_up

    worker.log.info(warm_up())
