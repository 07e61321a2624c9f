"""Request-level transaction rules (wired by `create_app`)."""

from __future__ import annotations

from flask import Flask, request

from support_hub.db import begin_write
from support_hub.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask) -> None:
    """On SQLite, a request that may write starts as a writer (BEGIN IMMEDIATE) before it reads.

    A SQLite transaction that has read cannot become a writer once another connection (the
    worker, a webhook) has committed since: it fails at once with "database is locked". Taking
    the write lock first makes concurrent writers wait their turn instead. PostgreSQL: no-op.
    """

    @app.before_request
    def _writers_first() -> None:
        if request.method not in SAFE_METHODS:
            begin_write(db.session)
