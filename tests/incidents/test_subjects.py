"""A reporter's rights through the privacy routes: the incidents store found by e-mail."""
from __future__ import annotations

import json
from email.message import EmailMessage
from typing import Any

import boto3

from chalicelib import config
from tests.incidents.builders import alert_body
from tests.privacy.builders import erase, export, send

REGION = "eu-west-1"


def _mail_alert(email: str = "Kari@Customer.example") -> tuple[str, list[str]]:
    from chalicelib.incidents import service

    msg = EmailMessage()
    msg["From"], msg["Subject"], msg["Message-ID"] = f"Kari <{email}>", "Kari's payslip", "<rights@c>"
    msg.set_content("my payslip is visible")
    msg.add_attachment(b"evidence", maintype="application", subtype="pdf", filename="shot.pdf")
    bucket = config.get_settings().incidents.inbound_mail_bucket
    boto3.client("s3", region_name=REGION).put_object(Bucket=bucket, Key="inbound/r1", Body=msg.as_bytes())
    alert_id = service.intake_mail(bucket, "inbound/r1")
    return alert_id, ["inbound/r1", f"attachments/{alert_id}/0-shot.pdf"]


def _versions(keys: list[str]) -> int:
    s3 = boto3.client("s3", region_name=REGION)
    bucket = config.get_settings().incidents.inbound_mail_bucket
    listed = s3.list_object_versions(Bucket=bucket)
    return sum(1 for v in listed.get("Versions", []) if v["Key"] in keys)


def test_export_by_email_lists_the_reporters_alerts(client: Any, frozen_now: Any) -> None:
    alert_id, _ = _mail_alert()
    form = client.http.post("/v1/incidents", headers={"Content-Type": "application/json"},
                            body=json.dumps(alert_body()))
    items = [i for i in export(client, email="kari@customer.example").json_body["items"]
             if i["store"] == "incidents"]
    assert sorted(i["id"] for i in items) == sorted([alert_id, form.json_body["alert_id"]])
    assert all(i["purpose"].startswith("handling your alert") for i in items)


def test_erase_by_email_deletes_alerts_and_every_mail_version(client: Any, frozen_now: Any) -> None:
    from chalicelib.incidents import store, tasks

    alert_id, keys = _mail_alert()
    incident_id = tasks.register({"alert_id": alert_id}, frozen_now)["incident_id"]
    assert _versions(keys) == 2
    counts = erase(client, email="KARI@customer.example").json_body["counts"]
    assert counts["incidents"] == {"alert": 1, "mail_object": 2}
    assert _versions(keys) == 0
    assert export(client, email="kari@customer.example").json_body["items"] == []
    assert erase(client, email="kari@customer.example").json_body["counts"]["incidents"] == {}
    incident = store.get_incident(incident_id, frozen_now)
    assert "kari" not in json.dumps(incident).lower()


def test_rectify_email_moves_the_index(client: Any, frozen_now: Any) -> None:
    from chalicelib.incidents import store

    alert_id, _ = _mail_alert()
    changed = send(client, "PATCH", "", {"email": "kari.n@customer.example"}, email="kari@customer.example")
    assert changed.json_body["counts"]["incidents"] == {"alert": 1}
    assert store.query_alert_keys_by_email("kari.n@customer.example") == [f"ALERT#{alert_id}"]
    assert store.query_alert_keys_by_email("kari@customer.example") == []


def test_restrict_flags_the_alert(client: Any, frozen_now: Any) -> None:
    _mail_alert()
    restricted = send(client, "POST", "/restriction", {"restricted": True}, email="kari@customer.example")
    assert restricted.json_body["counts"]["incidents"] == {"alert": 1}
    items = export(client, email="kari@customer.example").json_body["items"]
    assert [i["restricted"] for i in items if i["store"] == "incidents"] == [True]
