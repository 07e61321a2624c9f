"""Public directory pages: the search form and results, and one listing (DESIGN §4)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from support_hub.directory import labels, present
from support_hub.directory.models import Audience, Category, CostKind, Delivery, flag_members
from support_hub.directory.params import LANGUAGE_CODES, SearchParamError, parse_search
from support_hub.directory.search import (
    SearchResults,
    get_public_service,
    national_helplines,
    search_services,
)

bp = Blueprint("directory", __name__)

RADIUS_CHOICES = (5, 10, 25, 50, 100, 250)
FORM_FIELDS = ("near", "radius_mi", "category", "delivery", "audience", "language", "cost", "q")


@bp.app_template_global()
def page_url(**changes: object) -> str:
    """This page's URL with some query parameters changed (None removes one)."""
    args = MultiDict(request.args)
    for key, value in changes.items():
        args.pop(key, None)
        if value is not None:
            args[key] = str(value)
    return url_for(request.endpoint or "directory.search", **(request.view_args or {}), **args)


def _wider_radius(radius: float) -> int | None:
    return next((r for r in RADIUS_CHOICES if r > radius), None)


def _template_helpers() -> dict[str, object]:
    return {
        "labels": labels,
        "present": present,
        "flag_members": flag_members,
        "Category": Category,
        "Audience": Audience,
        "Delivery": Delivery,
        "CostKind": CostKind,
        "language_codes": LANGUAGE_CODES,
        "radius_choices": RADIUS_CHOICES,
        "hub_name": current_app.extensions["support_hub.settings"].hub_name,
    }


@bp.get("/", endpoint="index")
@bp.get("/search")
def search() -> tuple[str, int]:
    """Search page: the form, and results when a place was given (works without JavaScript)."""
    settings = current_app.extensions["support_hub.settings"]
    form = {name: request.args.get(name, "") for name in FORM_FIELDS}
    error: SearchParamError | None = None
    results: SearchResults | None = None
    place = None
    helplines = []
    radius = 25.0
    try:
        parsed = parse_search(request.args)
    except SearchParamError as exc:
        error, parsed = exc, None
    if parsed is not None:
        place, radius = parsed.place, parsed.query.radius_mi
        results = search_services(parsed.query)
        if not results.local:
            helplines = national_helplines()
        if not form["near"]:
            form["near"] = place.label
    status = error.status if error else 200
    return (
        render_template(
            "directory/search.html",
            form=form,
            error=error,
            results=results,
            place=place,
            radius=radius,
            wider_radius=_wider_radius(radius),
            helplines=helplines,
            map_tile_url=settings.map_tile_url,
            map_attribution=settings.map_tile_attribution,
            **_template_helpers(),
        ),
        status,
    )


@bp.get("/services/<service_id>")
def service_detail(service_id: str) -> str:
    """One listing: what it is, who it's for, when, how to join, phone, directions, verified."""
    service = get_public_service(service_id)
    if service is None:
        abort(404, description="That listing is not in the directory (it may have closed).")
    return render_template(
        "directory/service.html",
        service=service,
        locations=[sal.location for sal in service.service_at_locations],
        **_template_helpers(),
    )
