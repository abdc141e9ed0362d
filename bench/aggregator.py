"""K concurrent simulated stream shards driving the real stream handler against moto: writes per aggregate item.

Every response goes to FeedbackTable (in-process moto, infra/ provisioned), its real stream records are
split into K shards by item key (as DynamoDB does) and K threads each hand their shard's records to
`handle_feedback_stream` in batches of 100, as Lambda would (retrying a batch from its checkpoint).
All responses are on one product and one day, so every batch of every shard writes the same hot
`(all, all)` day cell. Counted with botocore hooks on the app's session: committed TransactWriteItems
per aggregate item, per batch. Not timed: counts are exact and judged against hard goals.

What moto does not do, said plainly: it never raises TransactionConflict, so conflicts are injected
(tests/faults.py) into CONFLICT_RATE of TransactWriteItems calls; and its in-process backend is not
thread-safe (an ADD is a read-modify-write), so each AWS call holds one lock while moto serves it, as
DynamoDB serialises the writes to one item. Shards interleave call by call, not inside a call.
"""
from __future__ import annotations

import json
import os
import threading
import zlib
from collections import Counter
from typing import Any

from bench.reports import _environment
from bench.table import Row

RUNS = ((1, 1), (4, 1), (8, 1), (8, 8))  # (K stream shards, N write shards of a cell)
QUICK_RUNS = ((1, 1), (8, 1), (8, 8))  # BENCH_QUICK=1: one batch per shard, K=4 left out
BATCH = 100  # the event source mapping's batch size (infra/insight.yaml)
CONFLICT_RATE = 0.25
DAY = "2026-11-23"
MAX_DELIVERIES = 10  # per batch, as the local runner's retries


class WriteCounter:
    """Committed TransactWriteItems and the writes each aggregate item got, in total and per batch."""

    def __init__(self, session: Any, lock: threading.Lock) -> None:
        self.lock = lock
        self.total: Counter[tuple[str, str]] = Counter()
        self.transactions = 0
        self.local = threading.local()
        session.events.register("before-call.dynamodb.TransactWriteItems", self._before)
        session.events.register("after-call.dynamodb.TransactWriteItems", self._after)

    def _before(self, params: dict[str, Any], context: Any = None, **_: Any) -> None:
        if isinstance(context, dict):
            keys = [next(iter(op.values())).get("Key") or {} for op in json.loads(params["body"])["TransactItems"]]
            context["bench_keys"] = [(k["pk"]["S"], k["sk"]["S"]) for k in keys
                                     if k.get("pk", {}).get("S", "").startswith("AGG#")]

    def _after(self, http_response: Any, context: Any = None, **_: Any) -> None:
        if getattr(http_response, "status_code", 500) != 200 or not isinstance(context, dict):
            return
        keys = context.get("bench_keys", [])
        with self.lock:
            self.transactions += 1
            self.total.update(keys)
        batch = getattr(self.local, "batch", None)
        if batch is not None:
            batch.update(keys)


def _serialise_moto(session: Any) -> None:
    """One AWS call at a time inside moto (held from before-send to the retry decision)."""
    lock = threading.Lock()
    session.events.register_first("before-send", lambda **_: lock.acquire() and None)
    session.events.register_last("needs-retry", lambda **_: lock.release())


def _write_responses(product: str, count: int) -> None:
    from chalicelib import aws
    from chalicelib.config import get_settings

    with aws.table(get_settings().feedback_table).batch_writer() as batch:
        for i in range(count):
            response_id = f"{product}-{i:06d}"
            batch.put_item(Item={
                "pk": f"RESP#{response_id}", "sk": "RESP", "response_id": response_id, "product": product,
                "metric": "nps", "score": i % 11, "channel": ("in_app_web", "email", "mobile")[i % 3],
                "locale": ("nb", "sv", "en", "da")[i % 4], "user": {"country": ("NO", "SE", "DK")[i % 3]},
                "created_at": f"{DAY}T10:00:00Z"})


def _shard(records: list[dict[str, Any]], shards: int) -> list[list[dict[str, Any]]]:
    """Records by item key into K shards (one item's records stay in order in one shard)."""
    out: list[list[dict[str, Any]]] = [[] for _ in range(shards)]
    for record in records:
        key = record["dynamodb"]["Keys"]["pk"]["S"].encode()
        out[zlib.crc32(key) % shards].append(record)
    return out


