"""What a person texting the hub gets back (DESIGN §6), through the signed webhook."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from support_hub.extensions import db
from support_hub.outbox.delivery import claim_due, deliver_one
from support_hub.outbox.models import OutboxKind, OutboxStatus
from support_hub.outbox.services import enqueue
from support_hub.outbox.worker import Worker
from support_hub.sms.gateway import ConsoleGateway
from support_hub.sms.messages import TEXTS, fit, render, segments
from support_hub.sms.models import ConsentKind, ConsentSource, InboundMessage, Person
from support_hub.triage import Level
from support_hub.triage.classifier import classify_rules
from tests.fakes.twilio_webhook import Phone


def _person(number: str = "+16175550123") -> Person:
    person = db.session.scalars(sa.select(Person).where(Person.phone == number)).one()
    db.session.refresh(person)
    return person


def test_first_text_gets_the_welcome_with_help_stop_988_and_rates(phone: Phone) -> None:
    (welcome,) = phone.text("hi")
    assert welcome.startswith("Support Hub:")
    for needed in ("HELP", "STOP", "988", "Msg&data rates may apply", "ZIP"):
        assert needed in welcome
    assert segments(welcome) <= 2
    assert [e.kind for e in _person().consent_events] == [ConsentKind.OPT_IN]


def test_second_unclear_text_is_not_welcomed_again(phone: Phone) -> None:
    phone.text("hi")
    (reply,) = phone.text("hmm")
    assert "did not understand" in reply
    assert "Msg&data" not in reply


def test_stop_opts_out_with_exactly_one_confirmation_and_nothing_after(phone: Phone) -> None:
    phone.text("hi")
    (confirmation,) = phone.text("STOP")
    assert confirmation.startswith("Support Hub:")
    assert "START" in confirmation
    assert phone.text("stop") == []
    assert phone.text("hello?") == []
    assert phone.text("TALK") == []
    assert phone.text("I want to die") == []
    person = _person()
    assert person.opted_out
    opt_outs = [e for e in person.consent_events if e.kind is ConsentKind.OPT_OUT]
    assert [(e.source, e.text) for e in opt_outs] == [(ConsentSource.KEYWORD, "STOP")]
    # Still stored and triaged, so staff can see it.
    last = db.session.scalars(
        sa.select(InboundMessage).order_by(InboundMessage.received_at.desc())
    ).first()
    assert last is not None and last.triage_level == "urgent"


def test_first_text_stop_is_confirmed_without_a_welcome(phone: Phone) -> None:
    (only,) = phone.text("Stop.")
    assert "unsubscribed" in only
    assert "Msg&data" not in only


def test_plain_language_stop_request_opts_out(phone: Phone) -> None:
    phone.text("hi")
    (confirmation,) = phone.text("please stop texting me")
    assert "unsubscribed" in confirmation
    assert _person().opted_out


def test_make_the_pain_stop_is_triaged_not_opted_out(phone: Phone) -> None:
    phone.text("hi")
    (reply,) = phone.text("make the pain stop")
    assert not _person().opted_out
    assert "A person from Support Hub" in reply
    assert "988" in reply
    stored = db.session.scalars(
        sa.select(InboundMessage).where(InboundMessage.body == "make the pain stop")
    ).one()
    assert stored.triage_level == "elevated"


def test_stop_cancels_texts_waiting_in_the_outbox(phone: Phone, twilio_app: Flask) -> None:
    phone.text("hi")
    person = _person()
    waiting = enqueue(
        to=person.phone,
        body="Support Hub: how are you this week?",
        kind=OutboxKind.CHECKIN,
        idempotency_key="checkin:test",
        person_id=person.id,
    )
    db.session.commit()
    phone.text("STOP")
    gateway = ConsoleGateway()
    Worker(twilio_app, gateway).drain()
    db.session.refresh(waiting)
    assert waiting.status is OutboxStatus.CANCELLED
    assert gateway.sent == []


def test_a_text_already_claimed_when_stop_arrives_is_not_sent(phone: Phone) -> None:
    phone.text("hi")
    person = _person()
    row = enqueue(
        to=person.phone, body="Support Hub: hello", kind=OutboxKind.NOTICE, idempotency_key="k1"
    )
    db.session.commit()
    assert claim_due("worker-a") == [row.id]
    phone.text("STOP")
    gateway = ConsoleGateway()
    outcome = deliver_one(row.id, "worker-a", gateway)
    assert outcome.status is OutboxStatus.CANCELLED
    assert gateway.sent == []


def test_start_opts_back_in_and_is_ledgered(phone: Phone) -> None:
    phone.text("STOP")
    (reply,) = phone.text("START")
    assert "subscribed again" in reply
    person = _person()
    assert not person.opted_out
    assert [e.kind for e in person.consent_events] == [
        ConsentKind.OPT_IN,
        ConsentKind.OPT_OUT,
        ConsentKind.RE_OPT_IN,
    ]
    (after,) = phone.text("hmm")
    assert after.startswith("Support Hub:")


def test_help_is_answered_even_after_opting_out(phone: Phone) -> None:
    phone.text("STOP")
    (help_text,) = phone.text("HELP")
    assert "STOP" in help_text
    assert "988" in help_text


def test_urgent_words_get_988_and_911_and_say_a_person_was_told(phone: Phone) -> None:
    phone.text("hi")
    (reply,) = phone.text("I want to die")
    assert "988" in reply and "911" in reply
    assert "A person from Support Hub has been told" in reply


def test_danger_only_the_learned_net_recognises_still_gets_988_and_a_person_told(
    phone: Phone,
) -> None:
    text = "I want to go to sleep and not have to wake up to this"
    # The word lists alone miss this phrasing; the learned safety net raises it.
    assert classify_rules(text, "en").level is Level.ROUTINE
    phone.text("hi")
    (reply,) = phone.text(text)
    assert "988" in reply and "911" in reply
    assert "A person from Support Hub has been told" in reply
    stored = db.session.scalars(sa.select(InboundMessage).where(InboundMessage.body == text)).one()
    assert stored.triage_level == "urgent"
    assert stored.triage_reasons and "learned safety net" in stored.triage_reasons[0]


def test_urgent_reply_comes_before_the_welcome_on_a_first_text(phone: Phone) -> None:
    replies = phone.text("I can't breathe")
    assert "911" in replies[0]
    assert "care team" in replies[0]
    assert "Msg&data rates may apply" in replies[1]


def test_espanol_switches_language_and_it_is_remembered(phone: Phone) -> None:
    phone.text("hi")
    (switched,) = phone.text("ESPAÑOL")
    assert "español" in switched
    assert _person().language == "es"
    (urgent,) = phone.text("no puedo respirar")
    assert "Llame al 911" in urgent
    (help_text,) = phone.text("HELP")
    assert "ALTO" in help_text
    (back,) = phone.text("english")
    assert "English" in back


def test_spanish_stop_word_is_confirmed_in_spanish(phone: Phone) -> None:
    phone.text("hi")
    (confirmation,) = phone.text("ALTO")
    assert "Se ha dado de baja" in confirmation
    assert _person().opted_out


def test_a_first_text_in_spanish_sets_spanish(phone: Phone) -> None:
    (reply,) = phone.text("AYUDA")
    assert "ALTO" in reply
    assert _person().language == "es"


@pytest.mark.parametrize("name", sorted(TEXTS))
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_text_names_the_hub_and_fits_two_segments(name: str, language: str) -> None:
    hub = "Metastatic Breast Cancer Support Hub"
    text = render(
        name,
        language,
        hub,
        place="Cambridge, MA 02139",
        n=3,
        radius=25,
        suggestions=" Did you mean Austin, TX or Boston, MA?",
        options="x",
        phone="(617) 555-0123",
        word="GROUPS",
        when="los miércoles a las 10:30 AM",
        date="12/31/2026",
    )
    if "{hub}" in TEXTS[name][language]:
        assert text.startswith(hub)
    assert segments(text) <= 2


@given(st.text(max_size=800))
def test_fit_always_keeps_a_text_within_two_segments(text: str) -> None:
    fitted = fit("Support Hub: " + text)
    assert segments(fitted) <= 2
    assert fitted.startswith("Support Hub:")
