"""Self-service request storage in PrivacyTable: the requests, their open queue, rate counters.

Keys: PREQ#<request_id> / PREQ (the request: right, address, locale, status, due date);
RATE#<keyed hash> / <window start> (a counter, gone by TTL). Open requests (verified, or
waiting for an administrator) carry `open_queue = "open"`, the key of the sparse index
`by_open` sorted by `due_at`: listing pending or overdue requests is one Query, never a Scan.
"""
from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.surveys.store import TTL, plain

OPEN_INDEX = "by_open"
OPEN = "open"


def _table() -> Any:
    return aws.table(get_settings().privacy_table)


def _name() -> str:
    return get_settings().privacy_table


def _key(request_id: str) -> dict[str, str]:
    return {"pk": f"PREQ#{request_id}", "sk": "PREQ"}


def _failed_condition(exc: ClientError) -> bool:
    return bool(exc.response["Error"]["Code"] == "ConditionalCheckFailedException")


def put_request(item: dict[str, Any]) -> None:
    _table().put_item(Item={**_key(item["request_id"]), **item},
                      ConditionExpression="attribute_not_exists(pk)")


def get_request(request_id: str) -> dict[str, Any] | None:
    item = _table().get_item(Key=_key(request_id), ConsistentRead=True).get("Item")
    return {k: v for k, v in plain(item).items() if k not in ("pk", "sk")} if item else None


def move(request_id: str, from_statuses: tuple[str, ...], changes: dict[str, Any],
         remove: tuple[str, ...] = (), claimed_before: str | None = None) -> dict[str, Any] | None:
    """Set `changes` if the request is still in one of `from_statuses` (forward only, once).

    `claimed_before` also requires its `claimed_at` to be older (a stale claim may be retaken).
    None when it is not (already moved on, or gone): the caller reads it and answers from there.
    """
    names = {f"#c{i}": k for i, k in enumerate(changes)} | {f"#r{i}": k for i, k in enumerate(remove)}
    values: dict[str, Any] = {f":c{i}": v for i, v in enumerate(changes.values())}
    values |= {f":s{i}": s for i, s in enumerate(from_statuses)}
    names["#status"] = "status"
    expression = "SET " + ", ".join(f"#c{i} = :c{i}" for i in range(len(changes)))
    if remove:
        expression += " REMOVE " + ", ".join(f"#r{i}" for i in range(len(remove)))
    allowed = ", ".join(f":s{i}" for i in range(len(from_statuses)))
    condition = f"attribute_exists(pk) AND #status IN ({allowed})"
    if claimed_before:
        names["#claimed"] = "claimed_at"
        values[":stale"] = claimed_before
        condition += " AND (attribute_not_exists(#claimed) OR #claimed < :stale)"
    try:
        answer = _table().update_item(
            Key=_key(request_id), UpdateExpression=expression, ExpressionAttributeNames=names,
            ExpressionAttributeValues=values, ReturnValues="ALL_NEW",
            ConditionExpression=condition)
    except ClientError as exc:
        if _failed_condition(exc):
            return None
        raise
    return {k: v for k, v in plain(answer["Attributes"]).items() if k not in ("pk", "sk")}


def query_open(due_before: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Open requests by due date (soonest first); `due_before` keeps the overdue ones."""
    condition = Key("open_queue").eq(OPEN)
    if due_before:
        condition &= Key("due_at").lt(due_before)
    found: list[dict[str, Any]] = []
    # Pages are read lazily: the Query stops once `limit` requests are in hand.
    for item in aws.query_all(_name(), IndexName=OPEN_INDEX, KeyConditionExpression=condition):
        if len(found) == limit:
            break
        found.append({k: v for k, v in plain(item).items() if k not in ("pk", "sk")})
    return found


def count_open(due_before: str) -> int:
    """How many open requests are past their due date (Select COUNT: no items read out)."""
    condition = Key("open_queue").eq(OPEN) & Key("due_at").lt(due_before)
    return sum(int(page.get("Count", 0)) for page in aws.pages("query", _name(), IndexName=OPEN_INDEX,
                                                               Select="COUNT", KeyConditionExpression=condition))


def take(counter: str, window_start: int, limit: int, expires_at: int) -> bool:
    """Count one more request under `counter` in this window; False once `limit` is reached."""
    try:
        _table().update_item(
            Key={"pk": f"RATE#{counter}", "sk": str(window_start)},
            UpdateExpression="ADD #n :one SET #ttl = :ttl",
            ConditionExpression="attribute_not_exists(#n) OR #n < :limit",
            ExpressionAttributeNames={"#n": "n", "#ttl": TTL},
            ExpressionAttributeValues={":one": 1, ":limit": limit, ":ttl": expires_at})
    except ClientError as exc:
        if _failed_condition(exc):
            return False
        raise
    return True


def put_export(request_id: str, name: str, body: bytes, content_type: str) -> str:
    """Write one export file to the exports bucket (its lifecycle rule deletes it)."""
    key = f"exports/{request_id}/{name}"
    aws.client("s3").put_object(Bucket=get_settings().self_service.exports_bucket, Key=key, Body=body,
                                ContentType=content_type, ServerSideEncryption="AES256")
    return key


def get_export(key: str) -> bytes | None:
    try:
        answer = aws.client("s3").get_object(Bucket=get_settings().self_service.exports_bucket, Key=key)
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
            return None
        raise
    body: bytes = answer["Body"].read()
    return body
