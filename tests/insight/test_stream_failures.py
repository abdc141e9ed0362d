"""The stream never drops a record: per-record checkpoints, the on-failure queue, the replay job."""
from __future__ import annotations

import json
from typing import Any

from chalicelib import aws, jobs
from chalicelib.config import get_settings
from devstack.streams import RetryPolicy, deliver_batch, failure_record
from tests.faults import Faults, Rule
from tests.insight.builders import answer, nps_survey

REPORT = "/v1/admin/reports/scores?metric=nps&product=acme&from=2026-11-01&to=2026-11-30"


def _count(client: Any) -> int:
    return int(client.http.get(REPORT).json_body["total"]["count"])


def _poison(response_id: str, times: int | None = None) -> Faults:
    """Every transaction that counts this response fails (as a record the consumer cannot apply)."""
    rule = Rule("TransactWriteItems", "internal-error", when=lambda body: response_id.encode() in body, times=times)
    return Faults(rules=[rule]).on(aws.dynamodb_client())


def _records(client: Any, stream: Any, count: int) -> tuple[list[str], list[dict[str, Any]]]:
    survey_id = nps_survey(client)
    ids = [answer(client, survey_id, f"user-{i}", 9) for i in range(count)]
    return ids, stream.reader.poll()


def test_stream_handler_failed_record_is_reported_and_the_others_counted(
    client: Any, frozen_now: Any, stream: Any
) -> None:
    ids, records = _records(client, stream, 3)
    faults = _poison(ids[1])
    result = client.lambda_.invoke("handle_feedback_stream", {"Records": records}).payload
    poisoned = _index_of(records, ids[1])
    assert result == {"batchItemFailures": [{"itemIdentifier": records[poisoned]["dynamodb"]["SequenceNumber"]}]}
    assert _count(client) == 2
    faults.off(aws.dynamodb_client())
    client.lambda_.invoke("handle_feedback_stream", {"Records": records[poisoned:]})  # retried from the checkpoint
    assert _count(client) == 3


def test_local_delivery_gives_up_on_a_poison_record_into_the_failure_queue_and_replay_applies_it(
    client: Any, frozen_now: Any, stream: Any
) -> None:
    import app

    ids, records = _records(client, stream, 4)
    faults = _poison(ids[2])
    sent: list[dict[str, Any]] = []
    sqs, queue = aws.client("sqs"), get_settings().stream_failure_queue_url

    def give_up(batch: list[dict[str, Any]], invocations: int) -> None:
        record = failure_record(batch, records[0]["eventSourceARN"], _shard(stream), "handle_feedback_stream",
                                invocations)
        sent.append(record)
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(record))

    handler = app.app.handler_map["handle_feedback_stream"]
    given_up = deliver_batch(handler, "handle_feedback_stream", records, RetryPolicy(3, True, "arn"), give_up)
    poisoned = _index_of(records, ids[2])
    assert [[r["dynamodb"]["SequenceNumber"] for r in b] for b in given_up] == [
        [r["dynamodb"]["SequenceNumber"] for r in records[poisoned:]]]
    assert _count(client) == 3  # the response after the poison one went through on a retry
    # the first try: its chunk of 4, then the failing half of 2, then the record alone (the coalescing
    # aggregator isolates it); each of the 3 retries: the record alone (the others are in the ledger)
    assert faults.injected["TransactWriteItems:internal-error"] == 3 + 3
    assert sent[0]["DDBStreamBatchInfo"]["batchSize"] == len(records) - poisoned

    faults.off(aws.dynamodb_client())
    result = jobs.run("replay-stream-failures")["result"]
    assert (result["replayed"], result["records"], result["gone"]) == (1, len(records) - poisoned, 0)
    assert _count(client) == 4
    again = jobs.run("replay-stream-failures")["result"]
    assert again["batches"] == 0 and _count(client) == 4


def test_replay_keeps_a_batch_whose_records_still_fail(client: Any, frozen_now: Any, stream: Any) -> None:
    ids, records = _records(client, stream, 1)
    info = failure_record(records, records[0]["eventSourceARN"], _shard(stream), "handle_feedback_stream", 6)
    sqs, queue = aws.client("sqs"), get_settings().stream_failure_queue_url
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(info))
    _poison(ids[0])
    result = jobs.run("replay-stream-failures")["result"]
    assert (result["failed"], result["replayed"]) == (1, 0)
    attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])
    assert attributes["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "1"  # kept for the next run


def test_bisect_isolates_a_poison_record_when_the_handler_raises() -> None:
    batch = [{"dynamodb": {"SequenceNumber": str(n)}} for n in range(1, 9)]
    seen: list[list[str]] = []

    def handler(event: dict[str, Any], context: Any) -> None:
        numbers = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        seen.append(numbers)
        if "5" in numbers:
            raise RuntimeError("poison")

    given_up = deliver_batch(handler, "fn", batch, RetryPolicy(max_retries=2, bisect=True))
    assert [[r["dynamodb"]["SequenceNumber"] for r in b] for b in given_up] == [["5"]]
    delivered_ok = {n for numbers in seen if "5" not in numbers for n in numbers}
    assert delivered_ok == {"1", "2", "3", "4", "6", "7", "8"}


def _index_of(records: list[dict[str, Any]], response_id: str) -> int:
    pks = [r["dynamodb"].get("NewImage", {}).get("pk", {}).get("S") for r in records]
    return pks.index(f"RESP#{response_id}")


def _shard(stream: Any) -> str:
    return next(iter(stream.reader.shard_of.values()))
