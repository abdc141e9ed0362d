"""Insight storage of the aggregates and their ledger (InsightTable; no personal data).

InsightTable holds three kinds of item, each with its own store module:
  AGG#<metric>#<product> / <dim>#<day>#<value>   per-day counters of one group: n<score>,
                                                 impressions, declines (dim: all|channel|country|locale)
  CONTRIB#<source_id>    / CONTRIB               what one response/event added (the ledger that
                                                 makes stream redelivery a no-op)
  FUP#<response_id>      / FUP                   follow-ups: `followup_store.py`
  HOOK#<product>         / HOOK                  webhook endpoints: `webhook_store.py`
A report reads O(days × groups) aggregate items through one Query; never a Scan on a request.
"""

from __future__ import annotations

import random
import time
import uuid
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key

from chalicelib import aws, clock
from chalicelib.config import get_settings
from chalicelib.errors import UnavailableError
from chalicelib.insight import rules
from chalicelib.surveys.store import _dynamo, plain

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from chalicelib.insight.rules import Contribution


def _table() -> Any:
    return aws.table(get_settings().insight_table)


def _name() -> str:
    return get_settings().insight_table


def agg_pk(metric: str, product: str) -> str:
    return f"AGG#{metric}#{product}"


def agg_sk(dim: str, day: str, value: str, shard: int = 0) -> str:
    """A cell's sort key; write shard k > 0 is one more item of the same cell (summed at read)."""
    return f"{dim}#{day}#{value}#{shard}" if shard else f"{dim}#{day}#{value}"


def write_shard(sources: list[tuple[str, Contribution]]) -> int:
    """The item (0..N-1) a chunk writes its cells to: concurrent chunks mostly pick different ones.

    Any choice counts right (a report sums the N items of a cell); a hash of the chunk's first
    source keeps it deterministic for a given chunk.
    """
    shards = get_settings().aggregate_write_shards
    return zlib.crc32(sources[0][0].encode()) % shards if shards > 1 and sources else 0


# --- aggregates -----------------------------------------------------------------------------


def _ledger_item(source_id: str, c: Contribution, counted: bool, shard: int = 0) -> dict[str, Any]:
    item = {
        "pk": f"CONTRIB#{source_id}",
        "sk": "CONTRIB",
        "counted": counted,
        "kind": c.kind,
        "metric": c.metric,
        "product": c.product,
        "day": c.day,
        "channel": c.channel,
        "country": c.country,
        "locale": c.locale,
        "score": c.score,
        "cell_shard": shard or None,  # the write shard its cells went to (a take-back decrements there)
    }
    return {k: v for k, v in item.items() if v is not None}


