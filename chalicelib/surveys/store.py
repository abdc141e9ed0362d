"""Survey storage: the only module of this domain that talks to DynamoDB.

Keys (FeedbackTable, one table for every item holding personal survey data):
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

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from chalicelib import aws, signing
from chalicelib.config import get_settings
from chalicelib.errors import ConflictError
from chalicelib.surveys.rules import ProductState, ThrottleState

TTL = "expires_at"
SUBJECT_INDEX = "by_subject"
EMAIL_INDEX = "by_email"
PRODUCT_INDEX = "by_product"
KIND_INDEX = "by_kind"


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


def _surveys() -> Any:
    return aws.table(get_settings().surveys_table)


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


# --- survey definitions (no personal data, no TTL) ---------------------------------------

def put_survey(survey: dict[str, Any]) -> None:
    _surveys().put_item(Item=_dynamo({**survey, "kind": "survey"}))


def get_survey(survey_id: str) -> dict[str, Any] | None:
    item = _surveys().get_item(Key={"survey_id": survey_id}, ConsistentRead=True).get("Item")
    return _survey_from_item(item) if item else None


def query_surveys_by_product(product: str) -> list[dict[str, Any]]:
    return _query_all(_surveys(), IndexName=PRODUCT_INDEX,
                      KeyConditionExpression=Key("product").eq(product), mapper=_survey_from_item)


def query_all_surveys() -> list[dict[str, Any]]:
    """Every survey definition, through the `kind` index: the catalogue is small."""
    return _query_all(_surveys(), IndexName=KIND_INDEX,
                      KeyConditionExpression=Key("kind").eq("survey"), mapper=_survey_from_item)


def _survey_from_item(item: dict[str, Any]) -> dict[str, Any]:
    survey = plain(item)
    survey.pop("kind", None)
    return survey


def _query_all(table: Any, mapper: Any, **kwargs: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        page = table.query(**kwargs)
        items.extend(mapper(i) for i in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


# --- throttle state ----------------------------------------------------------------------

def get_throttle(company: str, user_id: str, now: datetime,
                 suppression: dict[str, str] | None = None) -> ThrottleState:
    """One read: the user's throttle item, batched with their suppression item when given."""
    key = {"pk": subject_key(company, user_id), "sk": "THROTTLE"}
    if suppression is None:
        item = _feedback().get_item(Key=key).get("Item")
        return throttle_from_item(item or {}) if is_live(item, now) else ThrottleState()
    found = get_items([key, suppression])
    item = found.get(key["pk"])
    state = throttle_from_item(item or {}) if is_live(item, now) else ThrottleState()
    if is_suppressed(found.get(suppression["pk"]), now):
        return ThrottleState(products=state.products, last_shown_at=state.last_shown_at, opted_out=True)
    return state


def get_items(keys: list[dict[str, str]]) -> dict[str, dict[str, Any]]:
    """Items of FeedbackTable by pk: one BatchGetItem per 100 keys (plus any left unprocessed)."""
    table = get_settings().feedback_table
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(keys), 100):
        request: dict[str, Any] = {table: {"Keys": keys[start:start + 100]}}
        while request:
            page = aws.dynamodb_client().batch_get_item(RequestItems=request)
            found.update({i["pk"]: i for i in page.get("Responses", {}).get(table, [])})
            request = page.get("UnprocessedKeys") or {}
    return found


def throttle_from_item(item: dict[str, Any]) -> ThrottleState:
    products: dict[str, dict[str, Any]] = {}
    for name, value in item.items():
        if name.startswith("p#"):
            _, product, attr = name.split("#", 2)
            products.setdefault(product, {})[attr] = value
    return ThrottleState(
        products={p: _product_state(v) for p, v in products.items()},
        last_shown_at=_dt(item.get("last_shown_at")),
        opted_out=bool(item.get("opted_out", False)),
    )


def _product_state(values: dict[str, Any]) -> ProductState:
    return ProductState(
        answered_at=_dt(values.get("answered_at")),
        declined_at=_dt(values.get("declined_at")),
        shown_at=_dt(values.get("shown_at")),
        unanswered=int(values.get("unanswered", 0)),
    )


def _dt(epoch: Any) -> datetime | None:
    return datetime.fromtimestamp(int(epoch), tz=UTC) if epoch is not None else None


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


def _transact_unless_suppressed(items: list[dict[str, Any]], suppression: dict[str, str] | None,
                                now: int) -> None:
    if suppression is None:
        _transact(items)
        return
    try:
        _transact([*items, _not_suppressed(suppression, now)])
    except aws_transaction_cancelled() as exc:
        reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
        if reasons and reasons[-1] == "ConditionalCheckFailed":
            raise OptedOutError("this user objected to or restricted processing", "user.id") from None
        raise


def record_impression(company: str, user_id: str, product: str, event: dict[str, Any],
                      now: int, throttle_expires: int, suppression: dict[str, str] | None = None) -> None:
    """The banner was shown: an event item, and the throttle moves on, in one transaction."""
    update = _throttle_update(company, user_id, {f"p#{product}#shown_at": now, "last_shown_at": now},
                              throttle_expires, add_unanswered=f"p#{product}#unanswered")
    _transact_unless_suppressed([{"Put": _put(event)}, {"Update": update}], suppression, now)


def record_decline(company: str, user_id: str, product: str, event: dict[str, Any],
                   now: int, throttle_expires: int, suppression: dict[str, str] | None = None) -> None:
    """'No thanks': an event item, and the product's decline window starts."""
    update = _throttle_update(
        company, user_id,
        {f"p#{product}#declined_at": now, f"p#{product}#unanswered": 0, "last_shown_at": now},
        throttle_expires)
    _transact_unless_suppressed([{"Put": _put(event)}, {"Update": update}], suppression, now)


def put_response(response: dict[str, Any], *, company: str, user_id: str, product: str,
                 now: int, window_start: int, throttle_expires: int,
                 idempotency: dict[str, Any] | None, suppression: dict[str, str] | None = None,
                 email_suppression: dict[str, str] | None = None) -> None:
    """Store a response, its throttle update and its idempotency record, all or nothing.

    Raises AlreadyAnsweredError when the user answered this product within the recontact
    window, IdempotencyKeyUsedError when the key was already used (the caller looks it up),
    and OptedOutError when the user, or the address the response carries, objected to or
    restricted processing.
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
