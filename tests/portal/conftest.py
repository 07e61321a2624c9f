"""Fixtures for portal tests (shared with the other staff features in tests/staff.py)."""

from tests.staff import admin, clock, coordinator, csrf_on, responder

__all__ = ["admin", "clock", "coordinator", "csrf_on", "responder"]
