"""Injected faults, counted: every alert ends as exactly one incident or one DLQ message.

Seeded random faults on our own botocore clients (event hooks, no patching of our modules):
DynamoDB throttling and a conditional race on registration, SQS SendMessage failures, S3 errors,
StartExecution throttling and ExecutionAlreadyExists (moto does not enforce execution-name
uniqueness: simulated here, as AWS does it), a Lambda killed mid-batch, poison messages. The
queues are moto's (receive counts and redrive to the DLQs are real); a failed record is made
visible again at once instead of after its visibility timeout. moto runs the ASL.
"""
from __future__ import annotations

import json
import random
import time
from collections import Counter
from email.message import EmailMessage
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib import aws, clock, config
from devstack.events import _record, lambda_context
from tests.incidents.builders import alert_body

REGION = "eu-west-1"


class LambdaKilled(BaseException):
    """The function times out mid-batch: the invocation dies, no partial response is returned."""


class Faults:
    """Seeded faults on the app's cached clients; every injected fault is counted by kind."""

    def __init__(self, seed: int, rate: float) -> None:
        self.rng = random.Random(seed)
        self.rate = rate
        # a throttle the SDK's own retries did not absorb is rarer than an SQS or S3 hiccup here
        self.dynamodb_rate = rate / 4
        self.counts: Counter[str] = Counter()
        self.started: set[str] = set()
        self.kill_next_start = False
        self.racing = False
        self.on = True

    def _fail(self, kind: str, code: str, operation: str) -> None:
        if self.on and self.rng.random() < self.rate:
            self.counts[kind] += 1
            raise ClientError({"Error": {"Code": code, "Message": "injected"}}, operation)

    def install(self) -> None:
        dynamodb = aws.dynamodb_client().meta.events
        for op in ("PutItem", "UpdateItem", "GetItem", "Query", "TransactWriteItems"):
            dynamodb.register(f"before-call.dynamodb.{op}", self._dynamodb(op))
        dynamodb.register("before-call.dynamodb.TransactWriteItems", self._race)
        aws.client("sqs").meta.events.register(
            "before-call.sqs.SendMessage", lambda **_: self._fail("sqs_send", "ServiceUnavailable", "SendMessage"))
        aws.client("s3").meta.events.register(
            "before-call.s3.GetObject", lambda **_: self._fail("s3_get", "InternalError", "GetObject"))
        sfn = aws.client("stepfunctions").meta.events
        sfn.register("before-parameter-build.sfn.StartExecution", self._start)
        sfn.register("after-call.sfn.StartExecution", self._started)

    def _dynamodb(self, op: str) -> Any:
        def throttle(**_: Any) -> None:
            if self.on and self.rng.random() < self.dynamodb_rate:
                self.counts["dynamodb_throttle"] += 1
                raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException",
                                             "Message": "injected"}}, op)
        return throttle

    def _race(self, params: dict[str, Any], **_: Any) -> None:
        """Another copy of the register task wins the conditional write just before this one."""
        if not self.on or self.racing or self.rng.random() >= self.rate:
            return
        from chalicelib.incidents import tasks

        body = json.loads(params["body"]) if isinstance(params.get("body"), (str, bytes)) else params["body"]
        alert_key = body["TransactItems"][1]["Update"]["Key"]["pk"]["S"]
        self.racing = True
        try:
            tasks.register({"alert_id": alert_key.removeprefix("ALERT#")}, clock.now())
            self.counts["conditional_race"] += 1
        except Exception:  # the racing copy met a fault of its own: no race this time
            pass
        finally:
            self.racing = False

    def _start(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["execution_name"] = params["name"]
        if self.kill_next_start:
            self.kill_next_start = False
            self.counts["lambda_killed_mid_batch"] += 1
            raise LambdaKilled
        if params["name"] in self.started:  # AWS: names are unique per state machine for 90 days
            self.counts["execution_already_exists"] += 1
            raise ClientError({"Error": {"Code": "ExecutionAlreadyExists", "Message": "exists"}},
                              "StartExecution")
        self._fail("start_execution", "ThrottlingException", "StartExecution")

    def _started(self, context: dict[str, Any], http_response: Any, **_: Any) -> None:
        if http_response.status_code == 200:
            self.started.add(context["execution_name"])


def _deliver(handler: str, url: str, batch: int, faults: Faults) -> int:
    """One receive → handler → delete the successes; failures are visible again at once."""
    from app import app

    sqs = boto3.client("sqs", region_name=REGION)
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=batch, VisibilityTimeout=0,
                                   AttributeNames=["All"]).get("Messages", [])
    if not messages:
        return 0
    if handler == "handle_alerts" and len(messages) > 1 and faults.rng.random() < faults.rate:
        faults.kill_next_start = True
    try:
        result = app.handler_map[handler]({"Records": [_record(m, arn) for m in messages]}, lambda_context(handler))
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
    except LambdaKilled:
        faults.kill_next_start = False
        failed = {m["MessageId"] for m in messages}
    except Exception:  # Powertools raises when every record failed: the whole batch comes back
        failed = {m["MessageId"] for m in messages}
    for message in messages:
        if message["MessageId"] not in failed:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return len(messages)


