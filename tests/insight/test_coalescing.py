"""The stream aggregator coalesces a batch: one ADD per cell per chunk, idempotent, failures per record.

Responses and events are written straight to FeedbackTable (moto) and its real stream records are
handed to the stream handler in batches, re-split and redelivered as Lambda may. Writes are
counted with a botocore before-call hook on the client the store uses.
"""
from __future__ import annotations

import json
import math
import random
from collections import Counter
from decimal import Decimal
from typing import Any

from chalicelib import aws, jobs
from chalicelib.config import get_settings
from chalicelib.insight import aggregator, store
from tests.faults import Faults, Rule

DAY = "2026-11-23"
DAY_CELL = ("AGG#nps#acme", f"all#{DAY}#all")
REPORT = "/v1/admin/reports/scores?metric=nps&product=acme&from=2026-11-01&to=2026-11-30"


class Writes:
    """TransactWriteItems calls, and the writes each aggregate/ledger item received."""

    def __init__(self) -> None:
        self.transactions = 0
        self.per_item: Counter[tuple[str, str]] = Counter()
        aws.dynamodb_client().meta.events.register("before-call.dynamodb.TransactWriteItems", self._count)

    def _count(self, params: dict[str, Any], **_: Any) -> None:
        self.transactions += 1
        for op in json.loads(params["body"])["TransactItems"]:
            body = next(iter(op.values()))
            key = body.get("Key") or body["Item"]
            self.per_item[(key["pk"]["S"], key["sk"]["S"])] += 1


def _feedback() -> Any:
    return aws.table(get_settings().feedback_table)


def _respond(n: int, *, day: str = DAY, seed: int = 1) -> dict[str, int]:
    """n NPS responses of product acme on `day`, written to FeedbackTable: {response id: score}."""
    rng = random.Random(seed)
    scores = {}
    for i in range(n):
        response_id, score = f"r{day}-{i:05d}", rng.randrange(11)
        _feedback().put_item(Item={
            "pk": f"RESP#{response_id}", "sk": "RESP", "response_id": response_id, "product": "acme",
            "metric": "nps", "score": score, "channel": rng.choice(["in_app_web", "email"]),
            "locale": rng.choice(["nb-NO", "sv", "en"]), "user": {"country": rng.choice(["NO", "SE"])},
            "created_at": f"{day}T10:00:00Z"})
        scores[response_id] = score
    return scores


def _records(stream: Any) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    while page := stream.reader.poll():
        records += page
    return records


def _deliver(client: Any, records: list[dict[str, Any]]) -> Any:
    return client.lambda_.invoke("handle_feedback_stream", {"Records": records}).payload


def _total(client: Any) -> dict[str, Any]:
    return dict(client.http.get(REPORT).json_body["total"])


def _aggregates() -> dict[tuple[str, str], dict[str, Any]]:
    items = aws.table(get_settings().insight_table).scan()["Items"]
    return {(i["pk"], i["sk"]): {k: v for k, v in i.items() if not (isinstance(v, Decimal) and v == 0)}
            for i in items if i["pk"].startswith("AGG#") and any(isinstance(v, Decimal) and v for v in i.values())}


def _day_cell() -> dict[int, int]:
    """The day cell's score counters, {score: count}."""
    return {int(k[1:]): int(v) for k, v in _aggregates()[DAY_CELL].items() if k[0] == "n" and k[1:].isdigit()}


def test_stream_batch_of_100_on_one_day_writes_the_day_cell_at_most_twice(
    client: Any, frozen_now: Any, stream: Any
) -> None:
    scores = _respond(100)
    records = _records(stream)
    writes = Writes()
    assert _deliver(client, records) == {"batchItemFailures": []}
    assert writes.per_item[DAY_CELL] <= math.ceil(100 / 90) == 2  # ≥ 90 sources per chunk with ≤ 10 cells
    assert writes.transactions <= 2
    assert _total(client)["count"] == 100
    assert _day_cell() == dict(Counter(scores.values()))


def test_stream_redelivered_batch_writes_nothing_and_counts_once(client: Any, frozen_now: Any, stream: Any) -> None:
    _respond(100)
    records = _records(stream)
    _deliver(client, records)
    before = _aggregates()
    writes = Writes()
    assert _deliver(client, records) == {"batchItemFailures": []}
    assert (writes.transactions, _aggregates()) == (0, before)  # the ledger read drops every source


def test_stream_resplit_and_overlapping_batches_count_each_response_once(
    client: Any, frozen_now: Any, stream: Any
) -> None:
    scores = _respond(120)
    records = _records(stream)
    rng = random.Random(7)
    position = 0
    while position < len(records):  # batches of random size, each retried from a random earlier point
        size = rng.randint(1, 40)
        _deliver(client, records[position:position + size])
        position = max(0, position + size - rng.randint(0, 15))
        if position + size >= len(records):
            position += size
    _deliver(client, records[::-1][:50][::-1])  # a re-split tail
    assert _total(client)["count"] == 120
    assert _day_cell() == dict(Counter(scores.values()))


