"""The runs the call counts and the handler-overhead figures are made from, through the real handlers.

In-process moto (mock_aws, with Step Functions executing the ASL as `make run` does) and infra/
provisioned; every handler is called as Lambda would call it (`app(event, context)` with the event
API Gateway, SQS or the DynamoDB stream would send), and every call it makes is recorded per step
(bench/record.py). Each step keeps its event, so bench/overhead.py can replay it.
"""
from __future__ import annotations

import contextlib
import copy
import json
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bench.record import Call, Recorder

if TYPE_CHECKING:
    from collections.abc import Callable

JSON = {"Content-Type": "application/json"}
MOTO_CONFIG: Any = {"stepfunctions": {"execute_state_machine": True}}


@dataclass
class Case:
    """One handler invocation: the step it was, which handler ("http" for the API), its event, its calls."""

    step: str
    handler: str
    event: dict[str, Any]
    calls: list[Call] = field(default_factory=list)
    log_bytes: int = 0  # what the handler wrote to its log (Powertools' JSON lines, EMF metrics)


class LogMeter:
    """A log sink that counts bytes (CloudWatch Logs bills ingestion by the byte)."""

    def __init__(self) -> None:
        self.written = 0

    def write(self, text: str) -> int:
        self.written += len(text.encode())
        return len(text)

    def flush(self) -> None:
        pass


