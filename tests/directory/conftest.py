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
