"""Where the portal gets its geocoder: the directory's `geocode.locate` when it is present.

Until the directory's geocoder is part of the build, there is no automatic placing and the
portal asks for latitude and longitude (the manual fallback the portal always offers).
"""

from __future__ import annotations

from support_hub.portal.services import Locate

try:
    from support_hub.directory.geocode import PlaceNotFound  # type: ignore[import-not-found,unused-ignore]
    from support_hub.directory.geocode import locate as _locate  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # the search branch's geocoder is not merged yet
    _locate = None

    class PlaceNotFound(Exception):  # type: ignore[no-redef]
        """Stand-in so `except PlaceNotFound` works without a geocoder."""

        suggestions: list[str] = []  # noqa: RUF012


def locator() -> Locate | None:
    """The geocoder to place addresses with, or None when none is configured."""
    return _locate
