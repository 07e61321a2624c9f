"""Public JSON API: `GET /api/v1/services`, `/api/v1/services/<id>`, `/api/openapi.json`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, jsonify, request, url_for

from support_hub.directory import present
from support_hub.directory.models import flag_slugs
from support_hub.directory.openapi import openapi_document
from support_hub.directory.params import SearchParamError, parse_search
from support_hub.directory.search import (
    Listing,
    SearchHit,
    get_public_service,
    search_services,
)
from support_hub.errors import BadRequestError
from support_hub.transactions import reads_outside_a_transaction

bp = Blueprint("directory_api", __name__, url_prefix="/api")


@bp.errorhandler(SearchParamError)
def bad_parameter(exc: SearchParamError) -> tuple[Response, int]:
    """A wrong query parameter: the usual error body, plus which parameter and suggestions."""
    error: dict[str, Any] = {"code": exc.code, "message": exc.message, "parameter": exc.parameter}
    if exc.code == "place_not_found":
        error["suggestions"] = exc.suggestions
    return jsonify(error=error), exc.status


def _location_json(location: present.LocationLike | None) -> dict[str, Any] | None:
    if location is None:
        return None
    if location.confidential:
        # Searchable by distance, but where it is stays private: no address, no point.
        return {"confidential": True, "name": None, "address": None, "latitude": None,
                "longitude": None}  # fmt: skip
    address = present.public_address(location)
    return {
        "confidential": False,
        "name": location.name,
        "address": None
        if address is None
        else {
            "address_1": address.address_1,
            "address_2": address.address_2,
            "city": address.city,
            "state": address.state_province,
            "postal_code": address.postal_code,
        },
        "latitude": location.latitude,
        "longitude": location.longitude,
    }


# How werkzeug's default converter quotes a path segment (`BaseConverter.to_url`).
_SEGMENT_SAFE = "!$&'()*+,/:;=@"


@dataclass(frozen=True)
class ServiceLinks:
    """A listing's `links`, the URL rules built once a request rather than twice a listing."""

    self_prefix: str
    html_prefix: str

    @classmethod
    def build(cls) -> ServiceLinks:
        marker = "SERVICE-ID"

        def prefix(endpoint: str) -> str:
            url = url_for(endpoint, service_id=marker, _external=True)
            assert url.endswith(marker), "the id is the last path segment"
            return url.removesuffix(marker)

        return cls(prefix("directory_api.get_service"), prefix("directory.service_detail"))

    def of(self, service_id: str) -> dict[str, str]:
        segment = quote(service_id, safe=_SEGMENT_SAFE)
        return {"self": self.self_prefix + segment, "html": self.html_prefix + segment}


def service_json(service: Listing, links: ServiceLinks | None = None) -> dict[str, Any]:
    """One listing as the API shows it (the `Service` schema in the OpenAPI document)."""
    assert service.languages is not None, "the API shows languages: load them"
    return {
        "id": service.id,
        "name": service.name,
        "description": service.description,
        "organization": {"id": service.organization.id, "name": service.organization.name},
        "category": service.category.value,
        "specialty": service.specialty.value if service.specialty else None,
        "audience": list(flag_slugs(service.audience)),
        "delivery": list(flag_slugs(service.delivery)),
        "cost": list(flag_slugs(service.cost)),
        "languages": list(service.languages),
        "phones": [
            {
                "number": phone.number,
                "display": present.phone_display(phone),
                "extension": phone.extension,
                "type": phone.type,
            }
            for phone in service.phones
        ],
        "schedule": [present.schedule_words(s) for s in service.schedules],
        "application_process": service.application_process,
        "fees_description": service.fees_description,
        "url": service.url,
        "email": service.email,
        "assured_date": service.assured_date.isoformat() if service.assured_date else None,
        "links": (links or ServiceLinks.build()).of(service.id),
    }


def _hit_json(hit: SearchHit, links: ServiceLinks) -> dict[str, Any]:
    body = service_json(hit.service, links)
    body["distance_mi"] = hit.distance_mi
    body["remote"] = hit.remote
    body["serves"] = hit.serves
    body["location"] = _location_json(hit.location)
    return body


@bp.get("/v1/services")
@reads_outside_a_transaction
def list_services() -> Response:
    """Nearby search as JSON: local results nearest first, then online/phone options (marked)."""
    parsed = parse_search(request.args)
    if parsed is None:
        raise SearchParamError("near", "missing_place", "Give near (a ZIP, 'City, ST' or an "
                               "address) or lat and lng.")  # fmt: skip
    results = search_services(parsed.query, with_languages=True)
    place, query = parsed.place, parsed.query

    def page_link(page: int) -> str:
        args = request.args.to_dict()
        args["page"] = str(page)
        return url_for("directory_api.list_services", _external=True, **args)

    service_links = ServiceLinks.build()
    has_next = results.page < results.pages or (
        not results.total_is_exact and len(results.local) == results.per_page
    )
    return jsonify(
        place={
            "label": place.label,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "state_code": place.state_code,
            "postal_code": place.postal_code,
        },
        radius_mi=query.radius_mi,
        page=results.page,
        per_page=results.per_page,
        total=results.total_local,
        total_is_exact=results.total_is_exact,
        results=[_hit_json(hit, service_links) for hit in results.local],
        remote=[_hit_json(hit, service_links) for hit in results.remote],
        links={
            "next": page_link(results.page + 1) if has_next else None,
            "prev": page_link(results.page - 1) if results.page > 1 else None,
        },
    )


@bp.get("/v1/services/<service_id>")
@reads_outside_a_transaction
def get_service(service_id: str) -> Response:
    """One active listing with its locations (confidential ones without address or point)."""
    service = get_public_service(service_id)
    if service is None:
        raise BadRequestError("No active listing has that id.", error_code="not_found", status=404)
    body = service_json(Listing.of(service))
    body["locations"] = [_location_json(sal.location) for sal in service.service_at_locations]
    body["service_areas"] = [
        {"scope": area.scope.value, "state_code": area.state_code} for area in service.service_areas
    ]
    return jsonify(body)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document describing this API."""
    return jsonify(openapi_document())