def _drain(url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", region_name=REGION)
    found: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600).get("Messages"):
        found += batch
    return found


def _mail(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["Subject"], msg["Message-ID"] = f"Reporter {n} <r{n}@mail.example>", f"Leak {n}", f"<f{n}@m>"
    msg.set_content("details")
    return msg.as_bytes()


def run_with_faults(stack: dict[str, Any], seed: int, forms: int, mails: int, poison: int,
                    rate: float) -> dict[str, Any]:
    from chalice.test import Client

    import app

    resources = stack["resources"]
    queues = {"alerts": resources["AlertsQueue"]["Ref"], "tasks": resources["IncidentTasksQueue"]["Ref"],
              "mail": resources["InboundMailQueue"]["Ref"]}
    sqs = boto3.client("sqs", region_name=REGION)
    for n in range(poison):  # not JSON, no alert_id, an alert that does not exist
        sqs.send_message(QueueUrl=queues["alerts"], MessageBody=["{", "{}", '{"alert_id": 7}'][n % 3])
    faults = Faults(seed, rate)
    faults.install()
    statuses: Counter[int] = Counter()
    with Client(app.app, stage_name="test") as client:
        for n in range(forms):
            body = alert_body(reporter={"name": "R", "email": f"form{n}@x.example", "kind": "customer"})
            for _ in range(4):  # a client retries a 5xx with the same Idempotency-Key
                answer = client.http.post("/v1/incidents", body=json.dumps(body), headers={
                    "Content-Type": "application/json", "Idempotency-Key": f"form-{seed}-{n}"})
                statuses[answer.status_code] += 1
                if answer.status_code < 500:
                    break
        bucket = config.get_settings().incidents.inbound_mail_bucket
        s3 = boto3.client("s3", region_name=REGION)
        for n in range(mails):
            s3.put_object(Bucket=bucket, Key=f"inbound/fault-{n}", Body=_mail(n))
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            moved = (_deliver("handle_inbound_mail", queues["mail"], 5, faults)
                     + _deliver("handle_alerts", queues["alerts"], 10, faults)
                     + _deliver("handle_incident_tasks", queues["tasks"], 1, faults))
            if not moved and _settled(stack):
                faults.on = False  # the sweep runs on a calm system: nothing stays unqueued
                swept = client.lambda_.invoke("sweep_incident_alerts", _scheduled(client, faults)).payload
                faults.on = True
                if not swept and _settled(stack):
                    break
            time.sleep(0.02)
    faults.on = False
    return {"faults": faults.counts, "statuses": statuses, "dlq": {
        "alerts": _drain(resources["AlertsDLQ"]["Ref"]), "mail": _drain(resources["InboundMailDLQ"]["Ref"]),
        "tasks": _drain(resources["IncidentTasksDLQ"]["Ref"])}}


def _scheduled(client: Any, faults: Faults) -> Any:
    from datetime import timedelta

    clock.freeze(clock.now() + timedelta(minutes=5))  # past the sweep's grace for in-flight requests
    return client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                           resources=[])


