"""No client input produces a 5xx: generated bodies, queries and ids against every public route."""
from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=5),
                    max_leaves=12)
FIELDS = st.fixed_dictionaries({}, optional={
    "survey_id": st.sampled_from(["srv_fuzz", "nope", ""]) | st.text(max_size=300),
    "score": st.integers(-5, 15) | JSON,
    "channel": st.sampled_from(["in_app_web", "email", "fax"]) | JSON,
    "user": st.fixed_dictionaries({"id": st.text(max_size=300)}, optional={"email": st.text(), "url": JSON}) | JSON,
    "contact_ok": JSON, "locale": st.text(max_size=40), "comment": st.text(max_size=2100) | JSON,
    "user_hash": st.text(max_size=70),
})
PATHS = ["/v1/responses", "/v1/impressions", "/v1/declines", "/v1/admin/surveys"]
SLOW_OK = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@given(path=st.sampled_from(PATHS), body=FIELDS | JSON)
@SLOW_OK
def test_post_routes_generated_bodies_never_5xx(client: Any, path: str, body: Any) -> None:
    _ensure_survey(client)
    result = client.http.post(path, body=json.dumps(body), headers={"Content-Type": "application/json"})
    assert result.status_code < 500, (path, body, result.body)


@given(response_id=st.text(max_size=3000), body=FIELDS | JSON)
@SLOW_OK
def test_patch_response_generated_ids_and_bodies_never_5xx(client: Any, response_id: str, body: Any) -> None:
    safe_id = "".join(c for c in response_id if c.isalnum() or c in "-_.~") or "x"
    result = client.http.patch(f"/v1/responses/{safe_id}", body=json.dumps(body),
                               headers={"Content-Type": "application/json"})
    assert result.status_code < 500, (safe_id, body, result.body)


@given(params=st.dictionaries(st.sampled_from(["product", "user_id", "channel", "locale", "user_hash",
                                               "throttle_token", "extra"]),
                              st.text(alphabet=st.characters(min_codepoint=48, max_codepoint=122), max_size=400)))
@SLOW_OK
def test_eligibility_generated_queries_never_5xx(client: Any, params: dict[str, str]) -> None:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    result = client.http.get(f"/v1/eligibility?{query}")
    assert result.status_code < 500, (params, result.body)


def _ensure_survey(client: Any) -> None:
    if client.http.get("/v1/admin/surveys/srv_fuzz").status_code == 404:
        from chalicelib.surveys import catalogue
        from tests.surveys.builders import survey_body

        catalogue.create_survey(survey_body(), survey_id="srv_fuzz")


