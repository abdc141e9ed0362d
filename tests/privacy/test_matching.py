"""Issue 11.1: a rights request never widens to another person.

The attack: an anonymous POST /v1/responses pairs the victim's user id with the attacker's
address. A request by that address must then act only on the item that carries it (the
attacker's own answer), never on the victim's answers, comments, throttle state, follow-ups or
suppression; a request by the victim's user id acts only on what is kept under that id.
"""
from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.insight.conftest import StreamPump
from tests.privacy.builders import banner_person, eligibility, erase, export, feedback_items, send
from tests.surveys.builders import create_survey, post

VICTIM, ATTACKER = "victim@example.com", "evil@example.com"


@pytest.fixture
def linked(client: Any, frozen_now: Any) -> dict[str, Any]:
    """The victim's banner flow, then the attacker's answer naming the victim's user id with their own address."""
    victim = banner_person(client, user_id="user-1", email=VICTIM, comment="My manager is the problem")
    other = create_survey(client, product="acme-billing")
    forged = post(client, "/v1/responses", {"survey_id": other["survey_id"], "score": 0, "channel": "in_app_web",
                                            "user": {"id": "user-1", "email": ATTACKER}})
    assert forged.status_code == 201, forged.body
    return {**victim, "forged_id": forged.json_body["response_id"]}


def _victims_items(aws_stack: dict[str, Any], linked: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in feedback_items(aws_stack["FeedbackTable"]["Ref"])
            if i.get("subject") == "SUBJ#acme-co#user-1" and i["pk"] != f"RESP#{linked['forged_id']}"]


def test_export_by_email_returns_only_items_carrying_that_address(client: Any, linked: dict[str, Any]) -> None:
    body = export(client, email=ATTACKER).json_body
    assert [(i["kind"], i["id"], i["matched_by"]) for i in body["items"]] == [
        ("response", linked["forged_id"], "email")]
    assert body["matched"] == [{"store": "surveys", "subject": f"email:{ATTACKER}", "matched_by": "email",
                                "items": 1, "kinds": {"response": 1}}]


def test_export_csv_by_email_holds_nothing_of_the_other_person(client: Any, linked: dict[str, Any]) -> None:
    text = export(client, email=ATTACKER, format="csv").body.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert {r[3] for r in rows if r[0] == "data"} == {linked["forged_id"]}
    assert VICTIM.lower() not in text.lower() and "manager" not in text


def test_export_by_user_id_says_every_item_matched_by_user_id(client: Any, linked: dict[str, Any]) -> None:
    body = export(client, user_id="user-1", company="acme-co").json_body
    assert {i["matched_by"] for i in body["items"]} == {"user_id"}
    assert body["matched"] == [{"store": "surveys", "subject": "user:acme-co:user-1", "matched_by": "user_id",
                                "items": 5, "kinds": {"idempotency": 1, "impression": 1, "response": 2,
                                                      "throttle": 1}}]


def test_export_by_both_identifiers_says_which_rule_matched_each_item(client: Any, linked: dict[str, Any]) -> None:
    body = export(client, user_id="user-1", company="acme-co", email=VICTIM).json_body
    assert [(m["matched_by"], m["items"]) for m in body["matched"]] == [("user_id", 5)]


def test_erase_by_email_leaves_the_other_persons_items(client: Any, aws_stack: Any, linked: dict[str, Any]) -> None:
    before = _victims_items(aws_stack, linked)
    counts = erase(client, email=ATTACKER).json_body["counts"]
    assert counts["surveys"] == {"response": 1}
    assert _victims_items(aws_stack, linked) == before
    assert export(client, email=VICTIM).json_body["items"][0]["data"]["comment"] == "My manager is the problem"


def test_rectify_by_email_changes_only_items_carrying_that_address(client: Any, linked: dict[str, Any]) -> None:
    counts = send(client, "PATCH", "", {"country": "SE", "email": "evil2@example.com"}, email=ATTACKER)
    assert counts.json_body["counts"]["surveys"] == {"response": 1}
    victim = next(i for i in export(client, email=VICTIM).json_body["items"] if i["kind"] == "response")
    assert victim["data"]["user"]["email"] == VICTIM and victim["data"]["user"]["country"] == "no"


