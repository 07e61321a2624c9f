"""The HSDS 3.0 API under /hsds (paths and query parameters of the HSDS OpenAPI document).

Lists answer with the HSDS `Page` wrapper; `format=ndjson` streams every matching record, one
JSON object a line, without pagination. Bad parameters answer 400 with a JSON error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time
from typing import Any

from flask import Blueprint, Response, jsonify, request, stream_with_context

from support_hub.directory import hsds
from support_hub.directory import hsds_queries as queries
from support_hub.errors import BadRequestError

bp = Blueprint("hsds", __name__, url_prefix="/hsds")

FORMATS = ("json", "ndjson")
_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _text_arg(name: str) -> str | None:
    value = request.args.get(name)
    if value is None or not value.strip():
        return None
    if len(value) > 200:
        raise BadRequestError(f"{name} is longer than 200 characters", error_code=f"bad_{name}")
    if "\x00" in value:
        # PostgreSQL text can't hold NUL; refuse it here rather than fail in the database.
        raise BadRequestError(f"{name} contains a NUL character", error_code=f"bad_{name}")
    return value.strip()


def _bool_arg(name: str) -> bool:
    value = request.args.get(name)
    if value is None or value == "":
        return False
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise BadRequestError(f"{name} must be true or false", error_code=f"bad_{name}")


def _int_arg(name: str, default: int, *, maximum: int) -> int:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= maximum:
        raise BadRequestError(
            f"{name} must be a whole number from 1 to {maximum}", error_code=f"bad_{name}"
        )
    return number


def _page_arg(*, minimal: bool = False) -> queries.PageRequest:
    maximum = queries.MAX_MINIMAL_PER_PAGE if minimal else queries.MAX_PER_PAGE
    default = maximum if minimal else queries.DEFAULT_PER_PAGE
    return queries.PageRequest(
        page=_int_arg("page", 1, maximum=1_000_000),
        per_page=_int_arg("per_page", default, maximum=maximum),
    )


def _datetime_arg(name: str) -> datetime | None:
    value = _text_arg(name)
    if value is None:
        return None
    parsed = hsds.parse_datetime(value)
    if parsed is None and _DATE.match(value):
        try:
            parsed = datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
        except ValueError:
            parsed = None
    if parsed is None:
        raise BadRequestError(
            f"{name} must be an RFC 3339 date-time such as 2024-05-01T00:00:00Z, or a date",
            error_code=f"bad_{name}",
        )
    return parsed


def _format_arg() -> str:
    value = (request.args.get("format") or "json").lower()
    if value not in FORMATS:
        raise BadRequestError("format must be json or ndjson", error_code="bad_format")
    return value


def _service_filter() -> queries.ServiceFilter:
    return queries.ServiceFilter(
        search=_text_arg("search"),
        taxonomy_term_id=_text_arg("taxonomy_term_id"),
        taxonomy_id=_text_arg("taxonomy_id"),
        organization_id=_text_arg("organization_id"),
        modified_after=_datetime_arg("modified_after"),
    )


def _listing(
    list_page: Callable[[queries.PageRequest], queries.Page], page: queries.PageRequest
) -> Any:
    if _format_arg() == "ndjson":

        def lines() -> Iterator[str]:
            for record in queries.stream(list_page):
                yield json.dumps(record, ensure_ascii=False) + "\n"

        return Response(stream_with_context(lines()), mimetype="application/x-ndjson")
    return jsonify(list_page(page).as_hsds())


def _detail(lookup: Callable[[str], dict[str, Any] | None], record_id: str, what: str) -> Any:
    # Ids are short; anything else can't name a record (and NUL can't reach PostgreSQL).
    usable = len(record_id) <= 100 and "\x00" not in record_id
    record = lookup(record_id) if usable else None
    if record is None:
        raise BadRequestError(f"no public {what} with that id", error_code="not_found", status=404)
    return jsonify(record)


@bp.get("/")
def api_info() -> Any:
    """Which HSDS version this API speaks and where its OpenAPI document is."""
    return jsonify({"version": hsds.HSDS_VERSION, "openapi_url": hsds.OPENAPI_URL})


@bp.get("/services")
def services() -> Any:
    """Public services, paginated, with the HSDS filters."""
    filters = _service_filter()
    full, minimal = _bool_arg("full"), _bool_arg("minimal")
    page = _page_arg(minimal=minimal)
    return _listing(
        lambda request_: queries.list_services(filters, request_, full=full, minimal=minimal), page
    )


@bp.get("/services/<service_id>")
def service(service_id: str) -> Any:
    """One public service, fully nested."""
    return _detail(queries.get_service, service_id, "service")


@bp.get("/service_at_locations")
def service_at_locations() -> Any:
    """Public services at their locations, paginated; `postcode` and `proximity` narrow by place."""
    filters = _service_filter()
    full = _bool_arg("full")
    postcode, proximity = _text_arg("postcode"), _text_arg("proximity")
    place = None
    if proximity is not None and postcode is None:
        raise BadRequestError("proximity needs a postcode", error_code="bad_proximity")
    if postcode is not None:
        try:
            place = queries.lookup_postcode(postcode, proximity)
        except queries.QueryError as exc:
            raise BadRequestError(str(exc), error_code="bad_postcode") from exc
    page = _page_arg()
    return _listing(
        lambda request_: queries.list_service_at_locations(
            filters, request_, full=full, place=place
        ),
        page,
    )


@bp.get("/service_at_locations/<link_id>")
def service_at_location(link_id: str) -> Any:
    """One public service_at_location with its service and location nested."""
    return _detail(queries.get_service_at_location, link_id, "service_at_location")


@bp.get("/organizations")
def organizations() -> Any:
    """Organizations offering public services, paginated."""
    search = _text_arg("search")
    full, full_service = _bool_arg("full"), _bool_arg("full_service")
    page = _page_arg()
    return _listing(
        lambda request_: queries.list_organizations(
            search, request_, full=full, full_service=full_service
        ),
        page,
    )


@bp.get("/organizations/<organization_id>")
def organization(organization_id: str) -> Any:
    """One organization with its public services (fully nested with `full_service`)."""
    full_service = _bool_arg("full_service")
    return _detail(
        lambda record_id: queries.get_organization(record_id, full_service=full_service),
        organization_id,
        "organization",
    )


@bp.get("/taxonomies")
def taxonomies() -> Any:
    """Taxonomies: our own vocabulary and those imported with listings."""
    search = _text_arg("search")
    page = _page_arg()
    return _listing(lambda request_: queries.list_taxonomies(search, request_), page)


@bp.get("/taxonomies/<taxonomy_id>")
def taxonomy(taxonomy_id: str) -> Any:
    """One taxonomy."""
    return _detail(queries.get_taxonomy, taxonomy_id, "taxonomy")


@bp.get("/taxonomy_terms")
def taxonomy_terms() -> Any:
    """Taxonomy terms, paginated; `top_only` keeps terms without a parent."""
    filters = queries.TermFilter(
        search=_text_arg("search"),
        taxonomy_id=_text_arg("taxonomy_id"),
        parent_id=_text_arg("parent_id"),
        top_only=_bool_arg("top_only"),
    )
    page = _page_arg()
    return _listing(lambda request_: queries.list_taxonomy_terms(filters, request_), page)


@bp.get("/taxonomy_terms/<term_id>")
def taxonomy_term(term_id: str) -> Any:
    """One taxonomy term with its taxonomy."""
    return _detail(queries.get_taxonomy_term, term_id, "taxonomy_term")
