"""Insight's event handlers: FeedbackTable's stream and webhook deliveries (app.py registers them).

They are registered in app.py, not on a blueprint: Lambda imports a blueprint handler's own module
and never app.py, so app.py's Powertools logger and metrics middleware would not wrap it
(aws/chalice#1566). Chalice needs an event source at import; the real ARNs are wired in
infra/insight.yaml (overrides of these functions' Events), so the names below are placeholders.
Powertools' batch utility is imported inside the handlers: it imports asyncio (~10 ms of cold
start), which the API function, built from the same app, never needs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalicelib import lazy
from chalicelib.obs import failure_logged

if TYPE_CHECKING:
    from chalicelib.insight import aggregator, service, webhooks
else:  # every function registers these handlers; only the insight functions need the domain (chalicelib/lazy.py)
    aggregator = lazy.module("chalicelib.insight.aggregator")
    service = lazy.module("chalicelib.insight.service")
    webhooks = lazy.module("chalicelib.insight.webhooks")

STREAM_PLACEHOLDER = "arn:aws:dynamodb:eu-west-1:123456789012:table/FeedbackTable/stream/wired-in-infra"
QUEUE_PLACEHOLDER = "arn:aws:sqs:eu-west-1:123456789012:webhook-queue-wired-in-infra"


def handle_feedback_stream(raw: dict[str, Any], context: Any) -> dict[str, Any]:
    """Responses and events into aggregates (coalesced per cell for the whole batch: `aggregator`),
    then each record's follow-ups and webhooks; a failed record is reported (ReportBatchItemFailures
    in infra) and the stream retries from there on."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    records = raw.get("Records") or []
    failed = aggregator.apply_aggregates(records).failed
    not_applied = {_sequence(r) for i, r in enumerate(records) if i in failed}
    hooks: dict[str, Any] = {}  # each product's webhook endpoint, read once for the batch

    def apply_rest(record: Any) -> None:
        if _sequence(record.raw_event) in not_applied:
            raise aggregator.RecordNotAppliedError("its aggregates were not written")
        service.apply_side_effects(record.raw_event, hooks)

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    return dict(
        process_partial_response(event=raw, record_handler=apply_rest, processor=processor, context=context)
    )


def _sequence(record: dict[str, Any]) -> str:
    return str((record.get("dynamodb") or {}).get("SequenceNumber"))


def _deliver(record: Any) -> None:
    with failure_logged("webhook delivery failed", message_id=record.message_id):
        webhooks.deliver(json.loads(record.body))


def handle_webhook_deliveries(raw: dict[str, Any], context: Any) -> dict[str, Any]:
    """Each delivery on its own: failed ones go back to SQS (ReportBatchItemFailures in infra)."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return dict(
        process_partial_response(
            event=raw, record_handler=_deliver, processor=processor, context=context
        )
    )
