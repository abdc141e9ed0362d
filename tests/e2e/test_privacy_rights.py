"""A person made by the banner flow on the `make run` stack: every right, then nothing remains."""
from __future__ import annotations

import json
import time
import uuid
from typing import Any

import boto3
import pytest

from tests.e2e.api_client import ApiClient

pytestmark = pytest.mark.e2e

SUBJECTS = "/v1/admin/subjects"


def _banner_person(api: ApiClient, user: str, email: str) -> str:
    asked = api.get("/v1/eligibility", product="demo", user_id=user, channel="in_app_web")
    survey_id = asked.json()["survey"]["survey_id"]
    event = {"survey_id": survey_id, "channel": "in_app_web", "user": {"id": user}}
    assert api.post("/v1/impressions", event).status_code == 201
    answered = api.post("/v1/responses", {**event, "score": 2, "user": {"id": user, "email": email}},
                        headers={"Idempotency-Key": f"e2e-{user}"})
    assert answered.status_code == 201, answered.text
    response_id = str(answered.json()["response_id"])
    commented = api.patch(f"/v1/responses/{response_id}", {"comment": f"Slow. Write me at {email}"},
                          answered.json()["edit_token"])
    assert commented.json()["comment"] == "Slow. Write me at [email]"
    return response_id


def _wait_for_followup(api: ApiClient, response_id: str, seconds: float = 60) -> None:
    """Until the stream has opened the detractor's follow-up (asynchronous; not an audited export)."""
    deadline = time.monotonic() + seconds
    while api.get(f"/v1/admin/followups/{response_id}").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.3)


def _everything_stored(stack: dict[str, Any]) -> str:
    """Every item of every table of the stack, as text (a test may Scan; the code never does)."""
    ddb = boto3.resource("dynamodb", endpoint_url=stack["moto_url"], region_name=stack["region"],
                         aws_access_key_id="testing", aws_secret_access_key="testing")
    dumped = [ddb.Table(name).scan()["Items"] for name in (stack["feedback_table"], stack["privacy_table"])]
    return json.dumps(dumped, default=str)


def test_stack_person_is_exported_restricted_rectified_objected_and_erased(
        api: ApiClient, live_stack: dict[str, Any]) -> None:
    user, email = f"e2e-{uuid.uuid4().hex[:8]}", f"p-{uuid.uuid4().hex[:6]}@example.com"
    who = {"user_id": user, "company": "demo-company"}
    query = f"?user_id={user}&company=demo-company"
    response_id = _banner_person(api, user, email)
    assert user in _everything_stored(live_stack)

    _wait_for_followup(api, response_id)  # a commented detractor: the stream opens a follow-up
    exported = api.get(f"{SUBJECTS}/export", **who, format="json").json()
    assert {i["kind"] for i in exported["items"]} == {"response", "impression", "throttle", "idempotency",
                                                      "followup"}
    assert api.get(f"{SUBJECTS}/export", email=email, format="csv").text.startswith("section,store")

    restricted = api.post(f"{SUBJECTS}/restriction{query}", {"restricted": True})
    assert restricted.json()["counts"]["surveys"]["response"] == 1
    assert restricted.json()["counts"]["followups"] == {"followup": 1, "closed": 1}
    assert api.get(f"/v1/admin/followups/{response_id}").json()["closed_reason"] == "restricted"
    assert api.get("/v1/eligibility", product="demo", user_id=user, channel="in_app_web").json()["reason"] \
        == "opted_out"

    new_email = f"r-{uuid.uuid4().hex[:6]}@example.com"
    rectified = api.send("PATCH", f"{SUBJECTS}{query}", {"email": new_email, "country": "NO"})
    assert rectified.json()["counts"]["surveys"]["response"] == 1
    assert api.get(f"{SUBJECTS}/export", email=new_email).json()["items"]

    objected = api.post(f"{SUBJECTS}/objection{query}", {})
    assert objected.json()["kept"] is False
    assert objected.json()["counts"]["followups"] == {"erased_followup": 1}
    erased = api.delete(f"{SUBJECTS}{query}")
    assert erased.status_code == 200
    assert erased.json()["counts"]["followups"] == {}
    assert api.get(f"/v1/admin/followups/{response_id}").status_code == 404

    for ask in (who, {"email": email}, {"email": new_email}):
        assert api.get(f"{SUBJECTS}/export", **ask).json()["items"] == []
    stored = _everything_stored(live_stack)
    assert user not in stored and email not in stored and new_email not in stored
    assert api.get("/v1/eligibility", product="demo", user_id=user, channel="in_app_web").json()["reason"] \
        == "opted_out"
    rights = [r["right"] for r in api.get(f"{SUBJECTS}/requests", **who).json()["requests"]]
    assert rights == ["access", "restriction", "rectification", "objection", "erasure", "access"]
