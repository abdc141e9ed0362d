"""Pure privacy rules: identifiers, due dates, anonymisation, masking (no AWS)."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.errors import InvalidInputError
from chalicelib.normalise import normalise
from chalicelib.privacy import masking, rules

_TEXT = st.text(alphabet=st.characters(whitelist_categories=("L", "Zs"), whitelist_characters=".,!?'"),
                max_size=60)


def _luhn_complete(body: str) -> str:
    for check in "0123456789":
        if masking.luhn_ok(body + check):
            return body + check
    raise AssertionError


def _norwegian(day: int, month: int, year: int, individual: int) -> str | None:
    d = f"{day:02d}{month:02d}{year % 100:02d}{individual:03d}"
    w1, w2 = (3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    k1 = (11 - sum(int(c) * w for c, w in zip(d, w1, strict=True)) % 11) % 11
    if k1 == 10:
        return None
    d += str(k1)
    k2 = (11 - sum(int(c) * w for c, w in zip(d, w2, strict=True)) % 11) % 11
    return None if k2 == 10 else d + str(k2)


def test_subject_ref_without_identifier_raises_naming_user_id() -> None:
    with pytest.raises(InvalidInputError) as raised:
        rules.subject_ref({})
    assert raised.value.field == "user_id"


def test_subject_ref_lowercases_the_email() -> None:
    assert rules.subject_ref({"email": " Ada@Example.COM "}).email == "ada@example.com"


def test_identifier_hashes_differ_by_key_and_hide_the_identifier() -> None:
    ref = rules.SubjectRef(user_id="u-1", company="c")
    one, other = rules.identifier_hashes(ref, b"k1"), rules.identifier_hashes(ref, b"k2")
    assert one != other
    assert "u-1" not in one[0] and len(one[0]) == 64


@pytest.mark.parametrize(("received", "due"), [
    (datetime(2026, 1, 31, tzinfo=UTC), datetime(2026, 2, 28, tzinfo=UTC)),
    (datetime(2028, 1, 31, tzinfo=UTC), datetime(2028, 2, 29, tzinfo=UTC)),
    (datetime(2026, 12, 15, tzinfo=UTC), datetime(2027, 1, 15, tzinfo=UTC)),
])
def test_due_at_is_one_calendar_month_after_receipt(received: datetime, due: datetime) -> None:
    assert rules.due_at(received) == due


def test_cutoff_months_span_from_retention_horizon_to_purpose_cutoff() -> None:
    months = rules.cutoff_months(datetime(2026, 11, 23, tzinfo=UTC), 365, 1095)
    assert months[0] == "2023-11" and months[-1] == "2025-11"
    assert len(months) == 25


_PERSONAL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789@.-", min_size=4, max_size=20)


@given(user_id=_PERSONAL, email=_PERSONAL, username=_PERSONAL, url=_PERSONAL, comment=_PERSONAL,
       score=st.integers(0, 10), country=st.sampled_from(["no", "SE", None]))
def test_anonymised_response_holds_nothing_identifying(user_id: str, email: str, username: str, url: str,
                                                       comment: str, score: int, country: str | None) -> None:
    item = {"pk": f"RESP#{user_id}", "response_id": user_id, "subject": f"SUBJ#c#{user_id}",
            "email_lc": email, "score": score, "metric": "nps", "product": "acme", "channel": "email",
            "created_at": "2025-01-02T03:04:05Z", "comment": comment,
            "user": {"id": user_id, "email": email, "username": username, "url": url, "country": country}}
    anonymous = rules.anonymise_response(item)
    assert set(anonymous) == set(rules.ANONYMOUS_FIELDS)
    values = {str(v) for v in anonymous.values()}
    assert not values & {user_id, email, username, url, comment}
    assert anonymous["month"] == "2025-01"


@given(body=st.text(alphabet="0123456789", min_size=12, max_size=15), before=_TEXT, after=_TEXT)
def test_mask_hides_any_luhn_valid_card_number(body: str, before: str, after: str) -> None:
    card = _luhn_complete(body)
    grouped = " ".join(card[i:i + 4] for i in range(0, len(card), 4))
    masked, found = masking.mask(f"{before} {grouped} {after}")
    assert card not in re.sub(r"\D", "", masked)
    assert found


@given(local=st.from_regex(r"[a-z][a-z0-9.+]{0,10}", fullmatch=True),
       domain=st.from_regex(r"[a-z]{2,10}\.[a-z]{2,4}", fullmatch=True), before=_TEXT)
def test_mask_hides_any_email_address(local: str, domain: str, before: str) -> None:
    masked, found = masking.mask(f"{before} {local}@{domain} thanks")
    assert "@" not in masked and found == ["email"]


@given(text=_TEXT)
def test_mask_leaves_text_without_identifiers_unchanged(text: str) -> None:
    # Unchanged but for Unicode normalisation (a no-break space is a space; tests of normalise
    # itself, with exact outputs, are in test_masking_unicode.py).
    assert masking.mask(text) == (normalise(text), [])


@given(day=st.integers(1, 28), month=st.integers(1, 12), year=st.integers(1930, 2020),
       individual=st.integers(0, 999))
def test_mask_hides_valid_norwegian_national_ids(day: int, month: int, year: int, individual: int) -> None:
    fnr = _norwegian(day, month, year, individual)
    if fnr is None:
        return
    assert masking.is_norwegian_id(fnr)
    assert masking.mask(f"fnr {fnr} ok")[0] == "fnr [national-id] ok"


@pytest.mark.parametrize("text", [
    "personnummer 811218-9876", "personnummer 19811218-9876", "HETU 131052-308T",
    "BSN 111222333", "CPR 010190-1234",
])
def test_mask_hides_nordic_and_dutch_national_ids(text: str) -> None:
    assert masking.mask(text)[0].endswith("[national-id]")


@pytest.mark.parametrize("text", ["version 2.4.1", "order 12345", "in 2026 we had 3 outages"])
def test_mask_leaves_short_numbers_alone(text: str) -> None:
    assert masking.mask(text) == (text, [])


def test_kinds_for_product_override_and_broken_setting() -> None:
    config = '{"default": ["email"], "products": {"demo": ["phone", "bogus"]}}'
    assert masking.kinds_for("demo", config) == ("phone",)
    assert masking.kinds_for("other", config) == ("email",)
    assert masking.kinds_for("x", "{not json") == masking.KINDS
