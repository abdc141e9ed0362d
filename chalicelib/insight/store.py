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

import uuid
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.surveys.store import _dynamo, plain

if TYPE_CHECKING:
    from collections.abc import Iterator

    from chalicelib.insight.rules import Contribution


def _table() -> Any:
    return aws.table(get_settings().insight_table)


def _name() -> str:
    return get_settings().insight_table


def agg_pk(metric: str, product: str) -> str:
    return f"AGG#{metric}#{product}"


def agg_sk(dim: str, day: str, value: str) -> str:
    return f"{dim}#{day}#{value}"


# --- aggregates -----------------------------------------------------------------------------


def _agg_update(c: Contribution, dim: str, value: str, delta: int) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": _name(),
            "Key": {"pk": agg_pk(c.metric, c.product), "sk": agg_sk(dim, c.day, value)},
            "UpdateExpression": "SET #d = :d, #day = :day, #v = :v ADD #n :delta",
            "ExpressionAttributeNames": {"#d": "dim", "#day": "day", "#v": "value", "#n": c.counter()},
            "ExpressionAttributeValues": {":d": dim, ":day": c.day, ":v": value, ":delta": delta},
        }
    }


def _ledger_item(source_id: str, c: Contribution, counted: bool) -> dict[str, Any]:
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
    }
    return {k: v for k, v in item.items() if v is not None}


def count_contribution(source_id: str, c: Contribution) -> bool:
    """Add one source's contribution once: the ledger entry and every cell, all or nothing.

    Returns False when the ledger says it is already counted (a redelivered stream record).
    """
    ledger = {
        "Put": {
            "TableName": _name(),
            "Item": _ledger_item(source_id, c, True),
            "ConditionExpression": "attribute_not_exists(pk) OR counted = :f",
            "ExpressionAttributeValues": {":f": False},
        }
    }
    return _transact([ledger, *(_agg_update(c, d, v, 1) for d, v in c.cells())])


def uncount_contribution(source_id: str, c: Contribution) -> bool:
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
    return _transact([ledger, *(_agg_update(c, d, v, -1) for d, v in c.cells())])


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


def detach_contribution(source_id: str) -> bool:
    """Move a ledger entry to a random key: the statistic stays, the link to the person's id goes."""
    entry = get_contribution(source_id)
    if not entry:
        return False
    moved = {**entry, "pk": f"CONTRIB#anon-{uuid.uuid4().hex}", "detached": True}
    return _transact(
        [
            {
                "Delete": {
                    "TableName": _name(),
                    "Key": {"pk": f"CONTRIB#{source_id}", "sk": "CONTRIB"},
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
            {"Put": {"TableName": _name(), "Item": _dynamo(moved)}},
        ]
    )


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
