"""The development phone simulator: texts in, replies and later outbox texts out."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from support_hub import create_app
from support_hub.extensions import db
from support_hub.outbox.models import OutboxKind
from support_hub.outbox.services import enqueue
from support_hub.outbox.worker import Worker
from tests.conftest import settings_for_tests


def test_simulator_page_shows_a_phone_with_a_form_and_the_live_script(client: FlaskClient) -> None:
    page = client.get("/simulator")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'action="/simulator/send"' in html
    assert "+16175550123" in html
    assert "/static/sms/simulator.js" in html
    assert "<script>" not in html  # no inline scripts


def test_sending_from_the_simulator_shows_the_reply(client: FlaskClient) -> None:
    sent = client.post("/simulator/send", data={"body": "HELP"})
    assert sent.status_code == 303
    assert sent.headers["Location"] == "/simulator"
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "HELP" in page
    assert "Support Hub: Support for people" in page


def test_later_texts_sent_by_the_worker_appear_in_the_feed(app: Flask, client: FlaskClient) -> None:
    chosen = client.post("/simulator/number", data={"phone": "(617) 555-0199"})
    assert chosen.status_code == 303
    client.post("/simulator/send", data={"body": "hi"})
    enqueue(
        to="+16175550199",
        body="Support Hub: a person from the hub here. How are you?",
        kind=OutboxKind.STAFF_REPLY,
        idempotency_key="staff:1",
    )
    db.session.commit()
    Worker(app).drain()
    feed = client.get("/simulator/feed").get_json()
    assert feed["phone"] == "+16175550199"
    bodies = [m["body"] for m in feed["messages"]]
    assert bodies[0] == "hi"
    assert bodies[-1] == "Support Hub: a person from the hub here. How are you?"
    assert feed["messages"][-1]["note"] == "staff_reply, sent"
    assert [m["direction"] for m in feed["messages"]] == ["in", "out", "out"]


def test_a_bad_number_is_a_clear_400(client: FlaskClient) -> None:
    response = client.post("/simulator/number", data={"phone": "banana"})
    assert response.status_code == 400
    assert b"not a phone number" in response.data


def test_an_empty_text_is_refused(client: FlaskClient) -> None:
    response = client.post("/simulator/send", data={"body": "  "})
    assert response.status_code == 400


def test_there_is_no_simulator_in_production(app: Flask, tmp_path: Path) -> None:
    overrides = settings_for_tests(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    overrides["APP_ENV"] = "production"
    overrides["TWILIO_AUTH_TOKEN"] = "0123456789abcdef0123456789abcdef"
    production = create_app(overrides)
    assert production.test_client().get("/simulator").status_code == 404
