"""insight/rules.py input by input, with expected values written by hand (pure).

Written to kill the mutants `make mutation` found surviving in chalicelib/insight/rules.py:
contributions of raw items, cells and counters, grouping, withholding and follow-up edges.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib.insight import rules
from chalicelib.insight.rules import Contribution


@pytest.mark.parametrize(("item", "expected"), [
    ({"pk": "RESP#1", "created_at": "2026-11-23T10:00:00Z", "metric": "nps", "product": "payroll", "score": 0,
      "channel": "web", "country": "no", "locale": "nb_NO"},
     Contribution("response", "nps", "payroll", "2026-11-23", "web", "NO", "nb", 0)),
    ({"pk": "RESP#1", "at": "2026-11-23T10:00:00Z", "metric": "csat", "product": "p", "score": 5,
      "user": {"country": "se"}},
     Contribution("response", "csat", "p", "2026-11-23", "unknown", "SE", None, 5)),
    ({"pk": "RESP#1", "created_at": "2026-11-23", "metric": "nps", "product": "p", "score": None}, None),
    ({"pk": "EVT#1", "at": "2026-11-24T00:00:00Z", "metric": "nps", "product": "p", "type": "impression",
      "channel": "app", "country": "NO"},
     Contribution("impression", "nps", "p", "2026-11-24", "app")),
    ({"pk": "EVT#1", "at": "2026-11-24T00:00:00Z", "metric": "nps", "product": "p", "type": "decline"},
     Contribution("decline", "nps", "p", "2026-11-24", "unknown")),
    ({"pk": "EVT#1", "at": "2026-11-24T00:00:00Z", "metric": "nps", "product": "p", "type": "click"}, None),
    ({"pk": "OTHER#1", "at": "2026-11-24", "metric": "nps", "product": "p", "score": 3}, None),
    ({"pk": "RESP#1", "metric": "nps", "product": "p", "score": 3}, None),
    ({"pk": "RESP#1", "at": "2026-11-24", "product": "p", "score": 3}, None),
    ({"pk": "RESP#1", "at": "2026-11-24", "metric": "nps", "score": 3}, None),
])
def test_contribution_of(item: dict[str, Any], expected: Contribution | None) -> None:
    assert rules.contribution_of(item) == expected


def test_cells_and_counter() -> None:
    response = Contribution("response", "nps", "p", "2026-11-23", "web", None, "en", 7)
    assert response.cells() == [("all", "all"), ("channel", "web"), ("country", "unknown"), ("locale", "en")]
    assert response.counter() == "n7"
    event = Contribution("decline", "nps", "p", "2026-11-23", "web")
    assert event.cells() == [("all", "all"), ("channel", "web")]
    assert event.counter() == "declines"


@pytest.mark.parametrize(("item", "counted"), [({}, True), ({"restricted": False}, True),
                                              ({"restricted": True}, False)])
def test_is_counted(item: dict[str, Any], counted: bool) -> None:
    assert rules.is_counted(item) is counted


def test_score_counts_keeps_nonzero_counters_in_the_scale() -> None:
    item = {"n0": 2, "n6": 0, "n10": "3", "n11": 4, "impressions": 9}
    assert rules.score_counts(item, "nps") == {0: 2, 10: 3}
    assert rules.score_counts({"n0": 1, "n1": 1, "n5": 2, "n6": 1}, "csat") == {1: 1, 5: 2}


@pytest.mark.parametrize(("day", "period", "key"), [
    ("2026-11-23", "month", "2026-11"), ("2026-11-23", "week", "2026-W48"), ("2027-01-01", "week", "2026-W53"),
    ("2026-01-05", "week", "2026-W02"),
])
def test_period_of(day: str, period: str, key: str) -> None:
    assert rules.period_of(day, period) == key


@pytest.mark.parametrize(("count", "withheld"), [(4, True), (5, False)])
def test_withhold_if_too_few_from_five_answers(count: int, withheld: bool) -> None:
    scores = {"count": count, "score": 10.0, "ci95": [1.0, 2.0], "satisfied": 1}
    expected = ({"count": count, "score": None, "ci95": None, "satisfied": 1, "note": "too few answers"} if withheld
                else {**scores, "note": None})
    assert rules.withhold_if_too_few(scores) == expected


def test_summarise_by_country_has_no_rates_and_by_channel_has() -> None:
    items = [{"value": "NO", "day": "2026-11-23", "n10": 3, "n0": 2, "impressions": 10, "declines": 1},
             {"value": "NO", "day": "2026-11-24", "n10": 1},
             {"value": "SE", "day": "2026-11-24", "n7": 1, "impressions": 4}]
    by_country = rules.summarise("nps", items, "country")
    assert [r["group"] for r in by_country] == ["NO", "SE"]
    assert by_country[0]["distribution"] == {"0": 2, "10": 4}
    assert by_country[0]["promoters"] == 4 and by_country[0]["detractors"] == 2 and by_country[0]["count"] == 6
    assert by_country[0]["score"] == 33.33
    assert "impressions" not in by_country[0]
    assert by_country[1]["note"] == "too few answers" and by_country[1]["score"] is None
    by_channel = rules.summarise("nps", items, "channel")
    assert by_channel[0]["impressions"] == 10 and by_channel[0]["declines"] == 1
    assert by_channel[0]["response_rate"] == 60.0 and by_channel[0]["decline_rate"] == 10.0
    whole = rules.summarise("nps", items, None)
    assert [r["group"] for r in whole] == ["all"]
    assert whole[0]["impressions"] == 14 and whole[0]["count"] == 7
    weekly = rules.summarise("nps", items, "week")
    assert [r["group"] for r in weekly] == ["2026-W48"] and weekly[0]["impressions"] == 14


@pytest.mark.parametrize(("responses", "impressions", "declines", "response_rate", "decline_rate"), [
    (3, 0, 1, None, None), (3, -1, 0, None, None), (3, 4, 1, 75.0, 25.0), (9, 4, 9, 100.0, 100.0),
])
def test_rates(responses: int, impressions: int, declines: int, response_rate: float | None,
               decline_rate: float | None) -> None:
    got = rules.rates(responses, impressions, declines)
    assert (got["impressions"], got["declines"], got["response_rate"], got["decline_rate"]) == (
        impressions, declines, response_rate, decline_rate)
    assert (got["response_rate_ci95"] is None) is (response_rate is None)


@pytest.mark.parametrize(("metric", "score", "comment", "needs"), [
    ("nps", 6, "why", True), ("nps", 7, "why", False), ("csat", 2, "why", True), ("csat", 3, "why", False),
    ("ces", 3, "why", True), ("ces", 4, "why", False), ("nps", 0, "  ", False), ("nps", 0, None, False),
    ("other", 0, "why", False),
])
def test_needs_followup_edges(metric: str, score: int, comment: str | None, needs: bool) -> None:
    assert rules.needs_followup(metric, score, comment) is needs


@pytest.mark.parametrize(("start", "days", "end"), [
    (datetime(2026, 11, 27, 9, tzinfo=UTC), 1, datetime(2026, 11, 30, 9, tzinfo=UTC)),   # Fri → Mon
    (datetime(2026, 11, 23, 9, tzinfo=UTC), 5, datetime(2026, 11, 30, 9, tzinfo=UTC)),   # Mon → next Mon
    (datetime(2026, 11, 28, 9, tzinfo=UTC), 1, datetime(2026, 11, 30, 9, tzinfo=UTC)),   # Sat → Mon
    (datetime(2026, 11, 23, 9, tzinfo=UTC), 0, datetime(2026, 11, 23, 9, tzinfo=UTC)),
])
def test_add_working_days(start: datetime, days: int, end: datetime) -> None:
    assert rules.add_working_days(start, days) == end


@pytest.mark.parametrize(("current", "target", "ok"), [
    ("open", "answered", True), ("open", "closed", True), ("open", "actioned", False),
    ("answered", "actioned", True), ("answered", "closed", True), ("answered", "open", False),
    ("actioned", "closed", True), ("actioned", "answered", False), ("closed", "open", False),
    ("unknown", "closed", False),
])
def test_can_move(current: str, target: str, ok: bool) -> None:
    assert rules.can_move(current, target) is ok


@pytest.mark.parametrize(("response", "expected"), [
    (None, (False, "response_gone")), ({}, (False, "response_gone")),
    ({"restricted": True, "objected": True, "contact_ok": True, "user": {"email": "a@b.c"}}, (False, "restricted")),
    ({"objected": True, "contact_ok": True, "user": {"email": "a@b.c"}}, (False, "objected")),
    ({"contact_ok": False, "user": {"email": "a@b.c"}}, (False, "no_contact_consent")),
    ({"contact_ok": True, "user": {}}, (False, "no_email")),
    ({"contact_ok": True}, (False, "no_email")),
    ({"contact_ok": True, "user": {"email": "a@b.c"}}, (True, None)),
])
def test_is_contactable(response: dict[str, Any] | None, expected: tuple[bool, str | None]) -> None:
    assert rules.is_contactable(response) == expected


def test_days_between_counts_both_ends() -> None:
    assert rules.days_between(date(2026, 11, 1), date(2026, 11, 30)) == 30
    assert rules.days_between(date(2026, 11, 1), date(2026, 11, 1)) == 1


def test_scores_of_no_answers_are_whole_dicts_of_none() -> None:
    assert rules.ces({}) == {"count": 0, "easy": 0, "mean": None, "mean_ci95": None, "easy_percent": None,
                             "easy_ci95": None}
    assert rules.csat({}) == {"count": 0, "satisfied": 0, "score": None, "ci95": None}
    assert rules._pct_interval(None) is None


def test_ces_mean_is_rounded_to_three_decimals() -> None:
    body = rules.ces({1: 1, 2: 2})   # (1 + 2 + 2) / 3
    assert body["mean"] == 1.667
    assert all(isinstance(x, float) and round(x, 3) == x for x in body["mean_ci95"])
    assert body["easy_ci95"] is not None and body["easy_ci95"][0] == 0.0   # 0 of 3 answers easy
    assert body["easy_percent"] == 0.0


def test_rates_keys_and_a_single_impression() -> None:
    keys = ["impressions", "declines", "response_rate", "response_rate_ci95", "decline_rate", "decline_rate_ci95"]
    assert list(rules.rates(1, 0, 0)) == keys
    one = rules.rates(1, 1, 0)
    assert list(one) == keys
    assert (one["response_rate"], one["decline_rate"]) == (100.0, 0.0)
    assert one["decline_rate_ci95"] is not None and one["decline_rate_ci95"][0] == 0.0


def test_a_grouped_item_without_a_value_counts_under_all_and_locale_defaults_to_unknown() -> None:
    assert [r["group"] for r in rules.summarise("nps", [{"day": "2026-11-23", "n10": 5}], "country")] == ["all"]
    response = Contribution("response", "nps", "p", "2026-11-23", "web", "NO", None, 7)
    assert response.cells()[-1] == ("locale", "unknown")
