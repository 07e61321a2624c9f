"""One unresolved alert per person, enforced by the database, even when texts race (issue 7)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import IntegrityError

from support_hub.accounts.models import Role
from support_hub.extensions import db
from support_hub.inbox import services
from support_hub.inbox.models import Alert, AlertStatus
from support_hub.sms.models import InboundMessage, Person
from support_hub.triage import Level
from tests.fakes.twilio_webhook import post_signed, twilio_form, twiml_messages
from tests.inbox.conftest import PERSON, alerts, pages, receive
from tests.staff import make_user

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _second_alert_like(alert: Alert, status: AlertStatus) -> Alert:
    return Alert(
        person_id=alert.person_id,
        inbound_message_id=alert.inbound_message_id,
        level=Level.ELEVATED,
        status=status,
        created_at=T0,
        last_inbound_at=T0,
    )


def test_the_database_refuses_a_second_unresolved_alert_for_a_person() -> None:
    receive("I feel so hopeless", at=T0)
    (alert,) = alerts()
    for status in (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED):
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.add(_second_alert_like(alert, status))
    # Resolved alerts are history: a person may have any number of them beside the open one.
    db.session.add_all([_second_alert_like(alert, AlertStatus.RESOLVED) for _ in range(2)])
    db.session.commit()
    assert [a.status for a in alerts()].count(AlertStatus.RESOLVED) == 2


def test_a_text_that_lost_the_race_to_open_the_alert_joins_it_and_raises_its_level(
    app: Flask,
) -> None:
    # The moment PostgreSQL reaches when a racing text's alert commits first: this text found
    # no alert, then its INSERT meets the one that won. (SQLite's writers take turns, so only
    # this staging reaches that moment there; the webhook races below reach it for real.)
    receive("I feel so hopeless", at=T0)
    (first,) = alerts()
    person = db.session.get(Person, first.person_id)
    assert person is not None
    later = T0 + timedelta(minutes=3)
    message = InboundMessage(
        message_sid="SM" + "r" * 32,
        person_id=person.id,
        to_number="+16175550100",
        body="I want to die",
        received_at=later,
    )
    db.session.add(message)
    db.session.flush()
    raised = services._Raised(message.id, Level.URGENT, "self_harm", ["want to die"], later)
    joined = services._open_or_join(person.id, raised, services.Policy())
    db.session.commit()
    assert joined.id == first.id
    mine = [a for a in alerts() if a.person_id == person.id]
    assert len(mine) == 1
    assert mine[0].level is Level.URGENT and mine[0].inbound_message_id == message.id
    assert mine[0].last_inbound_at == later
    assert mine[0].status is AlertStatus.OPEN


def test_after_a_resolve_the_next_text_opens_a_new_alert() -> None:
    receive("I feel so hopeless", at=T0)
    (alert,) = alerts()
    alert.status = AlertStatus.RESOLVED
    db.session.commit()
    receive("I feel so alone and scared", at=T0 + timedelta(hours=1))
    assert [a.status for a in alerts()] == [AlertStatus.RESOLVED, AlertStatus.OPEN]


# ---------------------------------------------------------------------------------------------
# Real races: signed webhooks on their own threads, each request its own connection and
# transaction. On PostgreSQL a SHARE lock on inbox_alert holds every request just before its
# alert INSERT until all of them have read "no unresolved alert" (the interleaving that used to
# open one alert per text); on SQLite the requests simply run at once and queue as writers.


def _waiting_on_locks(connection: sa.Connection) -> int:
    count = connection.exec_driver_sql(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND backend_type = 'client backend' "
        "AND wait_event_type = 'Lock'"
    ).scalar_one()
    # PostgreSQL reads pg_stat_activity once per transaction: end it to look again.
    connection.rollback()
    return int(count)


@contextmanager
def _alerts_held_back(texts: int) -> Iterator[threading.Event]:
    """Hold alert INSERTs back (PostgreSQL) until `texts` requests wait; set the event after."""
    started = threading.Event()
    if db.engine.dialect.name != "postgresql":
        yield started
        return
    with db.engine.connect() as blocker:
        blocker.exec_driver_sql("LOCK TABLE inbox_alert IN SHARE MODE")
        yield started
        started.wait(10)
        with db.engine.connect() as watcher:
            deadline = time.monotonic() + 20
            while _waiting_on_locks(watcher) < texts:
                assert time.monotonic() < deadline, "the racing requests never reached the lock"
                time.sleep(0.02)
        blocker.commit()


def _text_at_once(app: Flask, number: str, bodies: list[str]) -> list[tuple[int, list[str]]]:
    """Post one signed webhook per body, all at once; (status, TwiML messages) per body."""
    answers: dict[int, tuple[int, list[str]]] = {}
    forms = [twilio_form(body, from_=number) for body in bodies]
    barrier = threading.Barrier(len(bodies) + 1)

    def post(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        response = post_signed(client, "/sms/inbound", forms[i], "http://localhost/sms/inbound")
        messages = twiml_messages(response.data) if response.status_code == 200 else []
        answers[i] = (response.status_code, messages)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(bodies))]
    with _alerts_held_back(len(bodies)) as started:
        for thread in threads:
            thread.start()
        barrier.wait()
        started.set()
    for thread in threads:
        thread.join(30)
    return [answers[i] for i in range(len(bodies))]


def _stored_bodies(number: str) -> list[str]:
    return sorted(
        db.session.scalars(
            sa.select(InboundMessage.body)
            .join(Person, Person.id == InboundMessage.person_id)
            .where(Person.phone == number)
        )
    )


@pytest.mark.real_commits
def test_texts_racing_from_a_known_person_open_one_alert_at_the_highest_level(
    twilio_app: Flask,
) -> None:
    # Staff know this person (an earlier alert, resolved): every free text now reaches them.
    with twilio_app.app_context():
        make_user(Role.RESPONDER, phone="+16175550140")
        receive("I feel so hopeless", at=T0)
        (earlier,) = alerts()
        earlier.status = AlertStatus.RESOLVED
        db.session.commit()
        db.session.remove()
    bodies = ["I feel so alone and scared", "I want to die", "I feel so hopeless again"]
    answers = _text_at_once(twilio_app, PERSON, bodies)
    assert [status for status, _ in answers] == [200, 200, 200], answers
    assert all(messages for _, messages in answers), answers
    assert "988" in answers[1][1][0]
    with twilio_app.app_context():
        unresolved = [a for a in alerts() if a.status is not AlertStatus.RESOLVED]
        assert len(unresolved) == 1, [(a.level, a.created_at) for a in unresolved]
        assert unresolved[0].level is Level.URGENT
        assert _stored_bodies(PERSON) == sorted([*bodies, "I feel so hopeless"])
        # Paged once as opened and, had the urgent text lost the race, once more as raised.
        steps = sorted(
            key.split(":")[2]
            for key in (page.idempotency_key for page in pages())
            if key.split(":")[1] == unresolved[0].id
        )
        assert steps in (["first"], ["first", "raised-urgent"]), steps
        db.session.remove()


@pytest.mark.real_commits
def test_two_texts_racing_from_a_new_number_open_one_alert_and_both_are_answered(
    twilio_app: Flask,
) -> None:
    number = "+16175550777"
    bodies = ["I feel so hopeless", "I want to die"]
    answers = _text_at_once(twilio_app, number, bodies)
    assert [status for status, _ in answers] == [200, 200], answers
    assert all(messages for _, messages in answers), answers
    assert any("988" in message for message in answers[1][1])
    with twilio_app.app_context():
        assert _stored_bodies(number) == sorted(bodies)
        (alert,) = alerts()
        assert alert.status is AlertStatus.OPEN and alert.level is Level.URGENT
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1
        db.session.remove()
