"""A small fake of Twilio's Messages endpoint, served on loopback for the real twilio client.

Each request is checked against Twilio's OpenAPI description of `POST
/2010-04-01/Accounts/{AccountSid}/Messages.json` when `../shared/twilio-oai` is present (form
fields it knows, `To` required, HTTP basic auth with the account SID), and recorded. Tests script
failures with `fail_next(...)`: an HTTP status with a Twilio error code, or a stall longer than
the client's timeout; or with a `fault_plan` that decides for every request (a failure, a delay
before accepting, or nothing), for long runs with faults mixed in at random.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

MESSAGES_PATH = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
_PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-zA-Z]+)/Messages\.json$")


def load_contract(shared_dir: Path) -> tuple[set[str], set[str]]:
    """(known form fields, required form fields) for creating a Message, from Twilio's spec."""
    spec = json.loads((shared_dir / "twilio-oai" / "twilio_api_v2010.json").read_text())
    post = spec["paths"][MESSAGES_PATH]["post"]
    schema = post["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    return set(schema["properties"]), set(schema.get("required", []))


@dataclass
class Failure:
    status: int = 500
    code: int | None = None
    stall_seconds: float = 0.0


@dataclass
class SentRequest:
    account_sid: str
    auth_user: str
    auth_password: str
    form: dict[str, str]
    accepted: bool = False
    # When the fake answered 201 (time.monotonic()), to place a duplicate against a kill.
    accepted_at: float | None = None
    # When the request arrived (time.monotonic()): pacing and backoff are measured from it.
    received_at: float = field(default_factory=time.monotonic)


@dataclass
class FakeTwilio:
    account_sid: str
    auth_token: str
    known_fields: set[str] | None = None
    required_fields: set[str] = field(default_factory=lambda: {"To"})
    requests: list[SentRequest] = field(default_factory=list)
    contract_violations: list[str] = field(default_factory=list)
    _failures: deque[Failure] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # Seconds every accepted send takes (to catch a worker in the middle of one).
    send_seconds: float = 0.0
    # Called with each request's number (from 1) when nothing is scripted: a Failure to answer
    # with, seconds to wait before accepting (a slow API), or None.
    fault_plan: Callable[[int], Failure | float | None] | None = None
    _server: ThreadingHTTPServer | None = None
    _counter: int = 0

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, *failures: Failure) -> None:
        with self._lock:
            self._failures.extend(failures)

    def accepted(self) -> list[SentRequest]:
        """Requests answered 201 (what Twilio would have sent on)."""
        with self._lock:
            return [r for r in self.requests if r.accepted]

    def start(self) -> FakeTwilio:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive, as Twilio's API does: a new connection (and thread) per request would
            # make the fake, not the worker, what a throughput test measures.
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; without this, Nagle's algorithm and
            # the client's delayed ACK add 40 ms to every response.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:  # quiet
                return

            def handle(self) -> None:
                # A client killed mid-connection (the SIGKILL tests) is not the fake's error.
                with contextlib.suppress(ConnectionResetError, BrokenPipeError):
                    super().handle()

            def do_POST(self) -> None:
                fake._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _reply(self, handler: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        match = _PATH.match(handler.path)
        if match is None:
            self._reply(handler, 404, {"code": 20404, "message": "not found", "status": 404})
            return
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length)
        if len(raw) < length:
            return  # the client died mid-request: Twilio would not have a message either
        form = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
        user, password = "", ""
        auth = handler.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        record = SentRequest(match.group(1), user, password, dict(form))
        with self._lock:
            self.requests.append(record)
            failure = self._failures.popleft() if self._failures else None
            self._counter += 1
            number = self._counter
        if (user, password) != (self.account_sid, self.auth_token) or user != match.group(1):
            self._reply(handler, 401, {"code": 20003, "message": "Authenticate", "status": 401})
            return
        self._check_contract(form)
        planned = self.fault_plan(number) if failure is None and self.fault_plan else None
        if isinstance(planned, Failure):
            failure = planned
        elif planned:
            time.sleep(planned)
        if failure is not None:
            if failure.stall_seconds:
                time.sleep(failure.stall_seconds)
            self._reply(
                handler,
                failure.status,
                {"code": failure.code, "message": "scripted failure", "status": failure.status},
            )
            return
        if self.send_seconds:
            time.sleep(self.send_seconds)
        record.accepted = True
        record.accepted_at = time.monotonic()
        sid = f"SM{number:032x}"
        self._reply(
            handler,
            201,
            {
                "sid": sid,
                "account_sid": self.account_sid,
                "to": form.get("To"),
                "from": form.get("From"),
                "messaging_service_sid": form.get("MessagingServiceSid"),
                "body": form.get("Body"),
                "status": "queued",
                "num_segments": "1",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
            },
        )

    def _check_contract(self, form: dict[str, str]) -> None:
        problems = [f"missing {name}" for name in self.required_fields if name not in form]
        if self.known_fields is not None:
            problems += [f"unknown field {name}" for name in form if name not in self.known_fields]
        if not (form.get("From") or form.get("MessagingServiceSid")):
            problems.append("neither From nor MessagingServiceSid")
        with self._lock:
            self.contract_violations.extend(problems)


def find_shared_dir() -> Path | None:
    """The nearest `shared/` (with Twilio's spec) beside this checkout or a folder above it."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "shared" / "twilio-oai" / "twilio_api_v2010.json").is_file():
            return folder / "shared"
    return None


@contextmanager
def running_fake(account_sid: str, auth_token: str) -> Iterator[FakeTwilio]:
    """A started fake; it checks requests against Twilio's spec when the spec is on disk."""
    shared = find_shared_dir()
    known, required = load_contract(shared) if shared else (None, {"To"})
    fake = FakeTwilio(account_sid, auth_token, known_fields=known, required_fields=required)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
