"""Every survey route through chalice's test client over moto."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from chalicelib import aws, clock
from chalicelib.config import get_settings
from tests.surveys.builders import create_survey, patch, post, response_body


def eligibility(client: Any, **params: str) -> Any:
    query = {"product": "acme", "user_id": "user-1", "channel": "in_app_web", **params}
    return client.http.get("/v1/eligibility?" + "&".join(f"{k}={v}" for k, v in query.items()))


def feedback_items() -> list[dict[str, Any]]:
    # Tests may scan: they check what is stored, not a request path.
    return list(aws.table(get_settings().feedback_table).scan()["Items"])


def test_eligibility_new_user_gets_survey_in_locale(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    body = eligibility(client, locale="nb-NO").json_body
    assert body["eligible"] is True and body["reason"] == "eligible"
    assert body["survey"]["survey_id"] == survey["survey_id"]
    assert body["survey"]["question"] == "Hvor sannsynlig…?"
    assert body["survey"]["scale"] == {"min": 0, "max": 10}
    assert body["next_eligible_at"] is None


def test_eligibility_after_answer_is_throttled_for_recontact_window(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    assert post(client, "/v1/responses", response_body(survey["survey_id"])).status_code == 201
    body = eligibility(client).json_body
    assert body["eligible"] is False and body["reason"] == "recently_surveyed"
    assert body["next_eligible_at"] == clock.iso(frozen_now + timedelta(days=90))
    clock.freeze(frozen_now + timedelta(days=90, seconds=1))
    assert eligibility(client).json_body["eligible"] is True


def test_eligibility_after_decline_is_declined_recently_for_decline_window(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    declined = post(client, "/v1/declines", {"survey_id": survey["survey_id"], "channel": "in_app_web",
                                             "user": {"id": "user-1"}})
    assert declined.status_code == 201
    clock.freeze(frozen_now + timedelta(days=179))
    assert eligibility(client).json_body["reason"] == "declined_recently"
    clock.freeze(frozen_now + timedelta(days=181))
    assert eligibility(client).json_body["eligible"] is True


def test_eligibility_after_impression_waits_company_gap_across_products(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    create_survey(client, product="acme-billing")
    shown = post(client, "/v1/impressions", {"survey_id": survey["survey_id"], "channel": "in_app_web",
                                             "user": {"id": "user-1"}})
    assert shown.status_code == 201
    assert eligibility(client, product="acme-billing").json_body["reason"] == "recently_surveyed"
    clock.freeze(frozen_now + timedelta(days=7, seconds=1))
    assert eligibility(client, product="acme-billing").json_body["eligible"] is True


def test_eligibility_impression_cap_without_answer_stops_asking(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    for week in range(3):
        clock.freeze(frozen_now + timedelta(days=8 * week))
        assert eligibility(client).json_body["eligible"] is True
        post(client, "/v1/impressions", {"survey_id": survey["survey_id"], "channel": "in_app_web",
                                         "user": {"id": "user-1"}})
    clock.freeze(frozen_now + timedelta(days=8 * 3))
    assert eligibility(client).json_body["reason"] == "recently_surveyed"


def test_eligibility_sampling_is_stable_per_user(client: Any, frozen_now: Any) -> None:
    create_survey(client, sample_percent=50)
    answers = {u: eligibility(client, user_id=u).json_body["reason"] for u in ("a", "b", "c", "d", "e", "f")}
    assert set(answers.values()) <= {"eligible", "sampled_out"}
    assert {u: eligibility(client, user_id=u).json_body["reason"] for u in answers} == answers


def test_eligibility_unknown_product_is_no_active_survey(client: Any) -> None:
    assert eligibility(client, product="nothing").json_body["reason"] == "no_active_survey"


def test_eligibility_costs_one_dynamodb_read(client: Any, frozen_now: Any) -> None:
    create_survey(client)
    eligibility(client)  # warms the per-container survey catalogue
    calls: list[str] = []
    aws.dynamodb_client().meta.events.register("before-call.dynamodb", lambda model, **_: calls.append(model.name))
    eligibility(client, user_id="someone-else")
    assert calls == ["BatchGetItem"]  # the throttle item and the suppression entry, in one request


def test_eligibility_valid_throttle_token_answers_without_reading(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    post(client, "/v1/responses", response_body(survey["survey_id"]))
    token = eligibility(client).json_body["throttle_token"]
    calls: list[str] = []
    aws.dynamodb_client().meta.events.register("before-call.dynamodb", lambda model, **_: calls.append(model.name))
    body = eligibility(client, throttle_token=token).json_body
    assert body["reason"] == "recently_surveyed" and calls == []


def test_eligibility_forged_or_other_users_token_is_ignored(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    post(client, "/v1/responses", response_body(survey["survey_id"]))
    token = eligibility(client).json_body["throttle_token"]
    assert eligibility(client, user_id="user-2", throttle_token=token).json_body["eligible"] is True
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert eligibility(client, user_id="user-2", throttle_token=forged).json_body["eligible"] is True


def test_eligibility_stale_token_is_ignored(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    post(client, "/v1/responses", response_body(survey["survey_id"]))
    token = eligibility(client).json_body["throttle_token"]
    clock.freeze(frozen_now + timedelta(days=91))
    assert eligibility(client, throttle_token=token).json_body["eligible"] is True


def test_response_stores_one_item_with_ttl_and_notice_version(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    rid = post(client, "/v1/responses", response_body(survey["survey_id"], contact_ok=True)).json_body["response_id"]
    [item] = [i for i in feedback_items() if i["pk"] == f"RESP#{rid}"]
    assert item["score"] == 9 and item["contact_ok"] is True
    assert item["privacy_notice_version"] == "2026-01"
    assert item["email_lc"] == "ada@example.com"
    assert int(item["expires_at"]) == int((frozen_now + timedelta(days=1095)).timestamp())


def test_response_contact_ok_defaults_to_false(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    rid = post(client, "/v1/responses", response_body(survey["survey_id"])).json_body["response_id"]
    [item] = [i for i in feedback_items() if i["pk"] == f"RESP#{rid}"]
    assert item["contact_ok"] is False


def test_response_retry_with_same_idempotency_key_returns_same_id_one_item(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    body = response_body(survey["survey_id"])
    first = post(client, "/v1/responses", body, {"Idempotency-Key": "k-1"})
    second = post(client, "/v1/responses", body, {"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 201
    assert first.json_body == second.json_body
    assert len([i for i in feedback_items() if i["pk"].startswith("RESP#")]) == 1


def test_response_same_key_different_body_is_422(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    post(client, "/v1/responses", response_body(survey["survey_id"]), {"Idempotency-Key": "k-1"})
    again = post(client, "/v1/responses", response_body(survey["survey_id"], score=2), {"Idempotency-Key": "k-1"})
    assert again.status_code == 422 and again.json_body["field"] == "Idempotency-Key"


def test_response_second_answer_within_window_is_409_and_stores_nothing(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    post(client, "/v1/responses", response_body(survey["survey_id"]))
    again = post(client, "/v1/responses", response_body(survey["survey_id"]))
    assert again.status_code == 409
    assert len([i for i in feedback_items() if i["pk"].startswith("RESP#")]) == 1


def test_comment_within_window_is_stored(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    made = post(client, "/v1/responses", response_body(survey["survey_id"])).json_body
    rid = made["response_id"]
    result = patch(client, f"/v1/responses/{rid}", {"comment": "Faster please"}, made["edit_token"])
    assert result.status_code == 200
    [item] = [i for i in feedback_items() if i["pk"] == f"RESP#{rid}"]
    assert item["comment"] == "Faster please"


def test_comment_after_24_hours_is_409(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    made = post(client, "/v1/responses", response_body(survey["survey_id"])).json_body
    clock.freeze(frozen_now + timedelta(hours=25))
    result = patch(client, f"/v1/responses/{made['response_id']}", {"comment": "late"}, made["edit_token"])
    assert result.status_code == 409 and result.json_body["field"] == "comment"


def test_comment_on_unknown_response_without_its_token_is_401(client: Any) -> None:
    assert patch(client, "/v1/responses/nope", {"comment": "x"}).status_code == 401


def test_comment_on_a_response_erased_since_its_token_was_issued_is_404(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    made = post(client, "/v1/responses", response_body(survey["survey_id"])).json_body
    client.http.delete("/v1/admin/subjects?user_id=user-1&company=acme-co")
    assert patch(client, f"/v1/responses/{made['response_id']}", {"comment": "x"}, made["edit_token"]).status_code \
        == 404


def test_expired_response_is_ignored_on_read(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    made = post(client, "/v1/responses", response_body(survey["survey_id"])).json_body
    clock.freeze(frozen_now + timedelta(days=1096))  # TTL passed; moto never deletes it
    assert patch(client, f"/v1/responses/{made['response_id']}", {"comment": "x"}, made["edit_token"]).status_code \
        in (404, 409)


def test_every_stored_item_has_ttl_within_three_years(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    user = {"survey_id": survey["survey_id"], "channel": "in_app_web", "user": {"id": "u9"}}
    post(client, "/v1/impressions", user)
    post(client, "/v1/declines", user)
    post(client, "/v1/responses", response_body(survey["survey_id"]), {"Idempotency-Key": "a"})
    limit = int((frozen_now + timedelta(days=3 * 365)).timestamp())
    items = feedback_items()
    assert len(items) == 6  # 2 events, 2 throttle items, response, idempotency key
    assert all(0 < int(i["expires_at"]) <= limit for i in items)


def test_admin_survey_create_list_update_deactivate(client: Any) -> None:
    survey = create_survey(client)
    listed = client.http.get("/v1/admin/surveys?product=acme").json_body["surveys"]
    assert [s["survey_id"] for s in listed] == [survey["survey_id"]]
    updated = patch(client, f"/v1/admin/surveys/{survey['survey_id']}", {"sample_percent": 25})
    assert updated.status_code == 200 and updated.json_body["sample_percent"] == 25
    gone = client.http.delete(f"/v1/admin/surveys/{survey['survey_id']}")
    assert gone.json_body["active"] is False
    assert client.http.get("/v1/admin/surveys?active=true").json_body["surveys"] == []
    assert eligibility(client).json_body["reason"] == "no_active_survey"


def test_admin_unknown_survey_is_404(client: Any) -> None:
    assert client.http.get("/v1/admin/surveys/nope").status_code == 404


def test_response_to_inactive_survey_is_409(client: Any) -> None:
    survey = create_survey(client, active=False)
    result = post(client, "/v1/responses", response_body(survey["survey_id"]))
    assert result.status_code == 409 and result.json_body["field"] == "survey_id"


def test_openapi_documents_every_route_with_request_schemas(client: Any) -> None:
    doc = client.http.get("/v1/openapi.json").json_body
    assert doc["openapi"].startswith("3.")
    from app import app

    for path, methods in app.routes.items():
        for method in set(methods) - {"OPTIONS"}:
            assert method.lower() in doc["paths"][path], (method, path)
    post_response = doc["paths"]["/v1/responses"]["post"]
    schema = post_response["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["score"]["type"] == "integer"


def test_openapi_ids_unique_path_parameters_form_bodies_and_statuses_documented(client: Any) -> None:
    doc = client.http.get("/v1/openapi.json").json_body
    operations = [(path, method, op) for path, ops in doc["paths"].items() for method, op in ops.items()]
    ids = [op["operationId"] for _, _, op in operations]
    assert len(ids) == len(set(ids))
    for path, _, op in operations:
        documented = [p["name"] for p in op["parameters"] if p["in"] == "path"]
        assert [f"{{{name}}}" for name in documented] == [s for s in path.split("/") if s.startswith("{")]
    form = doc["paths"]["/v1/s/{token}"]["post"]["requestBody"]["content"]
    assert form["application/x-www-form-urlencoded"]["schema"]["required"] == ["comment"]
    assert "201" in doc["paths"]["/v1/responses"]["post"]["responses"]
    assert "requestBody" not in doc["paths"]["/v1/opt-out/{token}"]["get"]


def test_cors_allowed_origin_gets_headers_other_origin_none(client: Any) -> None:
    ok = client.http.request("OPTIONS", "/v1/responses", headers={"Origin": "https://app.example.com"})
    assert ok.status_code == 204
    assert ok.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    other = client.http.get("/v1/eligibility?product=a&user_id=b&channel=email",
                            headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


@pytest.fixture
def identity_secret(aws_stack: dict[str, Any]) -> str:
    secrets_arn = aws_stack["AppSecrets"]["Ref"]
    sm = aws.client("secretsmanager")
    data = json.loads(sm.get_secret_value(SecretId=secrets_arn)["SecretString"])
    data["identity_secrets"] = {"acme": "s3cret"}
    sm.put_secret_value(SecretId=secrets_arn, SecretString=json.dumps(data))
    return "s3cret"


def test_identity_required_missing_or_wrong_hash_is_401(client: Any, identity_secret: str) -> None:
    from chalicelib.signing import user_hash

    survey = create_survey(client)
    assert eligibility(client).status_code == 401
    assert eligibility(client, user_hash="0" * 64).status_code == 401
    assert eligibility(client, user_hash=user_hash(identity_secret, "user-1")).status_code == 200
    denied = post(client, "/v1/responses", response_body(survey["survey_id"]))
    assert denied.status_code == 401 and denied.json_body["field"] == "user_hash"
    allowed = post(client, "/v1/responses", response_body(survey["survey_id"],
                                                          user_hash=user_hash(identity_secret, "user-1")))
    assert allowed.status_code == 201


def test_response_idempotency_key_is_free_again_after_its_24_hours(client: Any, frozen_now: Any) -> None:
    first = create_survey(client)
    second = create_survey(client, product="acme-billing")
    old = post(client, "/v1/responses", response_body(first["survey_id"]), {"Idempotency-Key": "k-1"})
    clock.freeze(frozen_now + timedelta(hours=25))
    new = post(client, "/v1/responses", response_body(second["survey_id"]), {"Idempotency-Key": "k-1"})
    assert new.status_code == 201
    assert new.json_body["response_id"] != old.json_body["response_id"]
