"""Every survey time rule at its edge: one second before, exactly at, one second after.

Expected answers are written from each rule's definition (docs/surveys.md, PRODUCT.md), never
computed by the rule: "asked again 90 days after an answer" means blocked at 89 d 23:59:59,
eligible at 90 d 00:00:00.
"""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import signing
from chalicelib.surveys import rules, store
from chalicelib.surveys.rules import ProductState, ThrottlePolicy, ThrottleState

T0 = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)  # when the user answered, declined or was shown
SECOND = timedelta(seconds=1)
SURVEY = {"survey_id": "s1", "active": True, "channels": ["in_app_web"], "sample_percent": 100}


def _decide(state: ThrottleState, now: datetime, surveys: list | None = None, user: str = "u1") -> rules.Decision:
    return rules.decide(product="p", channel="in_app_web", user_id=user, surveys=surveys or [SURVEY],
                        state=state, policy=ThrottlePolicy(), now=now)


# (name, state, end of the window written by hand, reason while it holds)
WINDOWS = [
    ("recontact 90 days after an answer",
     ThrottleState(products={"p": ProductState(answered_at=T0)}),
     datetime(2026, 5, 30, 8, 30, tzinfo=UTC), "recently_surveyed"),
    ("decline 180 days after a decline",
     ThrottleState(products={"p": ProductState(declined_at=T0)}),
     datetime(2026, 8, 28, 8, 30, tzinfo=UTC), "declined_recently"),
    ("company gap 7 days after any banner of the company",
     ThrottleState(last_shown_at=T0),
     datetime(2026, 3, 8, 8, 30, tzinfo=UTC), "recently_surveyed"),
    ("impression cap: 3 unanswered banners block 90 days after the last",
     ThrottleState(products={"p": ProductState(shown_at=T0, unanswered=3)}),
     datetime(2026, 5, 30, 8, 30, tzinfo=UTC), "recently_surveyed"),
]


@pytest.mark.parametrize(("name", "state", "ends", "reason"), WINDOWS, ids=[w[0] for w in WINDOWS])
@pytest.mark.parametrize(("offset", "holds"), [(-SECOND, True), (timedelta(0), False), (SECOND, False)],
                         ids=["one second before", "exactly at", "one second after"])
def test_decide_throttle_window_holds_until_its_end_exclusive(
        name: str, state: ThrottleState, ends: datetime, reason: str, offset: timedelta, holds: bool) -> None:
    decision = _decide(state, ends + offset)
    if holds:
        assert (decision.eligible, decision.reason, decision.next_eligible_at) == (False, reason, ends)
    else:
        assert (decision.eligible, decision.reason) == (True, "eligible")


@pytest.mark.parametrize(("unanswered", "eligible"), [(2, True), (3, False), (4, False)])
def test_decide_impression_cap_of_three_blocks_from_the_third_unanswered(unanswered: int, eligible: bool) -> None:
    state = ThrottleState(products={"p": ProductState(shown_at=T0, unanswered=unanswered)})
    # 8 days on: past the 7-day company gap, inside the 90-day cap hold.
    assert _decide(state, T0 + timedelta(days=8)).eligible is eligible


def test_decide_decline_and_answer_both_holding_report_the_decline_and_its_end() -> None:
    state = ThrottleState(products={"p": ProductState(answered_at=T0, declined_at=T0)})
    decision = _decide(state, T0 + timedelta(days=100))
    assert (decision.reason, decision.next_eligible_at) == ("declined_recently", datetime(2026, 8, 28, 8, 30,
                                                                                           tzinfo=UTC))


def test_decide_several_holds_report_the_latest_end() -> None:
    # Answered 85 days ago (lifts in 5 days), a banner of the company 3 days ago (lifts in 4 days).
    now = T0 + timedelta(days=85)
    state = ThrottleState(products={"p": ProductState(answered_at=T0)}, last_shown_at=now - timedelta(days=3))
    assert _decide(state, now).next_eligible_at == datetime(2026, 5, 30, 8, 30, tzinfo=UTC)


def _bucket(survey_id: str, user_id: str) -> int:
    """The sampling bucket by docs/surveys.md: first 8 bytes of SHA-256("survey:user"), big-endian, mod 10 000."""
    return int.from_bytes(hashlib.sha256(f"{survey_id}:{user_id}".encode()).digest()[:8], "big") % 10_000


