"""Directory test fixtures: a Nominatim-style geocoder on loopback, and listing factories."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class FakeNominatim:
    """A real HTTP server answering Nominatim's /search from `answers` (query -> result dict)."""

    url: str = ""
    answers: dict[str, dict[str, object]] = field(default_factory=dict)
    requests: list[tuple[float, dict[str, list[str]]]] = field(default_factory=list)
    status: int = 200

    def queries(self) -> list[str]:
        return [params.get("q", [""])[0] for _, params in self.requests]


def _handler_for(fake: FakeNominatim) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = parse_qs(parts.query)
            fake.requests.append((time.monotonic(), params))
            if fake.status != 200:
                self.send_response(fake.status)
                self.end_headers()
                return
            answer = fake.answers.get(params.get("q", [""])[0].lower())
            body = json.dumps([answer] if answer else []).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def nominatim() -> Iterator[FakeNominatim]:
    fake = FakeNominatim()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


from support_hub.db import new_id, utcnow  # noqa: E402
from support_hub.directory.models import (  # noqa: E402
    Address,
    Audience,
    Category,
    CostKind,
    Delivery,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAreaScope,
    ServiceAtLocation,
    ServiceStatus,
)
from support_hub.extensions import db  # noqa: E402


def add_listing(
    name: str,
    latitude: float | None = None,
    longitude: float | None = None,
    *,
    category: Category = Category.SUPPORT_GROUP,
    audience: Audience = Audience.PATIENTS,
    delivery: Delivery | None = None,
    cost: CostKind = CostKind.FREE,
    languages: tuple[str, ...] = ("en",),
    status: ServiceStatus = ServiceStatus.ACTIVE,
    archived: bool = False,
    confidential: bool = False,
    areas: tuple[tuple[str, str | None], ...] = (),
    organization: str = "Test Organization",
    description: str = "A test listing.",
    phone: str | None = "+16175550123",
    schedule: str | None = "2nd Tuesday, 6–7:30 pm",
    address: tuple[str, str, str, str] | None = ("1 Test Street", "Cambridge", "MA", "02139"),
) -> Service:
    """A service (with a location when given a point, service areas when given `areas`)."""
    org = Organization(id=new_id(), name=organization, description="")
    if delivery is None:
        delivery = Delivery.IN_PERSON if latitude is not None else Delivery.ONLINE
    service = Service(
        id=new_id(),
        organization=org,
        name=name,
        description=description,
        category=category,
        audience=audience,
        delivery=delivery,
        cost=cost,
        status=status,
        application_process="Call to register.",
        assured_date=utcnow().date(),
        archived_at=utcnow() if archived else None,
    )
    db.session.add_all([org, service])
    for code in languages:
        db.session.add(Language(id=new_id(), service=service, code=code, name=code))
    if phone:
        db.session.add(Phone(id=new_id(), service=service, number=phone, type="voice"))
    if schedule:
        db.session.add(Schedule(id=new_id(), service=service, description=schedule))
    if latitude is not None and longitude is not None:
        location = Location(
            id=new_id(),
            organization=org,
            name=name,
            latitude=latitude,
            longitude=longitude,
            confidential=confidential,
        )
        db.session.add(location)
        if address:
            street, city, state, postal = address
            db.session.add(
                Address(
                    id=new_id(),
                    location=location,
                    address_1=street,
                    city=city,
                    state_province=state,
                    postal_code=postal,
                )
            )
        db.session.add(ServiceAtLocation(id=new_id(), service=service, location=location))
    for scope, state in areas:
        db.session.add(
            ServiceArea(
                id=new_id(), service=service, scope=ServiceAreaScope(scope), state_code=state
            )
        )
    db.session.flush()
    return service
