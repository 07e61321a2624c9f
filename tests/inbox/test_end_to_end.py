"""End to end: a signed crisis text, the worker, the loopback Twilio, the responder's reply.

Real commits: the webhook, the worker thread and the test each use their own connection.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from support_hub.accounts.models import Role
from support_hub.inbox.forms import submission_token
from support_hub.outbox.worker import Worker
from support_hub.sms.gateway import TwilioGateway
from tests.conftest import settings_for_tests
from tests.fakes.twilio_api import FakeTwilio, SentRequest
from tests.fakes.twilio_webhook import ACCOUNT_SID, AUTH_TOKEN, HUB_NUMBER, Phone
from tests.staff import make_user, open_session

RESPONDER_PHONE = "+16175550142"


@pytest.fixture
def running_worker(twilio_app: Flask, fake_twilio: FakeTwilio) -> Iterator[Worker]:
    gateway = TwilioGateway(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        api_base_url=fake_twilio.base_url,
        timeout_seconds=5,
        from_number=HUB_NUMBER,
    )
    worker = Worker(twilio_app, gateway, poll_seconds=0.1)
    thread = threading.Thread(target=worker.run_forever, daemon=True)
    thread.start()
    yield worker
    worker.stop()
    thread.join(timeout=30)


def _wait_for(
    fake: FakeTwilio, found: Callable[[SentRequest], bool], seconds: float
) -> SentRequest:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for request in fake.accepted():
            if found(request):
                return request
        time.sleep(0.05)
    raise AssertionError("the loopback Twilio never received the expected text")


@pytest.mark.real_commits
def test_crisis_text_is_answered_with_988_and_the_responder_is_paged_within_60_s(
    twilio_app: Flask, phone: Phone, fake_twilio: FakeTwilio, running_worker: Worker
) -> None:
    make_user(Role.RESPONDER, "remy@example.org", phone=RESPONDER_PHONE)
    started = time.monotonic()
    replies = phone.text("I can't do this anymore, I want to end my life")
    assert "988" in replies[0] and "911" in replies[0]
    page = _wait_for(fake_twilio, lambda r: r.form.get("To") == RESPONDER_PHONE, 60)
    assert time.monotonic() - started < 60
    body = page.form["Body"]
    assert body.startswith("Support Hub: URGENT alert.")
    assert "/inbox/alerts/" in body
    assert "end my life" not in body and "anymore" not in body
    assert phone.number not in body and phone.number[-7:] not in body
    assert page.form["From"] == HUB_NUMBER
    assert fake_twilio.contract_violations == []


@pytest.mark.real_commits
def test_medical_emergency_gets_911_and_the_page_says_urgent(
    phone: Phone, fake_twilio: FakeTwilio, running_worker: Worker
) -> None:
    make_user(Role.RESPONDER, "remy@example.org", phone=RESPONDER_PHONE)
    phone.text("hi")
    (reply,) = phone.text("she had a seizure and wont wake up")
    assert "911" in reply and "care team" in reply
    page = _wait_for(fake_twilio, lambda r: r.form.get("To") == RESPONDER_PHONE, 60)
    assert "URGENT" in page.form["Body"] and "seizure" not in page.form["Body"]


@pytest.mark.real_commits
def test_a_responders_reply_reaches_the_persons_number(
    twilio_app: Flask, phone: Phone, fake_twilio: FakeTwilio, running_worker: Worker
) -> None:
    responder = make_user(Role.RESPONDER, "remy@example.org", phone=RESPONDER_PHONE)
    phone.text("I feel so hopeless lately")
    page = _wait_for(fake_twilio, lambda r: r.form.get("To") == RESPONDER_PHONE, 60)
    alert_path = page.form["Body"].split("Open ", 1)[1]
    staff = twilio_app.test_client()
    open_session(staff, responder)
    assert staff.get(alert_path).status_code == 200
    response = staff.post(
        f"{alert_path}/reply",
        data={
            "body": "Hi, this is Remy. Can I call you?",
            "token": submission_token(),
        },
    )
    assert response.status_code == 303
    sent = _wait_for(fake_twilio, lambda r: r.form.get("To") == phone.number, 60)
    assert sent.form["Body"] == "Support Hub: Hi, this is Remy. Can I call you?"
    assert sent.form["From"] == HUB_NUMBER
    deadline = time.monotonic() + 10
    while "delivery: queued" not in staff.get(alert_path).get_data(as_text=True):
        assert time.monotonic() < deadline, "the reply's delivery status never showed"
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.real_commits
def test_a_flask_worker_process_sends_the_page_within_60_s(
    app: Flask, phone: Phone, fake_twilio: FakeTwilio, tmp_path: Path
) -> None:
    make_user(Role.RESPONDER, "remy@example.org", phone=RESPONDER_PHONE)
    env = {
        **os.environ,
        **settings_for_tests(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path),
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": HUB_NUMBER,
        "TWILIO_API_BASE_URL": fake_twilio.base_url,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "support_hub", "worker", "--poll", "0.2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        started = time.monotonic()
        assert "988" in phone.text("I took all my pills, I want to die")[0]
        page = _wait_for(fake_twilio, lambda r: r.form.get("To") == RESPONDER_PHONE, 60)
        assert time.monotonic() - started < 60
        # The page is written with the alert, by the webhook (whose PUBLIC_BASE_URL is unset
        # here, so the link is a path); the worker only sends it.
        assert page.form["Body"].startswith("Support Hub: URGENT alert. Open /inbox/alerts/")
        assert "pills" not in page.form["Body"]
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
