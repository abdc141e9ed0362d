"""The banner's conversation with the `make run` stack, over real HTTP."""
from __future__ import annotations

import uuid

import pytest

from tests.e2e.api_client import ApiClient

pytestmark = pytest.mark.e2e


def test_stack_banner_flow_answers_then_throttles(api: ApiClient) -> None:
    user = f"e2e-{uuid.uuid4().hex[:8]}"
    asked = api.get("/v1/eligibility", product="demo", user_id=user, channel="in_app_web", locale="sv")
    assert asked.status_code == 200
    assert asked.json()["eligible"] is True
    survey = asked.json()["survey"]
    assert survey["survey_id"] == "srv_demo_nps"
    assert survey["question"].startswith("Hur troligt")

    shown = api.post("/v1/impressions", {"survey_id": survey["survey_id"], "channel": "in_app_web",
                                         "user": {"id": user}})
    assert shown.status_code == 201
    answered = api.post("/v1/responses", {"survey_id": survey["survey_id"], "score": 3,
                                          "channel": "in_app_web", "user": {"id": user}},
                        headers={"Idempotency-Key": "banner-1"})
    assert answered.status_code == 201
    assert api.patch(f"/v1/responses/{answered.json()['response_id']}", {"comment": "Too slow"}).status_code == 401
    commented = api.patch(f"/v1/responses/{answered.json()['response_id']}", {"comment": "Too slow"},
                          answered.json()["edit_token"])
    assert commented.status_code == 200

    again = api.get("/v1/eligibility", product="demo", user_id=user, channel="in_app_web")
    assert again.json()["eligible"] is False
    assert again.json()["reason"] == "recently_surveyed"
    assert again.json()["throttle_token"]
