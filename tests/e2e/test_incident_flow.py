"""An alert e-mail dropped where SES writes it, driven to a closed incident with its report in S3."""
from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest

from chalicelib.incidents.mail import alert_id_for
from devstack.drop_mail import drop
from tests.e2e.api_client import ApiClient, until

pytestmark = pytest.mark.e2e
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "alert.eml"



def _at(api: ApiClient, incident_id: str, step: str) -> dict[str, Any]:
    def check() -> Any:
        incident = api.get(f"/v1/admin/incidents/{incident_id}").json()
        return incident if incident["step"] == step else None
    return dict(until(check))


def test_stack_email_alert_runs_to_a_closed_incident_with_a_report(api: ApiClient,
                                                                   live_stack: dict[str, Any]) -> None:
    message_id = f"<e2e-{uuid.uuid4().hex}@customer.example>"
    raw = EXAMPLE.read_bytes().replace(b"<demo-alert-0001@customer.example>", message_id.encode())
    key = drop(live_stack, raw)
    alert_id = alert_id_for(message_id, "kari@customer.example", live_stack["inbound_mail_bucket"], key)

    def registered() -> Any:
        listed = api.get("/v1/admin/incidents", status="open").json()["incidents"]
        return next((i["incident_id"] for i in listed if i["alert_id"] == alert_id), None)

    incident_id = until(registered)
    incident = _at(api, incident_id, "assessment")
    assert incident["alert"]["source"]["key"] == key
    assert incident["coordinator"]["name"] == "Ada Coordinator"

    path = f"/v1/admin/incidents/{incident_id}"
    verdict = api.post(f"{path}/assessment", {
        "role": "controller", "breach_types": ["confidentiality"],
        "data_categories": ["identity", "financial"], "special_categories": False, "subjects_count": 120,
        "countries": ["NO"], "vulnerable_subjects": False,
        "encrypted": False, "key_compromised": False, "backup_available": True, "exfiltrated": False,
        "malicious": False, "identifiability": "maximum", "aware_at": incident["created_at"],
        "description": "Payslips visible to colleagues", "likely_consequences": "Salaries disclosed",
        "measures_taken": "Portal closed"})
    assert verdict.status_code == 200
    assert [o["key"] for o in verdict.json()["obligations"]] == ["authority#NO", "data_subjects"]
    _at(api, incident_id, "obligations")
    for body in ({"kind": "authority", "country": "NO"}, {"kind": "data_subjects"}):
        notice = {**body, "sent_at": incident["created_at"], "reference": "R1"}
        sent = api.post(f"{path}/notifications", notice)
        assert sent.status_code == 200
    _at(api, incident_id, "actions")
    assert api.post(f"{path}/actions", {"actions": [{"description": "Tenant check added"}],
                                        "complete": True}).status_code == 200
    _at(api, incident_id, "review")
    review = {"held_at": incident["created_at"], "attendees": ["Ada", "Legal"],
              "root_cause": "Missing tenant check", "root_cause_confirmed": True,
              "process_adherence": "On time", "lessons": "Test isolation"}
    assert api.post(f"{path}/review", review).status_code == 200
    closed = _at(api, incident_id, "closed")

    s3 = boto3.client("s3", endpoint_url=live_stack["moto_url"], region_name=live_stack["region"],
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    year = incident_id.split("-")[1]
    assert closed["report"]["json_key"] == f"reports/{year}/{incident_id}/report.json"
    report = json.loads(s3.get_object(Bucket=live_stack["incident_reports_bucket"],
                                      Key=closed["report"]["json_key"])["Body"].read())
    assert report["severity"]["level"] == "high"
    assert report["open_actions"] == 1
    markdown = s3.get_object(Bucket=live_stack["incident_reports_bucket"],
                             Key=closed["report"]["markdown_key"])["Body"].read().decode()
    assert markdown.startswith(f"# Incident report {incident_id}")
