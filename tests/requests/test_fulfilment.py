"""Once verified: exports carry only the verified address's items; other rights act or wait."""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

from chalicelib import clock
from tests.privacy.builders import banner_person, export
from tests.requests.helpers import file_and_confirm, links, sent_mails


def _download_paths(email: str) -> list[str]:
    mail = [m for m in sent_mails(email) if "/exports/" in m["body"]][-1]
    return [p for p in links(mail) if "/exports/" in p]


def test_access_exports_the_verified_address_items_as_json_and_csv(client: Any) -> None:
    person = banner_person(client, user_id="ada-7", email="Ada7@Example.com", comment="Slow export")
    done = file_and_confirm(client, "ada7@example.com", "access")
    assert done["status"] == "done"
    json_path, csv_path = _download_paths("ada7@example.com")
    assert csv_path.endswith("?format=csv")
    got = client.http.get(json_path)
    assert got.status_code == 200 and got.headers["Content-Type"] == "application/json"
    assert "attachment" in got.headers["Content-Disposition"]
    document = json.loads(got.body)
    ids = {i["id"] for i in document["items"]}
    assert person["response_id"] in ids
    assert all("ada7@example.com" in json.dumps(i).lower() for i in document["items"])
    assert document["record_of_processing"]
    rows = list(csv.reader(io.StringIO(client.http.get(csv_path).body.decode())))
    assert rows[0][:4] == ["section", "store", "kind", "id"]
    assert any(r[3] == person["response_id"] for r in rows[1:])


def test_a_second_address_with_a_spoofed_user_id_gets_none_of_it(client: Any) -> None:
    victim = banner_person(client, user_id="shared-id", email="victim@example.com", comment="Private words")
    from tests.surveys.builders import post

    spoof = post(client, "/v1/responses", {"survey_id": victim["survey"]["survey_id"], "score": 9,
                                           "channel": "in_app_web",
                                           "user": {"id": "shared-id", "email": "mallory@example.com"}})
    assert spoof.status_code in (201, 409), spoof.body  # refused or stored: either way nothing leaks
    file_and_confirm(client, "mallory@example.com", "portability")
    json_path, csv_path = _download_paths("mallory@example.com")
    for path in (json_path, csv_path):
        text = client.http.get(path).body.decode().lower()
        assert "victim@example.com" not in text
        assert victim["response_id"] not in text
        assert "private words" not in text
    document = json.loads(client.http.get(json_path).body)
    assert all("mallory@example.com" in json.dumps(i).lower() for i in document["items"])


def test_the_download_link_expires_and_cannot_be_forged(client: Any, frozen_now: Any) -> None:
    banner_person(client, user_id="exp-1", email="exp@example.com")
    file_and_confirm(client, "exp@example.com")
    json_path, _ = _download_paths("exp@example.com")
    assert client.http.get(json_path[:-3] + "xyz").status_code == 400
    assert client.http.get(json_path + "&format=xml" if "?" in json_path else json_path + "?format=xml"
                           ).json_body["field"] == "format"
    clock.freeze(frozen_now + timedelta(hours=72, seconds=1))
    late = client.http.get(json_path)
    assert late.status_code == 410 and late.json_body["field"] == "token"


def test_erasure_is_done_at_once_when_the_stage_says_so(client: Any, set_env: Any) -> None:
    set_env(PRIVACY_SELF_SERVICE_INSTANT="erasure,restriction,objection")
    banner_person(client, user_id="era-1", email="era@example.com")
    done = file_and_confirm(client, "era@example.com", "erasure")
    assert done["status"] == "done"
    assert export(client, email="era@example.com").json_body["items"] == []
    assert sent_mails("era@example.com")[-1]["subject"] == "Your privacy request is done"


def test_erasure_waits_for_review_otherwise_and_the_audit_log_has_each_step(client: Any) -> None:
    # the test stage sets no PRIVACY_SELF_SERVICE_INSTANT: everything but exports is reviewed
    banner_person(client, user_id="rev-1", email="rev@example.com")
    held = file_and_confirm(client, "rev@example.com", "erasure")
    assert held["status"] == "pending"
    assert export(client, email="rev@example.com").json_body["items"] != []  # not erased yet
    listed = client.http.get("/v1/admin/privacy-requests?status=pending").json_body["requests"]
    assert [r["request_id"] for r in listed] == [held["request_id"]]
    assert listed[0]["email"] == "rev@example.com"
    decided = client.http.post(f"/v1/admin/privacy-requests/{held['request_id']}/decision",
                               body=json.dumps({"decision": "approve", "reason": "identity confirmed"}),
                               headers={"Content-Type": "application/json"})
    assert decided.status_code == 200 and decided.json_body["status"] == "done"
    assert export(client, email="rev@example.com").json_body["items"] == []
    assert client.http.get("/v1/admin/privacy-requests?status=pending").json_body["requests"] == []
    audit = client.http.get("/v1/admin/subjects/requests?email=rev@example.com").json_body["requests"]
    mine = [e for e in audit if e["request_id"] == held["request_id"]]
    assert mine and mine[0]["status"] == "done" and mine[0]["channel"] == "self_service"
    assert mine[0]["due_at"] > mine[0]["received_at"]
    assert "erasure" in {e["right"] for e in audit if e["request_id"] != held["request_id"]}


def test_a_spoofed_erasure_leaves_the_other_persons_data(client: Any, set_env: Any) -> None:
    set_env(PRIVACY_SELF_SERVICE_INSTANT="erasure,restriction,objection")
    victim = banner_person(client, user_id="shared-2", email="victim2@example.com", comment="Mine")
    from tests.surveys.builders import post

    post(client, "/v1/responses", {"survey_id": victim["survey"]["survey_id"], "score": 1,
                                   "channel": "in_app_web",
                                   "user": {"id": "shared-2", "email": "mallory2@example.com"}})
    for right in ("restriction", "erasure"):
        assert file_and_confirm(client, "mallory2@example.com", right)["status"] == "done"
    kept = export(client, email="victim2@example.com").json_body["items"]
    assert victim["response_id"] in {i["id"] for i in kept}
    assert not any(i["restricted"] for i in kept)
