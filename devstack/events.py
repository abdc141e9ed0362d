"""Deliver locally the events AWS would deliver: queues, streams, schedules and buckets.

What feeds which handler comes from devstack/wiring.py: the kind from the app's own chalice
registrations, the address from infra/'s overrides (the same lines that wire them in AWS).
S3 "object created" events for raw mail reach their handler through the queue infra/ names;
a chalice `on_s3_event` handler is fed by polling its bucket.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import boto3

from devstack.console import announce
from devstack.template import Resolver
from devstack.wiring import Wire, wiring

log = logging.getLogger("devstack.events")
RETRY_AFTER_SECONDS = 2  # a failed record comes back soon locally (AWS: the visibility timeout)


def sqs_wiring(app: Any, template: dict[str, Any], resolver: Resolver) -> list[dict[str, Any]]:
    """(handler name, queue URL, queue ARN, batch size) for every SQS handler of the app."""
    return [{"handler": w.handler, "queue_url": w.queue_url, "queue_arn": w.arn, "batch_size": w.batch_size}
            for w in wiring(app, template, resolver) if w.kind == "sqs"]


def scheduled_jobs(app: Any) -> list[tuple[str, int]]:
    """(handler name, period in seconds) of each rate schedule the app registers."""
    from chalice.app import ScheduledEventConfig

    from devstack.wiring import schedule_of

    found = [(s.name, schedule_of(s)) for s in app.event_sources if isinstance(s, ScheduledEventConfig)]
    return [(name, schedule.period) for name, schedule in found if schedule.period]


def start_pollers(app: Any, template: dict[str, Any], resolver: Resolver,
                  stop: threading.Event) -> list[threading.Thread]:
    """One daemon thread per event source of the app; WiringError (at start) if one cannot be wired."""
    from devstack import streams

    targets = {"sqs": _poll, "stream": streams.run, "schedule": _every, "s3": _watch_bucket}
    threads = []
    for wire in wiring(app, template, resolver):
        thread = threading.Thread(target=targets[wire.kind], args=(app, wire, stop),
                                  name=f"{wire.kind}-{wire.handler}", daemon=True)
        thread.start()
        threads.append(thread)
    return threads


def _poll(app: Any, wire: Wire, stop: threading.Event) -> None:
    sqs = boto3.client("sqs")
    as_dict = {"handler": wire.handler, "queue_url": wire.queue_url, "queue_arn": wire.arn,
               "batch_size": wire.batch_size}
    while not stop.is_set():
        try:
            deliver_once(app, sqs, as_dict)
        except Exception:  # the runner keeps running; the message comes back
            log.exception("delivery to %s failed", wire.handler)
            time.sleep(1)


def _every(app: Any, wire: Wire, stop: threading.Event) -> None:
    """Run a scheduled handler as EventBridge would: every period (first run after one), or at
    each UTC minute its cron matches."""
    schedule = wire.schedule
    assert schedule is not None
    while not stop.wait(schedule.period or 60.5 - time.time() % 60):  # just past each minute
        now = datetime.now(UTC)
        if schedule.period or schedule.matches(now):
            run_scheduled(app, wire.handler, now)


def run_scheduled(app: Any, name: str, at: datetime) -> Any:
    """Call a scheduled handler with EventBridge's event."""
    event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
             "source": "aws.events", "account": "123456789012", "region": "eu-west-1",
             "time": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "resources": [], "detail": {}}
    try:
        result = app.handler_map[name](event, lambda_context(name))
    except Exception:
        log.exception("scheduled %s failed", name)
        return None
    announce("%s ran (schedule)", name)
    return result


def _watch_bucket(app: Any, wire: Wire, stop: threading.Event) -> None:
    """An `on_s3_event` handler: each new object (after start) is delivered once, as S3 would."""
    s3 = boto3.client("s3")
    seen = {o["Key"] for o in _objects(s3, wire)}
    while not stop.wait(0.5):
        try:
            for obj in _objects(s3, wire):
                if obj["Key"] not in seen:
                    seen.add(obj["Key"])
                    app.handler_map[wire.handler](_s3_event(wire.bucket, obj), lambda_context(wire.handler))
                    announce("%s ← 1 S3 object", wire.handler)
        except Exception:
            log.exception("S3 delivery to %s failed", wire.handler)


def _objects(s3: Any, wire: Wire) -> list[dict[str, Any]]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=wire.bucket, Prefix=wire.prefix)
    return [o for page in pages for o in page.get("Contents", []) if o["Key"].endswith(wire.suffix)]


def _s3_event(bucket: str, obj: dict[str, Any]) -> dict[str, Any]:
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "eu-west-1",
        "eventTime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"), "eventName": "ObjectCreated:Put",
        "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": obj["Key"], "size": obj.get("Size", 0), "eTag": obj.get("ETag", "").strip('"')}},
    }]}


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
    announce("%s ← %d SQS message(s)%s", wire["handler"], len(messages),
             f", {len(failed)} to retry" if failed else "")
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
