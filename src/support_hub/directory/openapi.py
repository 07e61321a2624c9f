"""The OpenAPI 3.1 document for the public JSON API, built from the same enums the API uses.

Schemas are strict (`additionalProperties: false`, every field required) so the test that
validates real responses against them catches any drift between the API and this document.
"""

from __future__ import annotations

from typing import Any

from support_hub.directory.models import Audience, Category, CostKind, Delivery, Specialty
from support_hub.directory.params import DEFAULT_RADIUS_MI, LANGUAGE_CODES, MAX_TEXT
from support_hub.directory.search import MAX_PER_PAGE, MAX_RADIUS_MI


def _slugs(flag_type: Any) -> list[str]:
    return [m.name.lower() for m in flag_type]


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


def _object(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
NUMBER = {"type": "number"}


def _schemas() -> dict[str, Any]:
    address = _object(
        {
            "address_1": STRING,
            "address_2": NULLABLE_STRING,
            "city": STRING,
            "state": STRING,
            "postal_code": STRING,
        }
    )
    location = _object(
        {
            "confidential": {
                "type": "boolean",
                "description": "True: the address and point are private (contact the service).",
            },
            "name": NULLABLE_STRING,
            "address": _nullable({"$ref": "#/components/schemas/Address"}),
            "latitude": {"type": ["number", "null"]},
            "longitude": {"type": ["number", "null"]},
        }
    )
    service_properties: dict[str, Any] = {
        "id": STRING,
        "name": STRING,
        "description": STRING,
        "organization": _object({"id": STRING, "name": STRING}),
        "category": {"type": "string", "enum": [c.value for c in Category]},
        "specialty": {"type": ["string", "null"], "enum": [s.value for s in Specialty] + [None]},
        "audience": {"type": "array", "items": {"enum": _slugs(Audience)}},
        "delivery": {"type": "array", "items": {"enum": _slugs(Delivery)}},
        "cost": {"type": "array", "items": {"enum": _slugs(CostKind)}},
        "languages": {"type": "array", "items": STRING},
        "phones": {
            "type": "array",
            "items": _object(
                {
                    "number": STRING,
                    "display": STRING,
                    "extension": NULLABLE_STRING,
                    "type": NULLABLE_STRING,
                }
            ),
        },
        "schedule": {
            "type": "array",
            "items": STRING,
            "description": "When it meets or is open, in words.",
        },
        "application_process": NULLABLE_STRING,
        "fees_description": NULLABLE_STRING,
        "url": NULLABLE_STRING,
        "email": NULLABLE_STRING,
        "assured_date": {
            "type": ["string", "null"],
            "format": "date",
            "description": "When a person last verified the listing.",
        },
        "links": _object({"self": STRING, "html": STRING}),
    }
    hit = _object(
        {
            **service_properties,
            "distance_mi": {
                "type": ["number", "null"],
                "description": "Great-circle miles from the search point (null for remote "
                "options; whole miles for confidential locations).",
            },
            "remote": {"type": "boolean", "description": "An online or phone option."},
            "serves": {
                "type": ["string", "null"],
                "enum": ["state", "national", None],
                "description": "For remote options: serves the place's state, or the nation.",
            },
            "location": _nullable({"$ref": "#/components/schemas/Location"}),
        }
    )
    detail = _object(
        {
            **service_properties,
            "locations": {"type": "array", "items": {"$ref": "#/components/schemas/Location"}},
            "service_areas": {
                "type": "array",
                "items": _object(
                    {
                        "scope": {"enum": ["national", "state"]},
                        "state_code": NULLABLE_STRING,
                    }
                ),
            },
        }
    )
    search = _object(
        {
            "place": _object(
                {
                    "label": STRING,
                    "latitude": NUMBER,
                    "longitude": NUMBER,
                    "state_code": NULLABLE_STRING,
                    "postal_code": NULLABLE_STRING,
                }
            ),
            "radius_mi": NUMBER,
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "total": {"type": "integer", "minimum": 0},
            "total_is_exact": {
                "type": "boolean",
                "description": "False: at least `total` (dense places are not counted to the "
                "end of the radius).",
            },
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
            "remote": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
            "links": _object({"next": NULLABLE_STRING, "prev": NULLABLE_STRING}),
        }
    )
    error = _object(
        {
            "error": _object(
                {
                    "code": STRING,
                    "message": STRING,
                    "parameter": STRING,
                    "suggestions": {"type": "array", "items": STRING},
                },
                optional=("parameter", "suggestions"),
            )
        }
    )
    return {
        "Address": address,
        "Location": location,
        "SearchHit": hit,
        "ServiceDetail": detail,
        "SearchResponse": search,
        "Error": error,
    }


def _or_empty(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema`, or an empty value meaning "not given" (what an HTML form sends for a blank)."""
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


def _parameter(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi_document() -> dict[str, Any]:
    """The whole document (served at /api/openapi.json)."""
    search_parameters = [
        _parameter(
            "near",
            "Where to search: a ZIP code, 'City, ST', or a street address. Or give lat and lng.",
            {"type": "string", "examples": ["02139", "Austin, TX"]},
        ),
        _parameter(
            "lat",
            "Latitude of the search point.",
            _or_empty({"type": "number", "minimum": -90, "maximum": 90}),
        ),
        _parameter(
            "lng",
            "Longitude of the search point.",
            _or_empty({"type": "number", "minimum": -180, "maximum": 180}),
        ),
        _parameter(
            "radius_mi",
            "Search radius in miles.",
            _or_empty(
                {
                    "type": "number",
                    "minimum": 0.1,
                    "maximum": MAX_RADIUS_MI,
                    "default": DEFAULT_RADIUS_MI,
                }
            ),
        ),
        # An empty value means "any", as the search page's form sends it.
        _parameter(
            "category",
            "Kind of support (empty: any).",
            {"type": "string", "enum": [c.value for c in Category] + [""]},
        ),
        _parameter(
            "audience",
            "Who it is for; comma-separated values match any.",
            {"type": "string", "examples": _slugs(Audience)},
        ),
        _parameter(
            "delivery",
            "How it is given; comma-separated values match any. Only in_person gives local "
            "results; online and phone select the remote options.",
            {"type": "string", "examples": _slugs(Delivery)},
        ),
        _parameter(
            "language",
            "A language the service offers, as a code in any case (empty: any).",
            {"type": "string", "enum": [*LANGUAGE_CODES, ""]},
        ),
        _parameter(
            "cost",
            "How it is paid for; comma-separated values match any.",
            {"type": "string", "examples": _slugs(CostKind)},
        ),
        _parameter(
            "q",
            "Words that must all appear in the name, description or organization.",
            {"type": "string", "maxLength": MAX_TEXT},
        ),
        _parameter(
            "page",
            "Page of local results.",
            _or_empty({"type": "integer", "minimum": 1, "maximum": 1000, "default": 1}),
        ),
        _parameter(
            "per_page",
            "Local results per page.",
            _or_empty({"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20}),
        ),
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Support Hub directory API",
            "version": "1.0.0",
            "description": "Find support groups, counselors, social work, spiritual, palliative "
            "and hospice care near a place, for people living with metastatic breast cancer "
            "and those who care for them.",
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "paths": {
            "/api/v1/services": {
                "get": {
                    "operationId": "searchServices",
                    "summary": "Active listings near a place, nearest first, plus online/phone "
                    "options serving it.",
                    "parameters": search_parameters,
                    "responses": {
                        "200": {
                            "description": "Search results.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/SearchResponse"}
                                }
                            },
                        },
                        "400": _error_response("A parameter is missing or wrong."),
                        "422": _error_response(
                            "`near` could not be placed; `suggestions` lists places to try."
                        ),
                    },
                }
            },
            "/api/v1/services/{service_id}": {
                "get": {
                    "operationId": "getService",
                    "summary": "One active listing.",
                    "parameters": [
                        {
                            "name": "service_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The listing.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/ServiceDetail"}
                                }
                            },
                        },
                        "404": _error_response("No active listing has that id."),
                    },
                }
            },
        },
        "components": {"schemas": _schemas()},
    }
