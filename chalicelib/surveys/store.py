"""Survey storage of FeedbackTable: keys, item mapping, responses and the writes they share.

Survey definitions (SurveysTable) live in `definition_store.py`; throttle reads and
impression/decline events in `throttle_store.py`. Keys (FeedbackTable, one table for every item
holding personal survey data):
  RESP#<response_id> / RESP        a response; `subject` and `email_lc` index it for rights
  EVT#<event_id>     / EVT         an impression or a decline (for rates), short-lived
  SUBJ#<company>#<user_id> / THROTTLE   throttle state of one user in one company
  IDEM#<hash>        / IDEM        an Idempotency-Key seen on POST /v1/responses (24 h)
  SUPPRESS#<hmac>    / SUPPRESS    an objection or restriction, keyed-hash only (privacy domain);
                                   eligibility reads it with the throttle item in one BatchGetItem
Every request path is a GetItem, a Query or a conditional write: never a Scan.
Every item carries `expires_at` (TTL); reads ignore expired items since TTL deletes late.
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from chalicelib import aws, signing
from chalicelib.config import get_settings
from chalicelib.errors import ConflictError

if TYPE_CHECKING:
    from datetime import datetime

TTL = "expires_at"
SUBJECT_INDEX = "by_subject"
EMAIL_INDEX = "by_email"


class AlreadyAnsweredError(ConflictError):
    code = "already_answered"


class IdempotencyKeyUsedError(ConflictError):
    code = "idempotency_key_reused"


class OptedOutError(ConflictError):
    code = "opted_out"


def subject_key(company: str, user_id: str) -> str:
    return f"SUBJ#{company}#{user_id}"


def suppression_key(signing_key: bytes, subject: str) -> dict[str, str]:
    """Where an objection or restriction of `subject` is kept: a keyed hash, no identifier."""
    return {"pk": "SUPPRESS#" + signing.keyed_hash(signing_key, f"suppress:{subject}"), "sk": "SUPPRESS"}


def email_suppression_subject(email_lc: str) -> str:
    """The subject of an objection or restriction made by e-mail alone (it names no user id)."""
    return f"email:{email_lc}"


def is_suppressed(item: dict[str, Any] | None, now: datetime) -> bool:
    return is_live(item, now) and bool({"objected_at", "restricted_at"} & set(item or {}))


def _feedback() -> Any:
    return aws.table(get_settings().feedback_table)


def is_live(item: dict[str, Any] | None, now: datetime) -> bool:
    """An item exists for us only until its TTL, whenever DynamoDB gets round to deleting it."""
    if not item:
        return False
    ttl = item.get(TTL)
    return ttl is None or int(ttl) > int(now.timestamp())


def plain(value: Any) -> Any:
    """DynamoDB's Decimals back to ints and floats, recursively."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _dynamo(value: Any) -> Any:
    """Floats to Decimals DynamoDB can store: rounded to 9 places, as its range stops at 1e-130."""
    if isinstance(value, float):
        return Decimal(str(round(value, 9)))
    if isinstance(value, dict):
        return {k: _dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dynamo(v) for v in value]
    return value


def get_items(keys: list[dict[str, str]]) -> dict[str, dict[str, Any]]:
    """Items of FeedbackTable by pk: one BatchGetItem per 100 keys (unprocessed ones retried)."""
    return {i["pk"]: i for i in aws.batch_get_items(get_settings().feedback_table, keys)}