def _drive(handler: Any, records: list[dict[str, Any]], counter: WriteCounter, per_batch: list[int],
           hot: tuple[str, str], reported: list[int]) -> None:
    """One shard: batches of 100, each retried from its checkpoint as Lambda does."""
    from chalice.local import LambdaContext

    for start in range(0, len(records), BATCH):
        batch = records[start:start + BATCH]
        counter.local.batch = Counter()
        for _ in range(MAX_DELIVERIES):
            try:
                result = handler({"Records": batch}, LambdaContext("handle_feedback_stream", 512))
                failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
            except Exception:  # every record failed (Powertools raises): Lambda retries the batch
                failed = {r["dynamodb"]["SequenceNumber"] for r in batch}
            if not failed:
                break
            reported.append(len(failed))
            batch = batch[next(i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in failed):]
        per_batch.append(max((n for key, n in counter.local.batch.items() if _is_hot(key, hot)), default=0))
        counter.local.batch = None


def _is_hot(key: tuple[str, str], hot: tuple[str, str]) -> bool:
    """One of the day cell's items: the cell itself or one of its write shards (`…#k`)."""
    return key[0] == hot[0] and (key[1] == hot[1] or key[1].startswith(hot[1] + "#"))


def _run(shards: int, batches: int, reader: Any, counter: WriteCounter, faults: Any,
         write_shards: int = 1) -> dict[str, Any]:
    from chalice.local import LambdaContext

    import app
    from chalicelib import config
    from chalicelib.insight import service, store

    os.environ["AGGREGATE_WRITE_SHARDS"] = str(write_shards)
    config.reset()
    product = f"bench-k{shards}-n{write_shards}"
    responses = shards * batches * BATCH
    _write_responses(product, responses)
    records: list[dict[str, Any]] = []
    while page := reader.poll(limit=1000):
        records += page
    hot = (store.agg_pk("nps", product), store.agg_sk("all", DAY, "all"))
    handler = app.app.handler_map["handle_feedback_stream"]
    per_batch: list[int] = []
    reported: list[int] = []
    before = Counter({k: n for k, n in counter.total.items() if _is_hot(k, hot)}), counter.transactions, dict(
        faults.injected)
    threads = [threading.Thread(target=_drive, args=(handler, part, counter, per_batch, hot, reported))
               for part in _shard(records, shards)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    mark = counter.transactions
    for part in _shard(records, shards):  # at-least-once: each shard's first batch handed over again
        handler({"Records": part[:BATCH]}, LambdaContext("handle_feedback_stream", 512))
    redelivered_transactions = counter.transactions - mark
    before_rebuild = _reports(product)
    service.rebuild_aggregates()
    after_rebuild = _reports(product)
    count = before_rebuild[0]["total"]["count"]
    injected = sum(faults.injected.values()) - sum(before[2].values())
    return {
        "product": product, "responses": responses, "batches": len(per_batch), "per_batch": per_batch,
        "hot_total": max((n - before[0][k] for k, n in counter.total.items() if _is_hot(k, hot)), default=0),
        "hot_items": sum(1 for k in counter.total if _is_hot(k, hot)), "write_shards": write_shards,
        "transactions": counter.transactions - before[1],
        "conflicts": injected, "reported": sum(reported), "redelivered_transactions": redelivered_transactions,
        "report_count": count, "equal": before_rebuild == after_rebuild and count == responses,
    }


def _reports(product: str) -> list[dict[str, Any]]:
    """The day's score report, total and grouped each way: what a reader sees."""
    from chalicelib.insight import service

    params = {"metric": "nps", "product": product, "from": DAY, "to": DAY}
    return [service.score_report({**params, **({"group_by": g} if g else {})})
            for g in (None, "channel", "country", "locale")]


def main() -> tuple[list[Row], list[str]]:
    _environment()
    from moto import mock_aws

    from devstack import moto_patches

    moto_patches.apply()
    quick = bool(os.environ.get("BENCH_QUICK"))
    batches = 1 if quick else 2
    with mock_aws():
        from bench.common import provision_in_mock_aws
        from chalicelib import aws
        from chalicelib.config import get_settings
        from devstack.streams import StreamReader
        from tests.faults import Faults, Rule

        provision_in_mock_aws()
        session = aws._session()
        _serialise_moto(session)
        counter = WriteCounter(session, threading.Lock())
        faults = Faults(seed=16, rules=[Rule("TransactWriteItems", "transaction-conflict", CONFLICT_RATE)])
        faults.on(aws.dynamodb_client())
        stream_arn = aws.client("dynamodb").describe_table(
            TableName=get_settings().feedback_table)["Table"]["LatestStreamArn"]
        reader = StreamReader(stream_arn)
        rows: list[Row] = []
        results = []
        for shards, write_shards in QUICK_RUNS if quick else RUNS:
            print(f"K={shards}, N={write_shards}: {shards} shard(s) × {batches} batch(es) of {BATCH} responses on one "
                  f"product-day, the day cell written over {write_shards} item(s), conflicts injected into "
                  f"{CONFLICT_RATE:.0%} of TransactWriteItems", flush=True)
            r = _run(shards, batches, reader, counter, faults, write_shards)
            results.append((shards, r))
            worst, mean = max(r["per_batch"]), sum(r["per_batch"]) / len(r["per_batch"])
            print(f"  {r['transactions']} transactions; hottest day-cell item: {r['hot_total']} writes (of "
                  f"{r['hot_items']} items), per batch mean {mean:.2f} max {worst}; {r['conflicts']} conflicts "
                  f"injected, {r['reported']} records reported and retried; redelivery: "
                  f"{r['redelivered_transactions']} transactions; report = rebuild: {r['equal']}", flush=True)
            name = f"aggregator K={shards}" + (f", N={write_shards} write shards" if write_shards > 1 else "")
            if write_shards == 1:
                rows.append(Row(f"{name}: writes on the hot (all, all) cell per batch of {BATCH}",
                                f"{mean:.2f} [max {worst}]", f"{BATCH} (one transaction per response)", mean / BATCH,
                                "≤ 2 per batch", worst <= 2))
            goal = "≤ 2 × batches" if write_shards == 1 else f"spread over {write_shards} items"
            rows.append(Row(f"{name}: {r['responses']} responses, hottest day-cell item, conflicts",
                            f"{r['hot_total']} writes ({r['hot_items']} item(s)); {r['conflicts']} conflicts retried; "
                            f"report = rebuild: {'yes' if r['equal'] else 'NO'}", f"{r['responses']} writes",
                            r["hot_total"] / r["responses"], f"{goal}, report = rebuild",
                            r["equal"] and (r["hot_total"] <= 2 * r["batches"] if write_shards == 1
                                            else r["hot_items"] > 1)))
    return rows, _notes(results, batches)


def _notes(results: list[tuple[int, dict[str, Any]]], batches: int) -> list[str]:
    lines = [
        "## Stream aggregator: K shards on one hot cell",
        "",
        f"bench/aggregator.py: K threads (shards), each handing {batches} batch(es) of {BATCH} stream records of one",
        "product-day to the real stream handler (in-process moto); committed TransactWriteItems counted per",
        "aggregate item with botocore hooks. The floor is the old design, one transaction per response, so",
        f"{BATCH} writes on the day cell per batch (computed: one per record). moto never raises",
        f"TransactionConflict: conflicts are injected into {CONFLICT_RATE:.0%} of TransactWriteItems calls",
        "(tests/faults.py), whatever K and N, to show each is retried and nothing is lost or counted twice (not",
        "how many real contention would cause); moto's in-process backend serves one call at a time (a",
        "lock, as DynamoDB serialises writes to one item). After the run each shard's first batch is handed over",
        "again (at-least-once) and the rebuild job recomputes the aggregates from FeedbackTable and the ledger.",
        "",
        "| K | N | responses | batches | transactions | hottest day-cell item: writes (per batch: mean, max) |"
        " conflicts injected | records reported | transactions on redelivery | report = rebuild |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for shards, r in results:
        per = r["per_batch"]
        lines.append(f"| {shards} | {r['write_shards']} | {r['responses']} | {r['batches']} | {r['transactions']} | "
                     f"{r['hot_total']} of {r['hot_items']} item(s) "
                     f"({sum(per) / len(per):.2f}, {max(per)}) | {r['conflicts']} | {r['reported']} | "
                     f"{r['redelivered_transactions']} | {'yes' if r['equal'] else 'NO'} |")
    lines += ["", "Writes per hot cell per second on AWS ≈ shards × batches/s per shard × chunks per batch (2 for",
              "100 responses on one product-day): see docs/SCALE.md. With N write shards (AGGREGATE_WRITE_SHARDS)",
              "each chunk writes one of the cell's N items, so the hottest item takes about 1/N of those writes;",
              "the report sums them (equal to the rebuild, which folds them back into one item).", ""]
    return lines
