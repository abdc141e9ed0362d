"""The audit log, signed opt-out links, comment masking, and eligibility's single read."""
from __future__ import annotations

import json
from typing import Any

from chalicelib import aws
from tests.privacy.builders import SUBJECTS, banner_person, eligibility, erase, export, feedback_items, send
from tests.surveys.builders import create_survey, post


def test_audit_lists_each_request_with_due_date_actor_and_counts(client: Any, frozen_now: Any) -> None:
    banner_person(client)
    export(client, user_id="user-1", company="acme-co")
    erase(client, user_id="user-1", company="acme-co")
    requests = client.http.get(f"{SUBJECTS}/requests?user_id=user-1&company=acme-co").json_body["requests"]
    assert [r["right"] for r in requests] == ["access", "erasure"]
    assert all(r["due_at"] == "2026-12-23T12:00:00Z" and r["actor"] for r in requests)
    assert requests[1]["counts"]["surveys"]["response"] == 1
    assert all(r["status"] == "done" and r["completed_at"] for r in requests)


def test_audit_items_name_nobody_and_expire_within_three_years(client: Any, aws_stack: Any,
                                                               frozen_now: Any) -> None:
    banner_person(client, email="Grace@Example.com")
    send(client, "PATCH", "", {"country": "SE"}, user_id="user-1", email="grace@example.com")
    items = feedback_items(aws_stack["PrivacyTable"]["Ref"])
    assert len(items) == 2  # one per identifier given
    text = json.dumps(items, default=str).lower()
    assert "user-1" not in text and "grace" not in text and "se" not in json.dumps(items[0]["fields"])
    assert all(int(i["expires_at"]) <= int(frozen_now.timestamp()) + 3 * 365 * 86400 for i in items)


def test_opt_out_link_objects_erases_and_suppresses(client: Any, frozen_now: Any) -> None:
    banner_person(client)
    issued = post(client, f"{SUBJECTS}/opt-out-links", {"user_id": "user-1", "company": "acme-co"})
    assert issued.status_code == 201
    assert "user-1" not in issued.json_body["path"]
    clicked = client.http.get(issued.json_body["path"])
    assert clicked.status_code == 200
    assert clicked.json_body == {"opted_out": True}
    assert export(client, user_id="user-1").json_body["items"] == []
    assert eligibility(client, "user-1")["reason"] == "opted_out"
    again = client.http.get(issued.json_body["path"])
    assert again.json_body == {"opted_out": True}
    channels = [r["channel"] for r in client.http.get(f"{SUBJECTS}/requests?user_id=user-1&company=acme-co")
                .json_body["requests"]]
    assert "opt_out_link" in channels


def test_opt_out_link_one_click_form_post_objects(client: Any, frozen_now: Any) -> None:
    # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" as a form; chalice answered 415.
    banner_person(client)
    issued = post(client, f"{SUBJECTS}/opt-out-links", {"user_id": "user-1", "company": "acme-co"})
    clicked = client.http.post(issued.json_body["path"], body="List-Unsubscribe=One-Click",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (clicked.status_code, clicked.json_body) == (200, {"opted_out": True})
    assert eligibility(client, "user-1")["reason"] == "opted_out"


def test_opt_out_link_forged_returns_400_naming_token(client: Any, frozen_now: Any) -> None:
    issued = post(client, f"{SUBJECTS}/opt-out-links", {"user_id": "user-1", "company": "acme-co"})
    forged = issued.json_body["token"][:-2] + "xx"
    response = client.http.get(f"/v1/opt-out/{forged}")
    assert response.status_code == 400
    assert response.json_body["field"] == "token"


def test_opt_out_link_issue_without_company_returns_400_naming_it(client: Any) -> None:
    response = post(client, f"{SUBJECTS}/opt-out-links", {"user_id": "user-1"})
    assert response.status_code == 400
    assert response.json_body["field"] == "company"


def test_comment_with_identifiers_is_stored_masked(client: Any, frozen_now: Any) -> None:
    comment = "Call me on +47 912 34 567 or ada@example.com, card 4111 1111 1111 1111"
    person = banner_person(client, comment=comment)
    items = export(client, user_id=person["user_id"]).json_body["items"]
    stored = next(i for i in items if i["kind"] == "response")["data"]["comment"]
    assert stored == "Call me on [phone] or [email], card [card]"


def test_comment_masking_can_be_switched_off_per_product(client: Any, set_env: Any, frozen_now: Any) -> None:
    set_env(COMMENT_MASKING='{"default": ["email"], "products": {"acme": []}}')
    person = banner_person(client, comment="mail ada@example.com")
    items = export(client, user_id=person["user_id"]).json_body["items"]
    assert next(i for i in items if i["kind"] == "response")["data"]["comment"] == "mail ada@example.com"


def test_eligibility_reads_dynamodb_once_with_suppression(client: Any, frozen_now: Any) -> None:
    create_survey(client)
    eligibility(client, "warm-up")  # fills the catalogue cache
    calls: list[str] = []
    aws.dynamodb_client().meta.events.register("before-call.dynamodb.*",
                                               lambda model, **_: calls.append(model.name))
    assert eligibility(client, "someone")["eligible"] is True
    assert calls == ["BatchGetItem"]


def test_opt_out_link_opened_in_a_browser_answers_a_page(client: Any, frozen_now: Any) -> None:
    issued = post(client, f"{SUBJECTS}/opt-out-links", {"user_id": "user-1", "company": "acme-co"})
    page = client.http.get(issued.json_body["path"], headers={"Accept": "text/html,*/*"})
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert b"not be asked for feedback again" in page.body
