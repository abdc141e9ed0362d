"""Follow-up conversations in the data-subject rights: exported, erased, closed on restriction/objection."""

from __future__ import annotations

from typing import Any

from chalicelib import aws
from chalicelib.config import get_settings
from tests.insight.builders import answer, nps_survey, post_json
from tests.privacy.builders import erase, export, send

REPLY = {
    "text": "Thank you for your feedback. We have looked into the slow export."
    "\n\nKari Nordmann\nCustomer Success Manager",
    "sender_name": "Kari Nordmann",
    "sender_title": "Customer Success Manager",
    "send": True,
}


def _conversation(client: Any, stream: Any, user: str = "user-1") -> str:
    """A detractor comments, the stream opens a follow-up, and a reply is sent to them."""
    response_id = answer(client, nps_survey(client), user, 3, comment="Too slow", contact_ok=True,
                         email=f"{user}@example.com")
    stream.pump()
    sent = post_json(client, f"/v1/admin/followups/{response_id}/replies", REPLY).json_body
    assert sent["reply"]["sent"] is True, sent
    return response_id


def _followup(client: Any, followup_id: str) -> Any:
    return client.http.get(f"/v1/admin/followups/{followup_id}")


def test_export_with_sent_reply_shows_the_conversation(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = _conversation(client, stream)
    items = export(client, email="user-1@example.com").json_body["items"]
    followup = next(i for i in items if i["store"] == "followups")
    response = next(i for i in items if i["kind"] == "response")
    assert (followup["kind"], followup["id"], followup["data"]["status"]) == ("followup", response_id, "answered")
    assert [r["text"] for r in followup["data"]["replies"]] == [REPLY["text"]]
    assert "following up your feedback" in followup["purpose"]
    assert followup["expires_at"] == response["expires_at"]  # goes when the response goes


def test_every_followup_item_carries_the_responses_ttl(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = _conversation(client, stream)
    insight = aws.table(get_settings().insight_table).get_item(Key={"pk": f"FUP#{response_id}", "sk": "FUP"})
    feedback = aws.table(get_settings().feedback_table).get_item(Key={"pk": f"RESP#{response_id}", "sk": "RESP"})
    assert insight["Item"]["expires_at"] == feedback["Item"]["expires_at"]
    assert "user-1@example.com" not in str(insight["Item"])  # the address is read from the response


def test_erasure_removes_the_conversation_and_counts_it(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = _conversation(client, stream)
    counts = erase(client, user_id="user-1").json_body["counts"]
    assert counts["followups"] == {"followup": 1, "reply": 1}
    assert _followup(client, response_id).status_code == 404  # before the stream's REMOVE arrives
    assert erase(client, user_id="user-1").json_body["counts"]["followups"] == {}
    stream.pump()
    assert _followup(client, response_id).status_code == 404


def test_restriction_closes_the_followup_and_stops_replies(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = _conversation(client, stream)
    restricted = send(client, "POST", "/restriction", {"restricted": True}, email="user-1@example.com")
    assert restricted.json_body["counts"]["followups"] == {"followup": 1, "closed": 1}
    body = _followup(client, response_id).json_body
    assert (body["status"], body["closed_reason"], body["restricted"]) == ("closed", "restricted", True)
    notice = post_json(client, f"/v1/admin/followups/{response_id}/replies", {**REPLY, "kind": "acted_notice"})
    assert notice.status_code == 409
    lifted = send(client, "POST", "/restriction", {"restricted": False}, email="user-1@example.com")
    assert lifted.json_body["counts"]["followups"] == {"followup": 1}
    assert _followup(client, response_id).json_body["status"] == "closed"  # lifting never reopens


def test_objection_kept_closes_the_followup_as_objected(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = _conversation(client, stream)
    objected = send(client, "POST", "/objection", {"keep_reason": "open complaint"}, user_id="user-1")
    assert objected.json_body["counts"]["followups"] == {"closed": 1, "restricted_followup": 1}
    body = _followup(client, response_id).json_body
    assert (body["status"], body["closed_reason"], body["restricted"]) == ("closed", "objected", True)


def test_objection_without_keep_erases_the_followup(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = _conversation(client, stream)
    objected = send(client, "POST", "/objection", {}, user_id="user-1")
    assert objected.json_body["counts"]["followups"] == {"closed": 1, "erased_followup": 1, "erased_reply": 1}
    assert _followup(client, response_id).status_code == 404


def test_person_without_followups_has_none(client: Any, frozen_now: Any, stream: Any) -> None:
    other = _conversation(client, stream, user="user-2")
    answer(client, nps_survey(client), "user-1", 10, comment="Great", email="user-1@example.com")
    stream.pump()
    body = export(client, user_id="user-1").json_body
    assert [i for i in body["items"] if i["store"] == "followups"] == []
    assert body["counts"]["followups"] == {"items": 0}
    assert erase(client, user_id="user-1").json_body["counts"]["followups"] == {}
    assert _followup(client, other).json_body["status"] == "answered"  # someone else's stays


def test_late_stream_record_after_erasure_opens_no_followup(client: Any, frozen_now: Any, stream: Any) -> None:
    response_id = answer(client, nps_survey(client), "user-1", 3, comment="Too slow")
    erase(client, user_id="user-1")
    records = []
    while page := stream.reader.poll():
        records += page
    late = [r for r in records if r["eventName"] != "REMOVE"]  # the comment arrives, the REMOVE not yet
    assert any(r["eventName"] == "MODIFY" for r in late)
    stream.redeliver(late)
    assert _followup(client, response_id).status_code == 404
