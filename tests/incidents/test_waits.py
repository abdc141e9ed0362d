"""No wait lasts forever: timeouts on every task, reminders that escalate, the admin view says why."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from chalicelib import aws, config
from tests.incidents.builders import alert_body, facts
from tests.incidents.test_forward_only import _tasks
from tests.incidents.test_workflow import api, at_step, detail, open_incident, post  # noqa: F401

ASL = json.loads((Path(__file__).parents[2] / "infra" / "incident-workflow.asl.json").read_text())
HUMAN = ("await_assessment", "await_actions", "await_review", "await_notification")


def _task_states(states: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for name, state in states.items():  # the queue-backed tasks (ParkAlert is a plain SendMessage)
        if state["Type"] == "Task" and state["Resource"].endswith(".waitForTaskToken"):
            found[name] = state
        if state["Type"] == "Map":
            found |= _task_states(state["Iterator"]["States"])
    return found


def _all_states(states: dict[str, Any]) -> dict[str, Any]:
    out = dict(states)
    for state in states.values():
        if state["Type"] == "Map":
            out |= state["Iterator"]["States"]
    return out


@pytest.mark.parametrize(("name", "state"), sorted(_task_states(ASL["States"]).items()))
def test_asl_every_task_state_has_a_timeout(name: str, state: dict[str, Any]) -> None:
    task = state["Parameters"]["MessageBody"]["task"]
    everything = _all_states(ASL["States"])
    if task in HUMAN:
        assert state["TimeoutSecondsPath"].startswith("$.")
        [catch] = state["Catch"]
        assert catch["ErrorEquals"] == ["States.Timeout"]
        reminder = everything[catch["Next"]]
        assert reminder["Parameters"]["MessageBody"]["task"] == "remind"
        assert reminder["Next"] == name  # …and waits again
        assert reminder["Catch"][0]["Next"] == name  # a failed reminder never ends the wait
    else:
        assert 0 < state["HeartbeatSeconds"] < state["TimeoutSeconds"] <= 900
        retried = {e for r in state["Retry"] for e in r["ErrorEquals"]}
        assert {"TaskFailed", "States.Timeout"} <= retried


def _publishes() -> list[str]:
    sent: list[str] = []
    aws.client("sns").meta.events.register("provide-client-params.sns.Publish",
                                           lambda params, **_: sent.append(params["TopicArn"]))
    return sent


def test_remind_escalates_room_then_security_ops_then_crisis_once_per_timeout(api: Any, driver: Any,  # noqa: F811
                                                                              frozen_now: Any) -> None:
    incident_id = open_incident(api, driver)
    room = detail(api, incident_id)["room"]["topic_arn"]
    settings = config.get_settings().incidents
    sent = _publishes()
    message = {"task": "remind", "step": "assessment", "incident_id": incident_id, "alert_id": "a",
               "waits": {"assessment": 5, "actions": 7}}
    for token in ("t1", "t2", "t2", "t3", "t4"):  # t2 redelivered
        assert _tasks({**message, "token": token}) == {"batchItemFailures": []}
    assert sent == [room, settings.security_ops_topic_arn, settings.crisis_topic_arn, settings.crisis_topic_arn]
    incident = detail(api, incident_id)
    assert incident["reminders"] == {"assessment": 4}
    assert sum(e["event"] == "wait_reminded" for e in incident["timeline"]) == 4
    assert incident["step"] == "assessment"
    assert "POST /v1/admin/incidents/" in incident["waiting"]["what"]


def test_wait_for_assessment_times_out_reminds_and_waits_again(api: Any, driver: Any,  # noqa: F811
                                                               frozen_now: Any) -> None:
    # moto runs the ASL: the assessment wait is given 1 s (execution input), as AWS would enforce it
    assert post(api, "/v1/incidents", alert_body()).status_code == 202
    sqs = boto3.client("sqs", region_name="eu-west-1")
    settings = config.get_settings().incidents
    [message] = sqs.receive_message(QueueUrl=settings.alerts_queue_url)["Messages"]
    sqs.delete_message(QueueUrl=settings.alerts_queue_url, ReceiptHandle=message["ReceiptHandle"])
    alert_id = json.loads(message["Body"])["alert_id"]
    boto3.client("stepfunctions", region_name="eu-west-1").start_execution(
        stateMachineArn=settings.workflow_arn, name=alert_id,
        input=json.dumps({"alert_id": alert_id, "waits": {"assessment": 1, "actions": 600, "review": 600}}))
    listed = driver.until(lambda: api.http.get("/v1/admin/incidents?status=open").json_body["incidents"])
    incident_id = listed[0]["incident_id"]
    reminded = driver.until(lambda: (d := detail(api, incident_id))["reminders"].get("assessment") and d)
    assert reminded["step"] == "assessment"
    driver.until(lambda: detail(api, incident_id)["execution"]["status"] == "RUNNING")
    answered = driver.until(lambda: post(api, f"/v1/admin/incidents/{incident_id}/assessment",
                                         facts()).status_code == 200)
    assert answered
    at_step(api, driver, incident_id, "obligations")


def test_state_machine_logs_every_transition_locally_without_execution_data(workflow_stack: Any) -> None:
    sfn = boto3.client("stepfunctions", region_name="eu-west-1")
    described = sfn.describe_state_machine(stateMachineArn=config.get_settings().incidents.workflow_arn)
    logging = described["loggingConfiguration"]
    assert (logging["level"], logging["includeExecutionData"]) == ("ALL", False)
    group = logging["destinations"][0]["cloudWatchLogsLogGroup"]["logGroupArn"]
    assert ":log-group:/aws/vendedlogs/states/" in group
