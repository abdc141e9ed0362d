"""Deliver DynamoDB stream records locally: poll moto's dynamodbstreams, call the chalice handler.

Which stream feeds which handler comes from devstack/wiring.py. Records are handed over in the
shape Lambda gives them (`{"Records": [...]}`), a batch at a time, and a failure is treated as
Lambda treats it with infra/'s event source settings: the handler's `batchItemFailures`
checkpoint the batch (retry from the first failed record), an exception splits the batch
(`BisectBatchOnFunctionError`), and after `MaximumRetryAttempts` the failed records' batch
info goes to the `DestinationConfig.OnFailure` queue, where the replay job finds it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.config import Config
from chalice.local import LambdaContext

from devstack.console import announce

log = logging.getLogger("devstack.streams")
# Locally retries are immediate: a poison record is given up on after this many, whatever infra says.
MAX_LOCAL_RETRIES = 10


def streams_client(region: str = "eu-west-1") -> Any:
    # The account-based endpoint botocore picks by default is one moto does not route.
    return boto3.client(
        "dynamodbstreams",
        region_name=region,
        endpoint_url=os.environ.get("AWS_ENDPOINT_URL"),
        config=Config(account_id_endpoint_mode="disabled"),
    )


class StreamReader:
    """Reads every shard of one stream from just after the last record it handed over.

    A fresh iterator is asked for on every poll: moto swaps a table (and its stream shard) for
    a copy when it rolls back a failed transaction, and an old iterator would then never see a
    new record again.
    """

    def __init__(self, stream_arn: str, client: Any | None = None) -> None:
        self.stream_arn = stream_arn
        self.client = client or streams_client()
        self.last_sequence: dict[str, str] = {}
        self.shard_of: dict[str, str] = {}  # sequence number -> shard, for the on-failure record

    def _iterator(self, shard_id: str) -> str:
        position: dict[str, str] = {"ShardIteratorType": "TRIM_HORIZON"}
        if shard_id in self.last_sequence:
            position = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                        "SequenceNumber": self.last_sequence[shard_id]}
        return str(self.client.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard_id,
                                                  **position)["ShardIterator"])

    def poll(self, limit: int = 100) -> list[dict[str, Any]]:
        """The next records, in Lambda's event shape."""
        shards = self.client.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        records: list[dict[str, Any]] = []
        for shard in shards:
            page = self.client.get_records(ShardIterator=self._iterator(shard["ShardId"]), Limit=limit)
            if page.get("Records"):
                self.last_sequence[shard["ShardId"]] = page["Records"][-1]["dynamodb"]["SequenceNumber"]
            for record in page.get("Records", []):
                self.shard_of[record["dynamodb"]["SequenceNumber"]] = shard["ShardId"]
                records.append(lambda_record(record, self.stream_arn))
        return records


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A GetRecords record as Lambda delivers it (epoch time, the source ARN)."""
    ddb = dict(record["dynamodb"])
    created = ddb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):  # boto3 parses it; Lambda hands over epoch seconds
        ddb["ApproximateCreationDateTime"] = created.timestamp()
    ddb.setdefault("SizeBytes", 0)
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": stream_arn.split(":")[3],
        "dynamodb": ddb,
        "eventSourceARN": stream_arn,
    }


def deliver(handler: Any, function_name: str, records: list[dict[str, Any]]) -> Any:
    """Call a chalice event handler as Lambda would."""
    result = handler({"Records": records}, LambdaContext(function_name, 512))
    announce("%s ← %d stream record(s)", function_name, len(records))
    return result


@dataclass(frozen=True)
class RetryPolicy:
    """Lambda's stream event source settings (infra/), with AWS's defaults where unset."""

    max_retries: int = MAX_LOCAL_RETRIES
    bisect: bool = False
    on_failure_arn: str | None = None

    @classmethod
    def of(cls, options: dict[str, Any]) -> RetryPolicy:
        retries = int(options.get("MaximumRetryAttempts", -1))  # -1: AWS retries until the record expires
        destination = ((options.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        return cls(MAX_LOCAL_RETRIES if retries < 0 else min(retries, MAX_LOCAL_RETRIES),
                   bool(options.get("BisectBatchOnFunctionError")), destination)


def _sequence(record: dict[str, Any]) -> str:
    return str(record["dynamodb"]["SequenceNumber"])


def _failed_from(batch: list[dict[str, Any]], result: Any) -> int | None:
    """Index of the first record to retry, or None when the batch went through.

    As Lambda reads a ReportBatchItemFailures answer: the lowest failed sequence number is the
    checkpoint; an identifier it cannot find fails the whole batch.
    """
    failures = (result or {}).get("batchItemFailures") or [] if isinstance(result, dict) else []
    failed = {str(f.get("itemIdentifier")) for f in failures}
    if not failed:
        return None
    return next((i for i, r in enumerate(batch) if _sequence(r) in failed), 0)


def deliver_batch(handler: Any, function_name: str, records: list[dict[str, Any]], policy: RetryPolicy,
                  give_up: Any = None) -> list[list[dict[str, Any]]]:
    """Deliver one polled batch until every record went through or was given up; returns the given-up
    batches (each also passed to `give_up`, which sends it to the on-failure destination)."""
    given_up: list[list[dict[str, Any]]] = []
    pending: list[tuple[list[dict[str, Any]], int]] = [(records, 0)]
    while pending:
        batch, retries = pending.pop(0)
        try:
            first = _failed_from(batch, deliver(handler, function_name, batch))
        except Exception:
            log.exception("stream handler %s raised on %d records", function_name, len(batch))
            if policy.bisect and len(batch) > 1:
                half = len(batch) // 2
                pending[:0] = [(batch[:half], retries), (batch[half:], retries)]
                continue
            first = 0
        if first is None:
            continue
        if retries < policy.max_retries:
            pending.insert(0, (batch[first:], retries + 1))
            continue
        given_up.append(batch[first:])
        if give_up is not None:
            give_up(batch[first:], retries + 1)
    return given_up


def failure_record(batch: list[dict[str, Any]], stream_arn: str, shard_id: str, function_name: str,
                   invocations: int) -> dict[str, Any]:
    """What Lambda sends to a stream's on-failure destination: where the batch is, not its data."""
    def arrival(record: dict[str, Any]) -> str:
        seconds = float(record["dynamodb"].get("ApproximateCreationDateTime") or 0)
        return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    return {
        "requestContext": {"requestId": str(uuid.uuid4()), "condition": "RetryAttemptsExhausted",
                           "functionArn": f"arn:aws:lambda:eu-west-1:123456789012:function:{function_name}",
                           "approximateInvokeCount": invocations},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "DDBStreamBatchInfo": {
            "shardId": shard_id, "startSequenceNumber": _sequence(batch[0]),
            "endSequenceNumber": _sequence(batch[-1]), "approximateArrivalOfFirstRecord": arrival(batch[0]),
            "approximateArrivalOfLastRecord": arrival(batch[-1]), "batchSize": len(batch),
            "streamArn": stream_arn,
        },
    }


def run(app: Any, wire: Any, stop: threading.Event) -> None:
    """Poll one stream for its handler until `stop`, delivering as Lambda's event source mapping."""
    reader = StreamReader(wire.arn)
    handler = app.handler_map[wire.handler]
    policy = RetryPolicy.of(wire.options)
    sqs = boto3.client("sqs")

    def give_up(batch: list[dict[str, Any]], invocations: int) -> None:
        if not policy.on_failure_arn:
            log.error("gave up on %d stream records for %s: no on-failure destination", len(batch), wire.handler)
            return
        record = failure_record(batch, wire.arn, reader.shard_of.get(_sequence(batch[0]), ""), wire.handler,
                                invocations)
        url = sqs.get_queue_url(QueueName=policy.on_failure_arn.rsplit(":", 1)[-1])["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(record))
        log.error("gave up on %d stream records for %s: sent to the on-failure queue", len(batch), wire.handler)

    while not stop.is_set():
        try:
            records = reader.poll(limit=wire.batch_size)
            if records:
                deliver_batch(handler, wire.handler, records, policy, give_up)
                continue
        except Exception:
            log.exception("stream polling for %s failed", wire.handler)
        stop.wait(0.25)
