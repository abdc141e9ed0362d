"""Issue 11.3: a comment needs the response's capability, the `edit_token` of its 201.

Response ids travel (webhook payloads, logs of receivers); knowing one must not let anyone
write the comment. The token is signed, bound to one response id and expires with the edit
window; PATCH without it (or with any other) is 401 and writes nothing.
"""
from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest

from chalicelib import aws, clock, signing
from chalicelib.config import get_settings
from tests.surveys.builders import create_survey, post, response_body


def _answer(client: Any, survey_id: str, user: str = "user-1", key: str | None = None) -> dict[str, Any]:
    created = post(client, "/v1/responses", response_body(survey_id, user={"id": user}),
                   headers={"Idempotency-Key": key} if key else None)
    assert created.status_code == 201, created.body
    return dict(created.json_body)


def _patch(client: Any, response_id: str, comment: str, authorization: str | None) -> Any:
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    return client.http.patch(f"/v1/responses/{response_id}", body=json.dumps({"comment": comment}), headers=headers)


def _stored_comment(response_id: str) -> Any:
    item = aws.table(get_settings().feedback_table).get_item(Key={"pk": f"RESP#{response_id}", "sk": "RESP"})
    return item["Item"].get("comment")


@pytest.fixture
def answered(client: Any, frozen_now: Any) -> dict[str, Any]:
    survey = create_survey(client)
    return {"survey": survey, "mine": _answer(client, survey["survey_id"]),
            "other": _answer(client, create_survey(client, product="acme-billing")["survey_id"], "user-2")}


def test_created_response_carries_an_edit_token_bound_to_it(answered: dict[str, Any]) -> None:
    mine = answered["mine"]
    assert set(mine) == {"response_id", "edit_token"}
    payload = json.loads(base64.urlsafe_b64decode(mine["edit_token"].split(".")[0] + "=="))
    assert payload["r"] == mine["response_id"]
    assert "user-1" not in json.dumps(payload)  # the token names the response, nobody


def test_patch_with_the_edit_token_stores_the_comment(client: Any, answered: dict[str, Any]) -> None:
    mine = answered["mine"]
    result = _patch(client, mine["response_id"], "Faster please", f"Bearer {mine['edit_token']}")
    assert result.status_code == 200, result.body
    assert _stored_comment(mine["response_id"]) == "Faster please"


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer ", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "bearer x.y",
    "Bearer " + signing.sign_link("response_edit", {"r": "0" * 32}, 2_000_000_000, b"another key"),
])
def test_patch_without_a_valid_edit_token_is_401_and_writes_nothing(
        client: Any, answered: dict[str, Any], authorization: str | None) -> None:
    mine = answered["mine"]
    result = _patch(client, mine["response_id"], "hijacked", authorization)
    assert result.status_code == 401
    assert result.json_body["error"] == "unauthorized" and result.json_body["field"] == "Authorization"
    assert _stored_comment(mine["response_id"]) is None


def test_patch_with_another_responses_token_is_401_and_writes_nothing(client: Any,
                                                                       answered: dict[str, Any]) -> None:
    mine, other = answered["mine"], answered["other"]
    result = _patch(client, mine["response_id"], "hijacked", f"Bearer {other['edit_token']}")
    assert result.status_code == 401
    assert _stored_comment(mine["response_id"]) is None


def test_patch_with_a_throttle_or_link_token_signed_by_us_is_401(client: Any, answered: dict[str, Any]) -> None:
    from chalicelib.secrets import get_app_secrets

    mine = answered["mine"]
    key = get_app_secrets().signing_key
    for token in (signing.sign({"r": mine["response_id"], "x": 2_000_000_000}, key),
                  signing.sign_link("survey_score", {"r": mine["response_id"]}, 2_000_000_000, key)):
        assert _patch(client, mine["response_id"], "hijacked", f"Bearer {token}").status_code == 401
    assert _stored_comment(mine["response_id"]) is None


def test_edit_token_expires_with_the_edit_window(client: Any, answered: dict[str, Any], frozen_now: Any) -> None:
    mine = answered["mine"]
    hours = get_settings().comment_edit_hours
    clock.freeze(frozen_now + timedelta(hours=hours) - timedelta(seconds=1))
    assert _patch(client, mine["response_id"], "just in time", f"Bearer {mine['edit_token']}").status_code == 200
    clock.freeze(frozen_now + timedelta(hours=hours, seconds=1))
    late = _patch(client, mine["response_id"], "too late", f"Bearer {mine['edit_token']}")
    assert late.status_code == 409 and late.json_body["field"] == "comment"
    assert _stored_comment(mine["response_id"]) == "just in time"


def test_replayed_response_gives_a_working_edit_token(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    first = _answer(client, survey["survey_id"], key="k-1")
    clock.freeze(frozen_now + timedelta(hours=1))
    again = _answer(client, survey["survey_id"], key="k-1")
    assert again["response_id"] == first["response_id"]
    assert _patch(client, first["response_id"], "ok", f"Bearer {again['edit_token']}").status_code == 200


def test_openapi_documents_the_edit_token_security_scheme(client: Any) -> None:
    doc = client.http.get("/v1/openapi.json").json_body
    assert doc["components"]["securitySchemes"]["editToken"] == {
        "type": "http", "scheme": "bearer", "description": doc["components"]["securitySchemes"]["editToken"]
        ["description"]}
    assert doc["paths"]["/v1/responses/{response_id}"]["patch"]["security"] == [{"editToken": []}]
    assert "401" in doc["paths"]["/v1/responses/{response_id}"]["patch"]["responses"]


def test_cors_preflight_allows_the_authorization_header(client: Any) -> None:
    answer = client.http.request("OPTIONS", "/v1/responses/abc", headers={"Origin": "https://app.example.com"})
    assert "Authorization" in answer.headers["Access-Control-Allow-Headers"].split(",")


def test_edit_token_opens_no_link_route(client: Any, answered: dict[str, Any]) -> None:
    token = answered["mine"]["edit_token"]
    assert client.http.get(f"/v1/opt-out/{token}").status_code == 400
    assert client.http.get(f"/v1/s/{token}").status_code == 400
