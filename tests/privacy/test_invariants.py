"""Invariants over moto: every personal item has a TTL within 3 years; reads ignore expired items."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from chalicelib import clock
from chalicelib.privacy import service
from tests.conftest import NOW
from tests.privacy.builders import SUBJECTS, banner_person, eligibility, erase, export, feedback_items, send
from tests.surveys.builders import create_survey, patch, post

THREE_YEARS = 3 * 365 * 86400
# Examples share the test's tables, so time only moves forward across them as well.
_high_water = {"at": NOW}

_users = st.sampled_from(["u1", "u2", "u3"])
_actions = st.lists(st.one_of(
    st.tuples(st.just("respond"), _users, st.integers(0, 10), st.text(max_size=40)),
    st.tuples(st.just("impression"), _users),
    st.tuples(st.just("decline"), _users),
    st.tuples(st.just("restrict"), _users, st.booleans()),
    st.tuples(st.just("object"), _users, st.booleans()),
    st.tuples(st.just("rectify"), _users),
    st.tuples(st.just("link"), _users),
    st.tuples(st.just("retention"),),
), min_size=1, max_size=6)


# What each action may answer: its success, or a refusal the product documents for that state
# (an opted-out or restricted person is refused with 409 opted_out; a second answer inside the
# recontact window with 409 already_answered). Anything else (400, 404, 5xx) fails the example:
# an invariant over requests that all failed would hold for nothing.
ALLOWED = {
    "respond": {201, 409}, "comment": {200, 409}, "impression": {201, 409}, "decline": {201, 409},
    "restrict": {200}, "object": {200}, "rectify": {200}, "link": {201},
}
REFUSALS = {"opted_out", "already_answered"}


def _check(kind: str, response: Any) -> Any:
    assert response.status_code in ALLOWED[kind], (kind, response.status_code, response.body)
    if response.status_code == 409:
        assert response.json_body["error"] in REFUSALS, (kind, response.body)
    return response


def _act(client: Any, survey_id: str, action: tuple[Any, ...]) -> None:
    kind, user = action[0], action[1] if len(action) > 1 else None
    event = {"survey_id": survey_id, "channel": "in_app_web", "user": {"id": user}}
    if kind == "respond":
        made = _check(kind, post(client, "/v1/responses", {**event, "score": action[2],
                                                           "user": {"id": user, "email": f"{user}@example.com"}}))
        if made.status_code == 201:
            _check("comment", patch(client, f"/v1/responses/{made.json_body['response_id']}",
                                    {"comment": action[3]}, made.json_body["edit_token"]))
    elif kind in ("impression", "decline"):
        _check(kind, post(client, f"/v1/{kind}s", event))
    elif kind == "restrict":
        _check(kind, send(client, "POST", "/restriction", {"restricted": action[2]}, user_id=user))
    elif kind == "object":
        _check(kind, send(client, "POST", "/objection", {"keep_reason": "legal hold"} if action[2] else {},
                          user_id=user))
    elif kind == "rectify":
        _check(kind, send(client, "PATCH", "", {"country": "DK", "url": "https://x.example"}, user_id=user))
    elif kind == "link":
        _check(kind, post(client, f"{SUBJECTS}/opt-out-links", {"user_id": user, "company": "acme-co"}))
    else:
        service.run_retention()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=_actions, days=st.lists(st.integers(0, 200), min_size=6, max_size=6))
def test_every_item_written_has_a_ttl_within_three_years(client: Any, aws_stack: Any, set_env: Any,
                                                          actions: list[Any], days: list[int]) -> None:
    # Configuration asking for longer than the limit is capped, never obeyed.
    set_env(RETENTION_DAYS="99999", AUDIT_RETENTION_DAYS="99999", SUPPRESSION_DAYS="99999")
    at = _high_water["at"]
    clock.freeze(at)
    survey = create_survey(client)
    for action, day in zip(actions, days, strict=False):
        at += timedelta(days=day)
        _high_water["at"] = at
        clock.freeze(at)
        _act(client, survey["survey_id"], action)
        for table in ("FeedbackTable", "PrivacyTable"):
            for item in feedback_items(aws_stack[table]["Ref"]):
                assert "expires_at" in item, item
                assert int(item["expires_at"]) <= int(at.timestamp()) + THREE_YEARS, item


def test_export_ignores_expired_items_that_ttl_has_not_deleted(client: Any, frozen_now: Any) -> None:
    banner_person(client)
    clock.freeze(frozen_now + timedelta(days=3 * 365 + 1))
    assert export(client, user_id="user-1", email="ada@example.com").json_body["items"] == []


def test_erase_also_deletes_expired_items_still_stored(client: Any, aws_stack: Any, frozen_now: Any) -> None:
    banner_person(client)
    clock.freeze(frozen_now + timedelta(days=3 * 365 + 1))
    assert sum(erase(client, user_id="user-1").json_body["counts"]["surveys"].values()) == 4
    assert not [i for i in feedback_items(aws_stack["FeedbackTable"]["Ref"]) if "subject" in i]


def test_eligibility_ignores_an_expired_objection(client: Any, frozen_now: Any) -> None:
    create_survey(client)
    send(client, "POST", "/objection", {}, user_id="u9")
    clock.freeze(frozen_now + timedelta(days=3 * 365 + 1))
    assert eligibility(client, "u9")["eligible"] is True


def test_audit_listing_ignores_expired_entries(client: Any, frozen_now: Any) -> None:
    export(client, user_id="u9")
    clock.freeze(frozen_now + timedelta(days=3 * 365 + 1))
    assert client.http.get(f"{SUBJECTS}/requests?user_id=u9").json_body["requests"] == []


# How long each item of one banner visit lives, by PRODUCT.md and docs/privacy.md (not read from the
# stored expires_at): the answer 3 years (1,095 days), the impression and the throttle state only
# while a throttle can hold (the 180-day decline window), the Idempotency-Key record 24 hours.
LIFETIME_DAYS = {"response": 1095, "impression": 180, "throttle": 180, "idempotency": 1}
BOUNDARY_DAYS = (0, 1, 179, 180, 1094, 1095, 1200)


def _live_kinds(days: int) -> list[str]:
    return sorted(kind for kind, lifetime in LIFETIME_DAYS.items() if days < lifetime)


def test_live_kinds_table_reads_as_written() -> None:
    assert [_live_kinds(d) for d in BOUNDARY_DAYS] == [
        ["idempotency", "impression", "response", "throttle"], ["impression", "response", "throttle"],
        ["impression", "response", "throttle"], ["response"], ["response"], [], []]


def _on_each_boundary(test: Any) -> Any:
    for days in reversed(BOUNDARY_DAYS):
        test = example(days=days)(test)
    return settings(phases=[Phase.explicit], deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])(given(days=st.integers(0, 1200))(test))


@_on_each_boundary
def test_export_shows_exactly_the_items_not_yet_expired(client: Any, aws_stack: Any, days: int) -> None:
    clock.freeze(NOW)
    user = f"p{days}-{len(feedback_items(aws_stack['FeedbackTable']['Ref']))}"
    banner_person(client, user_id=user, email=f"{user}@example.com")
    clock.freeze(NOW + timedelta(days=days))
    shown = sorted(i["kind"] for i in export(client, user_id=user).json_body["items"])
    assert shown == _live_kinds(days)


_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=6, max_size=12)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_words, host=_words, comment=_words, score=st.integers(0, 10))
def test_anonymised_item_in_the_table_holds_nothing_identifying(client: Any, aws_stack: Any, name: str,
                                                                host: str, comment: str, score: int) -> None:
    clock.freeze(NOW)
    survey = create_survey(client)
    user = f"{name}-{survey['survey_id']}"
    made = post(client, "/v1/responses", {"survey_id": survey["survey_id"], "score": score,
                                          "channel": "in_app_web",
                                          "user": {"id": user, "email": f"{name}@{host}.example",
                                                   "username": name, "url": f"https://{host}.example/{name}"}})
    assert made.status_code == 201, made.body
    patch(client, f"/v1/responses/{made.json_body['response_id']}", {"comment": comment}, made.json_body["edit_token"])
    clock.freeze(NOW + timedelta(days=400))
    service.run_retention()
    anonymous = [i for i in feedback_items(aws_stack["FeedbackTable"]["Ref"]) if i["pk"].startswith("ANON#")]
    text = " ".join(str(v) for i in anonymous for v in i.values())  # values only: keys are fixed words
    assert made.json_body["response_id"] not in text
    assert name not in text and host not in text and comment not in text and user not in text
    assert all(set(i) <= {"pk", "sk", "expires_at", "score", "metric", "product", "channel", "country",
                          "month"} for i in anonymous)
