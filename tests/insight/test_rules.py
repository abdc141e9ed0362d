"""Score rules against hand computations (no AWS)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.insight import rules


def _counts(scores: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for s in scores:
        out[s] = out.get(s, 0) + 1
    return out


def test_nps_balanced_answers_score_zero_with_adjusted_wald_interval() -> None:
    # 4 promoters (10, 9, 9, 10), 2 passives, 4 detractors: NPS 0. Adjusted Wald: ñ = 13,
    # p = d = 4.75/13 = 0.36538; Var = (0.73077 − 0²)/13 = 0.056213; half 1.95996·0.23709 = 0.46469.
    body = rules.nps(_counts([10, 9, 9, 8, 7, 6, 3, 0, 10, 5]))
    assert (body["count"], body["promoters"], body["passives"], body["detractors"]) == (10, 4, 2, 4)
    assert body["score"] == 0.0
    assert body["ci95"] == [-46.47, 46.47]


def test_nps_mostly_promoters_score_fifty_with_interval_by_hand() -> None:
    # 6 promoters, 3 passives, 1 detractor: NPS 50. ñ = 13, p = 6.75/13 = 0.51923,
    # d = 1.75/13 = 0.13462, centre 0.38462; Var = (0.65385 − 0.14793)/13 = 0.038917,
    # half 1.95996·0.19727 = 0.38665 → [−0.00203, 0.77127].
    body = rules.nps(_counts([9] * 6 + [7] * 3 + [2]))
    assert body["score"] == 50.0
    assert body["ci95"] == [-0.2, 77.13]


def test_nps_one_promoter_has_a_wide_interval_not_a_point() -> None:
    # ñ = 4, p = 1.75/4, d = 0.75/4, centre 0.25; Var = (0.625 − 0.0625)/4 = 0.140625,
    # half 1.95996·0.375 = 0.73499 → [−0.48499, 0.98499], widened to hold the sample's 1.0.
    assert rules.nps({10: 1})["ci95"] == [-48.5, 100.0]


def test_nps_no_answers_score_none() -> None:
    assert rules.nps({})["score"] is None
    assert rules.nps({})["ci95"] is None


def test_csat_eight_of_ten_satisfied_gives_wilson_interval() -> None:
    body = rules.csat(_counts([5] * 5 + [4] * 3 + [2, 1]))
    assert (body["count"], body["satisfied"], body["score"]) == (10, 8, 80.0)
    assert body["ci95"] == [49.02, 94.33]


def test_ces_mean_and_easy_share_by_hand() -> None:
    # 7, 6, 5, 4, 3 plus half an answer at 1 and at 7: size 6, mean 29/6 = 4.8333;
    # Σ w·(x − m)² = 10.1389 + 0.5·14.6944 + 0.5·4.6944 = 19.8333, s² = 19.8333/5 = 3.96667;
    # t(0.975, df 4) = 2.77645; half 2.77645·√(3.96667/6) = 2.25750 → [2.576, 7.091] → [2.576, 7.0].
    body = rules.ces(_counts([7, 6, 5, 4, 3]))
    assert body["mean"] == 5.0
    assert body["mean_ci95"] == [2.576, 7.0]
    assert (body["easy"], body["easy_percent"]) == (3, 60.0)


def test_ces_mean_interval_of_the_two_ends_stays_on_the_scale() -> None:
    assert rules.ces({1: 1, 7: 1})["mean_ci95"] == [1.0, 7.0]


def test_ces_single_answer_has_a_mean_interval_with_width() -> None:
    low, high = rules.ces({6: 1})["mean_ci95"]
    assert 1.0 <= low < 6.0 < high <= 7.0


def test_rates_over_impressions() -> None:
    body = rules.rates(responses=3, impressions=10, declines=2)
    assert (body["response_rate"], body["decline_rate"]) == (30.0, 20.0)


def test_rates_without_impressions_are_none() -> None:
    assert rules.rates(3, 0, 0)["response_rate"] is None


@given(st.integers(0, 500), st.integers(0, 500))
def test_wilson_interval_always_within_unit_and_holds_estimate(successes: int, extra: int) -> None:
    n = successes + extra
    interval = rules.wilson(successes, n)
    if n == 0:
        assert interval is None
        return
    low, high = interval  # type: ignore[misc]
    assert 0.0 <= low <= successes / n <= high <= 1.0


@given(st.lists(st.integers(0, 10), min_size=1, max_size=200))
def test_nps_interval_contains_score_and_stays_in_range(scores: list[int]) -> None:
    body = rules.nps(_counts(scores))
    low, high = body["ci95"]
    assert -100.0 <= low <= body["score"] <= high <= 100.0


def test_summarise_by_month_folds_days() -> None:
    items = [
        {"day": "2026-11-02", "n10": 2, "n0": 1, "impressions": 5},
        {"day": "2026-11-20", "n9": 1, "declines": 1, "impressions": 4},
        {"day": "2026-12-01", "n5": 1},
    ]
    rows = rules.summarise("nps", items, "month")
    assert [r["group"] for r in rows] == ["2026-11", "2026-12"]
    assert (rows[0]["count"], rows[0]["promoters"], rows[0]["detractors"]) == (4, 3, 1)
    assert (rows[0]["impressions"], rows[0]["declines"]) == (9, 1)


def test_period_of_week_uses_iso_week() -> None:
    assert rules.period_of("2026-11-23", "week") == "2026-W48"


@pytest.mark.parametrize(
    ("metric", "score", "expected"),
    [
        ("nps", 6, True),
        ("nps", 7, False),
        ("csat", 2, True),
        ("csat", 3, False),
        ("ces", 3, True),
        ("ces", 4, False),
    ],
)
def test_needs_followup_by_metric_threshold(metric: str, score: int, expected: bool) -> None:
    assert rules.needs_followup(metric, score, "it was slow") is expected


def test_needs_followup_without_comment_is_false() -> None:
    assert rules.needs_followup("nps", 0, "  ") is False


def test_add_working_days_skips_weekend() -> None:
    friday = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    assert rules.add_working_days(friday, 2) == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def test_can_move_never_reopens_closed() -> None:
    assert rules.can_move("open", "answered")
    assert not rules.can_move("closed", "open")
    assert not rules.can_move("open", "actioned")


def test_contribution_of_response_groups_by_language_and_country() -> None:
    item = {
        "pk": "RESP#r1",
        "score": 9,
        "metric": "nps",
        "product": "p",
        "channel": "email",
        "locale": "nb-NO",
        "created_at": "2026-11-23T10:00:00Z",
        "user": {"id": "u", "country": "no"},
    }
    c = rules.contribution_of(item)
    assert c is not None
    assert c.cells() == [("all", "all"), ("channel", "email"), ("country", "NO"), ("locale", "nb")]
    assert c.counter() == "n9"


def test_is_contactable_refuses_objection() -> None:
    response = {"contact_ok": True, "objected": True, "user": {"email": "a@b.c"}}
    assert rules.is_contactable(response) == (False, "objected")
