"""Insight storage of follow-ups (InsightTable `FUP#<response_id>` / `FUP`).

A follow-up expires with its response (`expires_at`); `fup_status` + `due_at` index it (`by_status`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.errors import ConflictError
from chalicelib.surveys.store import _dynamo, is_live, plain

if TYPE_CHECKING:
    from datetime import datetime

STATUS_INDEX = "by_status"
TTL = "expires_at"


def _table() -> Any:
    return aws.table(get_settings().insight_table)


def _name() -> str:
    return get_settings().insight_table


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
    found = [plain(i) for i in aws.batch_get_items(_name(), keys, consistent=True)]
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
