"""The search query string, shared by the public pages and the JSON API (DESIGN §4).

Parsing HTTP lives with views, not services: this turns request arguments into a `SearchQuery`
and the place it starts from, or a `SearchParamError` saying which parameter is wrong and why.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from support_hub.directory.geocode import Place, PlaceNotFound, gazetteer, locate
from support_hub.directory.models import Audience, Category, CostKind, Delivery, flag_from_slugs
from support_hub.directory.search import MAX_PER_PAGE, MAX_RADIUS_MI, SearchQuery

DEFAULT_RADIUS_MI = 25.0
LANGUAGE_CODES = ("en", "es", "zh", "vi", "ko", "tl", "ru", "ar", "fr", "ht", "pt", "asl")
MAX_TEXT = 200

F = TypeVar("F", bound=enum.Flag)


@dataclass
class SearchParamError(Exception):
    """A query parameter a person or client got wrong; `code` is machine-readable."""

    parameter: str
    code: str
    message: str
    suggestions: list[str] = field(default_factory=list)
    status: int = 400

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class SearchRequest:
    """A parsed search: the service query and the place it is centred on."""

    query: SearchQuery
    place: Place


def _float(args: Mapping[str, str], name: str, low: float, high: float) -> float | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise SearchParamError(name, f"invalid_{name}", f"{name} must be a number.") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise SearchParamError(
            name, f"invalid_{name}", f"{name} must be between {low:g} and {high:g}."
        )
    return value


def _int(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise SearchParamError(
            name, f"invalid_{name}", f"{name} must be a whole number from {low} to {high}."
        )
    return int(raw)


def _flag(args: Mapping[str, str], name: str, flag_type: type[F]) -> F | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    slugs = [s for s in raw.split(",") if s.strip()]
    try:
        return flag_from_slugs(flag_type, slugs)
    except KeyError:
        choices = ", ".join(m.name.lower() for m in flag_type if m.name)
        raise SearchParamError(
            name, f"unknown_{name}", f"Unknown {name} {raw!r}; choose from {choices}."
        ) from None


def parse_search(args: Mapping[str, str]) -> SearchRequest | None:
    """The search these arguments ask for; None when no place was given (a blank form)."""
    near = (args.get("near") or "").strip()
    lat = _float(args, "lat", -90.0, 90.0)
    lng = _float(args, "lng", -180.0, 180.0)
    radius = _float(args, "radius_mi", 0.1, MAX_RADIUS_MI)
    if radius is None:
        radius = DEFAULT_RADIUS_MI

    category_raw = (args.get("category") or "").strip()
    category = None
    if category_raw:
        try:
            category = Category(category_raw)
        except ValueError:
            choices = ", ".join(c.value for c in Category)
            raise SearchParamError(
                "category",
                "unknown_category",
                f"Unknown category {category_raw!r}; choose from {choices}.",
            ) from None
    audience = _flag(args, "audience", Audience)
    delivery = _flag(args, "delivery", Delivery)
    cost = _flag(args, "cost", CostKind)
    language = (args.get("language") or "").strip().lower() or None
    if language and language not in LANGUAGE_CODES:
        raise SearchParamError(
            "language",
            "unknown_language",
            f"Unknown language {language!r}; use a code such as en or es.",
        )
    text = (args.get("q") or "").strip() or None
    if text and len(text) > MAX_TEXT:
        raise SearchParamError("q", "invalid_q", f"q must be at most {MAX_TEXT} characters.")
    page = _int(args, "page", 1, 1, 1000)
    per_page = _int(args, "per_page", 20, 1, MAX_PER_PAGE)

    if (lat is None) != (lng is None):
        missing = "lng" if lng is None else "lat"
        raise SearchParamError(missing, f"missing_{missing}", "Give both lat and lng, or near.")
    if lat is not None and lng is not None:
        nearest = gazetteer().nearest_zip(lat, lng)
        place = Place(
            label=f"{lat:.4f}, {lng:.4f}",
            latitude=lat,
            longitude=lng,
            state_code=nearest.state_code,
            timezone=nearest.timezone,
            postal_code=None,
        )
    elif near:
        try:
            place = locate(near)
        except PlaceNotFound as exc:
            raise SearchParamError(
                "near", "place_not_found", exc.message, exc.suggestions, status=422
            ) from None
    else:
        return None
    query = SearchQuery(
        latitude=place.latitude,
        longitude=place.longitude,
        radius_mi=radius,
        category=category,
        audience=audience,
        delivery=delivery,
        language=language,
        cost=cost,
        text=text,
        state_code=place.state_code,
        page=page,
        per_page=per_page,
    )
    return SearchRequest(query=query, place=place)
