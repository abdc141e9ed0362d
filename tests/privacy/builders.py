"""Small builders for privacy tests: a person left behind by the banner flow, and admin calls."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from tests.surveys.builders import create_survey, patch, post

SUBJECTS = "/v1/admin/subjects"


def banner_person(client: Any, user_id: str = "user-1", email: str = "Ada@Example.com",
                  comment: str | None = "Too slow", **user: Any) -> dict[str, Any]:
    """Eligibility → impression → response (with e-mail) → comment, as the banner does it."""
    survey = create_survey(client)
    asked = client.http.get(f"/v1/eligibility?product=acme&user_id={user_id}&channel=in_app_web")
    assert asked.json_body["eligible"] is True, asked.json_body
    shown = post(client, "/v1/impressions", {"survey_id": survey["survey_id"], "channel": "in_app_web",
                                             "user": {"id": user_id}})
    assert shown.status_code == 201, shown.body
    body = {"survey_id": survey["survey_id"], "score": 4, "channel": "in_app_web",
            "user": {"id": user_id, "email": email, "country": "no", "username": "ada", **user}}
    answered = post(client, "/v1/responses", body, headers={"Idempotency-Key": f"k-{user_id}"})
    assert answered.status_code == 201, answered.body
    response_id = answered.json_body["response_id"]
    if comment is not None:
        token = answered.json_body["edit_token"]
        assert patch(client, f"/v1/responses/{response_id}", {"comment": comment}, token).status_code == 200
    return {"survey": survey, "response_id": response_id, "user_id": user_id, "email": email,
            "edit_token": answered.json_body["edit_token"]}


def query(**params: str) -> str:
    return "?" + urlencode(params) if params else ""


def export(client: Any, **params: str) -> Any:
    return client.http.get(f"{SUBJECTS}/export{query(**params)}")


def erase(client: Any, **params: str) -> Any:
    return client.http.delete(f"{SUBJECTS}{query(**params)}")


def send(client: Any, method: str, path: str, body: Any, **params: str) -> Any:
    return client.http.request(method, f"{SUBJECTS}{path}{query(**params)}", body=json.dumps(body),
                               headers={"Content-Type": "application/json"})


def eligibility(client: Any, user_id: str, product: str = "acme") -> dict[str, Any]:
    response = client.http.get(f"/v1/eligibility?product={product}&user_id={user_id}&channel=in_app_web")
    assert response.status_code == 200, response.body
    return dict(response.json_body)


def feedback_items(table_name: str) -> list[dict[str, Any]]:
    """Every item of a table (a test may Scan; the code under test never does)."""
    import boto3

    table = boto3.resource("dynamodb", region_name="eu-west-1").Table(table_name)
    return list(table.scan()["Items"])
