"""Insight rules as tables written by hand: what an item contributes, follow-up thresholds and
due times, transitions, contactability (no AWS)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chalicelib.insight import rules
from chalicelib.insight.rules import Contribution

RESPONSE = {"pk": "RESP#r1", "score": 6, "metric": "nps", "product": "p", "channel": "email",
            "created_at": "2026-11-23T12:00:00Z", "locale": "nb_NO", "user": {"id": "u", "country": "no"}}


@pytest.mark.parametrize(("item", "expected"), [
    (RESPONSE, Contribution("response", "nps", "p", "2026-11-23", "email", "NO", "nb", 6)),
    ({**RESPONSE, "country": "se"}, Contribution("response", "nps", "p", "2026-11-23", "email", "SE", "nb", 6)),
    ({**RESPONSE, "user": None, "locale": None},
     Contribution("response", "nps", "p", "2026-11-23", "email", None, None, 6)),
    ({k: v for k, v in RESPONSE.items() if k not in ("user", "locale", "channel")},
     Contribution("response", "nps", "p", "2026-11-23", "unknown", None, None, 6)),
    ({**RESPONSE, "score": 0}, Contribution("response", "nps", "p", "2026-11-23", "email", "NO", "nb", 0)),
    ({**RESPONSE, "score": None}, None),
    ({**RESPONSE, "created_at": None}, None),
    ({**RESPONSE, "metric": ""}, None),
    ({**RESPONSE, "product": None}, None),
    ({**RESPONSE, "pk": "ANON#r1"}, None),
    ({"pk": "EVT#e1", "type": "impression", "metric": "ces", "product": "p", "channel": "mobile",
      "at": "2026-11-20T23:59:59Z", "score": 3},
     Contribution("impression", "ces", "p", "2026-11-20", "mobile")),
    ({"pk": "EVT#e2", "type": "decline", "metric": "ces", "product": "p", "at": "2026-11-20T00:00:00Z"},
     Contribution("decline", "ces", "p", "2026-11-20", "unknown")),
    ({"pk": "EVT#e3", "type": "click", "metric": "ces", "product": "p", "at": "2026-11-20T00:00:00Z"}, None),
    ({}, None),
])
def test_contribution_of_items(item: dict, expected: Contribution | None) -> None:
    assert rules.contribution_of(item) == expected


def test_contribution_cells_and_counters() -> None:
    response = Contribution("response", "nps", "p", "2026-11-23", "email", None, "nb", 6)
    assert response.cells() == [("all", "all"), ("channel", "email"), ("country", "unknown"), ("locale", "nb")]
    assert response.counter() == "n6"
    decline = Contribution("decline", "nps", "p", "2026-11-23", "email")
    assert (decline.cells(), decline.counter()) == ([("all", "all"), ("channel", "email")], "declines")


@pytest.mark.parametrize(("item", "counted"), [({}, True), ({"restricted": False}, True),
                                               ({"restricted": True}, False)])
def test_is_counted_leaves_restricted_people_out(item: dict, counted: bool) -> None:
    assert rules.is_counted(item) is counted


# A detractor (NPS 0-6), a low CSAT (1-2), a high-effort CES (1-3), only with a reason given.
@pytest.mark.parametrize(("metric", "score", "comment", "needed"), [
    ("nps", 6, "slow", True), ("nps", 7, "slow", False), ("nps", 0, "slow", True),
    ("csat", 2, "slow", True), ("csat", 3, "slow", False),
    ("ces", 3, "slow", True), ("ces", 4, "slow", False),
    ("nps", 0, "", False), ("nps", 0, "   ", False), ("nps", 0, None, False), ("other", 0, "slow", False),
])
def test_needs_followup_thresholds(metric: str, score: int, comment: str | None, needed: bool) -> None:
    assert rules.needs_followup(metric, score, comment) is needed


@pytest.mark.parametrize(("start", "days", "due"), [
    (datetime(2026, 11, 23, 12, 0, tzinfo=UTC), 2, datetime(2026, 11, 25, 12, 0, tzinfo=UTC)),  # Mon → Wed
    (datetime(2026, 11, 26, 12, 0, tzinfo=UTC), 2, datetime(2026, 11, 30, 12, 0, tzinfo=UTC)),  # Thu → Mon
    (datetime(2026, 11, 27, 23, 59, tzinfo=UTC), 1, datetime(2026, 11, 30, 23, 59, tzinfo=UTC)),  # Fri → Mon
    (datetime(2026, 11, 28, 9, 0, tzinfo=UTC), 1, datetime(2026, 11, 30, 9, 0, tzinfo=UTC)),  # Sat → Mon
    (datetime(2026, 11, 29, 9, 0, tzinfo=UTC), 5, datetime(2026, 12, 4, 9, 0, tzinfo=UTC)),  # Sun → Fri
    (datetime(2026, 11, 23, 9, 0, tzinfo=UTC), 0, datetime(2026, 11, 23, 9, 0, tzinfo=UTC)),
])
def test_add_working_days_skips_weekends(start: datetime, days: int, due: datetime) -> None:
    assert rules.add_working_days(start, days) == due


MOVES = {("open", "answered"), ("open", "closed"), ("answered", "actioned"), ("answered", "closed"),
         ("actioned", "closed")}


@pytest.mark.parametrize("current", ["open", "answered", "actioned", "closed", "unknown"])
@pytest.mark.parametrize("target", ["open", "answered", "actioned", "closed", "unknown"])
def test_can_move_forward_only(current: str, target: str) -> None:
    assert rules.can_move(current, target) is ((current, target) in MOVES)


OK = {"contact_ok": True, "user": {"email": "a@b.no"}}


@pytest.mark.parametrize(("response", "answer"), [
    (OK, (True, None)),
    (None, (False, "response_gone")), ({}, (False, "response_gone")),
    ({**OK, "restricted": True, "objected": True}, (False, "restricted")),
    ({**OK, "objected": True}, (False, "objected")),
    ({**OK, "contact_ok": False}, (False, "no_contact_consent")),
    ({"user": {"email": "a@b.no"}}, (False, "no_contact_consent")),
    ({**OK, "user": {"email": ""}}, (False, "no_email")),
    ({**OK, "user": None}, (False, "no_email")),
    ({"contact_ok": True}, (False, "no_email")),
])
def test_is_contactable_reasons_in_order(response: dict | None, answer: tuple[bool, str | None]) -> None:
    assert rules.is_contactable(response) == answer


@pytest.mark.parametrize(("day", "period", "expected"), [
    ("2026-11-30", "month", "2026-11"), ("2026-12-28", "week", "2026-W53"), ("2027-01-03", "week", "2026-W53"),
    ("2027-01-04", "week", "2027-W01"), ("2026-01-05", "week", "2026-W02"),
])
def test_period_of_iso_week_and_month(day: str, period: str, expected: str) -> None:
    assert rules.period_of(day, period) == expected


@pytest.mark.parametrize(("start", "end", "days"), [(date(2026, 11, 1), date(2026, 11, 30), 30),
                                                    (date(2026, 11, 1), date(2026, 11, 1), 1),
                                                    (date(2026, 12, 31), date(2027, 1, 1), 2)])
def test_days_between_counts_both_ends(start: date, end: date, days: int) -> None:
    assert rules.days_between(start, end) == days


def test_score_counts_reads_only_the_metrics_scale() -> None:
    item = {"n0": 2, "n1": 1, "n5": 3, "n7": 4, "n8": 9, "impressions": 5}
    assert rules.score_counts(item, "ces") == {1: 1, 5: 3, 7: 4}
    assert rules.score_counts(item, "csat") == {1: 1, 5: 3}
    assert rules.score_counts(item, "nps") == {0: 2, 1: 1, 5: 3, 7: 4, 8: 9}
