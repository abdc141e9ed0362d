"""Privacy rules as tables written by hand: naming a person, pseudonyms, due dates, anonymisation."""
from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from chalicelib.errors import InvalidInputError
from chalicelib.privacy import rules


@pytest.mark.parametrize(("params", "expected"), [
    ({"user_id": "u1"}, rules.SubjectRef(user_id="u1")),
    ({"user_id": "u1", "company": "acme"}, rules.SubjectRef(user_id="u1", company="acme")),
    ({"email": "  Ada@Example.COM "}, rules.SubjectRef(email="ada@example.com")),
    ({"user_id": "u1", "email": "a@b.no", "company": ""}, rules.SubjectRef(user_id="u1", email="a@b.no")),
    ({"user_id": "", "email": "a@b.no"}, rules.SubjectRef(email="a@b.no")),
])
def test_subject_ref_from_parameters(params: dict[str, str], expected: rules.SubjectRef) -> None:
    assert rules.subject_ref(params) == expected


@pytest.mark.parametrize(("params", "message"), [
    ({}, "give user_id or email"), ({"user_id": "", "email": ""}, "give user_id or email"),
    ({"company": "acme"}, "is required when company is given"),
    ({"company": "acme", "email": "a@b.no"}, "is required when company is given"),
])
def test_subject_ref_refusals_name_user_id(params: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        rules.subject_ref(params)
    assert (raised.value.field, str(raised.value)) == ("user_id", f"user_id: {message}")


@pytest.mark.parametrize(("ref", "identifiers"), [
    (rules.SubjectRef(user_id="u1"), ["user:*:u1"]),
    (rules.SubjectRef(user_id="u1", company="acme"), ["user:acme:u1"]),
    (rules.SubjectRef(email="a@b.no"), ["email:a@b.no"]),
    (rules.SubjectRef(user_id="u1", company="acme", email="a@b.no"), ["user:acme:u1", "email:a@b.no"]),
    (rules.SubjectRef(), []),
])
def test_identifiers_one_canonical_string_per_way_of_naming(ref: rules.SubjectRef, identifiers: list[str]) -> None:
    assert ref.identifiers() == identifiers


def _hmac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def test_identifier_hashes_and_suppression_hash_are_keyed_hmacs_of_the_canonical_strings() -> None:
    ref = rules.SubjectRef(user_id="u1", company="acme", email="a@b.no")
    assert rules.identifier_hashes(ref, b"k") == [_hmac(b"k", "user:acme:u1"), _hmac(b"k", "email:a@b.no")]
    assert rules.suppression_hash(b"k", "SUBJ#acme#u1") == _hmac(b"k", "suppress:SUBJ#acme#u1")


@pytest.mark.parametrize(("received", "due"), [
    (datetime(2026, 1, 31, 9, 0, tzinfo=UTC), datetime(2026, 2, 28, 9, 0, tzinfo=UTC)),
    (datetime(2028, 1, 31, 9, 0, tzinfo=UTC), datetime(2028, 2, 29, 9, 0, tzinfo=UTC)),
    (datetime(2026, 12, 15, 23, 59, 59, tzinfo=UTC), datetime(2027, 1, 15, 23, 59, 59, tzinfo=UTC)),
    (datetime(2026, 3, 31, 0, 0, tzinfo=UTC), datetime(2026, 4, 30, 0, 0, tzinfo=UTC)),
    (datetime(2026, 11, 23, 12, 0, tzinfo=UTC), datetime(2026, 12, 23, 12, 0, tzinfo=UTC)),
])
def test_due_at_one_calendar_month_clamped_to_the_months_end(received: datetime, due: datetime) -> None:
    assert rules.due_at(received) == due


@pytest.mark.parametrize(("months", "expected"), [(0, datetime(2026, 1, 31, tzinfo=UTC)),
                                                  (11, datetime(2026, 12, 31, tzinfo=UTC)),
                                                  (12, datetime(2027, 1, 31, tzinfo=UTC)),
                                                  (13, datetime(2027, 2, 28, tzinfo=UTC)),
                                                  (25, datetime(2028, 2, 29, tzinfo=UTC))])
def test_add_months_across_years(months: int, expected: datetime) -> None:
    assert rules.add_months(datetime(2026, 1, 31, tzinfo=UTC), months) == expected


def test_expires_in_is_days_later_in_epoch_seconds() -> None:
    assert rules.expires_in(datetime(2026, 1, 1, tzinfo=UTC), 90) == int(datetime(2026, 4, 1, tzinfo=UTC).timestamp())


def _months(first: tuple[int, int], last: tuple[int, int]) -> list[str]:
    year, month = first
    out = []
    while (year, month) <= last:
        out.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@pytest.mark.parametrize(("now", "months"), [
    # purpose 365 days, retention 1,095: from the month 1,095 days back to the month 365 days back
    (datetime(2026, 11, 23, tzinfo=UTC), _months((2023, 11), (2025, 11))),  # 2023-11-24 .. 2025-11-23
    (datetime(2027, 1, 1, tzinfo=UTC), _months((2024, 1), (2026, 1))),     # 2024-01-02 .. 2026-01-01
    (datetime(2026, 3, 1, tzinfo=UTC), _months((2023, 3), (2025, 3))),      # 2023-03-02 .. 2025-03-01
])
def test_cutoff_months_from_the_retention_horizon_to_the_purpose_cutoff(now: datetime, months: list[str]) -> None:
    assert rules.cutoff_months(now, 365, 1095) == months


@pytest.mark.parametrize(("item", "anonymous"), [
    ({"score": 9, "metric": "nps", "product": "p", "channel": "email", "created_at": "2026-03-04T05:06:07Z",
      "user": {"id": "u", "email": "a@b.no", "country": "no"}, "comment": "slow"},
     {"score": 9, "metric": "nps", "product": "p", "channel": "email", "country": "NO", "month": "2026-03"}),
    ({"score": 1, "metric": "csat", "user": None},
     {"score": 1, "metric": "csat", "product": None, "channel": None, "country": None, "month": None}),
])
def test_anonymise_response_keeps_statistics_only(item: dict, anonymous: dict) -> None:
    assert rules.anonymise_response(item) == anonymous


def test_held_as_dict_names_every_field() -> None:
    held = rules.Held("surveys", "response", "r1", "feedback", "2026-01-01T00:00:00Z", "2029-01-01T00:00:00Z",
                      {"score": 3}, True, "email", "email:a@b.no")
    assert held.as_dict() == {"store": "surveys", "kind": "response", "id": "r1", "purpose": "feedback",
                              "collected_at": "2026-01-01T00:00:00Z", "expires_at": "2029-01-01T00:00:00Z",
                              "restricted": True, "matched_by": "email", "data": {"score": 3}}
