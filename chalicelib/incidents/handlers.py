"""Event entry points: SQS batches (partial failures reported) and the deadline schedule."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.metrics import MetricUnit

from chalicelib import clock
from chalicelib.obs import correlate, failure_logged, metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

# ReportBatchItemFailures is set on each event source in infra/incidents.yaml: without it a
# failed record would count as success and be lost. A processor per batch: it holds the batch's
# records, and the local runner calls handlers from several threads.
# Every Lambda function imports app.py, which imports this module: the domain modules and
# Powertools' batch utility (asyncio, ~37 ms) are imported inside the handlers that use them,
# so the other functions' cold starts don't pay for them (docs/BENCHMARKS.md).


def wired_in_infra(logical_id: str) -> str:
    """A placeholder queue ARN for chalice; infra/ overrides it with the real queue's Arn."""
    return f"arn:aws:sqs:eu-west-1:000000000000:{logical_id}"


def _start(record: SQSRecord) -> None:
    from chalicelib.incidents import service

    service.start_workflow(record.json_body["alert_id"])


def _task(record: SQSRecord) -> None:
    from chalicelib.incidents import tasks

    tasks.run(record.json_body)


def _mail(record: SQSRecord) -> None:
    from chalicelib.incidents import service

    notification = record.decoded_nested_s3_event  # the S3 notification the SQS message carries
    if "Records" not in notification.raw_event:  # s3:TestEvent, sent when the notification is set up
        return
    # S3 URL-encodes keys in notifications ("a b.eml" arrives as "a+b.eml")
    service.receive_mail_objects((r.s3.bucket.name, unquote_plus(r.s3.get_object.key)) for r in notification.records)


def _batch(event: dict[str, Any], context: Any, handler: Any, metric: str) -> dict[str, Any]:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=len(event.get("Records") or []))

    def logged(record: SQSRecord) -> None:  # a failed record is logged by class and code, not text
        with failure_logged("record failed", message_id=record.message_id, handler=metric):
            correlate(record.json_body)
            handler(record)

    result = process_partial_response(event=event, record_handler=logged,
                                      processor=BatchProcessor(event_type=EventType.SQS), context=context)
    return dict(result)


def handle_alerts(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Alerts queue → one Step Functions execution per alert (named by the alert id)."""
    return _batch(event, context, _start, "IncidentAlertsConsumed")


def handle_tasks(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The workflow's queue-backed tasks."""
    return _batch(event, context, _task, "IncidentTasksRun")


def handle_inbound_mail(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """S3 "object created" notifications for raw mail → alerts."""
    return _batch(event, context, _mail, "IncidentMailsReceived")


def sweep_alerts() -> int:
    """Queue every alert stored but not queued (a SendMessage failed after the store); scheduled."""
    from chalicelib.incidents import intake

    swept = intake.sweep_unqueued(clock.now())
    metrics.add_metric(name="IncidentAlertsSwept", unit=MetricUnit.Count, value=swept)
    return swept


def check_deadlines() -> int:
    """Reminders at 48 h and 66 h of 72, escalation when missed; the dashboard's gauges (scheduled)."""
    from chalicelib.incidents import tasks

    sent, gauges = tasks.check_deadlines(clock.now())
    metrics.add_metric(name="IncidentDeadlineNotices", unit=MetricUnit.Count, value=sent)
    for name, value in gauges.items():  # OpenIncidents, DeadlinesAtRisk (infra/insight.yaml)
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    return sent