class Harness:
    """The app, its recorder, and the cases recorded so far (in the order they ran)."""

    def __init__(self, recorder: Recorder) -> None:
        from chalice.local import LambdaEventConverter, RouteMatcher

        import app
        from chalicelib.obs import logger
        from devstack.events import lambda_context

        self.app = app.app
        self.recorder = recorder
        self.cases: list[Case] = []
        self.context = lambda_context("bench")
        self.log = LogMeter()
        handler: Any = logger.registered_handler  # Powertools' StreamHandler
        handler.setStream(self.log)
        self._events = LambdaEventConverter(RouteMatcher(list(self.app.routes)), self.app.api.binary_types)

    def http_event(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        raw = json.dumps(body).encode() if body is not None else b""
        event = self._events.create_lambda_event(method=method, path=path, headers={**JSON, **(headers or {})},
                                                 body=raw)
        event["requestContext"]["identity"]["sourceIp"] = "198.51.100.7"
        return event

    def http(self, step: str | None, method: str, path: str, body: Any = None,
             headers: dict[str, str] | None = None) -> dict[str, Any]:
        """Call the API function; recorded as `step` unless None (setup). Returns the parsed JSON body."""
        event = self.http_event(method, path, body, headers)
        answer = self.call(step, "http", event)
        if answer["statusCode"] >= 300:
            raise AssertionError(f"{method} {path}: {answer['statusCode']} {answer['body']}")
        return json.loads(answer["body"]) if answer["body"] and answer["body"].startswith("{") else {}

    def call(self, step: str | None, handler: str, event: dict[str, Any]) -> Any:
        target = self.app if handler == "http" else self.app.handler_map[handler]
        if step is None:
            with contextlib.redirect_stdout(self.log):  # type: ignore[type-var]
                return target(copy.deepcopy(event), self.context)
        self.log.written = 0
        with self.recorder.step(step) as calls, contextlib.redirect_stdout(self.log):  # type: ignore[type-var]
            answer = target(copy.deepcopy(event), self.context)
        self.cases.append(Case(step, handler, event, calls, self.log.written))
        if handler != "http" and (answer or {}).get("batchItemFailures"):
            raise AssertionError(f"{step}: records failed {answer}")
        return answer


def banner_flow(h: Harness) -> None:
    """A survey, one warm-up flow (first requests read the secret and the catalogue), then the
    recorded flow, the stream records it wrote through the stream handler, a decline, and a score
    given by following an e-mail link."""
    from chalicelib.config import get_settings

    survey = h.http(None, "POST", "/v1/admin/surveys", {
        "product": "bench", "company": "bench-co", "metric": "nps", "channels": ["in_app_web", "email"],
        "texts": {"en": {"question": "How likely…?", "follow_up": "Why?"}}})["survey_id"]
    reader = _stream_reader(get_settings().feedback_table)
    for user, recorded in (("warm-up", False), ("bench-user", True)):
        def name(step: str, recorded: bool = recorded) -> str | None:
            return step if recorded else None

        h.http(name("eligibility"), "GET", f"/v1/eligibility?product=bench&user_id={user}&channel=in_app_web")
        h.http(name("impression"), "POST", "/v1/impressions",
               {"survey_id": survey, "channel": "in_app_web", "user": {"id": user}})
        made = h.http(name("score"), "POST", "/v1/responses",
                      {"survey_id": survey, "score": 9, "channel": "in_app_web", "user": {"id": user}})
        h.http(name("comment"), "PATCH", f"/v1/responses/{made['response_id']}", {"comment": "faster please"},
               {"Authorization": f"Bearer {made['edit_token']}"})
        records = reader.poll()
        h.call(name("stream: the flow's records"), "handle_feedback_stream", {"Records": records})
    h.http("decline", "POST", "/v1/declines", {"survey_id": survey, "channel": "in_app_web",
                                               "user": {"id": "bench-decliner"}})
    links = h.http(None, "POST", f"/v1/admin/surveys/{survey}/links", {"user": {"id": "bench-mail-user"}})
    score_link = links["links"][-1]["url"]
    h.http("e-mail link (GET /v1/s/{token})", "GET", score_link[score_link.index("/v1/s/"):])


def _stream_reader(table: str) -> Any:
    import boto3

    from devstack.streams import StreamReader

    arn = boto3.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    return StreamReader(arn)


def privacy_request(h: Harness) -> None:
    h.http("privacy request (POST /v1/privacy-requests)", "POST", "/v1/privacy-requests",
           {"email": "kari@example.com", "right": "access", "locale": "en"})


class Workflow:
    """One incident from the alert form to its closed report: queues delivered to their handlers,
    the administrators' steps through their routes, Step Functions run by moto."""

    def __init__(self, h: Harness, provisioner: Any) -> None:
        import boto3

        from devstack.events import sqs_wiring

        wires = {w["handler"]: w for w in sqs_wiring(h.app, provisioner.template, provisioner.resolver)}
        self.wires = [wires["handle_alerts"], wires["handle_incident_tasks"]]
        self.h = h
        self.sqs = boto3.client("sqs")
        self.sfn = boto3.client("stepfunctions")
        self.recorded: set[str] | None = None  # record only these steps (None: all)

    def pump(self) -> int:
        from devstack.events import _record

        delivered = 0
        for wire in self.wires:
            for message in self.sqs.receive_message(QueueUrl=wire["queue_url"], MaxNumberOfMessages=1,
                                                    AttributeNames=["All"]).get("Messages", []):
                body = json.loads(message["Body"])
                step = f"task: {body['task']}" if "task" in body else "alert consumer (StartExecution)"
                kept = self.recorded is None or step in self.recorded
                self.h.call(step if kept else None, wire["handler"], {"Records": [_record(message, wire["queue_arn"])]})
                self.sqs.delete_message(QueueUrl=wire["queue_url"], ReceiptHandle=message["ReceiptHandle"])
                delivered += 1
        return delivered

    def until(self, condition: Callable[[], Any], limit_seconds: float = 30.0) -> Any:
        deadline = time.monotonic() + limit_seconds
        while time.monotonic() < deadline:
            self.pump()
            if result := condition():
                return result
            time.sleep(0.02)
        raise AssertionError("the incident workflow did not reach the expected state")

    def detail(self, incident_id: str) -> dict[str, Any]:
        return self.h.http(None, "GET", f"/v1/admin/incidents/{incident_id}")

    def at_step(self, incident_id: str, step: str) -> dict[str, Any]:
        return dict(self.until(lambda: (d := self.detail(incident_id))["step"] == step and d))

    def run(self) -> dict[str, Any]:
        """Alert → closed report; returns the execution's history events (its state transitions)."""
        from chalicelib import clock
        from devstack.demo_incidents import seed_roster

        seed_roster()
        now = clock.now()
        at = clock.iso(now - timedelta(minutes=30))
        self.h.http("alert form (POST /v1/incidents)", "POST", "/v1/incidents", {
            "reporter": {"name": "Kari Nordmann", "email": "kari@customer.example", "kind": "customer"},
            "product": "payroll", "summary": "Payslips visible to other employees",
            "description": "Employees can open each other's payslips.", "personal_data_involved": "yes"},
            {"Idempotency-Key": "bench-alert-1"})
        listed = self.until(lambda: self.h.http(None, "GET", "/v1/admin/incidents?status=open")["incidents"])
        incident_id = listed[0]["incident_id"]
        base = f"/v1/admin/incidents/{incident_id}"
        self.at_step(incident_id, "assessment")
        verdict = self.h.http("assessment (POST …/assessment)", "POST", f"{base}/assessment", _facts(at))
        obligations = verdict["obligations"]
        self.until(lambda: sum(c.step == "task: await_notification" for c in self.h.cases) == len(obligations))
        for obligation in obligations:
            self.h.http("notification (POST …/notifications)", "POST", f"{base}/notifications", {
                "kind": obligation["kind"], **({"country": obligation["country"]} if obligation.get("country") else {}),
                "sent_at": at, "reference": "REF-1"})
        self.at_step(incident_id, "actions")
        self.h.http("actions (POST …/actions)", "POST", f"{base}/actions", {"actions": [
            {"description": "Add tenant check", "owner": "payroll team", "done_at": at}], "complete": True})
        self.at_step(incident_id, "review")
        self.h.http("review (POST …/review)", "POST", f"{base}/review", {
            "held_at": at, "attendees": ["Ada Coordinator"], "root_cause": "Missing tenant check",
            "root_cause_confirmed": True, "process_adherence": "All steps on time", "lessons": "Tenant tests"})
        closed = self.until(lambda: (d := self.detail(incident_id))["execution"]["status"] == "SUCCEEDED" and d)
        arn = closed["execution"]["arn"]
        return {"events": self.sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"],
                "obligations": len(obligations), "cases": len(self.h.cases)}

    def run_crisis(self) -> None:
        """The two tasks the first incident's path does not take, recorded alone: a crisis incident's
        MobiliseCrisisTeam, and a reminder (a wait that timed out; delivered here as Step Functions
        would deliver it, with a token that is closed by now, which the task logs and drops)."""
        from chalicelib import clock

        self.recorded = {"task: crisis"}
        at = clock.iso(clock.now() - timedelta(minutes=30))
        self.h.http(None, "POST", "/v1/incidents", {
            "reporter": {"name": "Ola Nordmann", "email": "ola@clinic.example", "kind": "customer"},
            "product": "clinic", "summary": "Patient records exported",
            "description": "An attacker exported patient records.", "personal_data_involved": "yes"},
            {"Idempotency-Key": "bench-alert-2"})
        listed = self.until(lambda: [i for i in self.h.http(None, "GET", "/v1/admin/incidents?status=open")[
            "incidents"]])
        incident = listed[0]
        base = f"/v1/admin/incidents/{incident['incident_id']}"
        self.at_step(incident["incident_id"], "assessment")
        self.h.http(None, "POST", f"{base}/assessment", {
            **_facts(at), "data_categories": ["health"], "special_categories": True, "exfiltrated": True,
            "malicious": True, "countries": ["NL"]})
        self.at_step(incident["incident_id"], "obligations")
        self.until(lambda: any(c.step == "task: crisis" for c in self.h.cases))
        remind = {"task": "remind", "step": "assessment", "alert_id": incident["alert_id"],
                  "incident_id": incident["incident_id"], "token": "bench-token-timed-out",
                  "waits": {"assessment": 86400, "actions": 604800, "review": 1209600}}
        self.h.call("task: remind", "handle_incident_tasks", {"Records": [{
            "messageId": "bench-remind", "receiptHandle": "bench", "body": json.dumps(remind), "attributes": {},
            "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
            "eventSourceARN": self.wires[1]["queue_arn"], "awsRegion": "eu-west-1"}]})
        self.sfn.stop_execution(executionArn=self.detail(incident["incident_id"])["execution"]["arn"])
        self.recorded = None


def _facts(aware_at: str) -> dict[str, Any]:
    """A controller breach of identity + financial data in NO and SE: two authorities and the subjects."""
    return {"role": "controller", "breach_types": ["confidentiality"], "data_categories": ["identity", "financial"],
            "special_categories": False, "subjects_count": 120, "records_count": 120, "countries": ["NO", "SE"],
            "vulnerable_subjects": False, "encrypted": False, "key_compromised": False, "backup_available": True,
            "exfiltrated": False, "malicious": False, "identifiability": "maximum", "recipients": "known",
            "recipients_count": 40, "aware_at": aware_at, "description": "Payslips shown to colleagues",
            "likely_consequences": "Colleagues learn salaries", "measures_taken": "Portal access disabled"}


def transitions(history: list[dict[str, Any]]) -> dict[str, int]:
    """State transitions as Step Functions bills them: one per state entered, by state name."""
    counted: dict[str, int] = {}
    for event in history:
        if event["type"].endswith("StateEntered"):
            name = event["stateEnteredEventDetails"]["name"]
            counted[name] = counted.get(name, 0) + 1
    return counted


def record_everything(workflow: bool = True, env: dict[str, str] | None = None) -> tuple[Harness, dict[str, Any]]:
    """Inside an active mock_aws(config=MOTO_CONFIG): provision, record every run; (harness, workflow run).

    `env` overrides the test stage's environment (e.g. metrics on, as deployed)."""
    import os

    from bench.common import provision_in_mock_aws
    from chalicelib import secrets

    os.environ["ALLOW_UNVERIFIED_IDENTITY"] = "true"
    os.environ["CATALOGUE_CACHE_SECONDS"] = "3600"  # the replays outlast the default minute
    provisioner = provision_in_mock_aws()
    os.environ.update(env or {})
    h = Harness(Recorder())
    secrets.get_app_secrets()  # read once per container (cached), as on a warm function
    banner_flow(h)
    privacy_request(h)
    run: dict[str, Any] = {}
    if workflow:
        flow = Workflow(h, provisioner)
        run = flow.run()
        flow.run_crisis()
    return h, run
