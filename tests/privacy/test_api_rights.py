"""Erasure, rectification, restriction and objection over moto, through the admin routes."""
from __future__ import annotations

from typing import Any

import pytest

from tests.privacy.builders import SUBJECTS, banner_person, eligibility, erase, export, feedback_items, send
from tests.surveys.builders import post


def _items_of(aws_stack: dict[str, Any], response_id: str) -> list[dict[str, Any]]:
    return [i for i in feedback_items(aws_stack["FeedbackTable"]["Ref"])
            if i.get("subject") == "SUBJ#acme-co#user-1" or i["pk"] == f"RESP#{response_id}"]


def test_erase_deletes_every_item_and_counts_per_store(client: Any, aws_stack: Any, frozen_now: Any) -> None:
    person = banner_person(client)
    response = erase(client, user_id="user-1", company="acme-co")
    assert response.status_code == 200
    assert response.json_body["counts"] == {
        "surveys": {"response": 1, "impression": 1, "throttle": 1, "idempotency": 1}, "incidents": {}, "followups": {}}
    assert _items_of(aws_stack, person["response_id"]) == []


def test_erase_twice_answers_zero_counts_the_second_time(client: Any, frozen_now: Any) -> None:
    banner_person(client)
    erase(client, user_id="user-1")
    again = erase(client, user_id="user-1")
    assert again.status_code == 200
    assert again.json_body["counts"] == {"surveys": {}, "incidents": {}, "followups": {}}


def test_erase_by_email_removes_the_responses_carrying_it_not_the_user_ids_state(
        client: Any, aws_stack: Any, frozen_now: Any) -> None:
    person = banner_person(client)
    assert erase(client, email="ada@example.com").json_body["counts"]["surveys"] == {"response": 1}
    left = _items_of(aws_stack, person["response_id"])
    assert sorted(str(i["pk"]).split("#")[0] for i in left) == ["EVT", "IDEM", "SUBJ"]


def test_erase_without_identifier_returns_400_naming_user_id(client: Any) -> None:
    response = erase(client)
    assert response.status_code == 400
    assert response.json_body["field"] == "user_id"


def test_rectify_email_moves_the_person_to_the_new_address(client: Any, frozen_now: Any) -> None:
    banner_person(client)
    response = send(client, "PATCH", "", {"email": "ada.l@example.org", "username": None},
                    user_id="user-1", company="acme-co")
    assert response.status_code == 200
    assert response.json_body["counts"] == {"surveys": {"response": 1}, "incidents": {}, "followups": {}}
    assert export(client, email="ada@example.com").json_body["items"] == []
    items = export(client, email="ADA.L@example.org").json_body["items"]
    user = next(i for i in items if i["kind"] == "response")["data"]["user"]
    assert user["email"] == "ada.l@example.org"
    assert "username" not in user


@pytest.mark.parametrize(("body", "field"), [
    ({}, "body"), ({"country": "Norway"}, "country"), ({"email": "nope"}, "email"), ({"score": 3}, "score"),
])
def test_rectify_bad_body_returns_400_naming_the_field(client: Any, body: dict[str, Any], field: str) -> None:
    response = send(client, "PATCH", "", body, user_id="user-1")
    assert response.status_code == 400
    assert response.json_body["field"] == field


def test_rectify_unknown_person_returns_200_with_zero_counts(client: Any) -> None:
    response = send(client, "PATCH", "", {"country": "SE"}, user_id="ghost")
    assert response.status_code == 200
    assert response.json_body["counts"] == {"surveys": {}, "incidents": {}, "followups": {}}


def test_restriction_flags_items_and_stops_surveys(client: Any, frozen_now: Any) -> None:
    person = banner_person(client)
    response = send(client, "POST", "/restriction", {"restricted": True}, user_id="user-1")
    assert response.json_body["counts"] == {"surveys": {"response": 1, "impression": 1}, "incidents": {},
                                            "followups": {}}
    items = export(client, user_id="user-1").json_body["items"]
    assert all(i["restricted"] for i in items if i["kind"] in ("response", "impression"))
    assert eligibility(client, "user-1")["reason"] == "opted_out"
    again = post(client, "/v1/responses", {"survey_id": person["survey"]["survey_id"], "score": 1,
                                           "channel": "in_app_web", "user": {"id": "user-1"}})
    assert again.status_code == 409
    assert again.json_body["error"] == "opted_out"


def test_restriction_lifted_unflags_items_and_ends_the_opt_out(client: Any, frozen_now: Any) -> None:
    banner_person(client)
    send(client, "POST", "/restriction", {"restricted": True}, user_id="user-1")
    send(client, "POST", "/restriction", {"restricted": False}, user_id="user-1")
    items = export(client, user_id="user-1").json_body["items"]
    assert not any(i["restricted"] for i in items)
    assert eligibility(client, "user-1")["reason"] == "recently_surveyed"


def test_restriction_without_flag_returns_400_naming_restricted(client: Any) -> None:
    response = send(client, "POST", "/restriction", {}, user_id="user-1")
    assert response.status_code == 400
    assert response.json_body["field"] == "restricted"


def test_objection_erases_and_survives_the_erasure_as_suppression(client: Any, frozen_now: Any) -> None:
    banner_person(client)
    response = send(client, "POST", "/objection", {}, user_id="user-1", company="acme-co")
    assert response.status_code == 200
    assert response.json_body["counts"]["surveys"]["erased_response"] == 1
    assert response.json_body["kept"] is False
    erase(client, user_id="user-1", company="acme-co")
    assert export(client, user_id="user-1").json_body["items"] == []
    assert eligibility(client, "user-1")["reason"] == "opted_out"


def test_objection_for_a_person_never_surveyed_still_suppresses(client: Any, frozen_now: Any) -> None:
    from tests.surveys.builders import create_survey

    create_survey(client)
    send(client, "POST", "/objection", {}, user_id="newcomer")
    assert eligibility(client, "newcomer")["reason"] == "opted_out"


def test_objection_kept_with_reason_restricts_instead_of_erasing(client: Any, frozen_now: Any) -> None:
    banner_person(client)
    response = send(client, "POST", "/objection", {"keep_reason": "legal claim, ask ada@example.com"},
                    user_id="user-1")
    assert response.json_body["kept"] is True
    assert response.json_body["keep_reason"] == "legal claim, ask [email]"
    items = export(client, user_id="user-1").json_body["items"]
    response_item = next(i for i in items if i["kind"] == "response")
    assert response_item["restricted"] is True
    assert response_item["data"]["contact_ok"] is False
    assert eligibility(client, "user-1")["reason"] == "opted_out"


def test_objection_with_unknown_field_returns_400_naming_it(client: Any) -> None:
    response = send(client, "POST", "/objection", {"keep": True}, user_id="user-1")
    assert response.status_code == 400
    assert response.json_body["field"] == "keep"


def test_rights_routes_are_iam_authorised_in_the_openapi_document(client: Any) -> None:
    paths = client.http.get("/v1/openapi.json").json_body["paths"]
    assert paths[SUBJECTS]["delete"]["security"] == [{"sigv4": []}]
    assert "security" not in paths["/v1/opt-out/{token}"]["get"]


def test_comment_on_a_restricted_response_returns_409_opted_out(client: Any, frozen_now: Any) -> None:
    from tests.surveys.builders import patch

    person = banner_person(client, comment=None)
    send(client, "POST", "/restriction", {"restricted": True}, user_id="user-1")
    response = patch(client, f"/v1/responses/{person['response_id']}", {"comment": "why"}, person["edit_token"])
    assert response.status_code == 409
    assert response.json_body["error"] == "opted_out"
