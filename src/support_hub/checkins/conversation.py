"""Check-in keywords and replies, plugged into the SMS conversation (DESIGN §6).

Two entry points for `sms/conversation.py`:

- `HANDLERS`: the check-in intents of the keyword table (CHECKIN/JOIN [CAREGIVER], YES/SI,
  WHEN <day time>/CUANDO, PAUSE [2W]/PAUSA, RESUME/REANUDAR). A handler returns None when the
  message is not a command for this person (YES with nothing pending, "when can I talk" whose
  argument is no time): the text then goes on as free text to triage and search.
- `answer_open_checkin(turn)`: "this inbound text answers an open check-in". It triages the text
  with `awaiting_score=True`, records reply, score and level on the check-in, and returns a
  `CheckinAnswer`; the caller keeps the urgent/elevated replies (and alerts) it gives any text.

A day and time may be sent bare ("TUE 10AM", "mornings") by someone who has check-ins, when the
message contains a letter and parses whole as a preference (so "10" stays a score, and "Austin
TX" stays a search): `bare_cadence(turn)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app

from support_hub import triage
from support_hub.checkins import services
from support_hub.checkins.models import CheckIn, Role, SubscriptionStatus
from support_hub.checkins.preferences import PreferenceError, parse_cadence, parse_pause
from support_hub.extensions import db
from support_hub.sms.keywords import Intent, KeywordMatch

if TYPE_CHECKING:
    from support_hub.sms.conversation import Decision, Turn


def _decision(replies: tuple[str, ...], handled_as: str) -> Decision:
    from support_hub.sms.conversation import Decision

    return Decision(replies, handled_as)


def _language(turn: Turn, match: KeywordMatch) -> str:
    # A Spanish command word is answered in Spanish; English ones in the person's language.
    return turn.person.language if match.language == "en" else match.language


def _hub_zone() -> str:
    from support_hub import get_settings

    return get_settings(current_app).hub_timezone


def _join(role: Role) -> Callable[[Turn, KeywordMatch], Decision | None]:
    def handler(turn: Turn, match: KeywordMatch) -> Decision | None:
        if turn.person.opted_out:
            # After STOP only HELP and START are answered (START first, then CHECKIN).
            return _decision((), "checkin_join_opted_out")
        language = _language(turn, match)
        if match.language != "en":
            turn.person.language = language
        asked = services.request(turn.person, role, turn.text, turn.now, _hub_zone())
        if not asked:
            sub = services.subscription_of(turn.person)
            assert sub is not None
            when = services.describe(sub.cadence(), language)
            return _decision((turn.say("checkin_already", language, when=when),), "checkin_join")
        name = "checkin_consent_caregiver" if role is Role.CAREGIVER else "checkin_consent"
        return _decision((turn.say(name, language),), "checkin_join")

    return handler


def _confirm(turn: Turn, match: KeywordMatch) -> Decision | None:
    if turn.person.opted_out:
        return None
    sub = services.confirm(turn.person, turn.text, turn.now)
    if sub is None:
        return None  # "yes" to nothing we asked: free text
    language = _language(turn, match)
    when = services.describe(sub.cadence(), language)
    return _decision((turn.say("checkin_confirmed", language, when=when),), "checkin_confirm")


def _subscribed(turn: Turn) -> services.Subscription | None:
    sub = services.subscription_of(turn.person)
    if sub is None or sub.status not in (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED):
        return None
    return sub


def _not_joined(turn: Turn, match: KeywordMatch, handled_as: str) -> Decision:
    return _decision((turn.say("checkin_not_joined", _language(turn, match)),), handled_as)


def _when(turn: Turn, match: KeywordMatch) -> Decision | None:
    if turn.person.opted_out:
        return None
    try:
        cadence = parse_cadence(match.argument)
    except PreferenceError:
        # "WHEN 25PM" is a bad time; "when can someone call me" is a question for a person.
        words = match.argument.split()
        if len(words) <= 2 and any(ch.isdigit() for ch in match.argument):
            return _decision(
                (turn.say("checkin_when_bad", _language(turn, match)),), "checkin_when"
            )
        return None
    return _apply_cadence(turn, _language(turn, match), cadence) or _not_joined(
        turn, match, "checkin_when"
    )


def _apply_cadence(turn: Turn, language: str, cadence: services.Cadence) -> Decision | None:
    sub = _subscribed(turn)
    if sub is None:
        return None
    services.set_cadence(sub, cadence, turn.now)
    when = services.describe(sub.cadence(), language)
    return _decision((turn.say("checkin_when_set", language, when=when),), "checkin_when")


def _pause(turn: Turn, match: KeywordMatch) -> Decision | None:
    if turn.person.opted_out:
        return None
    language = _language(turn, match)
    try:
        length = parse_pause(match.argument)
    except PreferenceError:
        if len(match.argument.split()) <= 2 and any(ch.isdigit() for ch in match.argument):
            return _decision((turn.say("checkin_pause_bad", language),), "checkin_pause")
        return None  # "pause the pain" and the like: free text
    sub = _subscribed(turn)
    if sub is None:
        return _not_joined(turn, match, "checkin_pause")
    services.pause(sub, length, turn.now)
    if sub.paused_until is None:
        return _decision((turn.say("checkin_paused", language),), "checkin_pause")
    local = sub.paused_until.astimezone(services.ZoneInfo(sub.zone))
    day = local.strftime("%m/%d/%Y") if language == "en" else local.strftime("%d/%m/%Y")
    return _decision((turn.say("checkin_paused_until", language, date=day),), "checkin_pause")


def _resume(turn: Turn, match: KeywordMatch) -> Decision | None:
    if turn.person.opted_out:
        return None
    language = _language(turn, match)
    sub = _subscribed(turn)
    if sub is None:
        return _not_joined(turn, match, "checkin_resume")
    services.resume(sub, turn.now)
    when = services.describe(sub.cadence(), language)
    return _decision((turn.say("checkin_resumed", language, when=when),), "checkin_resume")


HANDLERS: dict[Intent, Callable[[Turn, KeywordMatch], Decision | None]] = {
    Intent.CHECKIN_JOIN: _join(Role.PATIENT),
    Intent.CHECKIN_JOIN_CAREGIVER: _join(Role.CAREGIVER),
    Intent.CHECKIN_CONFIRM: _confirm,
    Intent.CHECKIN_WHEN: _when,
    Intent.CHECKIN_PAUSE: _pause,
    Intent.CHECKIN_RESUME: _resume,
}


def bare_cadence(turn: Turn) -> Decision | None:
    """ "TUE 10AM" without WHEN, from someone who has check-ins (see module docstring)."""
    if turn.person.opted_out or not any(ch.isalpha() for ch in turn.text):
        return None
    try:
        cadence = parse_cadence(turn.text)
    except PreferenceError:
        return None
    return _apply_cadence(turn, turn.person.language, cadence)


@dataclass(frozen=True)
class CheckinAnswer:
    """What `answer_open_checkin` found: the triage (score awaited) and the routine reply.

    `needs_person` is True when the reply could not be read twice in a row (DESIGN §7: asked
    once more, then it goes to a person); the inbox raises the alert from it.
    """

    checkin_id: str
    triage: triage.Triage
    replies: tuple[str, ...]
    handled_as: str
    needs_person: bool = False


def answer_open_checkin(turn: Turn) -> CheckinAnswer | None:
    """This inbound text answers an open check-in: triage it and record it; None if none is open.

    Urgent and elevated levels keep the conversation's own replies; `replies` here are for a
    routine answer (thanks), or the one re-ask of an unreadable one.
    """
    if isinstance(turn.open_checkin_id, str):
        checkin = db.session.get(CheckIn, turn.open_checkin_id)
    elif turn.open_checkin_id is None:
        return None
    else:
        checkin = services.open_checkin(turn.person, turn.now)
    if checkin is None:
        return None
    level = triage.classify(turn.text, turn.person.language, awaiting_score=True)
    unreadable = level.level is triage.Level.ROUTINE and level.score is None
    if unreadable and not checkin.reasked:
        checkin.reasked = True
        return CheckinAnswer(
            checkin.id, level, (turn.say("checkin_reask"),), "checkin_reask", needs_person=False
        )
    services.record_answer(checkin, turn.text, level.score, level.level.value, turn.now)
    if unreadable:
        return CheckinAnswer(
            checkin.id, level, (turn.say("elevated"),), "checkin_unreadable", needs_person=True
        )
    return CheckinAnswer(checkin.id, level, (turn.say("checkin_thanks"),), "checkin_answer")
