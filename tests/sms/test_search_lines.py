"""What one result line of a text search shows, read without loading whole listings."""

from __future__ import annotations

from support_hub.directory.models import Delivery
from support_hub.extensions import db
from tests.directory.conftest import add_listing
from tests.fakes.twilio_webhook import Phone

CAMBRIDGE = (42.3647, -71.1042)  # ZIP 02139


def test_a_confidential_place_shows_no_town_and_only_whole_miles(phone: Phone) -> None:
    add_listing(
        "Safe House Group", CAMBRIDGE[0] + 0.02, CAMBRIDGE[1], confidential=True,
        address=("9 Hidden Lane", "Somerville", "MA", "02143"), schedule="Mondays 6 pm",
    )  # fmt: skip
    db.session.commit()
    phone.text("hi")
    (reply,) = phone.text("02139")
    line = reply.splitlines()[1]
    assert line.startswith("1) Safe House Group")
    assert "Somerville" not in reply and "Hidden" not in reply
    assert "Mondays 6 pm" in line
    distance = line.rsplit(" - ", 1)[1]
    assert distance.endswith(".0 mi"), distance
    (details,) = phone.text("1")
    assert "Hidden" not in details and "Somerville" not in details


def test_a_line_shows_the_town_schedule_phone_and_distance(phone: Phone) -> None:
    add_listing(
        "Open Circle", CAMBRIDGE[0] + 0.01, CAMBRIDGE[1], phone="+1 617 555 0199",
        schedule="Thursdays 7 pm", address=("1 Main St", "Cambridge", "MA", "02139"),
    )  # fmt: skip
    db.session.commit()
    phone.text("hi")
    (reply,) = phone.text("02139")
    line = reply.splitlines()[1]
    assert line == "1) Open Circle - Thursdays 7 pm, Cambridge - 617-555-0199 - 0.7 mi"


def test_online_options_are_listed_by_state_first_then_by_name(phone: Phone) -> None:
    add_listing("Zeta National Line", delivery=Delivery.PHONE, areas=(("national", None),))
    add_listing("Alpha National Line", delivery=Delivery.PHONE, areas=(("national", None),))
    add_listing("Massachusetts Line", delivery=Delivery.PHONE, areas=(("state", "MA"),))
    db.session.commit()
    phone.text("hi")
    (reply,) = phone.text("02139")
    names = [line.split(" - ")[0].split(") ", 1)[1] for line in reply.splitlines() if ") " in line]
    assert names == ["Massachusetts Line", "Alpha National Line", "Zeta National Line"]