def test_restrict_by_email_neither_flags_nor_suppresses_the_other_person(client: Any,
                                                                         linked: dict[str, Any]) -> None:
    counts = send(client, "POST", "/restriction", {"restricted": True}, email=ATTACKER).json_body["counts"]
    assert counts["surveys"] == {"response": 1}
    items = export(client, user_id="user-1", company="acme-co").json_body["items"]
    assert [i["id"] for i in items if i["restricted"]] == [linked["forged_id"]]
    assert eligibility(client, "user-1")["reason"] == "recently_surveyed"


def test_object_by_email_neither_erases_nor_suppresses_the_other_person(client: Any,
                                                                        linked: dict[str, Any]) -> None:
    counts = send(client, "POST", "/objection", {}, email=ATTACKER).json_body["counts"]
    assert counts["surveys"] == {"suppression": 1, "erased_response": 1}
    victim = next(i for i in export(client, email=VICTIM).json_body["items"] if i["kind"] == "response")
    assert "objected" not in victim["data"]
    assert eligibility(client, "user-1")["reason"] == "recently_surveyed"


def test_objection_by_email_refuses_later_answers_carrying_that_address(client: Any, frozen_now: Any) -> None:
    survey = create_survey(client)
    send(client, "POST", "/objection", {}, email=ATTACKER)
    again = post(client, "/v1/responses", {"survey_id": survey["survey_id"], "score": 5, "channel": "in_app_web",
                                           "user": {"id": "someone", "email": ATTACKER.upper()}})
    assert again.status_code == 409 and again.json_body["error"] == "opted_out"
    without = post(client, "/v1/responses", {"survey_id": survey["survey_id"], "score": 5,
                                             "channel": "in_app_web", "user": {"id": "someone"}})
    assert without.status_code == 201


def test_followups_are_matched_the_way_their_response_was(client: Any, aws_stack: Any, frozen_now: Any) -> None:
    from tests.insight.builders import answer, nps_survey

    stream = StreamPump(client, aws_stack["FeedbackTable"]["StreamArn"])
    victims = answer(client, nps_survey(client), "user-1", 2, comment="Too slow", contact_ok=True, email=VICTIM)
    other = nps_survey(client, product="acme-billing")
    forged = answer(client, other, "user-1", 1, comment="bad", contact_ok=True, email=ATTACKER)
    stream.pump()
    by_email = export(client, email=ATTACKER).json_body
    assert sorted((i["store"], i["id"]) for i in by_email["items"]) == [("followups", forged), ("surveys", forged)]
    assert {"store": "followups", "subject": f"email:{ATTACKER}", "matched_by": "email", "items": 1,
            "kinds": {"followup": 1}} in by_email["matched"]
    assert erase(client, email=ATTACKER).json_body["counts"]["followups"] == {"followup": 1}
    assert client.http.get(f"/v1/admin/followups/{victims}").status_code == 200
    restricted = send(client, "POST", "/restriction", {"restricted": True}, email=VICTIM).json_body
    assert restricted["counts"]["followups"] == {"followup": 1, "closed": 1}


def test_incident_alerts_are_matched_only_by_the_address_they_carry(client: Any, frozen_now: Any) -> None:
    from tests.incidents.builders import alert_body

    for email in (VICTIM, ATTACKER):
        body = alert_body()
        body["reporter"]["email"] = email
        assert post(client, "/v1/incidents", body).status_code == 202
    body = export(client, email=ATTACKER).json_body
    alerts = [i for i in body["items"] if i["store"] == "incidents"]
    assert len(alerts) == 1 and alerts[0]["data"]["reporter"]["email"] == ATTACKER
    assert alerts[0]["matched_by"] == "email"
    assert erase(client, email=ATTACKER).json_body["counts"]["incidents"] == {"alert": 1}
    assert len([i for i in export(client, email=VICTIM).json_body["items"] if i["store"] == "incidents"]) == 1


def test_audit_entry_records_what_matched_but_no_identifier(client: Any, linked: dict[str, Any]) -> None:
    erase(client, email=ATTACKER)
    entry = client.http.get(f"/v1/admin/subjects/requests?email={ATTACKER}").json_body["requests"][-1]
    assert entry["matched"] == [{"store": "surveys", "matched_by": "email", "items": 1, "kinds": {"response": 1}}]
    assert ATTACKER not in str(entry)
