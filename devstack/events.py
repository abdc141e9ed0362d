"""Deliver locally the events AWS would deliver: SQS messages to their chalice handlers.

Which queue feeds which handler is read from infra/'s overrides of chalice's functions
(`Resources.<Function>.Properties.Events.*` of Type SQS), the same lines that wire them in AWS.
S3 "object created" events reach a handler the same way: moto sends the bucket's notification to
the queue infra/ names, and that queue is polled like any other.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from types import SimpleNamespace
from typing import Any

import boto3
from chalice.utils import to_cfn_resource_name

from devstack.template import Resolver, chalice_overrides

log = logging.getLogger("devstack.events")
RETRY_AFTER_SECONDS = 2  # a failed record comes back soon locally (AWS: the visibility timeout)


def sqs_wiring(app: Any, template: dict[str, Any], resolver: Resolver) -> list[dict[str, Any]]:
    """(handler name, queue URL, queue ARN, batch size) for every SQS event source in infra/."""
    by_logical_id = {to_cfn_resource_name(name): name for name in app.handler_map}
    urls = {attrs.get("Arn"): attrs["Ref"] for attrs in resolver.attrs.values() if "Arn" in attrs}
    wiring = []
    for logical_id, override in chalice_overrides(template).items():
        for source in (override.get("Properties", {}).get("Events") or {}).values():
            if source.get("Type") != "SQS" or logical_id not in by_logical_id:
                continue
            arn = resolver.resolve(source["Properties"]["Queue"])
            wiring.append({"handler": by_logical_id[logical_id], "queue_url": urls[arn], "queue_arn": arn,
                           "batch_size": int(source["Properties"].get("BatchSize", 10))})
    return wiring


def scheduled_jobs(app: Any) -> list[tuple[str, int]]:
    """(handler name, period in seconds) of each `@app.schedule(Rate(...))`; cron ones are not run."""
    from chalice.app import Rate, ScheduledEventConfig

    seconds = {Rate.MINUTES: 60, Rate.HOURS: 3600, Rate.DAYS: 86400}
    return [(source.name, source.schedule_expression.value * seconds[source.schedule_expression.unit])
            for source in app.event_sources
            if isinstance(source, ScheduledEventConfig) and isinstance(source.schedule_expression, Rate)]


def start_pollers(app: Any, template: dict[str, Any], resolver: Resolver,
                  stop: threading.Event) -> list[threading.Thread]:
    """One daemon thread per SQS event source declared in infra/, one per rate schedule, and the
    DynamoDB stream readers (devstack/streams.py)."""
    from devstack import streams

    threads = [*streams.start(app, template, resolver, stop)]
    for name, period in scheduled_jobs(app):
        thread = threading.Thread(target=_every, args=(app, name, period, stop), name=f"every-{name}",
                                  daemon=True)
        thread.start()
        threads.append(thread)
    for wire in sqs_wiring(app, template, resolver):
        thread = threading.Thread(target=_poll, args=(app, wire, stop), name=f"poll-{wire['handler']}",
                                  daemon=True)
        thread.start()
        threads.append(thread)
    return threads


def _poll(app: Any, wire: dict[str, Any], stop: threading.Event) -> None:
    sqs = boto3.client("sqs")
    while not stop.is_set():
        try:
            deliver_once(app, sqs, wire)
        except Exception:  # the runner keeps running; the message comes back
            log.exception("delivery to %s failed", wire["handler"])
            time.sleep(1)


def _every(app: Any, name: str, period: int, stop: threading.Event) -> None:
    """Run a scheduled handler every `period` seconds (first run after one period), as EventBridge would."""
    while not stop.wait(period):
        event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
                 "source": "aws.events", "account": "123456789012", "region": "eu-west-1",
                 "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "resources": [], "detail": {}}
        try:
            app.handler_map[name](event, lambda_context(name))
        except Exception:
            log.exception("scheduled %s failed", name)


def deliver_once(app: Any, sqs: Any, wire: dict[str, Any], wait_seconds: int = 1) -> int:
    """Receive one batch, call the handler, delete what it did not report as failed."""
    messages = sqs.receive_message(QueueUrl=wire["queue_url"], WaitTimeSeconds=wait_seconds,
                                   MaxNumberOfMessages=min(wire["batch_size"], 10),
                                   AttributeNames=["All"]).get("Messages", [])
    if not messages:
        return 0
    event = {"Records": [_record(m, wire["queue_arn"]) for m in messages]}
    try:
        result = app.handler_map[wire["handler"]](event, lambda_context(wire["handler"]))
        failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
    except Exception:
        log.exception("handler %s raised: the whole batch is retried", wire["handler"])
        failed = {m["MessageId"] for m in messages}
    for message in messages:
        if message["MessageId"] in failed:
            sqs.change_message_visibility(QueueUrl=wire["queue_url"], ReceiptHandle=message["ReceiptHandle"],
                                          VisibilityTimeout=RETRY_AFTER_SECONDS)
        else:
            sqs.delete_message(QueueUrl=wire["queue_url"], ReceiptHandle=message["ReceiptHandle"])
    return len(messages)


def _record(message: dict[str, Any], arn: str) -> dict[str, Any]:
    return {"messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"], "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs", "eventSourceARN": arn, "awsRegion": arn.split(":")[3]}


def lambda_context(name: str) -> Any:
    """What Powertools' inject_lambda_context reads from a Lambda context."""
    return SimpleNamespace(function_name=name, function_version="$LATEST", memory_limit_in_mb=512,
                           invoked_function_arn=f"arn:aws:lambda:eu-west-1:123456789012:function:{name}",
                           aws_request_id=str(uuid.uuid4()), log_group_name=f"/aws/lambda/{name}",
                           log_stream_name="local", get_remaining_time_in_millis=lambda: 30_000)
