"""Check-in keywords in English and Spanish, the consent ledger, answers and silences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from support_hub.checkins import services
from support_hub.checkins.models import FollowUp, FollowUpStatus, Role, SubscriptionStatus
from support_hub.extensions import db
from support_hub.outbox.delivery import deliver_due
from support_hub.outbox.models import OutboxStatus
from support_hub.sms.gateway import ConsoleGateway
from support_hub.sms.messages import segments
from support_hub.sms.models import ConsentKind, ConsentSource
from tests.checkins.helpers import (
    HUB,
    NUMBER,
    checkin_rows,
    checkins,
    person,
    subscribe,
    subscription,
    text,
)

TUESDAY_10AM_BOSTON = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def _ledger() -> list[tuple[ConsentKind, ConsentSource, str]]:
    return [(e.kind, e.source, e.text) for e in person().consent_events]


def _deliver(app: Flask, at: datetime = TUESDAY_10AM_BOSTON) -> ConsoleGateway:
    """What the worker would send at `at` (the clock is the test's, not the machine's)."""
    gateway = ConsoleGateway()
    while deliver_due(gateway, "test-worker", now=at):
        pass
    return gateway


def test_checkin_asks_for_consent_naming_program_frequency_rates_help_and_stop() -> None:
    text("hello")
    (prompt,) = text("checkin")
    for words in ("Weekly Wellbeing Check-ins", "one text a week", "Msg&data rates may apply"):
        assert words in prompt
    assert "HELP" in prompt and "STOP" in prompt and "YES" in prompt
    assert segments(prompt) <= 2
    assert subscription().status is SubscriptionStatus.PENDING
    assert subscription().next_due_at is None


def test_yes_confirms_and_both_steps_are_in_the_consent_ledger() -> None:
    text("hello")
    text("JOIN")
    (confirmation,) = text("Yes!")
    assert "on Tuesdays at 10:00 AM" in confirmation
    assert "STOP" in confirmation
    sub = subscription()
    assert sub.status is SubscriptionStatus.ACTIVE
    assert sub.role is Role.PATIENT
    assert sub.zone == "America/New_York"
    assert sub.next_due_at == TUESDAY_10AM_BOSTON
    assert _ledger()[-2:] == [
        (ConsentKind.OPT_IN, ConsentSource.KEYWORD, "JOIN"),
        (ConsentKind.CONFIRM, ConsentSource.KEYWORD, "Yes!"),
    ]


def test_spanish_keywords_answer_in_spanish() -> None:
    prompt = text("SEGUIMIENTO")[-1]
    assert "Chequeo Semanal de Bienestar" in prompt and "ALTO" in prompt
    (confirmation,) = text("sí")
    assert "los martes a las 10:00 AM" in confirmation
    assert person().language == "es"
    assert _ledger()[-1] == (ConsentKind.CONFIRM, ConsentSource.KEYWORD, "sí")


@pytest.mark.parametrize("words", ["CHECKIN CAREGIVER", "join caregiver", "UNIRME CUIDADORA"])
def test_caregivers_enrol_as_caregivers_and_get_the_caregiver_question(
    words: str, app: Flask
) -> None:
    prompt = text(words)[-1]
    assert "Caregiver" in prompt or "Cuidadores" in prompt
    text("YES")
    assert subscription().role is Role.CAREGIVER
    services.schedule_due(HUB, now=TUESDAY_10AM_BOSTON)
    (row,) = checkin_rows()
    assert "caregiver check-in" in row.body or "chequeo para cuidadores" in row.body


def test_yes_with_nothing_pending_is_free_text() -> None:
    text("hello")
    (reply,) = text("YES")
    assert "did not understand" in reply
    assert db.session.scalar(sa.select(sa.func.count()).select_from(services.Subscription)) == 0


def test_checkin_when_already_subscribed_says_so_and_keeps_the_schedule() -> None:
    subscribe()
    before = subscription().next_due_at
    (reply,) = text("CHECKIN")
    assert "already" in reply
    assert subscription().next_due_at == before


@pytest.mark.parametrize(
    ("words", "expected", "due"),
    [
        ("WHEN THU 2PM", "on Thursdays at 2:00 PM", datetime(2026, 11, 26, 19, 0, tzinfo=UTC)),
        ("when friday 9:30am", "on Fridays at 9:30 AM", datetime(2026, 11, 27, 14, 30, tzinfo=UTC)),
        ("THU 2PM", "on Thursdays at 2:00 PM", datetime(2026, 11, 26, 19, 0, tzinfo=UTC)),
        ("mornings", "on Tuesdays at 9:30 AM", datetime(2026, 11, 24, 14, 30, tzinfo=UTC)),
        ("CUANDO VIE 9AM", "los viernes a las 9:00 AM", datetime(2026, 11, 27, 14, 0, tzinfo=UTC)),
    ],
)
def test_a_day_and_time_sets_the_preference(words: str, expected: str, due: datetime) -> None:
    subscribe()
    (reply,) = text(words)
    assert expected in reply
    assert subscription().next_due_at == due


def test_a_time_outside_the_window_is_refused_and_changes_nothing() -> None:
    subscribe()
    (reply,) = text("WHEN 11PM")
    assert "8 AM to 9 PM" in reply
    assert subscription().next_due_at == TUESDAY_10AM_BOSTON


def test_when_questions_are_not_commands() -> None:
    subscribe()
    (reply,) = text("when does the group end")
    assert "Check-ins" not in reply and "check in" not in reply
    assert subscription().next_due_at == TUESDAY_10AM_BOSTON


def test_when_without_checkins_says_how_to_join() -> None:
    (_welcome, reply) = text("WHEN TUE 10AM")
    assert "CHECKIN" in reply


def test_pause_resume_and_timed_pause_in_both_languages() -> None:
    subscribe()
    (paused,) = text("PAUSE")
    assert "RESUME" in paused
    assert subscription().status is SubscriptionStatus.PAUSED
    assert subscription().next_due_at is None
    (resumed,) = text("RESUME")
    assert "back on" in resumed
    assert subscription().next_due_at == TUESDAY_10AM_BOSTON
    (two_weeks,) = text("PAUSE 2W")
    assert "12/07/2026" in two_weeks
    assert subscription().next_due_at == datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    (pausa,) = text("PAUSA 10 DIAS")
    assert "en pausa hasta el 03/12/2026" in pausa
    (reanudar,) = text("reanudar")
    assert "vuelven" in reanudar
    assert subscription().status is SubscriptionStatus.ACTIVE


def test_a_bad_pause_length_is_refused() -> None:
    subscribe()
    (reply,) = text("PAUSE 0W")
    assert "1 day to 12 months" in reply
    assert subscription().status is SubscriptionStatus.ACTIVE


def test_stop_ends_checkins_and_cancels_the_queued_one() -> None:
    subscribe()
    services.schedule_due(HUB, now=TUESDAY_10AM_BOSTON)
    assert [r.status for r in checkin_rows()] == [OutboxStatus.PENDING]
    text("STOP", TUESDAY_10AM_BOSTON)
    assert subscription().status is SubscriptionStatus.STOPPED
    assert [r.status for r in checkin_rows()] == [OutboxStatus.CANCELLED]
    assert services.schedule_due(HUB, now=TUESDAY_10AM_BOSTON + timedelta(days=7)).due == 0
    assert text("CHECKIN", TUESDAY_10AM_BOSTON) == ()  # nothing is sent after STOP


def test_a_score_is_recorded_on_the_open_checkin(app: Flask) -> None:
    subscribe()
    services.schedule_due(HUB, now=TUESDAY_10AM_BOSTON)
    (question,) = _deliver(app).sent
    assert "How much distress have you felt this past week" in question.body
    assert "TALK" in question.body
    (reply,) = text("2", TUESDAY_10AM_BOSTON + timedelta(hours=1))
    assert "Thank you for checking in" in reply
    (checkin,) = checkins()
    assert (checkin.score, checkin.level, checkin.reply) == (2, "routine", "2")


def test_a_high_score_gets_the_elevated_answer(app: Flask) -> None:
    subscribe()
    services.schedule_due(HUB, now=TUESDAY_10AM_BOSTON)
    _deliver(app)
    (reply,) = text("8", TUESDAY_10AM_BOSTON + timedelta(hours=1))
    assert "A person from the hub will text you back" in reply
    (checkin,) = checkins()
    assert (checkin.score, checkin.level) == (8, "elevated")


def test_an_unreadable_reply_is_asked_once_more_then_goes_to_a_person(app: Flask) -> None:
    subscribe()
    services.schedule_due(HUB, now=TUESDAY_10AM_BOSTON)
    _deliver(app)
    (again,) = text("hmm", TUESDAY_10AM_BOSTON + timedelta(hours=1))
    assert "Reply a number from 0" in again
    assert checkins()[0].answered_at is None
    (handed,) = text("whatever", TUESDAY_10AM_BOSTON + timedelta(hours=2))
    assert "A person from the hub will text you back" in handed
    assert checkins()[0].reply == "whatever"


def test_a_number_without_an_open_checkin_is_not_a_score() -> None:
    subscribe()
    (reply,) = text("8")
    assert "Thank you for checking in" not in reply


def test_two_silent_checkins_in_a_row_make_one_low_priority_follow_up(app: Flask) -> None:
    subscribe()
    for week in range(3):
        services.schedule_due(HUB, now=TUESDAY_10AM_BOSTON + timedelta(weeks=week))
        _deliver(app, TUESDAY_10AM_BOSTON + timedelta(weeks=week))
        services.close_unanswered(TUESDAY_10AM_BOSTON + timedelta(weeks=week, days=4))
        follow_ups = list(db.session.scalars(sa.select(FollowUp)))
        assert len(follow_ups) == (0 if week == 0 else 1)
    assert [c.missed for c in checkins()] == [True, True, True]
    assert services.open_follow_ups()[0].person_id == person().id
    # An answer closes it.
    services.schedule_due(HUB, now=TUESDAY_10AM_BOSTON + timedelta(weeks=3))
    _deliver(app, TUESDAY_10AM_BOSTON + timedelta(weeks=3))
    text("3", TUESDAY_10AM_BOSTON + timedelta(weeks=3, hours=1))
    assert db.session.scalars(sa.select(FollowUp.status)).all() == [FollowUpStatus.DONE]
    assert subscription().missed_in_row == 0


def test_send_now_queues_the_checkin_and_never_twice_a_period(cli: FlaskCliRunner) -> None:
    subscribe()
    result = cli.invoke(args=["checkins", "send-now", "--phone", "(617) 555-0123", "--force"])
    assert result.exit_code == 0, result.output
    (row,) = checkin_rows()
    assert row.to_number == NUMBER and row.status is OutboxStatus.PENDING
    again = cli.invoke(args=["checkins", "send-now", "--phone", NUMBER, "--force"])
    assert again.exit_code != 0
    assert "already sent" in again.output
    assert len(checkin_rows()) == 1


def test_send_now_respects_quiet_hours_unless_forced() -> None:
    subscribe()
    late = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 22:00 in Boston
    with pytest.raises(services.SendNowError, match="08:00-21:00"):
        services.send_now(NUMBER, HUB, now=late)
    assert checkin_rows() == []
    assert services.send_now(NUMBER, HUB, now=late, force=True) == "2026-W48"


def test_send_now_refuses_numbers_without_checkins(cli: FlaskCliRunner) -> None:
    text("hello")
    result = cli.invoke(args=["checkins", "send-now", "--phone", NUMBER])
    assert result.exit_code != 0 and "no check-in subscription" in result.output
    bad = cli.invoke(args=["checkins", "send-now", "--phone", "not a number"])
    assert bad.exit_code != 0 and "--phone" in bad.output


def test_the_zone_follows_the_zip_the_person_searched_with() -> None:
    text("hello")
    someone = person()
    someone.conversation = {"place": "Denver, CO 80202", "page": 1}
    db.session.commit()
    text("CHECKIN")
    text("YES")
    assert subscription().zone == "America/Denver"
    assert subscription().next_due_at == datetime(2026, 11, 24, 17, 0, tzinfo=UTC)


def test_the_hub_default_zone_is_used_when_nothing_else_is_known(app: Flask) -> None:
    from support_hub.checkins.timezones import resolve_zone

    # A toll-free number has no area; HUB_TIMEZONE (default America/New_York) decides.
    assert app.extensions["support_hub.settings"].hub_timezone == "America/New_York"
    assert resolve_zone(None, "+18005550199", "America/New_York").key == "America/New_York"