# Users whose bucket was found once by hand with _bucket; the test below pins them.
BUCKETS = {"user-989": 0, "user-19857": 9, "user-14954": 4999, "user-5378": 5000, "user-20732": 9999}


def test_sampling_buckets_of_the_table_users_are_as_pinned() -> None:
    assert {user: _bucket("s1", user) for user in BUCKETS} == BUCKETS


# A user is sampled in when their bucket (0..9999) is below percent × 100.
@pytest.mark.parametrize(("user", "percent", "sampled"), [
    ("user-989", 0, False), ("user-989", 0.01, True),
    ("user-19857", 0.09, False), ("user-19857", 0.1, True), ("user-19857", 0.11, True),
    ("user-14954", 49.98, False), ("user-14954", 49.99, False), ("user-14954", 50.0, True),
    ("user-5378", 50.0, False), ("user-5378", 50.01, True),
    ("user-20732", 99.99, False), ("user-20732", 100, True),
])
def test_is_sampled_in_edge_of_the_bucket(user: str, percent: float, sampled: bool) -> None:
    assert rules.is_sampled_in("s1", user, percent) is sampled


@pytest.mark.parametrize(("offset", "editable"), [(-SECOND, True), (timedelta(0), False), (SECOND, False)],
                         ids=["one second before", "exactly at", "one second after"])
@pytest.mark.parametrize("hours", [1, 24, 72])
def test_is_comment_editable_window_ends_at_its_last_second_exclusive(hours: int, offset: timedelta,
                                                                      editable: bool) -> None:
    # The reason may be changed "for 24 hours" (COMMENT_EDIT_HOURS); the edit_token given with the
    # score expires at created + 24 h (a link is expired from its x second), so the rule ends there too.
    assert rules.is_comment_editable(T0, T0 + timedelta(hours=hours) + offset, hours) is editable


@pytest.mark.parametrize(("days", "expected"), [
    (1, datetime(2026, 3, 2, 8, 30, tzinfo=UTC)),
    (30, datetime(2026, 3, 31, 8, 30, tzinfo=UTC)),
    (1095, datetime(2029, 2, 28, 8, 30, tzinfo=UTC)),  # 3 × 365 days: 2028 is a leap year
])
def test_expires_at_is_collection_plus_retention_days(days: int, expected: datetime) -> None:
    assert rules.expires_at(T0, days) == int(expected.timestamp())


@pytest.mark.parametrize(("retention_days", "expected"), [
    (1095, datetime(2026, 8, 28, 8, 30, tzinfo=UTC)),  # the longest throttle: 180-day decline
    (30, datetime(2026, 3, 31, 8, 30, tzinfo=UTC)),    # retention shorter than any throttle wins
    (180, datetime(2026, 8, 28, 8, 30, tzinfo=UTC)),
])
def test_throttle_expires_at_is_the_shorter_of_longest_throttle_and_retention(retention_days: int,
                                                                              expected: datetime) -> None:
    assert rules.throttle_expires_at(T0, ThrottlePolicy(), retention_days) == int(expected.timestamp())


def test_throttle_expires_at_follows_a_longer_policy_window() -> None:
    policy = ThrottlePolicy(recontact=timedelta(days=200), decline=timedelta(days=10), company_gap=timedelta(days=1))
    assert rules.throttle_expires_at(T0, policy, 1095) == int(datetime(2026, 9, 17, 8, 30, tzinfo=UTC).timestamp())


TTL = int(datetime(2027, 1, 1, tzinfo=UTC).timestamp())


@pytest.mark.parametrize(("now", "live"), [(TTL - 1, True), (TTL, False), (TTL + 1, False)],
                         ids=["one second before", "exactly at", "one second after"])
def test_is_live_item_is_gone_from_its_ttl_second(now: int, live: bool) -> None:
    # Retention: an item past its expires_at is treated as deleted, whenever DynamoDB's TTL gets to it.
    item = {"pk": "RESP#x", store.TTL: TTL}
    assert store.is_live(item, datetime.fromtimestamp(now, tz=UTC)) is live


KEY = b"k" * 32
EXPIRES = int(datetime(2026, 12, 23, 12, 0, tzinfo=UTC).timestamp())


@pytest.mark.parametrize(("now", "status"), [(EXPIRES - 1, "ok"), (EXPIRES, "expired"), (EXPIRES + 1, "expired")],
                         ids=["one second before", "exactly at", "one second after"])
