"""Survey rules, pure: no AWS, no clock but the one passed in."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.errors import InvalidInputError
from chalicelib.surveys import rules
from chalicelib.surveys.rules import ProductState, ThrottlePolicy, ThrottleState

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
POLICY = ThrottlePolicy()
SURVEY = {"survey_id": "s1", "active": True, "channels": ["in_app_web"], "sample_percent": 100}


def decide(state: ThrottleState = ThrottleState(), surveys: list | None = None,  # noqa: B008
           channel: str = "in_app_web", now: datetime = NOW, user: str = "u1") -> rules.Decision:
    return rules.decide(product="p", channel=channel, user_id=user,
                        surveys=[SURVEY] if surveys is None else surveys,
                        state=state, policy=POLICY, now=now)


def test_decide_new_user_is_eligible_for_the_active_survey() -> None:
    decision = decide()
    assert decision.eligible and decision.reason == "eligible"
    assert decision.survey == SURVEY


def test_decide_opted_out_user_is_never_asked() -> None:
    assert decide(ThrottleState(opted_out=True)).reason == "opted_out"


def test_decide_no_survey_for_channel_gives_no_active_survey() -> None:
    assert decide(channel="email").reason == "no_active_survey"
    assert decide(surveys=[{**SURVEY, "active": False}]).reason == "no_active_survey"


def test_decide_answered_within_recontact_window_is_recently_surveyed_until_window_ends() -> None:
    answered = NOW - timedelta(days=10)
    decision = decide(ThrottleState(products={"p": ProductState(answered_at=answered)}))
    assert decision.reason == "recently_surveyed"
    assert decision.next_eligible_at == answered + timedelta(days=90)


def test_decide_answered_after_recontact_window_is_eligible_again() -> None:
    state = ThrottleState(products={"p": ProductState(answered_at=NOW - timedelta(days=91))})
    assert decide(state).eligible


def test_decide_declined_within_decline_window_is_declined_recently() -> None:
    declined = NOW - timedelta(days=100)
    decision = decide(ThrottleState(products={"p": ProductState(declined_at=declined)}))
    assert decision.reason == "declined_recently"
    assert decision.next_eligible_at == declined + timedelta(days=180)


def test_decide_declined_after_decline_window_is_eligible() -> None:
    state = ThrottleState(products={"p": ProductState(declined_at=NOW - timedelta(days=181))})
    assert decide(state).eligible


def test_decide_answer_in_other_product_does_not_throttle_this_one_after_company_gap() -> None:
    other = ThrottleState(products={"q": ProductState(answered_at=NOW - timedelta(days=8))},
                          last_shown_at=NOW - timedelta(days=8))
    assert decide(other).eligible


def test_decide_any_survey_in_company_within_gap_is_recently_surveyed() -> None:
    shown = NOW - timedelta(days=2)
    decision = decide(ThrottleState(last_shown_at=shown))
    assert decision.reason == "recently_surveyed"
    assert decision.next_eligible_at == shown + timedelta(days=7)


def test_decide_impression_cap_reached_blocks_until_recontact_after_last_impression() -> None:
    shown = NOW - timedelta(days=30)
    state = ThrottleState(products={"p": ProductState(shown_at=shown, unanswered=3)})
    decision = decide(state)
    assert decision.reason == "recently_surveyed"
    assert decision.next_eligible_at == shown + timedelta(days=90)


def test_decide_below_impression_cap_after_company_gap_is_eligible() -> None:
    state = ThrottleState(products={"p": ProductState(shown_at=NOW - timedelta(days=8), unanswered=2)},
                          last_shown_at=NOW - timedelta(days=8))
    assert decide(state).eligible


def test_decide_zero_percent_sampling_is_sampled_out() -> None:
    assert decide(surveys=[{**SURVEY, "sample_percent": 0}]).reason == "sampled_out"


@given(user=st.text(min_size=1, max_size=40), low=st.integers(0, 10_000), high=st.integers(0, 10_000))
def test_is_sampled_in_a_user_sampled_in_stays_in_at_any_higher_percent(user: str, low: int, high: int) -> None:
    # One bucket per user and survey: raising the percentage only ever adds users, and a user is in
    # at exactly one threshold (their bucket + 1) and every one above it.
    low, high = sorted((low, high))
    assert rules.is_sampled_in("s1", user, low / 100) <= rules.is_sampled_in("s1", user, high / 100)
    assert rules.is_sampled_in("s1", user, 100) and not rules.is_sampled_in("s1", user, 0)


def test_is_sampled_in_depends_on_the_survey_too() -> None:
    # Per survey, not per user: the same 200 users at 50 % fall into different halves of two surveys.
    users = [f"user-{i}" for i in range(200)]
    first = [rules.is_sampled_in("s1", u, 50) for u in users]
    assert first != [rules.is_sampled_in("s2", u, 50) for u in users]


def test_is_sampled_in_half_sampling_takes_about_half_of_users() -> None:
    taken = sum(rules.is_sampled_in("s1", f"user-{i}", 50) for i in range(4000))
    assert 1800 < taken < 2200


@pytest.mark.parametrize(("metric", "good", "bad"), [("nps", [0, 10], [-1, 11]),
                                                     ("ces", [1, 7], [0, 8]),
                                                     ("csat", [1, 5], [0, 6])])
def test_check_score_outside_scale_names_score(metric: str, good: list[int], bad: list[int]) -> None:
    for score in good:
        assert rules.check_score(metric, score) == score
    for score in bad:
        with pytest.raises(InvalidInputError) as raised:
            rules.check_score(metric, score)
        assert raised.value.field == "score"


@pytest.mark.parametrize("score", [5.0, "5", True, None])
def test_check_score_not_an_integer_is_rejected(score: object) -> None:
    with pytest.raises(InvalidInputError, match="integer"):
        rules.check_score("nps", score)


@pytest.mark.parametrize(("asked", "chosen"), [("nb-NO", "nb"), ("nb", "nb"), ("sv_SE", "en"),
                                               ("de", "en"), (None, "en")])
def test_pick_texts_falls_back_to_language_then_en(asked: str | None, chosen: str) -> None:
    texts = {"en": {"question": "Q"}, "nb": {"question": "Sp"}}
    assert rules.pick_texts(texts, asked)[0] == chosen


@given(days=st.integers(min_value=1, max_value=10_000),
       at=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1),
                       timezones=st.just(UTC)))
def test_expires_at_never_beyond_three_years_with_capped_retention(days: int, at: datetime) -> None:
    from chalicelib.config import MAX_RETENTION_DAYS

    ttl = rules.expires_at(at, min(days, MAX_RETENTION_DAYS))
    assert ttl <= int((at + timedelta(days=3 * 365)).timestamp())


def test_throttle_expires_at_is_the_longest_window_only() -> None:
    assert rules.throttle_expires_at(NOW, POLICY, 1095) == int((NOW + timedelta(days=180)).timestamp())


def test_is_comment_editable_only_within_window() -> None:
    assert rules.is_comment_editable(NOW, NOW + timedelta(hours=23, minutes=59, seconds=59), 24)
    assert not rules.is_comment_editable(NOW, NOW + timedelta(hours=24), 24)