def test_stream_unreadable_record_is_reported_alone(client: Any, frozen_now: Any, stream: Any) -> None:
    _respond(10)
    records = _records(stream)
    records[4]["dynamodb"]["NewImage"]["score"] = {"S": "not a number"}
    result = _deliver(client, records)
    assert result == {"batchItemFailures": [{"itemIdentifier": records[4]["dynamodb"]["SequenceNumber"]}]}
    assert _total(client)["count"] == 9


def test_stream_poison_record_in_a_chunk_is_reported_alone_and_the_rest_counted(
    client: Any, frozen_now: Any, stream: Any
) -> None:
    ids = list(_respond(40))
    records = _records(stream)
    poison = Rule("TransactWriteItems", "internal-error", when=lambda body: ids[17].encode() in body)
    faults = Faults(rules=[poison]).on(aws.dynamodb_client())
    result = _deliver(client, records)
    assert result == {"batchItemFailures": [{"itemIdentifier": records[17]["dynamodb"]["SequenceNumber"]}]}
    assert _total(client)["count"] == 39
    # the chunk, then one failing half per level: 1 + ceil(log2 40) tries on the poison record
    assert faults.injected["TransactWriteItems:internal-error"] <= 1 + math.ceil(math.log2(40))
    faults.off(aws.dynamodb_client())
    _deliver(client, records[17:])  # the stream retries from the checkpoint
    assert _total(client)["count"] == 40


def test_stream_outage_reports_every_record_without_splitting_to_singles(
    client: Any, frozen_now: Any, stream: Any
) -> None:
    _respond(30)
    records = _records(stream)
    faults = Faults(rules=[Rule("TransactWriteItems", "internal-error")]).on(aws.dynamodb_client())
    outcome = aggregator.apply_aggregates(records)
    assert outcome.failed == set(range(30))
    assert faults.injected["TransactWriteItems:internal-error"] == 3  # the chunk and its two halves
    faults.off(aws.dynamodb_client())
    assert aggregator.apply_aggregates(records).counted == 30


def test_stream_source_counted_concurrently_is_dropped_and_the_rest_written_once(
    client: Any, frozen_now: Any, stream: Any
) -> None:
    scores = _respond(20)
    ids = list(scores)
    records = _records(stream)
    ledger_only = [r for r in records if ids[3] in json.dumps(r)]
    raced = {"done": False}

    def concurrent_writer(**_: Any) -> None:  # another shard counts ids[3] between our read and write
        if not raced["done"]:
            raced["done"] = True
            aggregator.apply_aggregates(ledger_only)

    aws.dynamodb_client().meta.events.register("before-call.dynamodb.TransactWriteItems", concurrent_writer)
    outcome = aggregator.apply_aggregates(records)
    assert (outcome.failed, outcome.counted, outcome.stats.duplicates) == (set(), 19, 1)
    assert _total(client)["count"] == 20
    assert _day_cell() == dict(Counter(scores.values()))


def test_stream_transaction_conflicts_are_retried_and_counted(client: Any, frozen_now: Any, stream: Any) -> None:
    _respond(20)
    records = _records(stream)
    Faults(rules=[Rule("TransactWriteItems", "transaction-conflict", times=2)]).on(aws.dynamodb_client())
    outcome = aggregator.apply_aggregates(records)
    stats = outcome.stats
    assert (outcome.failed, stats.conflicts, stats.retries, stats.transactions) == (set(), 2, 2, 1)
    assert _total(client)["count"] == 20


def test_stream_conflicts_past_the_bound_fail_the_records_and_write_nothing(
    client: Any, frozen_now: Any, stream: Any
) -> None:
    _respond(4)
    records = _records(stream)
    faults = Faults(rules=[Rule("TransactWriteItems", "transaction-conflict")]).on(aws.dynamodb_client())
    outcome = aggregator.apply_aggregates(records)
    assert outcome.failed == {0, 1, 2, 3}
    assert faults.injected["TransactWriteItems:transaction-conflict"] == 3 * store.CONFLICT_TRIES  # chunk + halves
    assert _aggregates() == {}


