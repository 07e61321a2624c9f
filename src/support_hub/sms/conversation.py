"""What the hub answers to one inbound text: keywords first, then triage, then search.

`respond` decides and changes the person (language, consent, search state) inside the caller's
transaction; `services.receive_inbound` owns the transaction. Replies travel back in the
webhook's TwiML (Twilio sends them); they are stored on the inbound row before the answer goes out.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from support_hub import triage
from support_hub.checkins import conversation as checkin_conversation
from support_hub.sms import keywords, search_text
from support_hub.sms.consent import apply_opt_in_again, apply_opt_out
from support_hub.sms.keywords import Intent, KeywordMatch
from support_hub.sms.messages import render
from support_hub.sms.models import ConsentSource, Person

# A text a person on staff must read whatever its level (the inbox makes it at least a routine
# alert, inbox/services.py): e.g. a check-in reply that could not be read twice in a row.
NEEDS_PERSON = "needs_person"


@dataclass(frozen=True)
class Decision:
    replies: tuple[str, ...]
    handled_as: str
    triage: triage.Triage | None = None


class NotRead(enum.Enum):
    """A fact about the texter the caller has not read yet (the handler reads it if it needs it)."""

    NOT_READ = "not read"


@dataclass(frozen=True)
class Turn:
    """One inbound text as the handlers see it.

    `open_checkin_id` is the check-in this text may answer, when the caller read it with the
    person (the webhook does, in one statement); `NotRead.NOT_READ` makes the handler look.
    """

    person: Person
    text: str
    first_contact: bool
    hub: str
    now: datetime
    open_checkin_id: str | NotRead | None = NotRead.NOT_READ

    def say(self, name: str, language: str | None = None, **values: object) -> str:
        return render(name, language or self.person.language, self.hub, **values)


def _opt_out(turn: Turn, match: KeywordMatch) -> Decision:
    newly = apply_opt_out(turn.person, ConsentSource.KEYWORD, turn.text, turn.now)
    # Exactly one confirmation: a second STOP from an opted-out number gets silence.
    replies = (turn.say("opted_out", _reply_language(turn, match)),) if newly else ()
    return Decision(replies, "opt_out")


def _opt_in(turn: Turn, match: KeywordMatch) -> Decision:
    apply_opt_in_again(turn.person, ConsentSource.KEYWORD, turn.text, turn.now)
    return Decision((turn.say("opted_in_again", _reply_language(turn, match)),), "opt_in")


def _help(turn: Turn, match: KeywordMatch) -> Decision:
    # CTIA: HELP is answered even for an opted-out number; it says how to START again.
    return Decision((turn.say("help", _reply_language(turn, match)),), "help")


def _set_language(language: str) -> Callable[[Turn, KeywordMatch], Decision]:
    def handler(turn: Turn, _match: KeywordMatch) -> Decision:
        turn.person.language = language
        if turn.person.opted_out:
            return Decision((), f"language_{language}")
        return Decision((turn.say("language_set"),), f"language_{language}")

    return handler


def _more(turn: Turn, _match: KeywordMatch) -> Decision:
    if turn.person.opted_out:
        return Decision((), "more")
    return Decision(_with_welcome(turn, search_text.more(turn)), "more")


HANDLERS: dict[Intent, Callable[[Turn, KeywordMatch], Decision | None]] = {
    Intent.OPT_OUT: _opt_out,
    Intent.OPT_IN: _opt_in,
    Intent.HELP: _help,
    Intent.ENGLISH: _set_language("en"),
    Intent.SPANISH: _set_language("es"),
    Intent.MORE: _more,
}


def _reply_language(turn: Turn, match: KeywordMatch) -> str:
    """The language of a keyword's answer.

    The English words (STOP, HELP) are what carriers print everywhere, so Spanish speakers use
    them too: they are answered in the person's language. A Spanish word (ALTO, AYUDA) from
    someone we know as English is answered in Spanish.
    """
    return turn.person.language if match.language == "en" else match.language


def _with_welcome(turn: Turn, replies: tuple[str, ...]) -> tuple[str, ...]:
    if not turn.first_contact:
        return replies
    return (turn.say("welcome"), *replies)


_DETAIL_CHOICE = re.compile(r"^\s*#?([1-9])\s*[.!)]?\s*$")


def respond(
    person: Person,
    text: str,
    *,
    first_contact: bool,
    hub: str,
    now: datetime,
    open_checkin_id: str | NotRead | None = NotRead.NOT_READ,
) -> Decision:
    """Decide the answer to one text and apply its changes (the caller commits)."""
    turn = Turn(person, text, first_contact, hub, now, open_checkin_id)
    match = keywords.match(text)
    if match is not None:
        if first_contact and match.language != "en":
            person.language = match.language
        handler = HANDLERS.get(match.intent) or checkin_conversation.HANDLERS[match.intent]
        decision = handler(turn, match)
        if decision is not None:
            if match.intent in (Intent.OPT_OUT, Intent.HELP, Intent.MORE):
                return decision
            return Decision(_with_welcome(turn, decision.replies), decision.handled_as)
        # Not a command for this person (YES with nothing pending...): free text below.

    # A reply to an open check-in is triaged with a score awaited and recorded on the check-in.
    answer = checkin_conversation.answer_open_checkin(turn)
    if answer is not None:
        level = answer.triage
    else:
        level = triage.classify(text, person.language, awaiting_score=False)
    if person.opted_out:
        # Stored and triaged so staff can see it, but nothing is sent after an opt-out.
        return Decision((), "ignored_opted_out", level)
    if level.level is triage.Level.URGENT:
        replies = []
        if triage.Concern.SELF_HARM in level.concerns:
            replies.append(turn.say("urgent_self_harm"))
        if triage.Concern.MEDICAL in level.concerns:
            replies.append(turn.say("urgent_medical"))
        # Danger first; the welcome can wait until after the numbers that matter.
        welcome = (turn.say("welcome"),) if first_contact else ()
        return Decision((*replies, *welcome), "triage", level)
    if level.level is triage.Level.ELEVATED:
        return Decision(_with_welcome(turn, (turn.say("elevated"),)), "triage", level)
    if answer is not None:
        # Unreadable twice while a check-in waits: a person reads it (DESIGN §7).
        handled_as = NEEDS_PERSON if answer.needs_person else answer.handled_as
        return Decision(answer.replies, handled_as, level)
    cadence = checkin_conversation.bare_cadence(turn)
    if cadence is not None:
        return cadence

    choice = _DETAIL_CHOICE.match(text)
    if choice is not None:
        return Decision(
            _with_welcome(turn, search_text.details(turn, int(choice.group(1)))), "details", level
        )
    found = search_text.search(turn)
    if found is not None:
        return Decision(_with_welcome(turn, found), "search", level)
    if not triage.is_small_talk(text):
        # Words the hub cannot answer and the triage found no danger in: a person reads them
        # anyway (a routine alert, no page), and the answer says so with 988 and 911. The rules
        # miss new ways of saying dangerous things; "not recognised" must not mean "not read".
        return Decision(_with_welcome(turn, (turn.say("routine_received"),)), NEEDS_PERSON, level)
    if first_contact:
        return Decision((turn.say("welcome"),), "welcome", level)
    return Decision((turn.say("not_understood"),), "not_understood", level)
