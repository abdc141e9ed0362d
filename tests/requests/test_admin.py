"""Administrators: pending and overdue lists, decisions, extensions, answers; the overdue metric."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from chalicelib import clock
from tests.privacy.builders import banner_person, export
from tests.requests.helpers import file_and_confirm, sent_mails

ADMIN = "/v1/admin/privacy-requests"


def _post(client: Any, path: str, body: Any) -> Any:
    return client.http.post(path, body=json.dumps(body), headers={"Content-Type": "application/json"})


def test_overdue_lists_only_requests_past_their_due_date(client: Any, frozen_now: Any) -> None:
    from chalicelib.requests import service

    first = file_and_confirm(client, "q1@example.com", "question", details="Who sees my comments?")
    clock.freeze(frozen_now + timedelta(days=10))
    second = file_and_confirm(client, "q2@example.com", "question", details="How long do you keep it?")
    assert first["due_at"] == "2026-12-23T12:00:00Z"  # one calendar month after it was verified
    pending = client.http.get(f"{ADMIN}?status=pending").json_body["requests"]
    assert [r["request_id"] for r in pending] == [first["request_id"], second["request_id"]]
    assert client.http.get(f"{ADMIN}?status=overdue").json_body["requests"] == []
    assert service.count_overdue() == 0
    clock.freeze(frozen_now + timedelta(days=31))
    overdue = client.http.get(f"{ADMIN}?status=overdue").json_body["requests"]
    assert [r["request_id"] for r in overdue] == [first["request_id"]]
    assert service.count_overdue() == 1
    assert client.http.get(f"{ADMIN}?status=late").json_body["field"] == "status"
    assert client.http.get(ADMIN).json_body["field"] == "status"


def test_extension_is_at_most_two_months_in_all_with_a_reason(client: Any, frozen_now: Any) -> None:
    held = file_and_confirm(client, "ext@example.com", "rectification", details="My country is SE, not NO")
    rid = held["request_id"]
    assert _post(client, f"{ADMIN}/{rid}/extension", {"months": 1}).json_body["field"] == "reason"
    assert _post(client, f"{ADMIN}/{rid}/extension", {"months": 3, "reason": "complex"}).status_code == 400
    once = _post(client, f"{ADMIN}/{rid}/extension", {"months": 1, "reason": "many systems to check"})
    assert once.status_code == 200 and once.json_body["due_at"] == "2027-01-23T12:00:00Z"
    twice = _post(client, f"{ADMIN}/{rid}/extension", {"months": 1, "reason": "still checking"})
    assert twice.json_body["due_at"] == "2027-02-23T12:00:00Z"
    third = _post(client, f"{ADMIN}/{rid}/extension", {"months": 1, "reason": "more"})
    assert third.status_code == 400 and third.json_body["field"] == "months"
    mail = sent_mails("ext@example.com")[-1]
    assert mail["subject"] == "Your privacy request needs more time" and "still checking" in mail["body"]
    audit = client.http.get("/v1/admin/subjects/requests?email=ext@example.com").json_body["requests"]
    assert [(e["status"], e["extended_months"]) for e in audit] == [("extended", 2)]


def test_an_extension_comes_within_the_first_month(client: Any, frozen_now: Any) -> None:
    held = file_and_confirm(client, "late-ext@example.com", "question", details="Where is my data kept?")
    clock.freeze(frozen_now + timedelta(days=31))
    late = _post(client, f"{ADMIN}/{held['request_id']}/extension", {"months": 1, "reason": "busy"})
    assert late.status_code == 409 and late.json_body["field"] == "months"


def test_rectification_is_approved_with_the_changes(client: Any) -> None:
    banner_person(client, user_id="rect-1", email="rect@example.com", country="NO")
    held = file_and_confirm(client, "rect@example.com", "rectification", details="Country should be SE")
    rid = held["request_id"]
    assert held["status"] == "pending"
    missing = _post(client, f"{ADMIN}/{rid}/decision", {"decision": "approve", "reason": "checked"})
    assert missing.status_code == 400 and missing.json_body["field"] == "changes"
    done = _post(client, f"{ADMIN}/{rid}/decision",
                 {"decision": "approve", "reason": "checked", "changes": {"country": "SE"}})
    assert done.status_code == 200 and done.json_body["status"] == "done"
    items = export(client, email="rect@example.com").json_body["items"]
    assert {i["data"]["user"]["country"] for i in items if i["kind"] == "response"} == {"SE"}
    again = _post(client, f"{ADMIN}/{rid}/decision", {"decision": "reject", "reason": "too late"})
    assert again.status_code == 409  # forward only: a done request is not decided again


def test_a_rejection_is_mailed_with_its_reason_and_a_question_is_answered(client: Any) -> None:
    held = file_and_confirm(client, "rej@example.com", "objection", locale="sv")
    rejected = _post(client, f"{ADMIN}/{held['request_id']}/decision",
                     {"decision": "reject", "reason": "No data of yours is processed"})
    assert rejected.json_body["status"] == "rejected"
    mail = sent_mails("rej@example.com")[-1]
    assert mail["subject"] == "Om din integritetsbegäran" and "No data of yours" in mail["body"]
    asked = file_and_confirm(client, "ask@example.com", "question", details="Do you sell my data?")
    assert _post(client, f"{ADMIN}/{asked['request_id']}/decision",
                 {"decision": "approve", "reason": "yes"}).status_code == 400
    assert _post(client, f"{ADMIN}/{held['request_id']}/answer", {"text": "No."}).status_code == 409
    answered = _post(client, f"{ADMIN}/{asked['request_id']}/answer", {"text": "No, we never sell data."})
    assert answered.status_code == 200 and answered.json_body["status"] == "done"
    assert sent_mails("ask@example.com")[-1]["body"] == "No, we never sell data."
    assert client.http.get(f"{ADMIN}/prq_unknown").status_code == 404
    assert client.http.get(f"{ADMIN}/prq_{'0' * 32}").status_code == 404
    assert _post(client, f"{ADMIN}/prq_unknown/answer", {"text": "hello"}).status_code == 404
