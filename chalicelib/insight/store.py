"""Insight storage: the only module of this domain that talks to DynamoDB.

Keys (InsightTable; aggregates hold no personal data, follow-ups expire with their response):
  AGG#<metric>#<product> / <dim>#<day>#<value>   per-day counters of one group: n<score>,
                                                 impressions, declines (dim: all|channel|country|locale)
  CONTRIB#<source_id>    / CONTRIB               what one response/event added (the ledger that
                                                 makes stream redelivery a no-op)
  FUP#<response_id>      / FUP                   a follow-up; `fup_status` + `due_at` index it
  HOOK#<product>         / HOOK                  a product's webhook endpoint and its options
A report reads O(days × groups) aggregate items through one Query; never a Scan on a request.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.errors import ConflictError
from chalicelib.surveys.store import _dynamo, is_live, plain

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    from chalicelib.insight.rules import Contribution

STATUS_INDEX = "by_status"
TTL = "expires_at"


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
    kwargs: dict[str, Any] = {"KeyConditionExpression": condition}
    items: list[dict[str, Any]] = []
    while True:
        page = _table().query(**kwargs)
        items.extend(plain(i) for i in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


# --- rebuild (batch job only) -----------------------------------------------------------------


def scan_prefix(table_name: str, prefix: str) -> Iterator[dict[str, Any]]:
    """Every item whose pk starts with `prefix`.

    A Scan, on purpose: the rebuild must see every response and event, and nothing indexes
    them all by product and day. It runs as a batch job, never on a request path.
    """
    table = aws.table(table_name)
    kwargs: dict[str, Any] = {"FilterExpression": Key("pk").begins_with(prefix)}
    while True:
        page = table.scan(**kwargs)
        yield from (plain(i) for i in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


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


# --- follow-ups -------------------------------------------------------------------------------


def put_followup(followup: dict[str, Any]) -> bool:
    """Open a follow-up once per response (a redelivered record finds it there)."""
    try:
        _table().put_item(
            Item=_dynamo(
                {
                    **followup,
                    "pk": f"FUP#{followup['followup_id']}",
                    "sk": "FUP",
                    "fup_status": followup["status"],
                }
            ),
            ConditionExpression="attribute_not_exists(pk)",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def delete_followup(followup_id: str) -> None:
    """Its response is gone (expired, erased, anonymised): the conversation about it goes too."""
    _table().delete_item(Key={"pk": f"FUP#{followup_id}", "sk": "FUP"})


def get_followup_items(followup_ids: list[str]) -> list[dict[str, Any]]:
    """Follow-ups by id, expired ones too (erasure needs them): one BatchGetItem per 100 ids."""
    keys = [{"pk": f"FUP#{i}", "sk": "FUP"} for i in sorted(set(followup_ids))]
    found: list[dict[str, Any]] = []
    for start in range(0, len(keys), 100):
        request: dict[str, Any] = {_name(): {"Keys": keys[start : start + 100], "ConsistentRead": True}}
        while request:
            page = aws.dynamodb_client().batch_get_item(RequestItems=request)
            found += [plain(i) for i in page.get("Responses", {}).get(_name(), [])]
            request = page.get("UnprocessedKeys") or {}
    return sorted(found, key=lambda i: str(i["pk"]))


def get_followup(followup_id: str, now: datetime) -> dict[str, Any] | None:
    item = _table().get_item(Key={"pk": f"FUP#{followup_id}", "sk": "FUP"}, ConsistentRead=True).get("Item")
    return _followup(item) if is_live(item, now) else None


def _followup(item: dict[str, Any]) -> dict[str, Any]:
    out = plain(item)
    for key in ("pk", "sk", "fup_status"):
        out.pop(key, None)
    return dict(out)


def query_followups(
    status: str,
    now: datetime,
    due_before: str | None = None,
    limit: int = 100,
    start: dict[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], Any]:
    """Follow-ups in one state, earliest due first, through the status index."""
    condition = Key("fup_status").eq(status)
    if due_before:
        condition = condition & Key("due_at").lt(due_before)
    kwargs: dict[str, Any] = {"IndexName": STATUS_INDEX, "KeyConditionExpression": condition, "Limit": limit}
    if start:
        kwargs["ExclusiveStartKey"] = start
    page = _table().query(**kwargs)
    items = [_followup(i) for i in page.get("Items", []) if is_live(i, now)]
    return items, page.get("LastEvaluatedKey")


def update_followup(
    followup_id: str,
    expected_status: str,
    changes: dict[str, Any],
    reply: dict[str, Any] | None = None,
    held_claim: str | None = None,
) -> dict[str, Any]:
    """Change a follow-up if it is still in `expected_status` (no lost update between admins);
    with `held_claim`, only while that send claim is still ours, and the claim is let go."""
    names = {"#s": "status"}
    values: dict[str, Any] = {":expected": expected_status}
    sets = []
    for i, (attr, value) in enumerate(changes.items()):
        names[f"#a{i}"], values[f":v{i}"] = attr, _dynamo(value)
        sets.append(f"#a{i} = :v{i}")
    if "status" in changes:
        names["#fs"], values[":fs"] = "fup_status", changes["status"]
        sets.append("#fs = :fs")
    if reply is not None:
        names["#r"] = "replies"
        values[":reply"], values[":empty"] = [_dynamo(reply)], []
        sets.append("#r = list_append(if_not_exists(#r, :empty), :reply)")
    condition, update = "#s = :expected", "SET " + ", ".join(sets) if sets else ""
    if held_claim is not None:
        names["#c"], names["#ca"], values[":claim"] = "sending_claim", "sending_at", held_claim
        condition += " AND #c = :claim"
        update += " REMOVE #c, #ca"
    try:
        result = _table().update_item(
            Key={"pk": f"FUP#{followup_id}", "sk": "FUP"},
            UpdateExpression=update.strip(),
            ConditionExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ConflictError("the follow-up changed meanwhile; reload it", "status") from None
        raise
    return _followup(result["Attributes"])


def claim_sending(followup_id: str, expected_status: str, claim: str, at: str, stale_before: str) -> bool:
    """Take the follow-up's one send slot: free, or held by a claim older than `stale_before`
    (its sender crashed). False when another send holds it or the status moved on."""
    try:
        _table().update_item(
            Key={"pk": f"FUP#{followup_id}", "sk": "FUP"},
            UpdateExpression="SET sending_claim = :claim, sending_at = :at",
            ConditionExpression="#s = :expected AND (attribute_not_exists(sending_claim) OR sending_at < :stale)",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":claim": claim, ":at": at, ":expected": expected_status,
                                       ":stale": stale_before},
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def release_sending(followup_id: str, claim: str) -> None:
    """Let go of our send claim (the send failed), unless someone else holds it by now."""
    try:
        _table().update_item(
            Key={"pk": f"FUP#{followup_id}", "sk": "FUP"},
            UpdateExpression="REMOVE sending_claim, sending_at",
            ConditionExpression="sending_claim = :claim",
            ExpressionAttributeValues={":claim": claim},
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise


# --- webhooks -----------------------------------------------------------------------------------


def put_webhook(product: str, hook: dict[str, Any]) -> None:
    _table().put_item(Item=_dynamo({**hook, "pk": f"HOOK#{product}", "sk": "HOOK", "product": product}))


def get_webhook(product: str) -> dict[str, Any] | None:
    item = _table().get_item(Key={"pk": f"HOOK#{product}", "sk": "HOOK"}).get("Item")
    if not item:
        return None
    hook = plain(item)
    hook.pop("pk", None)
    hook.pop("sk", None)
    return dict(hook)
