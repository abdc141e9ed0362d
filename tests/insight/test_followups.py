"""Follow-ups: opened from the stream, listed by status, replies checked and sent by SES."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib import aws, clock
from chalicelib.config import get_settings
from tests.insight.builders import answer, nps_survey, post_json

SIGNATURE = "\n\nKari Nordmann\nCustomer Success Manager"
CLEAN = {
    "text": "Thank you for your feedback. We have looked into the slow export." + SIGNATURE,
    "sender_name": "Kari Nordmann",
    "sender_title": "Customer Success Manager",
}


def _open(client: Any, stream: Any, score: int = 3, **kw: Any) -> str:
    survey_id = nps_survey(client)
    response_id = answer(
        client, survey_id, kw.pop("user", "user-1"), score, comment=kw.pop("comment", "Too slow"), **kw
    )
    stream.pump()
    return response_id


def _list(client: Any, status: str = "open") -> list[dict[str, Any]]:
    return list(client.http.get(f"/v1/admin/followups?status={status}").json_body["followups"])


def _sent_count() -> int:
    return int(aws.client("ses").get_send_quota()["SentLast24Hours"])


def test_detractor_with_comment_opens_one_followup(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = _open(client, stream)
    stream.redeliver()
    followups = _list(client)
    assert [f["followup_id"] for f in followups] == [response_id]
    assert followups[0]["due_at"] == "2026-11-25T12:00:00Z"  # Monday + 2 working days
    assert "comment" not in followups[0]


def test_promoter_or_uncommented_detractor_opens_none(client: Any, frozen_now: Any, stream: Any) -> None:
    survey_id = nps_survey(client)
    answer(client, survey_id, "user-1", 10, comment="Great")
    answer(client, survey_id, "user-2", 2)
    stream.pump()
    assert _list(client) == []


def test_get_followup_shows_comment_and_contactability(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = _open(client, stream, contact_ok=True, email="ada@example.com")
    body = client.http.get(f"/v1/admin/followups/{response_id}").json_body
    assert (body["comment"], body["contactable"]) == ("Too slow", True)


def test_reply_with_policy_findings_is_not_sent(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = _open(client, stream, contact_ok=True, email="ada@example.com")
    response = post_json(
        client,
        f"/v1/admin/followups/{response_id}/replies",
        {**CLEAN, "text": "This will never happen again." + SIGNATURE, "send": True},
    )
    assert response.status_code == 201, response.body
    body = response.json_body
    assert [f["rule"] for f in body["reply"]["findings"]] == ["absolute_promise"]
    assert (body["reply"]["sent"], body["reply"]["not_sent_reason"]) == (False, "policy_findings")
    assert body["followup_status"] == "open"
    assert _sent_count() == 0


def test_clean_reply_to_contactable_person_is_sent_and_answers(
    client: Any, frozen_now: Any, stream: Any
) -> None:
    response_id = _open(client, stream, contact_ok=True, email="ada@example.com")
    body = post_json(client, f"/v1/admin/followups/{response_id}/replies", {**CLEAN, "send": True}).json_body
    assert body["reply"]["sent"] is True
    assert body["followup_status"] == "answered"
    assert _sent_count() == 1
    notice = post_json(
        client, f"/v1/admin/followups/{response_id}/replies", {**CLEAN, "kind": "acted_notice", "send": True}
    ).json_body
    assert notice["followup_status"] == "actioned"
    closed = client.http.patch(
        f"/v1/admin/followups/{response_id}",
        body='{"status": "closed"}',
        headers={"Content-Type": "application/json"},
    )
    assert closed.json_body["status"] == "closed"


def test_reply_without_contact_consent_is_not_sent(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = _open(client, stream, contact_ok=False, email="ada@example.com")
    body = post_json(client, f"/v1/admin/followups/{response_id}/replies", {**CLEAN, "send": True}).json_body
    assert (body["reply"]["sent"], body["reply"]["not_sent_reason"]) == (False, "no_contact_consent")
    assert _sent_count() == 0


def test_reply_to_objected_person_is_not_sent(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = _open(client, stream, contact_ok=True, email="ada@example.com")
    aws.table(get_settings().feedback_table).update_item(
        Key={"pk": f"RESP#{response_id}", "sk": "RESP"},
        UpdateExpression="SET objected = :t",
        ExpressionAttributeValues={":t": True},
    )
    body = post_json(client, f"/v1/admin/followups/{response_id}/replies", {**CLEAN, "send": True}).json_body
    assert body["reply"]["not_sent_reason"] == "objected"


def test_difficult_case_waits_for_management_approval(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = _open(
        client, stream, contact_ok=True, email="ada@example.com", comment="I will contact my lawyer"
    )
    first = post_json(client, f"/v1/admin/followups/{response_id}/replies", {**CLEAN, "send": True}).json_body
    assert (first["reply"]["route_to"], first["reply"]["not_sent_reason"]) == (
        "management",
        "needs_management",
    )
    approved = post_json(
        client,
        f"/v1/admin/followups/{response_id}/replies",
        {**CLEAN, "send": True, "approved_by": "Head of Support"},
    ).json_body
    assert approved["reply"]["sent"] is True


def test_restricted_person_gets_no_followup_and_open_one_closes(
    client: Any, frozen_now: Any, stream: Any
) -> None:
    response_id = _open(client, stream)
    aws.table(get_settings().feedback_table).update_item(
        Key={"pk": f"RESP#{response_id}", "sk": "RESP"},
        UpdateExpression="SET restricted = :t",
        ExpressionAttributeValues={":t": True},
    )
    stream.pump()
    assert _list(client) == []
    assert [f["closed_reason"] for f in _list(client, "closed")] == ["restricted"]


def test_erased_response_takes_its_followup_along(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = _open(client, stream)
    aws.table(get_settings().feedback_table).delete_item(Key={"pk": f"RESP#{response_id}", "sk": "RESP"})
    stream.pump()
    assert _list(client) == []
    assert client.http.get(f"/v1/admin/followups/{response_id}").status_code == 404


def test_move_followup_invalid_transition_is_409(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = _open(client, stream)
    moved = client.http.patch(
        f"/v1/admin/followups/{response_id}",
        body='{"status": "actioned"}',
        headers={"Content-Type": "application/json"},
    )
    assert (moved.status_code, moved.json_body["field"]) == (409, "status")


def test_overdue_lists_open_followups_past_working_days(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = _open(client, stream)
    assert client.http.get("/v1/admin/followups/overdue").json_body["followups"] == []
    clock.freeze(frozen_now + timedelta(days=2, hours=1))
    overdue = client.http.get("/v1/admin/followups/overdue").json_body["followups"]
    assert [f["followup_id"] for f in overdue] == [response_id]


def test_unknown_followup_is_404(client: Any) -> None:
    assert client.http.get("/v1/admin/followups/nope").status_code == 404


def test_reply_unknown_field_is_400(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = _open(client, stream)
    response = post_json(client, f"/v1/admin/followups/{response_id}/replies", {**CLEAN, "cc": "x"})
    assert (response.status_code, response.json_body["field"]) == (400, "cc")