def _throttle_update(
    company: str, user_id: str, sets: dict[str, Any], expires: int,
    add_unanswered: str | None = None, condition: tuple[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An Update (transaction form) of the throttle item: SET `sets`, maybe ADD a counter."""
    names = {"#ttl": TTL, "#subject": "subject"}
    values: dict[str, Any] = {":ttl": expires, ":subject": subject_key(company, user_id)}
    clauses = ["#ttl = :ttl", "#subject = :subject"]
    for i, (attr, value) in enumerate(sets.items()):
        names[f"#s{i}"], values[f":s{i}"] = attr, value
        clauses.append(f"#s{i} = :s{i}")
    expression = "SET " + ", ".join(clauses)
    if add_unanswered:
        names["#unanswered"], values[":one"] = add_unanswered, 1
        expression += " ADD #unanswered :one"
    update: dict[str, Any] = {
        "TableName": get_settings().feedback_table,
        "Key": {"pk": subject_key(company, user_id), "sk": "THROTTLE"},
        "UpdateExpression": expression,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
    if condition:
        update["ConditionExpression"] = condition[0]
        values.update(condition[1])
    return update


def _put(item: dict[str, Any], condition: str | None = "attribute_not_exists(pk)") -> dict[str, Any]:
    put: dict[str, Any] = {"TableName": get_settings().feedback_table, "Item": _dynamo(item)}
    if condition:
        put["ConditionExpression"] = condition
    return put


def _not_suppressed(suppression: dict[str, str], now: int) -> dict[str, Any]:
    """A transaction check: no live objection or restriction of this subject (privacy domain)."""
    return {"ConditionCheck": {
        "TableName": get_settings().feedback_table, "Key": suppression,
        "ConditionExpression": "(attribute_not_exists(objected_at) AND attribute_not_exists(restricted_at))"
                               " OR #ttl < :now",
        "ExpressionAttributeNames": {"#ttl": TTL}, "ExpressionAttributeValues": {":now": now}}}


def put_response(response: dict[str, Any], *, company: str, user_id: str, product: str,
                 now: int, window_start: int, throttle_expires: int,
                 idempotency: dict[str, Any] | None, suppression: dict[str, str] | None = None,
                 email_suppression: dict[str, str] | None = None) -> None:
    """Store a response, its throttle update and its idempotency record, all or nothing.

    Raises AlreadyAnsweredError when the user answered this product within the recontact
    window, IdempotencyKeyUsedError when the key was already used (the caller looks it up),
    and OptedOutError when the user, or the address the response carries, objected to or
    restricted processing.

    A transaction, not one conditional write: the response, the throttle update (one answer per
    recontact window) and the idempotency claim must all land or none (a response without its
    claim would be stored twice on a retry; one without its throttle move would let the user
    answer again), and the suppression items it checks are other items.
    """
    answered = f"p#{product}#answered_at"
    update = _throttle_update(
        company, user_id,
        {answered: now, f"p#{product}#unanswered": 0, "last_shown_at": now}, throttle_expires,
        condition=("attribute_not_exists(#ans) OR #ans < :window", {":window": window_start}))
    update["ExpressionAttributeNames"]["#ans"] = answered
    items = [{"Put": _put(response)}, {"Update": update}]
    if idempotency:
        # A key whose record outlived its TTL (deleted late, or never by moto) is free again.
        claim = _put(idempotency, "attribute_not_exists(pk) OR #ttl <= :now")
        claim["ExpressionAttributeNames"] = {"#ttl": TTL}
        claim["ExpressionAttributeValues"] = {":now": now}
        items.insert(0, {"Put": claim})
    checks = [_not_suppressed(key, now) for key in (suppression, email_suppression) if key]
    try:
        _transact(items + checks)
    except aws_transaction_cancelled() as exc:
        reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
        if idempotency and reasons and reasons[0] == "ConditionalCheckFailed":
            raise IdempotencyKeyUsedError("Idempotency-Key already used", "Idempotency-Key") from None
        if checks and "ConditionalCheckFailed" in reasons[len(items):]:
            raise OptedOutError("this user objected to or restricted processing", "user.id") from None
        if "ConditionalCheckFailed" in reasons:
            raise AlreadyAnsweredError("this user already answered a survey of this product recently",
                                       "user.id") from None
        raise


def aws_transaction_cancelled() -> type[ClientError]:
    return aws.dynamodb_client().exceptions.TransactionCanceledException  # type: ignore[no-any-return]


def _transact(items: list[dict[str, Any]]) -> None:
    aws.dynamodb_client().transact_write_items(TransactItems=items)


def get_idempotency(key_hash: str, now: datetime) -> dict[str, Any] | None:
    item = _feedback().get_item(Key={"pk": f"IDEM#{key_hash}", "sk": "IDEM"},
                                ConsistentRead=True).get("Item")
    return plain(item) if is_live(item, now) else None


# --- responses ---------------------------------------------------------------------------

def get_response(response_id: str, now: datetime) -> dict[str, Any] | None:
    item = _feedback().get_item(Key={"pk": f"RESP#{response_id}", "sk": "RESP"},
                                ConsistentRead=True).get("Item")
    return plain(item) if is_live(item, now) else None


def set_comment(response_id: str, comment: str, commented_at: int) -> None:
    try:
        _feedback().update_item(
            Key={"pk": f"RESP#{response_id}", "sk": "RESP"},
            UpdateExpression="SET #c = :c, commented_at = :t",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames={"#c": "comment"},
            ExpressionAttributeValues={":c": comment, ":t": commented_at},
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ConflictError("the response no longer exists", "response_id") from None
        raise
