"""Fixtures for the staff inbox: staff accounts, signed webhooks, texts at a chosen time."""

from __future__ import annotations

from datetime import datetime
from itertools import count

import pytest
import sqlalchemy as sa

from support_hub.accounts.models import Role, User
from support_hub.extensions import db
from support_hub.inbox.models import Alert
from support_hub.outbox.models import OutboxKind, OutboxMessage
from support_hub.sms import services as sms_services
from tests.sms.conftest import fake_twilio, phone, twilio_app
from tests.staff import admin, clock, csrf_on, make_user, responder

__all__ = [
    "admin",
    "clock",
    "csrf_on",
    "fake_twilio",
    "phone",
    "responder",
    "twilio_app",
]

PERSON = "+16175550123"
_sids = count(1)


def receive(body: str, *, at: datetime, from_: str = PERSON) -> tuple[str, ...]:
    """One inbound text through the service the webhook calls, at a chosen time."""
    result = sms_services.receive_inbound(
        sms_services.InboundSms(
            message_sid=f"SMinbox{next(_sids):026d}",
            from_number=from_,
            to_number="+16175550100",
            body=body,
        ),
        hub="Support Hub",
        now=at,
    )
    return result.replies


def alerts() -> list[Alert]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Alert).order_by(Alert.created_at)))


def pages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.kind == OutboxKind.PAGE)
            .order_by(OutboxMessage.created_at, OutboxMessage.to_number)
        )
    )


@pytest.fixture
def backup() -> User:
    return make_user(Role.RESPONDER, "backup@example.org", name="Bea Backup", phone="+16175550143")


@pytest.fixture
def paged_admin() -> User:
    return make_user(Role.ADMIN, "oncall-admin@example.org", name="Ada", phone="+16175550144")
