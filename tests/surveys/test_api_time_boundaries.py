"""Time rules through the API at their edges: comment window, throttle token, opt-out link expiry.

The instants are written out by hand from each rule (COMMENT_EDIT_HOURS 24, RECONTACT_DAYS 90,
OPT_OUT_LINK_DAYS 90) from the frozen NOW (2026-11-23 12:00:00 UTC).
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib import aws, clock
from tests.privacy.builders import SUBJECTS, banner_person
from tests.surveys.builders import create_survey, patch, post, response_body


def _at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def test_comment_window_ends_24_hours_after_the_score_exclusive(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    made = post(client, "/v1/responses", response_body(survey["survey_id"])).json_body
    path = f"/v1/responses/{made['response_id']}"
    clock.freeze(_at(2026, 11, 24, 11, 59, 59))
    assert patch(client, path, {"comment": "in time"}, made["edit_token"]).status_code == 200
    for instant in (_at(2026, 11, 24, 12, 0, 0), _at(2026, 11, 24, 12, 0, 1)):
        clock.freeze(instant)
        late = patch(client, path, {"comment": "too late"}, made["edit_token"])
        assert (late.status_code, late.json_body["field"]) == (409, "comment"), instant


def _eligibility(client: Any, token: str | None = None) -> dict[str, Any]:
    query = "product=acme&user_id=user-1&channel=in_app_web" + (f"&throttle_token={token}" if token else "")
    response = client.http.get(f"/v1/eligibility?{query}")
    assert response.status_code == 200, response.body
    return dict(response.json_body)


def test_throttle_token_answers_until_the_throttle_lifts_then_is_ignored(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    assert post(client, "/v1/responses", response_body(survey["survey_id"])).status_code == 201
    first = _eligibility(client)
    assert first["next_eligible_at"] == "2027-02-21T12:00:00Z"  # 90 days after the answer
    calls: list[str] = []
    aws.dynamodb_client().meta.events.register("before-call.dynamodb", lambda model, **_: calls.append(model.name))
    clock.freeze(_at(2027, 2, 21, 11, 59, 59))
    held = _eligibility(client, first["throttle_token"])
    assert (held["eligible"], held["reason"], calls) == (False, "recently_surveyed", [])
    for instant in (_at(2027, 2, 21, 12, 0, 0), _at(2027, 2, 21, 12, 0, 1)):
        clock.freeze(instant)
        assert _eligibility(client, first["throttle_token"])["eligible"] is True, instant


def test_opt_out_link_works_until_90_days_after_issue_exclusive(client: Any, frozen_now: Any) -> None:
    banner_person(client)
    issued = post(client, f"{SUBJECTS}/opt-out-links", {"user_id": "user-1", "company": "acme-co"})
    assert issued.json_body["expires_at"] == "2027-02-21T12:00:00Z"
    for instant in (_at(2027, 2, 21, 12, 0, 1), _at(2027, 2, 21, 12, 0, 0)):
        clock.freeze(instant)
        refused = client.http.get(issued.json_body["path"])
        assert (refused.status_code, refused.json_body["field"]) == (400, "token"), instant
    clock.freeze(_at(2027, 2, 21, 11, 59, 59))
    clicked = client.http.get(issued.json_body["path"])
    assert (clicked.status_code, clicked.json_body) == (200, {"opted_out": True})
