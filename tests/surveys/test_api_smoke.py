"""The banner's flow through the API, over moto."""
from __future__ import annotations

from typing import Any

from tests.surveys.builders import create_survey, post, response_body


def test_response_post_valid_score_returns_201_with_id(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    response = post(client, "/v1/responses", response_body(survey["survey_id"]))
    assert response.status_code == 201
    assert len(response.json_body["response_id"]) == 32
