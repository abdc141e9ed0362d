"""The workflow's branches, with moto executing the ASL and the queues delivered as `make run` does."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from chalicelib import clock, config
from tests.incidents.builders import alert_body, facts, review_body

H = {"Content-Type": "application/json"}


@pytest.fixture
def api(workflow_stack: Any, roster: Any) -> Any:
    from chalice.test import Client

    import app

    with Client(app.app, stage_name="test") as test_client:
        yield test_client


def post(api: Any, path: str, body: Any) -> Any:
    return api.http.post(path, headers=H, body=json.dumps(body))


def detail(api: Any, incident_id: str) -> dict[str, Any]:
    return api.http.get(f"/v1/admin/incidents/{incident_id}").json_body


def at_step(api: Any, driver: Any, incident_id: str, step: str) -> dict[str, Any]:
    return driver.until(lambda: (d := detail(api, incident_id))["step"] == step and d)


def open_incident(api: Any, driver: Any) -> str:
    assert post(api, "/v1/incidents", alert_body()).status_code == 202
    listed = driver.until(lambda: api.http.get("/v1/admin/incidents?status=open").json_body["incidents"])
    incident_id = listed[0]["incident_id"]
    at_step(api, driver, incident_id, "assessment")
    return incident_id


def assess(api: Any, driver: Any, incident_id: str, **overrides: Any) -> dict[str, Any]:
    response = post(api, f"/v1/admin/incidents/{incident_id}/assessment", facts(**overrides))
    assert response.status_code == 200, response.json_body
    return response.json_body


def finish(api: Any, driver: Any, incident_id: str) -> dict[str, Any]:
    at_step(api, driver, incident_id, "actions")
    done = post(api, f"/v1/admin/incidents/{incident_id}/actions",
                {"actions": [{"description": "Add tenant check", "owner": "payroll team",
                              "done_at": "2026-11-23T11:30:00Z"}], "complete": True})
    assert done.status_code == 200
    at_step(api, driver, incident_id, "review")
    assert post(api, f"/v1/admin/incidents/{incident_id}/review", review_body()).status_code == 200
    closed = driver.until(lambda: (d := detail(api, incident_id))["status"] == "closed" and d)
    s3 = boto3.client("s3", region_name="eu-west-1")
    body = s3.get_object(Bucket=closed["report"]["bucket"], Key=closed["report"]["json_key"])["Body"].read()
    served = api.http.get(f"/v1/admin/incidents/{incident_id}/report?format=markdown")
    assert served.body.decode().startswith(f"# Incident report {incident_id}")
    return dict(json.loads(body))


def notify(api: Any, incident_id: str, **body: Any) -> Any:
    return post(api, f"/v1/admin/incidents/{incident_id}/notifications",
                {"sent_at": "2026-11-23T10:00:00Z", "reference": "REF-1", **body})


def test_workflow_controller_high_risk_runs_to_a_report(api: Any, driver: Any, frozen_now: Any) -> None:
    incident_id = open_incident(api, driver)
    assert incident_id == "INC-2026-000001"
    verdict = assess(api, driver, incident_id)
    assert verdict["severity"] == {"score": 3.25, "level": "high"}
    at_step(api, driver, incident_id, "obligations")
    for body in ({"kind": "authority", "country": "NO"}, {"kind": "authority", "country": "SE"},
                 {"kind": "data_subjects"}):
        assert notify(api, incident_id, **body).status_code == 200
    report = finish(api, driver, incident_id)
    assert report["severity"]["level"] == "high"
    assert report["root_cause"] == "Missing tenant check in the payslip API"
    assert [(n["kind"], n["country"], n["on_time"]) for n in report["notifications"]] == [
        ("authority", "NO", True), ("authority", "SE", True), ("data_subjects", None, True)]
    assert report["open_actions"] == 0
    assert report["notifications"][0]["art33_3"]["dpo_contact"] == "privacy@trustloop.example"
    assert report["crisis"] is False
    assert report["created_month"] == "2026-11"
    events = [e["event"] for e in report["timeline"]]
    assert events[:4] == ["alert_received", "incident_registered", "coordinator_appointed", "room_opened"]
    assert events[-1] == "incident_closed"
    assert "kari" not in json.dumps(report).lower()  # the reporter's contact stays out of the report
    assert driver.until(lambda: detail(api, incident_id)["execution"]["status"] == "SUCCEEDED")


def test_workflow_processor_informs_the_controller_only(api: Any, driver: Any, frozen_now: Any) -> None:
    incident_id = open_incident(api, driver)
    verdict = assess(api, driver, incident_id, role="processor")
    assert [o["key"] for o in verdict["obligations"]] == ["controller"]
    at_step(api, driver, incident_id, "obligations")
    assert notify(api, incident_id, kind="authority", country="NO").status_code == 409
    assert notify(api, incident_id, kind="controller").status_code == 200
    report = finish(api, driver, incident_id)
    assert [n["kind"] for n in report["notifications"]] == ["controller"]


def test_workflow_crisis_mobilises_the_crisis_team(api: Any, driver: Any, frozen_now: Any) -> None:
    incident_id = open_incident(api, driver)
    verdict = assess(api, driver, incident_id, data_categories=["health"], special_categories=True,
                     exfiltrated=True, malicious=True, countries=["NL"])
    assert verdict["crisis"] is True
    incident = at_step(api, driver, incident_id, "obligations")
    assert "crisis_team_mobilised" in [e["event"] for e in incident["timeline"]]
    assert incident["execution"]["status"] == "RUNNING"


def test_workflow_no_risk_goes_straight_to_mitigation(api: Any, driver: Any, frozen_now: Any) -> None:
    incident_id = open_incident(api, driver)
    verdict = assess(api, driver, incident_id, data_categories=["contact"], countries=["NO"], data_recovered=True)
    assert verdict["obligations"] == []
    report = finish(api, driver, incident_id)
    assert report["notifications"] == []
    assert report["risk"] == "none"


def test_workflow_missed_deadline_reminds_escalates_and_needs_a_reason(api: Any, driver: Any,
                                                                       frozen_now: Any) -> None:
    def check_incident_deadlines() -> int:
        event = api.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                             resources=[])
        return int(api.lambda_.invoke("check_incident_deadlines", event).payload)

    incident_id = open_incident(api, driver)
    assess(api, driver, incident_id, countries=["NO"], aware_at=clock.iso(frozen_now))
    at_step(api, driver, incident_id, "obligations")
    clock.freeze(frozen_now + timedelta(hours=49))
    assert check_incident_deadlines() == 2  # authority#NO and data_subjects: the 48 h reminder
    assert check_incident_deadlines() == 0  # not twice
    clock.freeze(frozen_now + timedelta(hours=73))
    assert check_incident_deadlines() == 4  # 66 h reminder and escalation, for each
    incident = detail(api, incident_id)
    assert incident["deadlines"][0]["overdue"] is True
    assert "escalation_overdue" in [e["event"] for e in incident["timeline"]]
    late = clock.iso(frozen_now + timedelta(hours=73))
    refused = notify(api, incident_id, kind="authority", country="NO", sent_at=late)
    assert (refused.status_code, refused.json_body["field"]) == (400, "late_reason")
    accepted = notify(api, incident_id, kind="authority", country="NO", sent_at=late,
                      late_reason="the affected customers were identified only on day 3")
    assert accepted.json_body["on_time"] is False
    notify(api, incident_id, kind="data_subjects", sent_at=late, late_reason="same")
    report = finish(api, driver, incident_id)
    assert report["notifications"][0]["late_reason"].startswith("the affected customers")


def test_admin_steps_out_of_order_are_409(api: Any, driver: Any, frozen_now: Any) -> None:
    incident_id = open_incident(api, driver)
    path = f"/v1/admin/incidents/{incident_id}"
    assert post(api, f"{path}/review", review_body()).status_code == 409
    assert api.http.get(f"{path}/report").status_code == 409
    assert post(api, f"{path}/actions", {"complete": True}).json_body["field"] == "complete"
    assert notify(api, incident_id, kind="controller").status_code == 409
    assert api.http.get("/v1/admin/incidents/INC-2026-999999").status_code == 404
    assert api.http.get("/v1/admin/incidents/" + "x" * 3000).status_code == 404


def test_admin_reassessment_and_coordinator_change_are_in_the_timeline(api: Any, driver: Any,
                                                                       frozen_now: Any) -> None:
    incident_id = open_incident(api, driver)
    assess(api, driver, incident_id, countries=["NO"])
    at_step(api, driver, incident_id, "obligations")
    again = assess(api, driver, incident_id, countries=["NO", "NL"])
    assert [o["key"] for o in again["obligations"]] == ["authority#NL", "authority#NO", "data_subjects"]
    changed = post(api, f"/v1/admin/incidents/{incident_id}/coordinator",
                   {"name": "Bo Backup", "email": "bo@trustloop.example"})
    assert changed.status_code == 200
    incident = detail(api, incident_id)
    assert incident["coordinator"]["name"] == "Bo Backup"
    events = [e["event"] for e in incident["timeline"]]
    assert "reassessment_recorded" in events and "coordinator_changed" in events
    assert "tokens" not in incident


@pytest.mark.parametrize(("overrides", "field"), [
    ({"data_categories": ["salary"]}, "data_categories.0"),
    ({"role": "owner"}, "role"),
    ({"countries": []}, "countries"),
    ({"aware_at": "2099-01-01T00:00:00Z"}, "aware_at"),
    ({"aware_at": "0000-00-00T00:00"}, "aware_at"),  # schemathesis: matched the pattern, gave a 500
    ({"aware_at": "2026-02-30T10:00:00+25:00"}, "aware_at"),
    ({"subjects_count": 10**40}, "subjects_count"),  # more digits than a DynamoDB number holds
    ({"records_count": 10**40}, "records_count"),
    ({"restored_within_hours": 1e300}, "restored_within_hours"),
    ({"recipients": "colleagues"}, "recipients"),
    ({"recipients_count": -1}, "recipients_count"),
    ({"recipients_count": 2.5}, "recipients_count"),
    ({"data_recovered": "yes"}, "data_recovered"),
    ({"consequences": ["embarrassment"]}, "consequences.0"),
    ({"consequences": ["distress", "distress"]}, "consequences"),
    ({"recipients": "none", "recipients_count": 3}, "recipients_count"),
    ({"recipients": "known", "recipients_count": 0}, "recipients_count"),
    ({"recipients": "none", "recipients_count": 0, "exfiltrated": True}, "recipients"),
    ({"breach_types": ["availability"], "recipients": "public"}, "recipients"),
])
def test_admin_assessment_bad_input_is_400_naming_the_field(api: Any, frozen_now: Any, overrides: Any,
                                                            field: str) -> None:
    response = post(api, "/v1/admin/incidents/INC-2026-000001/assessment", facts(**overrides))
    assert (response.status_code, response.json_body["field"]) == (400, field)


@pytest.mark.parametrize(("step", "body", "field"), [
    ("notifications", {"kind": "authority", "reference": "0", "sent_at": "0000-00-00T00:00"}, "sent_at"),
    ("actions", {"actions": [{"description": "x", "due_at": "2026-13-01T00:00"}]}, "actions.0.due_at"),
    ("actions", {"actions": [{"description": "x", "done_at": "2026-11-31T00:00"}]}, "actions.0.done_at"),
    ("review", {**review_body(), "held_at": "2026-11-23T24:00:00Z"}, "held_at"),
])
def test_admin_step_impossible_date_is_400_naming_the_field(api: Any, frozen_now: Any, step: str, body: Any,
                                                            field: str) -> None:
    response = post(api, f"/v1/admin/incidents/INC-2026-000001/{step}", body)
    assert (response.status_code, response.json_body["field"]) == (400, field)


def test_openapi_lists_the_data_category_vocabulary(api: Any) -> None:
    document = api.http.get("/v1/openapi.json").json_body
    schema = document["paths"]["/v1/admin/incidents/{incident_id}/assessment"]["post"]["requestBody"]
    items = schema["content"]["application/json"]["schema"]["properties"]["data_categories"]["items"]
    assert "identity_documents" in items["enum"] and "trade_union" in items["enum"]
    assert config.get_settings().incidents.table


def test_workflow_steps_recorded_before_the_workflow_waits_still_close(api: Any, driver: Any,
                                                                       frozen_now: Any) -> None:
    # An administrator may be faster than the queues: each human step recorded as soon as nothing
    # human precedes it is kept, and the waiting state goes on when the workflow gets there.
    incident_id = open_incident(api, driver)
    path = f"/v1/admin/incidents/{incident_id}"
    assess(api, driver, incident_id, countries=["NO"])
    assert notify(api, incident_id, kind="authority", country="NO").status_code == 200
    assert notify(api, incident_id, kind="data_subjects").status_code == 200
    assert post(api, f"{path}/actions", {"complete": True}).status_code == 200
    assert post(api, f"{path}/review", review_body()).status_code == 200
    closed = driver.until(lambda: (d := detail(api, incident_id))["status"] == "closed" and d)
    assert [d["status"] for d in closed["deadlines"]] == ["met", "met"]


def test_workflow_failing_task_is_retried_then_fails_the_execution(workflow_stack: Any,
                                                                   driver: Any) -> None:
    from app import app
    from devstack.events import lambda_context

    record = {"messageId": "m0", "receiptHandle": "r0", "body": json.dumps({"alert_id": "alt_ghost"}),
              "attributes": {}, "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
              "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:q", "awsRegion": "eu-west-1"}
    event = {"Records": [record]}
    app.handler_map["handle_alerts"](event, lambda_context("t"))
    sfn = boto3.client("stepfunctions", region_name="eu-west-1")
    arn = config.get_settings().incidents.workflow_arn.replace(":stateMachine:", ":execution:") + ":alt_ghost"
    driver.until(lambda: sfn.describe_execution(executionArn=arn)["status"] == "FAILED")
    history = sfn.get_execution_history(executionArn=arn)["events"]
    assert sum(e["type"] == "TaskSubmitted" for e in history) == 3  # the first try and two retries
    dlq = workflow_stack["resources"]["AlertsDLQ"]["Ref"]  # never lost: parked in the alerts DLQ
    parked = boto3.client("sqs", region_name="eu-west-1").receive_message(QueueUrl=dlq)["Messages"]
    assert [json.loads(m["Body"])["alert_id"] for m in parked] == ["alt_ghost"]