def test_stream_restriction_and_removal_in_the_same_batch_keep_stream_order(
    client: Any, frozen_now: Any, stream: Any
) -> None:
    restricted, lifted, removed, kept = list(_respond(4))
    for response_id in (restricted, lifted):
        _set(response_id, "SET restricted = :t")
    _set(lifted, "REMOVE restricted")
    _feedback().delete_item(Key={"pk": f"RESP#{removed}", "sk": "RESP"})
    records = _records(stream)
    assert len(records) == 8
    assert _deliver(client, records) == {"batchItemFailures": []}
    assert _total(client)["count"] == 3  # the restricted one left; lifted, removed (still counted), kept
    ledger = store.read_ledger([restricted, lifted, removed, kept])
    assert {k: v.get("counted", "gone" if v.get("gone") else None) for k, v in ledger.items()} == {
        restricted: False, lifted: True, removed: "gone", kept: True}
    assert _deliver(client, records) == {"batchItemFailures": []}
    assert _total(client)["count"] == 3


def test_stream_random_batches_equal_the_rebuild_and_a_hand_count(client: Any, frozen_now: Any, stream: Any) -> None:
    rng = random.Random(16)
    scores = _respond(150, seed=3)
    other_day = _respond(60, day="2026-11-20", seed=4)
    for i in range(40):
        _feedback().put_item(Item={"pk": f"EVT#imp{i}", "sk": "EVT", "type": "impression", "metric": "nps",
                                   "product": "acme", "channel": "email", "at": f"{DAY}T09:00:00Z"})
    ids = [*scores, *other_day]
    restricted = set(rng.sample(ids, 20))
    for response_id in restricted:
        _set(response_id, "SET restricted = :t")
    for response_id in rng.sample(sorted(set(ids) - restricted), 10):  # removed ones still count
        _feedback().delete_item(Key={"pk": f"RESP#{response_id}", "sk": "RESP"})
    records = _records(stream)
    position = 0
    while position < len(records):
        size = rng.randint(1, 100)
        _deliver(client, records[position:position + size])
        position += size - (rng.randint(1, size) if rng.random() < 0.3 else 0)  # retried from a checkpoint
    live = _aggregates()
    _deliver(client, records)  # the whole stream again, INSERTs after their REMOVEs included
    assert _aggregates() == live
    expected = Counter(score for i, score in scores.items() if i not in restricted)
    assert (_day_cell(), int(live[DAY_CELL]["impressions"])) == (dict(expected), 40)
    assert _total(client)["count"] == len(ids) - len(restricted)
    assert jobs.run("rebuild-aggregates")["result"]["sources"] == 210 + 40
    assert _aggregates() == live


def _set(response_id: str, expression: str) -> None:
    values = {":t": True} if ":t" in expression else {}
    _feedback().update_item(Key={"pk": f"RESP#{response_id}", "sk": "RESP"}, UpdateExpression=expression,
                            **({"ExpressionAttributeValues": values} if values else {}))


def test_stream_batch_reads_the_products_webhook_once(client: Any, frozen_now: Any, stream: Any) -> None:
    _respond(50)
    records = _records(stream)
    reads: list[str] = []

    def count(params: dict[str, Any], **_: Any) -> None:
        if b"HOOK#" in params["body"]:
            reads.append("hook")

    aws.dynamodb_client().meta.events.register("before-call.dynamodb.GetItem", count)
    _deliver(client, records)
    assert len(reads) == 1  # not one per record: the endpoint item would be a hot read


def test_write_sharded_cells_sum_at_read_and_equal_the_rebuild(
    client: Any, frozen_now: Any, stream: Any, set_env: Any
) -> None:
    set_env(AGGREGATE_WRITE_SHARDS="4")
    scores = _respond(80)
    restricted = list(scores)[5]
    records = _records(stream)
    for start in range(0, len(records), 10):  # 8 batches: 8 chunks spread over the 4 items of each cell
        _deliver(client, records[start:start + 10])
    _set(restricted, "SET restricted = :t")
    _deliver(client, _records(stream))
    day_items = [k for k in _aggregates() if k[1].startswith(f"all#{DAY}#all")]
    assert len(day_items) > 1  # the day cell is written over several items
    assert all(v >= 0 for item in _aggregates().values() for v in item.values() if isinstance(v, Decimal))
    expected = Counter(s for i, s in scores.items() if i != restricted)
    reports = [client.http.get(REPORT + g).json_body for g in ("", "&group_by=channel", "&group_by=week")]
    assert reports[0]["total"]["distribution"] == {str(s): n for s, n in sorted(expected.items())}
    assert jobs.run("rebuild-aggregates")["result"]["sources"] == 80
    assert [client.http.get(REPORT + g).json_body for g in ("", "&group_by=channel", "&group_by=week")] == reports


def test_write_shards_setting_is_clamped_to_1_to_32(set_env: Any) -> None:
    from chalicelib.config import get_settings

    set_env(AGGREGATE_WRITE_SHARDS="0")
    assert get_settings().aggregate_write_shards == 1
    set_env(AGGREGATE_WRITE_SHARDS="500")
    assert get_settings().aggregate_write_shards == 32