def _settled(stack: dict[str, Any]) -> bool:
    """No execution is still between states (each waits for the assessment, or has failed)."""
    sfn = boto3.client("stepfunctions", region_name=REGION)
    arn = config.get_settings().incidents.workflow_arn
    for execution in sfn.list_executions(stateMachineArn=arn)["executions"]:
        if execution["status"] != "RUNNING":
            continue
        events = sfn.get_execution_history(executionArn=execution["executionArn"])["events"]  # moto: oldest first
        entered = [e for e in events if e["type"] == "TaskStateEntered"]
        if not entered or entered[-1]["stateEnteredEventDetails"]["name"] != "WaitForAssessment":
            return False
    return True


def _table_items() -> list[dict[str, Any]]:
    table = boto3.resource("dynamodb", region_name=REGION).Table(config.get_settings().incidents.table)
    items, kwargs = [], {}
    while True:  # a test may Scan
        page = table.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def check_every_alert_ends_once(stack: dict[str, Any], seed: int) -> None:
    forms, mails, poison = 12, 6, 3
    outcome = run_with_faults(stack, seed, forms, mails, poison, rate=0.12)
    items = _table_items()
    alerts = {i["alert_id"]: i for i in items if i["sk"] == "ALERT"}
    incidents = [i for i in items if i["sk"] == "INC"]
    by_alert = Counter(i["alert_id"] for i in incidents)
    parked = Counter(a for m in outcome["dlq"]["alerts"] if isinstance(a := _alert_id(m["Body"]), str))
    by_channel = Counter(a["source"]["channel"] for a in alerts.values())
    mail_parked = len(outcome["dlq"]["mail"])
    print(f"\nseed {seed}: in: {forms} form posts (answers {dict(outcome['statuses'])}), {mails} mails, "
          f"{poison} poison messages; faults injected: {dict(outcome['faults'])}, "
          f"{sum(outcome['faults'].values())} in all; out: {len(alerts)} alerts ({dict(by_channel)}), "
          f"{len(incidents)} incidents, {sum(parked.values())} alerts parked in the alerts DLQ, "
          f"{len(outcome['dlq']['alerts']) - sum(parked.values())} poison messages in the alerts DLQ, "
          f"{mail_parked} mail events in the mail DLQ, {len(outcome['dlq']['tasks'])} in the tasks DLQ")
    assert sum(outcome["faults"].values()) >= 10  # the run really met faults
    lost = {a: (by_alert[a], parked[a], alerts[a].get("list_status"), _execution(a)) for a in alerts
            if (by_alert[a], parked[a]) not in ((1, 0), (0, 1))}
    assert not lost  # each alert: exactly one incident, or exactly one message in the alerts DLQ
    assert by_channel["email"] + mail_parked == mails  # a mail is an alert, or its event is in the mail DLQ
    assert outcome["statuses"][202] <= by_channel["form"] <= forms  # a 503 may have stored it: never twice
    assert len(outcome["dlq"]["alerts"]) - sum(parked.values()) == poison
    assert not outcome["statuses"][500]  # a throttled store is a 503 the client retries, never a 500
    assert not any(i.get("list_status") == store_unqueued() for i in alerts.values())


def store_unqueued() -> str:
    from chalicelib.incidents import store

    return store.UNQUEUED


def test_every_alert_ends_as_one_incident_or_one_dlq_message(workflow_stack: Any, roster: Any, frozen_now: Any,
                                                            set_env: Any) -> None:
    set_env(INCIDENTS_FORM_LIMIT="1000")  # the per-client limit has its own test
    check_every_alert_ends_once(workflow_stack, seed=7)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2026, 31337, 424242])
def test_every_alert_ends_once_more_seeds(workflow_stack: Any, roster: Any, frozen_now: Any, set_env: Any,
                                          seed: int) -> None:
    set_env(INCIDENTS_FORM_LIMIT="1000")
    check_every_alert_ends_once(workflow_stack, seed)


def _execution(alert_id: str) -> str:
    sfn = boto3.client("stepfunctions", region_name=REGION)
    arn = config.get_settings().incidents.workflow_arn.replace(":stateMachine:", ":execution:") + f":{alert_id}"
    try:
        found = sfn.describe_execution(executionArn=arn)["status"]
    except ClientError:
        return "none"
    events = sfn.get_execution_history(executionArn=arn)["events"]
    return f"{found} {[e['type'] for e in events][-3:]}"


def _alert_id(body: str) -> Any:
    try:
        return json.loads(body).get("alert_id")
    except ValueError:
        return None