def read_ledger(source_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The ledger entries of these sources (consistent: a write just made must be seen), by id."""
    keys = [{"pk": f"CONTRIB#{s}", "sk": "CONTRIB"} for s in dict.fromkeys(source_ids)]
    items = aws.batch_get_items(_name(), keys, consistent=True)
    return {str(i["pk"]).removeprefix("CONTRIB#"): plain(i) for i in items}


@dataclass
class WriteStats:
    """What coalesced counting cost: transactions committed, conflicts met, retries, duplicates."""

    transactions: int = 0
    conflicts: int = 0
    retries: int = 0
    duplicates: int = 0  # sources another writer counted between our ledger read and our write


class ConflictsExhaustedError(UnavailableError):
    """The cells stayed contended (TransactionConflict) through every bounded retry."""


# TransactionConflict: another transaction holds one of our items. The SDK does not retry it;
# we do, with full-jitter backoff, a bounded number of times (then the chunk's records fail and
# the stream retries them).
CONFLICT_TRIES = 6
CONFLICT_FIRST_DELAY = 0.02


def _cell_update(cell: rules.Cell, counters: dict[str, int], shard: int = 0) -> dict[str, Any]:
    metric, product, day, dim, value = cell
    names = {"#d": "dim", "#day": "day", "#v": "value"} | {f"#c{i}": n for i, n in enumerate(counters)}
    values = {":d": dim, ":day": day, ":v": value} | {f":a{i}": d for i, d in enumerate(counters.values())}
    adds = ", ".join(f"#c{i} :a{i}" for i in range(len(counters)))
    return {
        "Update": {
            "TableName": _name(),
            "Key": {"pk": agg_pk(metric, product), "sk": agg_sk(dim, day, value, shard)},
            "UpdateExpression": f"SET #d = :d, #day = :day, #v = :v ADD {adds}",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def _count_items(sources: list[tuple[str, Contribution]]) -> list[dict[str, Any]]:
    """Each source's ledger entry (only if not counted yet), then one ADD per cell of them all."""
    shard = write_shard(sources)
    ledger = [
        {
            "Put": {
                "TableName": _name(),
                "Item": _ledger_item(source_id, c, True, shard),
                "ConditionExpression": "attribute_not_exists(pk) OR counted = :f",
                "ExpressionAttributeValues": {":f": False},
            }
        }
        for source_id, c in sources
    ]
    cells = rules.cell_deltas([c for _, c in sources])
    return [*ledger, *(_cell_update(cell, counters, shard) for cell, counters in cells.items())]


def count_contributions(
    sources: list[tuple[str, Contribution]], stats: WriteStats, sleep: Callable[[float], object] = time.sleep
) -> list[str]:
    """Count one chunk (distinct sources, ≤ 100 items with their cells): all or nothing, once each.

    A ledger condition that fails means another writer (a redelivery, a re-split batch) counted
    that source meanwhile: the ledger is read again and only the rest is written. Returns the
    ids this call counted.
    """
    pending = list(sources)
    client = aws.dynamodb_client()
    for attempt in range(CONFLICT_TRIES):
        if not pending:
            return []
        if attempt:
            stats.retries += 1
        try:
            client.transact_write_items(TransactItems=_count_items(pending))
        except client.exceptions.TransactionCanceledException as exc:
            codes = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            if "ConditionalCheckFailed" in codes[: len(pending)]:
                ledger = read_ledger([s for s, _ in pending])
                kept = [(s, c) for s, c in pending if not is_settled(ledger.get(s))]
                stats.duplicates += len(pending) - len(kept)
                pending = kept
                continue
            if "TransactionConflict" not in codes:
                raise
            stats.conflicts += 1
            sleep(random.uniform(0, CONFLICT_FIRST_DELAY * 2**attempt))
            continue
        stats.transactions += 1
        return [s for s, _ in pending]
    raise ConflictsExhaustedError("the aggregates are busy; the stream retries these records")


def uncount_contribution(source_id: str, c: Contribution, shard: int = 0) -> bool:
    """Take back a counted contribution (its person was restricted); once only."""
    ledger = {
        "Update": {
            "TableName": _name(),
            "Key": {"pk": f"CONTRIB#{source_id}", "sk": "CONTRIB"},
            "UpdateExpression": "SET counted = :f",
            "ConditionExpression": "counted = :t",
            "ExpressionAttributeValues": {":f": False, ":t": True},
        }
    }
    cells = rules.cell_deltas([c], sign=-1)
    return _transact([ledger, *(_cell_update(cell, counters, shard) for cell, counters in cells.items())])


def _transact(items: list[dict[str, Any]]) -> bool:
    client = aws.dynamodb_client()
    try:
        client.transact_write_items(TransactItems=items)
    except client.exceptions.TransactionCanceledException as exc:
        reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
        if reasons and reasons[0] == "ConditionalCheckFailed":
            return False
        raise
    return True


# A batch retried from a checkpoint before an item's INSERT and its REMOVE hands the INSERT again
# after the REMOVE was applied. So a detached id leaves a tombstone at its old key: no dimensions,
# no score, deleted by TTL after the stream's 24 h retention (with room), and read as "counted".
TOMBSTONE_SECONDS = 2 * 86400


def detach_contribution(source_id: str) -> bool:
    """Move a ledger entry to a random key: the statistic stays, the link to the person's id goes."""
    entry = get_contribution(source_id)
    if not entry or entry.get("gone"):
        return False
    moved = {**entry, "pk": f"CONTRIB#anon-{uuid.uuid4().hex}", "detached": True}
    tombstone = {"pk": f"CONTRIB#{source_id}", "sk": "CONTRIB", "gone": True,
                 "expires_at": int(clock.now().timestamp()) + TOMBSTONE_SECONDS}
    return _transact(
        [
            {
                "Put": {
                    "TableName": _name(),
                    "Item": tombstone,
                    "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(gone)",
                }
            },
            {"Put": {"TableName": _name(), "Item": _dynamo(moved)}},
        ]
    )


def is_settled(entry: dict[str, Any] | None) -> bool:
    """A ledger entry that needs no count: counted already, or detached (its tombstone)."""
    return bool(entry and (entry.get("counted") or entry.get("gone")))


def get_contribution(source_id: str) -> dict[str, Any] | None:
    item = (
        _table()
        .get_item(Key={"pk": f"CONTRIB#{source_id}", "sk": "CONTRIB"}, ConsistentRead=True)
        .get("Item")
    )
    return plain(item) if item else None


def query_aggregates(
    metric: str, product: str, dim: str, first_day: str, last_day: str
) -> list[dict[str, Any]]:
    """The aggregate items of one dimension over a day range: one Query, a page per 1 MB."""
    condition = Key("pk").eq(agg_pk(metric, product)) & Key("sk").between(
        f"{dim}#{first_day}#", f"{dim}#{last_day}#\uffff"
    )
    return [plain(i) for i in aws.query_all(_name(), KeyConditionExpression=condition)]


# --- rebuild (batch job only) -----------------------------------------------------------------


def scan_prefix(table_name: str, prefix: str) -> Iterator[dict[str, Any]]:
    """Every item whose pk starts with `prefix`.

    A Scan, on purpose: the rebuild must see every response and event, and nothing indexes
    them all by product and day. It runs as a batch job, never on a request path.
    """
    for page in aws.pages("scan", table_name, FilterExpression=Key("pk").begins_with(prefix)):
        yield from (plain(i) for i in page.get("Items", []))


def replace_aggregates(
    aggregates: dict[tuple[str, str], dict[str, int]], ledger: dict[str, dict[str, Any]]
) -> int:
    """Write the rebuilt aggregates and ledger; delete aggregate items no longer backed."""
    table = _table()
    stale = {(i["pk"], i["sk"]) for i in scan_prefix(_name(), "AGG#")} - set(aggregates)
    with table.batch_writer() as batch:
        for pk, sk in stale:
            batch.delete_item(Key={"pk": pk, "sk": sk})
        for (pk, sk), counters in aggregates.items():
            dim, day, value = sk.split("#", 2)
            batch.put_item(Item={"pk": pk, "sk": sk, "dim": dim, "day": day, "value": value, **counters})
        for item in ledger.values():
            batch.put_item(Item=_dynamo(item))
    return len(aggregates)
