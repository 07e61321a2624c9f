"""Where the portal gets its geocoder: the directory's chain (offline gazetteer, then geopy)."""

from __future__ import annotations

from support_hub.directory.geocode import PlaceNotFound, locate
from support_hub.portal.services import Locate

__all__ = ["PlaceNotFound", "locator"]


def locator() -> Locate:
    """The geocoder to place addresses with."""
    return locate
