"""PostgreSQL: the webhook reads outside a transaction, and stores most texts in one statement.

`sms.services._receive` with `transactions.reads_then_writes`: a plain text from a known number
is two round trips (the read, and an INSERT that commits on its own); anything more is written
in one transaction; an answer that wants to write while it is decided starts over inside one.
These tests commit for real: inside the suite's rolled-back outer transaction every request
would run in that one transaction and never take this path.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from psycopg import pq

from support_hub.accounts.models import Role
from support_hub.extensions import db
from support_hub.inbox.models import Alert
from support_hub.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from support_hub.outbox.services import enqueue
from support_hub.sms.models import ConsentEvent, ConsentKind, InboundMessage, Person
from tests.directory.conftest import add_listing
from tests.fakes.twilio_webhook import Phone
from tests.staff import make_user

pytestmark = pytest.mark.real_commits

NUMBER = "+16175550123"


@pytest.fixture
def pg_app(twilio_app: Flask) -> Flask:
    with twilio_app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a PostgreSQL path (TEST_DATABASE_URL)")
    return twilio_app


@dataclass
class Trips:
    """What psycopg sent while it was watched: one entry per round trip."""

    sent: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.sent)

    @property
    def commands(self) -> list[str]:
        """BEGIN, COMMIT and ROLLBACK, in order (psycopg may add an isolation level to BEGIN)."""
        words = [trip.split(" ", 1)[0] for trip in self.sent]
        return [word for word in words if word in ("BEGIN", "COMMIT", "ROLLBACK")]


@contextmanager
def round_trips(app: Flask) -> Iterator[Trips]:
    """Trace (libpq's protocol trace) every connection the app's pool hands out meanwhile."""
    trips = Trips()
    traced: list[Any] = []
    with tempfile.TemporaryFile() as trace:

        def watch(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
            dbapi_connection.pgconn.trace(os.dup(trace.fileno()))
            dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
            traced.append(dbapi_connection)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "checkout", watch)
        try:
            yield trips
        finally:
            sa.event.remove(engine, "checkout", watch)
            for connection in traced:
                connection.pgconn.untrace()
        trace.seek(0)
        lines = trace.read().decode(errors="replace").splitlines()
    first: str | None = None
    for line in lines:
        fields = line.split("\t")
        if len(fields) < 3:
            continue  # the rest of a value that held a line break
        direction, message = fields[0], fields[2]
        if direction == "F" and first is None:
            # A round trip starts with a simple Query ("BEGIN") or an extended one (Parse/Bind).
            first = fields[3].strip().strip('"') if message == "Query" else message
        if direction == "B" and message == "ReadyForQuery":
            trips.sent.append(first or "?")
            first = None


def _count(model: type, **where: object) -> int:
    with db.engine.connect() as connection:  # a connection of its own: committed rows only
        query = sa.select(sa.func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(connection.scalar(query) or 0)


def test_a_plain_text_from_a_known_number_is_two_round_trips_and_committed(
    pg_app: Flask,
) -> None:
    phone = Phone(pg_app.test_client(), NUMBER)
    phone.text("hello")
    with round_trips(pg_app) as trips:
        (reply,) = phone.text("thanks, I am doing ok today")
    assert reply
    # The read (replay check and texter), then the INSERT, which commits on its own.
    assert len(trips) == 2, trips.sent
    assert trips.commands == [], trips.sent
    with pg_app.app_context():
        assert _count(InboundMessage) == 2


def test_a_first_text_writes_the_person_consent_and_message_in_one_transaction(
    pg_app: Flask,
) -> None:
    phone = Phone(pg_app.test_client(), NUMBER)
    with round_trips(pg_app) as trips:
        (welcome,) = phone.text("hello")
    assert "STOP" in welcome and "988" in welcome
    # Read first (no transaction), then BEGIN ... COMMIT around the three INSERTs.
    assert trips.commands == ["BEGIN", "COMMIT"], trips.sent
    assert trips.sent[0] not in ("BEGIN", "COMMIT"), trips.sent
    with pg_app.app_context():
        assert _count(Person) == 1
        assert _count(ConsentEvent, kind=ConsentKind.OPT_IN) == 1
        assert _count(InboundMessage) == 1


def test_an_opt_out_that_writes_while_deciding_starts_over_in_a_transaction(
    pg_app: Flask,
) -> None:
    phone = Phone(pg_app.test_client(), NUMBER)
    phone.text("hello")
    with pg_app.app_context():
        queued = enqueue(
            to=NUMBER, body="Support Hub: weekly check-in", kind=OutboxKind.NOTICE,
            idempotency_key="queued-before-stop",
        )  # fmt: skip
        queued_id = queued.id
        db.session.commit()
        db.session.remove()
    # Deciding a STOP cancels the queued text (an UPDATE): refused outside a transaction, so the
    # whole text is decided again inside one. Exactly one opt-out, one confirmation.
    with round_trips(pg_app) as trips:
        (confirmation,) = phone.text("STOP")
    assert "START" in confirmation
    assert "BEGIN" in trips.commands and trips.commands[-1] == "COMMIT", trips.sent
    assert phone.text("STOP") == []  # confirmed once only
    with pg_app.app_context():
        assert _count(ConsentEvent, kind=ConsentKind.OPT_OUT) == 1
        status = db.session.scalar(
            sa.select(OutboxMessage.status).where(OutboxMessage.id == queued_id)
        )
        assert status is OutboxStatus.CANCELLED
        assert _count(InboundMessage) == 3
        db.session.remove()


def test_a_conversation_answers_and_stores_alike_outside_a_transaction(pg_app: Flask) -> None:
    with pg_app.app_context():
        for i in range(4):
            add_listing(f"Group {i + 1}", 42.3647 + 0.005 * (i + 1), -71.1042)
        make_user(Role.RESPONDER, phone="+16175550140")
        db.session.commit()
        db.session.remove()
    phone = Phone(pg_app.test_client(), NUMBER)
    phone.text("hello")
    (results,) = phone.text("02139")
    assert "1) Group 1" in results
    (details,) = phone.text("1")  # the search state was written with the search's message
    assert "Group 1" in details
    (more,) = phone.text("MORE")
    assert "Group 4" in more
    urgent = phone.text("I want to end my life tonight")
    assert any("988" in text for text in urgent)
    # A replay of a stored MessageSid: the same answer, nothing written.
    sid = "SM" + "e" * 32
    first = phone.text("I have no one to talk to", sid=sid)
    with pg_app.app_context():
        before = _count(InboundMessage)
    assert phone.text("I have no one to talk to", sid=sid) == first
    with pg_app.app_context():
        assert _count(InboundMessage) == before == 6
        (alert,) = db.session.scalars(sa.select(Alert)).all()
        assert alert.level.value == "urgent"
        pages = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.PAGE)
        ).all()
        assert [page.to_number for page in pages] == ["+16175550140"]
        db.session.remove()
