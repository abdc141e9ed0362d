"""Pure rules of self-service requests: what is acted on, due dates, rate windows."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.errors import ConflictError, InvalidInputError
from chalicelib.requests import rules


def test_only_items_carrying_the_address_as_a_whole_value_are_kept() -> None:
    items = [{"id": "a", "data": {"user": {"email": "Ada@Example.com"}}},
             {"id": "b", "data": {"user": {"id": "ada"}}},  # same person? not provably: left out
             {"id": "c", "data": {"reporter": [{"email": "ada@example.com "}]}},
             {"id": "d", "data": {"comment": "write to ada@example.com"}},  # mentioned, not carried
             {"id": "e", "data": {"user": {"email": "xada@example.com"}}},
             {"id": "f"}]
    assert [i["id"] for i in rules.own_items(items, "ada@example.com")] == ["a", "c"]


def test_extensions_add_at_most_two_months_in_all_and_clamp_month_ends() -> None:
    received = datetime(2027, 1, 31, 9, 0, tzinfo=UTC)
    assert rules.first_due(received) == datetime(2027, 2, 28, 9, 0, tzinfo=UTC)
    assert rules.extended_due(received, 0, 1) == (datetime(2027, 3, 31, 9, 0, tzinfo=UTC), 1)
    assert rules.extended_due(received, 1, 1) == (datetime(2027, 4, 30, 9, 0, tzinfo=UTC), 2)
    for already, months in ((2, 1), (1, 2), (0, 3), (0, 0)):
        with pytest.raises(InvalidInputError):
            rules.extended_due(received, already, months)
    assert rules.extended_due(received, 0, 1, now=datetime(2027, 2, 28, 9, 0, tzinfo=UTC))[1] == 1
    with pytest.raises(ConflictError):  # Art. 12(3): told within one month of receipt, not after
        rules.extended_due(received, 0, 1, now=datetime(2027, 2, 28, 9, 1, tzinfo=UTC))


def test_what_happens_after_verification() -> None:
    instant = ("erasure", "objection")
    assert [rules.disposition(r, instant) for r in rules.RIGHTS] == [
        "export", "export", "act", "review", "review", "act", "review"]
    assert {rules.disposition(r, ()) for r in ("erasure", "restriction", "objection")} == {"review"}
    assert rules.disposition("question", tuple(rules.RIGHTS)) == "review"


def test_rate_windows_are_fixed_hours() -> None:
    window = rules.Window(3, 3600)
    at = datetime(2026, 11, 23, 12, 59, 30, tzinfo=UTC)
    assert window.start(at) == int(datetime(2026, 11, 23, 12, 0, tzinfo=UTC).timestamp())
    assert window.retry_after(at) == 30
