"""How many SQL statements one inbound text costs: a budget, so a slower webhook fails the suite.

The webhook runs on every text a person sends; each statement is a round trip (and, through the
ORM, most of the CPU a text costs). The budgets are today's counts: raise one only on purpose.
Statements are counted as the database sees them; the test suite's SAVEPOINTs are not counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from support_hub.extensions import db
from tests.directory.conftest import add_listing
from tests.fakes.twilio_webhook import Phone

CAMBRIDGE = (42.3647, -71.1042)  # ZIP 02139


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            seen.append(" ".join(statement.split())[:60])

    # Every engine: the test's session runs on the test database's connection, not the app's.
    sa.event.listen(sa.Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", count)


def _listings_near_cambridge(count: int) -> None:
    for i in range(count):
        add_listing(f"Group {i + 1}", CAMBRIDGE[0] + 0.005 * (i + 1), CAMBRIDGE[1])
    db.session.commit()


def test_a_first_text_costs_four_statements(phone: Phone) -> None:
    # One SELECT (replay check, person, open check-in, open alert, known to staff), then one
    # INSERT each: person, consent, message.
    with statements() as seen:
        assert phone.text("hello")
    assert len(seen) == 4, seen


def test_a_plain_text_from_a_known_number_costs_two_statements(phone: Phone) -> None:
    phone.text("hello")
    # One SELECT: the replay check and the texter with everything the check-ins and the
    # inbox's safety net need (the open check-in, an open alert, whether staff have met them);
    # one INSERT of the message with its answer.
    with statements() as seen:
        assert phone.text("thanks, I am doing ok today")
    assert len(seen) == 2, seen
    assert sum(s.startswith("INSERT") for s in seen) == 1
    assert not any(s.startswith("UPDATE") for s in seen)


def test_help_costs_two_statements(phone: Phone) -> None:
    phone.text("hello")
    with statements() as seen:
        assert phone.text("HELP")
    assert len(seen) == 2, seen


def test_a_zip_search_costs_at_most_nine_statements(phone: Phone) -> None:
    _listings_near_cambridge(5)
    phone.text("hello")
    with statements() as seen:
        (reply,) = phone.text("02139")
    assert "1) Group 1" in reply
    # The replay check with the texter, (SQLite) the directory's size for the first ring, the
    # nearest ring, names, phones, schedules, places, the person's search state, the message:
    # never the ORM's one-query-per-relationship listing loads.
    assert len(seen) <= 9, seen


def test_a_replay_costs_one_statement(phone: Phone) -> None:
    first = phone.text("hello", sid="SM" + "b" * 32)
    with statements() as seen:
        assert phone.text("hello", sid="SM" + "b" * 32) == first
    assert len(seen) == 1, seen
