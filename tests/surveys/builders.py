"""Small builders for survey tests."""
from __future__ import annotations

import json
from typing import Any


def survey_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "product": "acme",
        "company": "acme-co",
        "metric": "nps",
        "channels": ["in_app_web", "email"],
        "texts": {
            "en": {"question": "How likely…?", "follow_up": "Why?"},
            "nb": {"question": "Hvor sannsynlig…?", "follow_up": "Hvorfor?"},
        },
    }
    body.update(overrides)
    return body


def response_body(survey_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "survey_id": survey_id,
        "score": 9,
        "channel": "in_app_web",
        "user": {"id": "user-1", "email": "Ada@Example.com", "country": "NO"},
    }
    body.update(overrides)
    return body


def post(client: Any, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
    return client.http.post(path, body=json.dumps(body),
                            headers={"Content-Type": "application/json", **(headers or {})})


def patch(client: Any, path: str, body: Any, token: str | None = None) -> Any:
    """PATCH with a JSON body; `token` is the response's edit_token (Authorization: Bearer)."""
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    return client.http.patch(path, body=json.dumps(body), headers={"Content-Type": "application/json", **auth})


def create_survey(client: Any, **overrides: Any) -> dict[str, Any]:
    response = post(client, "/v1/admin/surveys", survey_body(**overrides))
    assert response.status_code == 201, response.body
    return dict(response.json_body)
