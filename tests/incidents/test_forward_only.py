"""Workflow steps move forward only: redelivered tasks, crashes between two writes, closed tokens."""
from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib import aws
from tests.incidents.builders import alert_body, facts
from tests.incidents.test_workflow import api, at_step, detail, open_incident, post  # noqa: F401


class LambdaKilled(BaseException):
    """The Lambda dies (timeout, out of memory): no `except Exception` runs after it."""


def _tasks(message: dict[str, Any]) -> dict[str, Any]:
    from app import app
    from devstack.events import lambda_context

    record = {"messageId": "m0", "receiptHandle": "r0", "body": json.dumps(message), "attributes": {},
              "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
              "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:q", "awsRegion": "eu-west-1"}
    return dict(app.handler_map["handle_incident_tasks"]({"Records": [record]}, lambda_context("t")))


def _on_send_task_success(hook: Any) -> Any:
    events = aws.client("stepfunctions").meta.events
    events.register("provide-client-params.sfn.SendTaskSuccess", hook)
    return lambda: events.unregister("provide-client-params.sfn.SendTaskSuccess", hook)


def _closed(code: str) -> Any:
    def hook(**_: Any) -> None:
        raise ClientError({"Error": {"Code": code, "Message": "closed"}}, "SendTaskSuccess")
    return hook


def _events(incident: dict[str, Any], name: str) -> int:
    return sum(e["event"] == name for e in incident["timeline"])


@pytest.mark.parametrize("task", ["register", "appoint"])
def test_redelivered_automatic_task_after_assessment_moves_nothing_back(api: Any, driver: Any,  # noqa: F811
                                                                        frozen_now: Any, task: str) -> None:
    incident_id = open_incident(api, driver)
    alert_id = detail(api, incident_id)["alert_id"]
    result = _tasks({"task": task, "alert_id": alert_id, "incident_id": incident_id, "token": "stale-token"})
    assert result == {"batchItemFailures": []}  # never looped into the DLQ
    incident = detail(api, incident_id)
    assert incident["step"] == "assessment"
    assert _events(incident, "coordinator_appointed") == 1
    assert _events(incident, "incident_registered") == 1
    response = post(api, f"/v1/admin/incidents/{incident_id}/assessment", facts())
    assert response.status_code == 200, response.json_body
    at_step(api, driver, incident_id, "obligations")


def test_redelivered_appoint_reports_the_stored_result(api: Any, driver: Any, frozen_now: Any) -> None:  # noqa: F811
    incident_id = open_incident(api, driver)
    sent: list[dict[str, Any]] = []
    undo = _on_send_task_success(lambda params, **_: sent.append(params))
    _tasks({"task": "appoint", "alert_id": "a", "incident_id": incident_id, "token": "stale-token"})
    undo()
    stored = detail(api, incident_id)
    assert [json.loads(s["output"])["coordinator"] for s in sent] == [stored["coordinator"]["name"]]


def test_redelivered_wait_task_does_not_move_the_step_back(api: Any, driver: Any, frozen_now: Any) -> None:  # noqa: F811
    incident_id = open_incident(api, driver)
    assert post(api, f"/v1/admin/incidents/{incident_id}/assessment", facts()).status_code == 200
    at_step(api, driver, incident_id, "obligations")
    _tasks({"task": "await_assessment", "alert_id": "a", "incident_id": incident_id, "token": "stale-token"})
    assert detail(api, incident_id)["step"] == "obligations"


def test_assessment_crash_before_send_task_success_is_resumable(api: Any, driver: Any,  # noqa: F811
                                                                frozen_now: Any) -> None:
    incident_id = open_incident(api, driver)

    def crash(**_: Any) -> None:
        raise LambdaKilled

    undo = _on_send_task_success(crash)
    with pytest.raises(LambdaKilled):
        post(api, f"/v1/admin/incidents/{incident_id}/assessment", facts())
    undo()
    assert detail(api, incident_id)["step"] == "scoring"  # recorded, token still open
    retried = post(api, f"/v1/admin/incidents/{incident_id}/assessment", facts())
    assert retried.status_code == 200, retried.json_body
    incident = at_step(api, driver, incident_id, "obligations")
    assert _events(incident, "assessment_recorded") == 1


@pytest.mark.parametrize("code", ["TaskTimedOut", "InvalidToken", "TaskDoesNotExist"])
def test_automatic_task_with_a_closed_token_is_not_retried(client: Any, frozen_now: Any, code: str) -> None:
    from chalicelib.incidents import tasks

    alert_id = client.http.post("/v1/incidents", headers={"Content-Type": "application/json"},
                                body=json.dumps(alert_body())).json_body["alert_id"]
    incident_id = tasks.register({"alert_id": alert_id}, frozen_now)["incident_id"]
    undo = _on_send_task_success(_closed(code))
    result = _tasks({"task": "appoint", "alert_id": alert_id, "incident_id": incident_id, "token": "t"})
    undo()
    assert result == {"batchItemFailures": []}
