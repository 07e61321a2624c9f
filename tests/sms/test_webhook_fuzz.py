"""Fuzzing `POST /sms/inbound` (issue 9, item 3): whatever arrives, never a 500.

Signed posts carry any Unicode (odd planes, right-to-left, emoji, NUL, control characters),
bodies up to and past 1,600 characters, missing, duplicated and extra fields: each is stored
once per MessageSid or refused with a 400, and a replay changes nothing. Forged posts (signed
over another URL or body, truncated, with another token or scheme, or unsigned) are a 403 that
changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from itertools import count
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from support_hub.extensions import db
from support_hub.sms.models import InboundMessage
from tests.fakes.twilio_webhook import AUTH_TOKEN, twilio_form
from tests.fuzzing import fuzz_examples, table_counts

URL = "http://localhost/sms/inbound"
Pairs = list[tuple[str, str]]

# Characters a phone, a carrier or an attacker can put in a form field, beyond what st.text()
# reaches often: NUL and controls, bidi overrides, zero-width joiners, emoji with modifiers,
# astral planes (CJK extension, tags, private use), a BOM, and Spanish and Arabic letters.
_ODD = (
    "\x01\x07\x08\t\n\x0b\x0c\r\x1b\x7f\x85\xa0"
    "\u200b\u200d\u200e\u200f\u202a\u202e\u2066\u2069\u2028\u2029\ufeff\ufffd\uffff"
    "ñÑáé¿¡שלוםمرحبا"
    "\U0001f397\U0001f3fd\U0001f468\u200d\U0001f469\U0001f9ec\U00020000\U0002a6d6"
    "\U000e0041\U000e007f\U000f0000\U0010fffd"
)
# NUL is rare on purpose: any NUL makes the post a 400, and most examples should get stored.
_CHARS = st.one_of(st.characters(codec="utf-8", exclude_characters="\x00"), st.sampled_from(_ODD))
_NUL = st.sampled_from(["\x00", "a\x00b", "STOP\x00"])
_TEXT = st.text(_CHARS, max_size=40)
_BODY = st.one_of(
    _TEXT,
    st.sampled_from(["STOP", "help", "02139", "CHECKIN", "YES", "7", "TALK", "I want to die"]),
    # Twilio joins a long message's segments into one Body of up to 1,600 characters.
    st.text(_CHARS, min_size=1590, max_size=1700),
)
# Any field may hold a number where text belongs, or a number too big for any column.
_VALUE = st.one_of(
    _BODY,
    _NUL,
    st.integers().map(str),
    st.sampled_from(["-1", " 3 ", "1e3", "0x10", "١٢", "9" * 30, "NaN", "2147483648", ""]),
)
_FROM = st.one_of(
    st.integers(0, 9999).map(lambda n: f"+1617555{n:04d}"),
    st.sampled_from(["(617) 555-0199", "617.555.0142", "+44 7700 900123", "+52 55 1234 5678"]),
    _TEXT,
)
_sids = count(1)


@st.composite
def inbound_forms(draw: st.DrawFn) -> Pairs:
    """A Twilio inbound form, then fields dropped, repeated with other values, and added."""
    sid = f"SMfuzz{next(_sids):08d}" + draw(st.text(_CHARS, max_size=70))
    form = twilio_form(draw(_BODY), from_=draw(_FROM), sid=sid)
    for key in draw(st.sets(st.sampled_from(sorted(form)), max_size=3)):
        form[key] = draw(_VALUE)
    dropped = draw(st.sets(st.sampled_from(sorted(form)), max_size=4))
    pairs = [(key, value) for key, value in form.items() if key not in dropped]
    for key in draw(st.lists(st.sampled_from(sorted(form)), max_size=3)):
        pairs.insert(draw(st.integers(0, len(pairs))), (key, draw(_VALUE)))
    pairs += draw(st.lists(st.tuples(st.text(_CHARS, min_size=1, max_size=20), _TEXT), max_size=3))
    return pairs


def _signature(url: str, pairs: Pairs, token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, MultiDict(pairs))


def _post(client: FlaskClient, pairs: Pairs, signature: str | None) -> TestResponse:
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    return client.post(
        "/sms/inbound",
        data=urlencode(pairs).encode(),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


def _stored(sid: str) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(InboundMessage)
            .where(InboundMessage.message_sid == sid)
        )
        or 0
    )


def _first(pairs: Pairs, key: str) -> str | None:
    return next((value for name, value in pairs if name == key), None)


@settings(
    max_examples=fuzz_examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pairs=inbound_forms())
def test_any_signed_post_is_stored_once_or_refused_and_a_replay_changes_nothing(
    twilio_app: Flask, pairs: Pairs
) -> None:
    client = twilio_app.test_client()
    signature = _signature(URL, pairs)
    sid = (_first(pairs, "MessageSid") or "").strip()[:64]
    # A fuzzed MessageSid ("7", "STOP") can repeat an earlier example's: then this is a replay.
    # (A MessageSid with a NUL is a 400, and PostgreSQL can't even be asked about it.)
    new = "\x00" in sid or _stored(sid) == 0
    before = table_counts()

    response = _post(client, pairs, signature)

    note(f"MessageSid {sid!r} (new: {new}), HTTP {response.status_code}")
    assert response.status_code in (200, 400), response.data[:300]
    event(f"HTTP {response.status_code}")
    after = table_counts()
    if response.status_code == 400:
        assert after == before
        return
    assert _stored(sid) == 1
    assert after["sms_inbound_message"] == before["sms_inbound_message"] + new
    if not new:
        assert after == before
    replay = _post(client, pairs, signature)
    assert replay.status_code == 200
    assert replay.data == response.data
    assert table_counts() == after


_FORGERIES = (
    "absent",
    "empty",
    "other path",
    "other host",
    "https instead of http",
    "query string added",
    "body changed",
    "field added",
    "field removed",
    "field repeated with another value",
    "truncated",
    "one character changed",
    "other token",
    "hmac-sha256",
    "hex digest",
    "bearer prefix",
)


def _forge(way: str, pairs: Pairs) -> tuple[Pairs, str | None]:
    """The form actually sent and the signature sent with it, forged `way`."""
    good = _signature(URL, pairs)
    signed_string = URL + "".join(
        key + value for key in sorted({k for k, _ in pairs}) for value in sorted(
            {v for k, v in pairs if k == key}
        )
    )  # fmt: skip
    mac = hmac.new(AUTH_TOKEN.encode(), signed_string.encode(), hashlib.sha256)
    body = _first(pairs, "Body") or ""
    match way:
        case "absent":
            return pairs, None
        case "empty":
            return pairs, ""
        case "other path":
            return pairs, _signature("http://localhost/sms/status", pairs)
        case "other host":
            return pairs, _signature("http://attacker.example/sms/inbound", pairs)
        case "https instead of http":
            return pairs, _signature("https://localhost/sms/inbound", pairs)
        case "query string added":
            return pairs, _signature(URL + "?Body=STOP", pairs)
        case "body changed":
            changed = [(k, v + "!" if k == "Body" else v) for k, v in pairs]
            return (changed if "Body" in dict(pairs) else [*pairs, ("Body", "STOP")]), good
        case "field added":
            return [*pairs, ("ForgedField", "1")], good
        case "field removed":
            # Every copy of it: Twilio signs each distinct value once, so dropping one of two
            # identical copies leaves the same signed content (and the same form to the app).
            return [(k, v) for k, v in pairs if k != pairs[0][0]], good
        case "field repeated with another value":
            return [*pairs, ("Body", body + "STOP")], good
        case "truncated":
            return pairs, good[:-2]
        case "one character changed":
            return pairs, ("A" if good[0] != "A" else "B") + good[1:]
        case "other token":
            return pairs, _signature(URL, pairs, token="f" * 32)
        case "hmac-sha256":
            return pairs, base64.b64encode(mac.digest()).decode()
        case "hex digest":
            sha1 = hmac.new(AUTH_TOKEN.encode(), signed_string.encode(), hashlib.sha1)
            return pairs, sha1.hexdigest()
        case "bearer prefix":
            return pairs, f"Bearer {good}"
    raise AssertionError(way)


@settings(
    max_examples=fuzz_examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pairs=inbound_forms(), way=st.sampled_from(_FORGERIES))
def test_a_forged_post_is_refused_and_changes_nothing(
    twilio_app: Flask, pairs: Pairs, way: str
) -> None:
    assume(pairs)  # "field removed" needs a field to remove
    sent, signature = _forge(way, pairs)
    before = table_counts()

    response = _post(twilio_app.test_client(), sent, signature)

    assert response.status_code == 403, (way, response.status_code)
    assert table_counts() == before
