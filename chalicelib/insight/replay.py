"""Re-drive FeedbackTable stream records the stream consumer gave up on.

After its retries, Lambda sends each failed batch's position (shard, first and last sequence
number; not the data) to the on-failure queue. This job reads each position back from the
stream and applies its records with the same batch functions the consumer uses (idempotent:
the contribution ledger makes a record applied twice count once), then deletes the message.
A stream keeps records 24 hours: a position older than that cannot be read back, stays in the
queue (the alarm stays on) and `rebuild-aggregates` recomputes everything instead.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.insight import aggregator
from chalicelib.obs import logger, metrics

_GONE = {"TrimmedDataAccessException", "ExpiredIteratorException", "ResourceNotFoundException"}
MAX_MESSAGES = 1000  # one run's bound; a failed or expired message comes back after its visibility timeout
HIDE_SECONDS = 300


class StreamRecordsGoneError(Exception):
    """The stream no longer holds the batch (older than 24 hours, or the stream was replaced)."""


def read_batch(info: dict[str, Any], page: int = 100) -> list[dict[str, Any]]:
    """The stream records from `startSequenceNumber` to `endSequenceNumber` of one shard."""
    streams = aws.client("dynamodbstreams")
    first, last = int(info["startSequenceNumber"]), int(info["endSequenceNumber"])
    try:
        iterator = streams.get_shard_iterator(
            StreamArn=info["streamArn"], ShardId=info["shardId"],
            ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber=info["startSequenceNumber"],
        )["ShardIterator"]
        records: list[dict[str, Any]] = []
        while iterator:
            answer = streams.get_records(ShardIterator=iterator, Limit=page)
            found = answer.get("Records", [])
            records += [r for r in found if first <= int(r["dynamodb"]["SequenceNumber"]) <= last]
            if not found or int(found[-1]["dynamodb"]["SequenceNumber"]) >= last:
                return records
            iterator = answer.get("NextShardIterator")
        return records
    except ClientError as exc:
        if exc.response["Error"]["Code"] in _GONE:
            raise StreamRecordsGoneError(exc.response["Error"]["Code"]) from None
        raise


def replay_failures(params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Apply every batch waiting in the on-failure queue; counts of what was replayed and what not."""
    sqs, url = aws.client("sqs"), get_settings().stream_failure_queue_url
    counts = {"batches": 0, "records": 0, "replayed": 0, "failed": 0, "gone": 0}
    while counts["batches"] < MAX_MESSAGES:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                       VisibilityTimeout=HIDE_SECONDS).get("Messages", [])
        if not messages:
            break
        for message in messages:
            counts["batches"] += 1
            outcome, applied = _replay_one(json.loads(message["Body"]).get("DDBStreamBatchInfo") or {})
            counts[outcome] += 1
            counts["records"] += applied
            if outcome == "replayed":
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    metrics.add_metric(name="StreamRecordsReplayed", unit="Count", value=counts["records"])
    logger.info("stream failures replayed", extra=counts)
    return counts


def _replay_one(info: dict[str, Any]) -> tuple[str, int]:
    try:
        records = read_batch(info)
    except StreamRecordsGoneError as exc:
        logger.error("stream batch no longer readable: run rebuild-aggregates", extra={"code": str(exc)})
        return "gone", 0
    failed = aggregator.apply_batch(records)
    if failed:  # kept in the queue for the next run
        logger.error("stream batch replay failed", extra={"failed_records": len(failed)})
        return "failed", 0
    return "replayed", len(records)
