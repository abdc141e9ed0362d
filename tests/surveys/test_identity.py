"""Issue 11.2: identity on the public routes fails closed.

Outside the local run (ALLOW_UNVERIFIED_IDENTITY, set only by `make run` and the test stage) a
product without an identity secret is refused, and a product with one needs the user's
`user_hash`. Without a valid identity, eligibility answers the same for every person.
"""
from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.signing import user_hash
from tests.privacy.builders import feedback_items, send
from tests.surveys.builders import create_survey, post, response_body

SECRET = "s3cret"


def _set_identity_secrets(aws_stack: dict[str, Any], secrets: dict[str, str]) -> None:
    from chalicelib import secrets as app_secrets

    arn = aws_stack["AppSecrets"]["Ref"]
    sm = aws.client("secretsmanager")
    data = json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])
    sm.put_secret_value(SecretId=arn, SecretString=json.dumps({**data, "identity_secrets": secrets}))
    app_secrets.reset()


@pytest.fixture
def deployed(client: Any, set_env: Any) -> Any:
    """As in a deployed stage: no allowance for products without an identity secret."""
    set_env(ALLOW_UNVERIFIED_IDENTITY="false")
    return client


def _eligibility(client: Any, user_id: str = "user-1", **params: str) -> Any:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.http.get(f"/v1/eligibility?product=acme&user_id={user_id}&channel=in_app_web&{query}")


def _public_calls(client: Any, survey_id: str) -> list[Any]:
    event = {"survey_id": survey_id, "channel": "in_app_web", "user": {"id": "user-1"}}
    return [_eligibility(client), post(client, "/v1/impressions", event), post(client, "/v1/declines", event),
            post(client, "/v1/responses", response_body(survey_id))]


def test_public_routes_refuse_a_product_without_identity_secret_outside_the_local_run(
        deployed: Any, aws_stack: Any, frozen_now: Any) -> None:
    survey = create_survey(deployed)
    answers = _public_calls(deployed, survey["survey_id"])
    assert [a.status_code for a in answers] == [403, 403, 403, 403]
    assert {a.json_body["error"] for a in answers} == {"identity_not_configured"}
    assert {a.json_body["field"] for a in answers} == {"product"}
    assert "identity secret" in answers[0].json_body["message"]
    assert not [i for i in feedback_items(aws_stack["FeedbackTable"]["Ref"]) if i["pk"].startswith(("RESP", "EVT"))]


def test_made_up_user_ids_cannot_write_answers_outside_the_local_run(deployed: Any, frozen_now: Any) -> None:
    survey = create_survey(deployed)
    made_up = [post(deployed, "/v1/responses", response_body(survey["survey_id"], score=0, user={"id": f"fake-{n}"}))
               for n in range(20)]
    assert {r.status_code for r in made_up} == {403}


def test_public_routes_need_the_users_hash_once_the_product_has_a_secret(
        deployed: Any, aws_stack: Any, frozen_now: Any) -> None:
    survey = create_survey(deployed)
    _set_identity_secrets(aws_stack, {"acme": SECRET})
    assert {a.status_code for a in _public_calls(deployed, survey["survey_id"])} == {401}
    signed = post(deployed, "/v1/responses",
                  response_body(survey["survey_id"], user_hash=user_hash(SECRET, "user-1")))
    assert signed.status_code == 201


def test_local_run_allows_a_product_without_identity_secret(client: Any, set_env: Any, frozen_now: Any) -> None:
    set_env(ALLOW_UNVERIFIED_IDENTITY="true")
    survey = create_survey(client)
    assert [a.status_code for a in _public_calls(client, survey["survey_id"])] == [200, 201, 201, 201]


def _answers(client: Any, **params: str) -> set[tuple[int, str]]:
    """Eligibility's answers (status and body) for an unknown, a declined, a surveyed and an objected user."""
    return {(r.status_code, json.dumps(r.json_body, sort_keys=True))
            for r in (_eligibility(client, u, **params) for u in ("unknown", "declined", "surveyed", "objected"))}


def test_eligibility_without_valid_identity_answers_alike_for_every_person(
        client: Any, set_env: Any, aws_stack: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    event = {"survey_id": survey["survey_id"], "channel": "in_app_web"}
    assert post(client, "/v1/declines", {**event, "user": {"id": "declined"}}).status_code == 201
    assert post(client, "/v1/responses", response_body(survey["survey_id"], user={"id": "surveyed"})).status_code == 201
    send(client, "POST", "/objection", {}, user_id="objected", company="acme-co")
    assert len(_answers(client)) == 4  # the local run's allowance: each person's state shows

    set_env(ALLOW_UNVERIFIED_IDENTITY="false")
    assert {status for status, _ in _answers(client)} == {403}
    assert len(_answers(client)) == 1
    _set_identity_secrets(aws_stack, {"acme": SECRET})
    for hash_param in ({}, {"user_hash": "0" * 64}, {"user_hash": user_hash(SECRET, "someone-else")}):
        seen = _answers(client, **hash_param)
        assert len(seen) == 1 and next(iter(seen))[0] == 401, seen
    assert _eligibility(client, "surveyed", user_hash=user_hash(SECRET, "surveyed")).json_body["reason"] \
        == "recently_surveyed"


def test_email_links_still_record_for_a_product_without_secret(deployed: Any, frozen_now: Any) -> None:
    survey = create_survey(deployed)
    issued = post(deployed, f"/v1/admin/surveys/{survey['survey_id']}/links", {"user": {"id": "mail-1"}})
    url = issued.json_body["links"][9]["url"]
    followed = deployed.http.get(url[url.index("/v1/"):])
    assert followed.status_code == 200 and "Thank you" in followed.body.decode()


def test_identity_check_lists_products_without_a_secret(deployed: Any, aws_stack: Any, frozen_now: Any) -> None:
    create_survey(deployed)
    create_survey(deployed, product="acme-billing")
    _set_identity_secrets(aws_stack, {"acme": SECRET})
    body = deployed.http.get("/v1/admin/identity").json_body
    assert body["missing"] == ["acme-billing"]
    assert body["unverified_identity_allowed"] is False
    assert {p["product"]: p["identity_secret"] for p in body["products"]} == {"acme": True, "acme-billing": False}
    assert SECRET not in json.dumps(body)


def test_settings_refuse_the_local_allowance_in_prod(set_env: Any) -> None:
    from chalicelib import config

    set_env(STAGE="prod", ALLOW_UNVERIFIED_IDENTITY="true")
    with pytest.raises(ValueError, match="ALLOW_UNVERIFIED_IDENTITY"):
        config.get_settings()


def test_package_refuses_a_stage_carrying_the_local_allowance() -> None:
    from devstack.package import ROOT, check_stage

    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    for stage in config["stages"]:
        check_stage(config, stage)  # no real stage carries it
    config["stages"]["prod"]["environment_variables"]["ALLOW_UNVERIFIED_IDENTITY"] = "true"
    with pytest.raises(SystemExit, match="ALLOW_UNVERIFIED_IDENTITY"):
        check_stage(config, "prod")


def test_local_run_says_at_start_that_it_accepts_unverified_user_ids() -> None:
    from devstack.__main__ import summary
    from devstack.stack import Stack

    stack = Stack(moto_port=5999, api_port=8999)
    stack.started_in = 0.1  # type: ignore[attr-defined]
    assert "identity: LOCAL RUN ONLY" in summary(stack, "stack.json")
