"""Deliver DynamoDB stream records locally: poll moto's dynamodbstreams, call the chalice handler.

Which stream feeds which handler is read from infra/'s overrides of chalice's functions
(`Events.*.Properties.Stream`), the same lines that wire them in AWS. Records are handed over
in the shape Lambda gives them (`{"Records": [...]}`), a batch at a time; a batch that fails
is retried (as Lambda does), then skipped with a message after a few attempts.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from chalice.local import LambdaContext
from chalice.utils import to_cfn_resource_name

from devstack.template import chalice_overrides

if TYPE_CHECKING:
    from devstack.template import Resolver

log = logging.getLogger("devstack.streams")
MAX_ATTEMPTS = 3


def streams_client(region: str = "eu-west-1") -> Any:
    # The account-based endpoint botocore picks by default is one moto does not route.
    return boto3.client(
        "dynamodbstreams",
        region_name=region,
        endpoint_url=os.environ.get("AWS_ENDPOINT_URL"),
        config=Config(account_id_endpoint_mode="disabled"),
    )


def handler_for(app: Any, logical_id: str) -> Any:
    """The chalice handler whose generated CloudFormation name is `logical_id`."""
    for name, handler in app.handler_map.items():
        if to_cfn_resource_name(name) == logical_id:
            return handler
    raise SystemExit(f"infra/ wires a stream to {logical_id}, but the app has no such handler")


def stream_bindings(app: Any, template: dict[str, Any], resolver: Resolver) -> list[tuple[str, Any, str]]:
    """(function name, handler, stream ARN) for every stream event source infra/ declares."""
    found = []
    for logical_id, override in chalice_overrides(template).items():
        for source in override.get("Properties", {}).get("Events", {}).values():
            stream = source.get("Properties", {}).get("Stream")
            if stream is not None:
                found.append((logical_id, handler_for(app, logical_id), str(resolver.resolve(stream))))
    return found


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
            records += [lambda_record(r, self.stream_arn) for r in page.get("Records", [])]
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
    return handler({"Records": records}, LambdaContext(function_name, 512))


def drain(reader: StreamReader, handler: Any, function_name: str) -> int:
    """Deliver everything the stream holds now; returns how many records went through."""
    total = 0
    while records := reader.poll():
        deliver(handler, function_name, records)
        total += len(records)
    return total


def start(
    app: Any, template: dict[str, Any], resolver: Resolver, stop: threading.Event
) -> list[threading.Thread]:
    """One daemon thread per stream event source."""
    threads = []
    for function_name, handler, arn in stream_bindings(app, template, resolver):
        thread = threading.Thread(
            target=_run,
            args=(StreamReader(arn), handler, function_name, stop),
            name=f"stream-{function_name}",
            daemon=True,
        )
        thread.start()
        threads.append(thread)
    return threads


def _run(reader: StreamReader, handler: Any, function_name: str, stop: threading.Event) -> None:
    pending: list[dict[str, Any]] = []
    attempts = 0
    while not stop.is_set():
        try:
            pending = pending or reader.poll()
            if pending:
                attempts += 1
                deliver(handler, function_name, pending)
                pending, attempts = [], 0
                continue
        except Exception:
            log.exception("stream delivery to %s failed (attempt %d)", function_name, attempts)
            if attempts >= MAX_ATTEMPTS:
                log.error("skipping %d stream records for %s", len(pending), function_name)
                pending, attempts = [], 0
        stop.wait(0.25)
