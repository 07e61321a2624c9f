"""Alerts raised by inbound texts, the immediate replies per level, and pages (DESIGN §7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from support_hub.accounts.models import Role, User
from support_hub.extensions import db
from support_hub.inbox import services
from support_hub.inbox.models import AlertStatus, OnCallShift, Tier
from support_hub.sms.messages import segments
from support_hub.sms.models import InboundMessage
from support_hub.triage import Level
from tests.fakes.twilio_webhook import Phone
from tests.inbox.conftest import PERSON, alerts, pages, receive
from tests.staff import make_user

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in New York


def test_signed_crisis_text_gets_988_911_and_a_person_told_and_pages_the_responder(
    phone: Phone, responder: User
) -> None:
    reply, welcome = phone.text("i dont want to be here anymore, I have my pills saved up")
    assert "Msg&data" in welcome  # the danger numbers come first on a first text
    assert "988" in reply and "911" in reply
    assert "A person from Support Hub has been told" in reply
    assert segments(reply) <= 2
    (alert,) = alerts()
    assert alert.level is Level.URGENT and alert.kind == "self_harm"
    assert alert.status is AlertStatus.OPEN
    assert alert.inbound_message.body.startswith("i dont want")
    (page,) = pages()
    assert page.to_number == responder.phone
    assert "URGENT" in page.body
    assert f"/inbox/alerts/{alert.id}" in page.body
    assert "pills" not in page.body and "here" not in page.body
    assert PERSON not in page.body and PERSON[2:] not in page.body


def test_medical_emergency_gets_911_or_the_care_team_now(phone: Phone, responder: User) -> None:
    phone.text("hi")
    (reply,) = phone.text("my chest hurts so bad and I cant breathe")
    assert "911" in reply and "care team" in reply
    assert "988" not in reply
    assert "has been told" in reply
    assert alerts()[0].kind == "medical"


def test_spanish_crisis_gets_the_spanish_reply(phone: Phone, responder: User) -> None:
    phone.text("ESPAÑOL")
    (reply,) = phone.text("ya no quiero vivir")
    assert "988" in reply and "911" in reply and "avisamos" in reply
    assert alerts()[0].level is Level.URGENT


def test_elevated_text_gets_thanks_when_a_person_will_reply_and_988(
    phone: Phone, responder: User
) -> None:
    phone.text("hi")
    (reply,) = phone.text("I've been so anxious and alone since the scan, can someone call me")
    assert "Thank you" in reply and "business day" in reply and "988" in reply
    (alert,) = alerts()
    assert alert.level is Level.ELEVATED
    (page,) = pages()
    assert "elevated" in page.body and "URGENT" not in page.body


def test_routine_good_news_pages_nobody_and_a_person_reads_it(
    phone: Phone, responder: User
) -> None:
    phone.text("hi")
    (reply,) = phone.text("killing it at physio today!")
    assert "A person from Support Hub will read your message" in reply
    (alert,) = alerts()
    assert alert.level is Level.ROUTINE and alert.next_escalation_at is None
    assert pages() == []


def test_small_talk_raises_nothing(phone: Phone, responder: User) -> None:
    phone.text("hi")
    (reply,) = phone.text("thanks so much, doing ok today!")
    assert "did not understand" in reply
    assert alerts() == []
    assert pages() == []


def test_a_replayed_message_sid_raises_one_alert_and_one_page(
    phone: Phone, responder: User
) -> None:
    first = phone.text("I want to kill myself", sid="SM" + "d" * 32)
    second = phone.text("I want to kill myself", sid="SM" + "d" * 32)
    assert first == second
    assert len(alerts()) == 1
    assert len(pages()) == 1


def test_more_texts_join_the_open_alert_without_paging_again(responder: User) -> None:
    receive("I feel so hopeless", at=T0)
    receive("I just cry all day", at=T0 + timedelta(minutes=5))
    (alert,) = alerts()
    assert alert.last_inbound_at == T0 + timedelta(minutes=5)
    assert len(pages()) == 1


def test_a_more_serious_text_raises_the_level_reopens_and_pages_again(responder: User) -> None:
    receive("I feel so hopeless", at=T0)
    (alert,) = alerts()
    services.acknowledge(
        alert, user=responder, actor=services.Actor.system(), now=T0 + timedelta(minutes=1)
    )
    receive("I am going to end my life tonight", at=T0 + timedelta(minutes=3))
    (alert,) = alerts()
    assert alert.level is Level.URGENT
    assert alert.status is AlertStatus.OPEN
    assert alert.next_escalation_at == T0 + timedelta(minutes=13)
    assert [("URGENT" in p.body) for p in pages()] == [False, True]


def test_safety_net_unclear_text_from_someone_staff_know_reaches_the_inbox(
    responder: User,
) -> None:
    receive("I feel so hopeless", at=T0)
    (alert,) = alerts()
    services.resolve(
        alert,
        "supported",
        "Talked, has a counselor.",
        user=responder,
        actor=services.Actor.system(),
        now=T0 + timedelta(hours=1),
    )
    (reply,) = receive("the thing with the stuff again", at=T0 + timedelta(days=2))
    assert "A person from Support Hub will read your message" in reply
    assert "did not understand" not in reply
    routine = alerts()[-1]
    assert routine.level is Level.ROUTINE and routine.kind == "needs_person"
    assert routine.status is AlertStatus.OPEN and routine.next_escalation_at is None
    assert len(pages()) == 1  # routine pages nobody


def test_words_no_rule_recognises_from_a_stranger_reach_a_person_without_a_page(
    responder: User,
) -> None:
    # The rules miss new ways of saying dangerous things (held-out rounds): whatever the hub
    # cannot answer, a person reads, and the answer gives 988 and 911 at once.
    receive("hi", at=T0)
    (reply,) = receive("tomorrow is the day, I've made up my mind", at=T0 + timedelta(minutes=1))
    assert "A person from Support Hub will read your message" in reply
    assert "988" in reply and "911" in reply
    (alert,) = alerts()
    assert alert.level is Level.ROUTINE and alert.kind == "needs_person"
    assert pages() == []


def test_keywords_and_searches_never_raise_alerts_even_for_known_people(responder: User) -> None:
    receive("I feel so hopeless", at=T0)
    receive("HELP", at=T0 + timedelta(minutes=1))
    receive("02139", at=T0 + timedelta(minutes=2))
    (alert,) = alerts()
    assert alert.last_inbound_at == T0  # keywords and searches are not messages for a person


def test_opted_out_crisis_text_gets_no_reply_but_alerts_staff(responder: User) -> None:
    receive("hi", at=T0)
    receive("STOP", at=T0 + timedelta(minutes=1))
    assert receive("I want to die", at=T0 + timedelta(minutes=2)) == ()
    (alert,) = alerts()
    assert alert.level is Level.URGENT
    assert len(pages()) == 1


def test_the_score_the_triage_read_is_stored_for_the_chart(responder: User) -> None:
    receive("distress 8 this week", at=T0)
    stored = db.session.scalars(sa.select(InboundMessage)).one()
    assert stored.triage_score == 8


# --- who is paged: the rota -----------------------------------------------------------------


def _shift(user: User, tier: Tier, weekday: int, start: int, end: int) -> None:
    db.session.add(
        OnCallShift(user_id=user.id, tier=tier, weekday=weekday, start_hour=start, end_hour=end)
    )
    db.session.commit()


def test_without_a_rota_every_active_responder_with_a_phone_is_paged(responder: User) -> None:
    other = make_user(Role.RESPONDER, "r2@example.org", phone="+16175550150")
    make_user(Role.RESPONDER, "nophone@example.org")
    gone = make_user(Role.RESPONDER, "gone@example.org", phone="+16175550151")
    gone.disabled_at = T0
    db.session.commit()
    receive("I want to die", at=T0)
    assert sorted(p.to_number for p in pages()) == sorted([responder.phone, other.phone])


def test_the_primary_on_call_now_is_paged_not_everyone(responder: User, backup: User) -> None:
    # Monday 10:00 in New York (the default ONCALL_TIMEZONE) is 15:00 UTC.
    _shift(backup, Tier.PRIMARY, weekday=0, start=9, end=17)
    _shift(responder, Tier.PRIMARY, weekday=0, start=17, end=24)
    receive("I want to die", at=T0)
    assert [p.to_number for p in pages()] == [backup.phone]


def test_rota_hours_are_read_in_the_oncall_time_zone(responder: User, backup: User) -> None:
    # 15:00 UTC is 10:00 in New York: a 14-16 slot (as if UTC) must not match, so nobody is
    # on call and every responder is paged.
    _shift(backup, Tier.PRIMARY, weekday=0, start=14, end=16)
    receive("I want to die", at=T0)
    assert sorted(p.to_number for p in pages()) == [responder.phone, backup.phone]


def test_with_no_responder_phones_admins_are_paged(paged_admin: User) -> None:
    make_user(Role.RESPONDER, "nophone@example.org")
    receive("I want to die", at=T0)
    assert [p.to_number for p in pages()] == [paged_admin.phone]


@pytest.mark.parametrize(
    "text",
    ["I want to kill myself", "my chest hurts and I cant breathe", "I feel so hopeless", "TALK"],
)
def test_no_page_ever_contains_the_message_or_the_number(text: str, responder: User) -> None:
    receive(text, at=T0)
    (page,) = pages()
    words = {w for w in text.lower().split() if len(w) > 3}
    assert not any(w in page.body.lower() for w in words)
    assert "5550123" not in page.body


def test_the_page_links_to_the_alert_on_the_public_base_url(responder: User) -> None:
    receive("I want to die", at=T0)
    (alert,) = alerts()
    policy = services.Policy(public_base_url="https://hub.example.org")
    text = services.page_text(alert, policy)
    assert (
        text == f"Support Hub: URGENT alert. Open https://hub.example.org/inbox/alerts/{alert.id}"
    )
    assert segments(text) == 1


def test_a_text_a_handler_says_needs_a_person_is_an_alert_even_from_a_stranger(
    responder: User,
) -> None:
    # What check-ins will return for the second unclear answer while a check-in awaits one.
    from support_hub.sms.conversation import Decision
    from support_hub.sms.models import Person
    from support_hub.triage import classify

    person = Person(phone="+16175550177")
    db.session.add(person)
    message = InboundMessage(message_sid="SMneeds", person=person, to_number="+1", body="blue")
    db.session.add(message)
    db.session.flush()
    decision = Decision(("asked again",), services.NEEDS_PERSON, classify("blue"))
    replies = services.raise_alert(person, message, decision, hub="Support Hub", now=T0)
    db.session.commit()
    assert replies == ("asked again",)
    (alert,) = alerts()
    assert alert.level is Level.ROUTINE and alert.kind == "needs_person"
    assert pages() == []


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    ("name", "needed"),
    [
        ("urgent_self_harm", ("988", "911")),
        ("urgent_medical", ("911",)),
        ("elevated", ("988",)),
        ("routine_received", ("988",)),
    ],
)
def test_replies_keep_their_numbers_whole_with_the_longest_hub_name(
    name: str, needed: tuple[str, ...], language: str
) -> None:
    from support_hub.sms.messages import render

    hub = "Metastatic Breast Cancer Support Hub MA1"  # 40 characters, the most HUB_NAME allows
    text = render(name, language, hub)
    assert segments(text) <= 2
    assert not text.endswith("...")
    assert all(number in text for number in needed)
    assert text.count(hub) == 2  # it starts with the hub, and names who has been told
