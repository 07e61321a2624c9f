"""Request-level transaction rules (wired by `create_app`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, request

from support_hub.db import begin_write
from support_hub.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
View = TypeVar("View", bound=Callable[..., object])


def begins_its_own_writes(view: View) -> View:
    """Mark a view whose service calls `begin_write` itself before its first query.

    Such a view does its reading-free work (signature checks, form parsing) before it takes
    SQLite's write lock, so concurrent writers queue for less time (the SMS webhook).
    """
    view.begins_its_own_writes = True  # type: ignore[attr-defined]
    return view


def init_app(app: Flask) -> None:
    """On SQLite, a request that may write starts as a writer (BEGIN IMMEDIATE) before it reads.

    A SQLite transaction that has read cannot become a writer once another connection (the
    worker, a webhook) has committed since: it fails at once with "database is locked". Taking
    the write lock first makes concurrent writers wait their turn instead. PostgreSQL: no-op.
    """

    @app.before_request
    def _writers_first() -> None:
        if request.method in SAFE_METHODS:
            return
        view = current_app.view_functions.get(request.endpoint or "")
        if not getattr(view, "begins_its_own_writes", False):
            begin_write(db.session)
