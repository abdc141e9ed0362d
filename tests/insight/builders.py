"""Small builders for insight tests: surveys, answers and the admin calls."""

from __future__ import annotations

import json
from typing import Any

from tests.surveys.builders import create_survey, patch, post, response_body


def answer(
    client: Any,
    survey_id: str,
    user: str,
    score: int,
    *,
    channel: str = "in_app_web",
    country: str = "NO",
    locale: str = "en",
    comment: str | None = None,
    contact_ok: bool = False,
    email: str | None = None,
) -> str:
    """A user scores (and maybe comments); returns the response id."""
    user_body: dict[str, Any] = {"id": user, "country": country}
    if email:
        user_body["email"] = email
    body = response_body(
        survey_id, score=score, channel=channel, locale=locale, user=user_body, contact_ok=contact_ok
    )
    created = post(client, "/v1/responses", body)
    assert created.status_code == 201, created.body
    response_id = str(created.json_body["response_id"])
    if comment:
        edited = patch(client, f"/v1/responses/{response_id}", {"comment": comment}, created.json_body["edit_token"])
        assert edited.status_code == 200, edited.body
    return response_id


def event(client: Any, kind: str, survey_id: str, user: str, channel: str = "in_app_web") -> None:
    created = post(client, f"/v1/{kind}", {"survey_id": survey_id, "channel": channel, "user": {"id": user}})
    assert created.status_code == 201, created.body


def nps_survey(client: Any, product: str = "acme") -> str:
    return str(
        create_survey(client, product=product, channels=["in_app_web", "email", "mobile"])["survey_id"]
    )


def get_json(client: Any, path: str, headers: dict[str, str] | None = None) -> Any:
    response = client.http.get(path, headers=headers or {})
    return response


def post_json(client: Any, path: str, body: Any) -> Any:
    return client.http.post(path, body=json.dumps(body), headers={"Content-Type": "application/json"})
