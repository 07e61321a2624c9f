"""Search by text (DESIGN §6) through the signed webhook, against listings in the test database."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from support_hub.db import utcnow
from support_hub.directory.models import Category, Delivery
from support_hub.extensions import db
from support_hub.sms.messages import segments
from support_hub.sms.models import Person
from support_hub.sms.search_text import fit_result_lines, parse
from tests.directory.conftest import add_listing
from tests.fakes.twilio_webhook import Phone

CAMBRIDGE = (42.3647, -71.1042)  # ZIP 02139


def _near_cambridge(count: int, category: Category = Category.SUPPORT_GROUP) -> list[str]:
    names = []
    for i in range(count):
        name = f"Group {i + 1}"
        # About 0.7 miles further north each time: nearest first is Group 1.
        add_listing(
            name, CAMBRIDGE[0] + 0.01 * (i + 1), CAMBRIDGE[1], category=category,
            phone=f"617-555-01{i:02d}", schedule=f"Tuesdays {i + 1} pm",
        )  # fmt: skip
        names.append(name)
    db.session.commit()
    return names


def _listed(reply: str) -> list[str]:
    return [line.split(" - ")[0].split(") ", 1)[1] for line in reply.splitlines() if ") " in line]


def test_a_zip_lists_the_three_nearest_one_line_each_within_two_segments(phone: Phone) -> None:
    _near_cambridge(5)
    phone.text("hi")
    (reply,) = phone.text("02139")
    assert reply.startswith("Support Hub: Near Cambridge, MA 02139:")
    assert _listed(reply) == ["Group 1", "Group 2", "Group 3"]
    first_line = reply.splitlines()[1]
    assert "Tuesdays 1 pm" in first_line and "617-555-0100" in first_line
    assert first_line.endswith(" mi")
    assert reply.endswith("Reply 1-3 for details, MORE for more.")
    assert segments(reply) <= 2


def test_more_gives_the_next_three_then_says_there_are_no_more(phone: Phone) -> None:
    _near_cambridge(5)
    phone.text("hi")
    phone.text("02139")
    (second_page,) = phone.text("MORE")
    assert _listed(second_page) == ["Group 4", "Group 5"]
    (third_page,) = phone.text("more")
    assert "No more results" in third_page


def test_a_number_gives_details_of_that_result(phone: Phone) -> None:
    _near_cambridge(3)
    phone.text("hi")
    phone.text("02139")
    (detail,) = phone.text("2")
    assert detail.startswith("Support Hub: Group 2.")
    assert "1 Test Street, Cambridge MA" in detail
    assert "Tuesdays 2 pm" in detail
    assert "Call 617-555-0101" in detail
    assert segments(detail) <= 2


def test_a_category_word_narrows_the_search(phone: Phone) -> None:
    _near_cambridge(2)
    add_listing("Nearest Counselor", CAMBRIDGE[0], CAMBRIDGE[1], category=Category.COUNSELING)
    db.session.commit()
    phone.text("hi")
    (groups,) = phone.text("GROUPS 02139")
    assert _listed(groups) == ["Group 1", "Group 2"]
    (counselors,) = phone.text("counselor near 02139")
    assert _listed(counselors) == ["Nearest Counselor"]


def test_city_and_state_with_a_category_word(phone: Phone) -> None:
    add_listing(
        "Austin Counseling", 30.2672, -97.7431, category=Category.COUNSELING,
        address=("1 Congress Ave", "Austin", "TX", "78701"),
    )  # fmt: skip
    add_listing(
        "Lincoln Park Chaplain", 41.9214, -87.6513, category=Category.SPIRITUAL_CARE,
        address=("1 Fullerton", "Chicago", "IL", "60614"),
    )  # fmt: skip
    db.session.commit()
    phone.text("hi")
    (austin,) = phone.text("COUNSELOR near Austin TX")
    assert "Near Austin, TX" in austin
    assert _listed(austin) == ["Austin Counseling"]
    (chicago,) = phone.text("CHAPLAIN 60614")
    assert _listed(chicago) == ["Lincoln Park Chaplain"]


def test_online_and_phone_options_are_offered_when_nothing_is_near(phone: Phone) -> None:
    _near_cambridge(2)
    add_listing(
        "Nationwide Phone Group", areas=(("national", None),), delivery=Delivery.PHONE,
        phone="800-555-0199",
    )  # fmt: skip
    db.session.commit()
    phone.text("hi")
    (reply,) = phone.text("59001")
    assert "Nothing within 25 miles" in reply
    assert _listed(reply) == ["Nationwide Phone Group"]
    assert "800-555-0199" in reply
    (detail,) = phone.text("1")
    assert "Online" in detail and "Call 800-555-0199" in detail


def test_nothing_at_all_offers_a_person(phone: Phone) -> None:
    phone.text("hi")
    (reply,) = phone.text("59001")
    assert "TALK" in reply


def test_a_misspelt_place_gets_suggestions(phone: Phone) -> None:
    phone.text("hi")
    (reply,) = phone.text("GROUPS Cambrige MA")
    assert "could not find Cambrige MA" in reply
    assert "Cambridge, MA" in reply


def test_a_category_word_alone_asks_for_a_place(phone: Phone) -> None:
    phone.text("hi")
    (reply,) = phone.text("GROUPS")
    assert "GROUPS 02139" in reply


def test_the_search_is_forgotten_after_a_day(phone: Phone) -> None:
    _near_cambridge(5)
    phone.text("hi")
    phone.text("02139")
    person = db.session.scalars(sa.select(Person)).one()
    db.session.refresh(person)
    person.conversation_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    (reply,) = phone.text("MORE")
    assert "search has ended" in reply
    (detail,) = phone.text("1")
    assert "search has ended" in detail


def test_long_names_are_shortened_to_keep_three_results_in_two_segments(phone: Phone) -> None:
    for i in range(3):
        add_listing(
            f"Metastatic Breast Cancer Peer Support Circle of Greater Boston {i}",
            CAMBRIDGE[0] + 0.01 * i, CAMBRIDGE[1],
            schedule="Second and fourth Tuesday of every month, 6:00–7:30 pm",
        )  # fmt: skip
    db.session.commit()
    phone.text("hi")
    (reply,) = phone.text("02139")
    assert segments(reply) <= 2
    assert len(_listed(reply)) == 3
    assert reply.endswith("Reply 1-3 for details.")


def test_spanish_texters_get_spanish_search_text(phone: Phone) -> None:
    _near_cambridge(4)
    phone.text("ESPAÑOL")
    (reply,) = phone.text("GRUPOS 02139")
    assert reply.startswith("Support Hub: Cerca de Cambridge")
    assert "MAS" in reply


def test_parse_splits_category_word_link_word_and_place() -> None:
    assert parse("COUNSELOR near Austin TX") == (Category.COUNSELING, "AUSTIN TX", "COUNSELOR")
    assert parse("chaplain 60614") == (Category.SPIRITUAL_CARE, "60614", "CHAPLAIN")
    assert parse("grupos cerca de 02139") == (Category.SUPPORT_GROUP, "02139", "GRUPOS")
    assert parse("02139") == (None, "02139", None)


def test_the_last_page_does_not_offer_more(phone: Phone) -> None:
    _near_cambridge(2)
    phone.text("hi")
    (reply,) = phone.text("02139")
    assert reply.endswith("Reply 1-2 for details.")
    assert "MORE" not in reply


_any_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=120
)


@given(
    header=st.sampled_from(["Support Hub: Near Cambridge, MA 02139:", "Centro: Cerca de 10001:"]),
    lines=st.lists(
        st.tuples(_any_text, _any_text, st.sampled_from(["617-555-0100", ""]), st.just("2.5 mi")),
        min_size=1,
        max_size=3,
    ),
)
def test_result_lists_fit_two_segments_whatever_the_listing_text(
    header: str, lines: list[tuple[str, str, str, str]]
) -> None:
    footer = "Reply 1-3 for details, MORE for more."
    text = fit_result_lines(header, [list(line) for line in lines], footer)
    assert segments(text) <= 2
    assert text.startswith(header.split(":")[0])