def test_read_link_is_valid_until_its_expiry_second_exclusive(now: int, status: str) -> None:
    token = signing.sign_link("survey_score", {"s": "s1", "u": "u1"}, EXPIRES, KEY)
    read, payload = signing.read_link(token, "survey_score", now, KEY)
    assert read == status
    assert payload == {"s": "s1", "u": "u1", "k": "survey_score", "x": EXPIRES}


# Each reason with its whole decision (eligible flag, reason, survey, lift time), in the documented order.
OPEN_SURVEY = {"survey_id": "s2", "active": True, "channels": ["in_app_web"]}  # no sample_percent: everyone


@pytest.mark.parametrize(("state", "surveys", "expected"), [
    (ThrottleState(opted_out=True, products={"p": ProductState(declined_at=T0)}), [SURVEY],
     rules.Decision(False, "opted_out")),
    (ThrottleState(products={"p": ProductState(declined_at=T0)}), [{**SURVEY, "channels": ["email"]}],
     rules.Decision(False, "no_active_survey")),
    (ThrottleState(), [{**SURVEY, "active": False}], rules.Decision(False, "no_active_survey")),
    (ThrottleState(), [{k: v for k, v in SURVEY.items() if k != "channels"}],
     rules.Decision(False, "no_active_survey")),
    (ThrottleState(), [{**SURVEY, "sample_percent": 0}], rules.Decision(False, "sampled_out")),
    (ThrottleState(), [OPEN_SURVEY], rules.Decision(True, "eligible", survey=OPEN_SURVEY)),
    (ThrottleState(), [OPEN_SURVEY, SURVEY], rules.Decision(True, "eligible", survey=SURVEY)),  # first by id
    (ThrottleState(), [{**SURVEY, "sample_percent": 0}, OPEN_SURVEY],
     rules.Decision(True, "eligible", survey=OPEN_SURVEY)),
])
def test_decide_whole_decision_per_reason(state: ThrottleState, surveys: list, expected: rules.Decision) -> None:
    assert _decide(state, T0 + timedelta(days=400), surveys) == expected


def test_decide_samples_by_survey_and_user() -> None:
    # user-14954's bucket in s1 is 4999 (pinned above): at 50 % in s1; the same user in another
    # survey, or another user, falls elsewhere.
    half = {**SURVEY, "sample_percent": 49.99}
    assert _decide(ThrottleState(), T0, [half], user="user-14954").reason == "sampled_out"
    assert _decide(ThrottleState(), T0, [{**half, "sample_percent": 50}], user="user-14954").eligible
    assert _bucket("s1", "user-989") == 0
    assert _decide(ThrottleState(), T0, [{**SURVEY, "sample_percent": 0.01}], user="user-989").eligible


def test_throttle_expires_at_counts_the_company_gap_when_it_is_the_longest() -> None:
    policy = ThrottlePolicy(recontact=timedelta(days=1), decline=timedelta(days=2), company_gap=timedelta(days=30))
    assert rules.throttle_expires_at(T0, policy, 1095) == int(datetime(2026, 3, 31, 8, 30, tzinfo=UTC).timestamp())


@pytest.mark.parametrize(("asked", "chosen"), [("nb_NO", "nb-NO"), ("nb-NO", "nb-NO"), ("NB", "nb"),
                                               ("nb-SE", "nb"), ("sv_FI", "en"), ("", "en")])
def test_pick_texts_normalises_underscores_and_case(asked: str, chosen: str) -> None:
    texts = {"en": {"q": "Q"}, "nb": {"q": "Sp"}, "nb-NO": {"q": "Sp NO"}}
    assert rules.pick_texts(texts, asked) == (chosen, texts[chosen])


@pytest.mark.parametrize(("metric", "score", "message"), [
    ("nps", 11, "score: must be between 0 and 10 for NPS"), ("ces", 0, "score: must be between 1 and 7 for CES"),
    ("csat", 6, "score: must be between 1 and 5 for CSAT"), ("nps", "7", "score: must be an integer"),
    ("nps", True, "score: must be an integer"),
])
def test_check_score_message_names_field_and_scale(metric: str, score: object, message: str) -> None:
    from chalicelib.errors import InvalidInputError

    with pytest.raises(InvalidInputError) as raised:
        rules.check_score(metric, score)
    assert (raised.value.field, str(raised.value)) == ("score", message)
