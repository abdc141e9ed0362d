"""One patch of moto (pinned in requirements-dev.txt): TransactWriteItems rolls back with an undo log.

moto 5.2.5's `DynamoDBBackend.transact_write_items` deep-copies every table a transaction
touches before it starts, so that it can swap the copy back on failure. Each transaction then
costs O(items in the table): the local stack and the tests slow down as tables fill (≈0.3 s a
transaction with a few thousand items), and a rollback replaces the table object, stream shard
included, under any reader holding it. The patch keeps the same semantics with an undo log:
before an operation touches an item, the item (or its absence) is remembered, and each touched
table's stream length; a failed transaction puts those items back and drops the stream records
it wrote. Cost: O(items in the transaction). Written as moto's own method so it can go upstream.

`tests/test_moto_patch.py` fails when moto's method changes under the patch (its source is
pinned by hash) and checks the rollback semantics against moto itself.
"""
from __future__ import annotations

import copy
import hashlib
import inspect
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType

# sha256 of inspect.getsource(DynamoDBBackend.transact_write_items) in the pinned moto version.
PATCHED_SOURCE_SHA256 = "81db2cb7d94e39c90b3a2077e1f4bb41a449c558ef9b1b1e2910fdaa39978ad4"
_ORIGINAL = DynamoDBBackend.transact_write_items


def original_source_digest() -> str:
    return hashlib.sha256(inspect.getsource(_ORIGINAL).encode()).hexdigest()


class UndoLog:
    """The items a transaction touched, as they were, and each touched table's stream length."""

    def __init__(self, backend: DynamoDBBackend) -> None:
        self.backend = backend
        self.items: dict[tuple[str, Any, Any], Any] = {}
        self.stream_lengths: dict[str, int] = {}

    def remember(self, table_name: str, key: dict[str, Any]) -> None:
        table = self.backend.get_table(table_name)
        if table_name not in self.stream_lengths and table.stream_shard is not None:
            self.stream_lengths[table_name] = len(table.stream_shard.items)
        hash_value = DynamoType(key[table.hash_key_attr])
        range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
        slot = (table_name, hash_value, range_value)
        if slot not in self.items:  # the first sight is the state before the transaction
            self.items[slot] = copy.deepcopy(table.get_item(hash_value, range_value))

    def roll_back(self) -> None:
        for (table_name, hash_value, range_value), before in self.items.items():
            table = self.backend.get_table(table_name)
            if range_value is not None:
                if before is None:
                    table.items[hash_value].pop(range_value, None)
                    if not table.items[hash_value]:
                        table.items.pop(hash_value, None)
                else:
                    table.items[hash_value][range_value] = before
            elif before is None:
                table.items.pop(hash_value, None)
            else:
                table.items[hash_value] = before
        for table_name, length in self.stream_lengths.items():
            shard = self.backend.get_table(table_name).stream_shard
            if shard is not None:
                del shard.items[length:]


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """moto's transact_write_items, with an undo log instead of a deep copy of each table."""
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    undo = UndoLog(self)
    target_items: set[tuple[str, str]] = set()
    errors: list[tuple[str, str, dict[str, Any]] | tuple[None, None, None]] = []
    for item in transact_items:
        if len(list(item.keys())) > 1:
            raise TransactWriteSingleOpException
        try:
            _write_one(self, undo, target_items, item)
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            undo.roll_back()
            raise
        except ConditionalCheckFailed as e:
            errors.append(("ConditionalCheckFailed", str(e.message), getattr(e, "old_item", None)))  # type: ignore[arg-type]
        except Exception as e:  # noqa: BLE001 (moto reports any failure as a cancellation reason)
            errors.append((type(e).__name__, str(e), None))  # type: ignore[arg-type]
    if any(code is not None for code, _, _ in errors):
        undo.roll_back()
        raise TransactionCanceledException(errors)


def _write_one(backend: DynamoDBBackend, undo: UndoLog, seen: set[tuple[str, str]], item: dict[str, Any]) -> None:
    op_type, op = next(iter(item.items()))
    if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
        raise ValueError("Unsupported transaction operation")
    table_name = op["TableName"]
    key = _key_of(backend, op_type, op)
    slot = (str(table_name), str(dict(sorted(key.items()))))
    if slot in seen:  # one operation per item in a transaction
        raise MultipleTransactionsException()
    seen.add(slot)
    if op_type != "ConditionCheck":
        undo.remember(table_name, key)
    current = backend.get_item(table_name, key)
    if op.get("ConditionExpression") is not None:
        condition = get_filter_expression(
            op["ConditionExpression"], op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
        )
        if not condition.expr(current):
            wants_old = op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current
            old = current.to_json()["Attributes"] if wants_old else None
            failed = ConditionalCheckFailed(item=old)
            failed.old_item = old  # type: ignore[attr-defined]
            raise failed
    _apply(backend, op_type, op, table_name, key)


def _key_of(backend: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return dict(op["Key"])
    table = backend.get_table(op["TableName"])
    key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = op["Item"][table.range_key_attr]
    return key


def _apply(backend: DynamoDBBackend, op_type: str, op: dict[str, Any], table_name: str, key: dict[str, Any]) -> None:
    common = {
        "condition_expression": op.get("ConditionExpression"),
        "expression_attribute_names": op.get("ExpressionAttributeNames"),
        "expression_attribute_values": op.get("ExpressionAttributeValues"),
    }
    if op_type == "Put":
        backend.put_item(table_name, op["Item"], **common)
    elif op_type == "Delete":
        backend.delete_item(table_name, key, **common)
    elif op_type == "Update":
        backend.update_item(table_name, key, update_expression=op["UpdateExpression"], **common)


def apply() -> None:
    """Installs the patch (idempotent); refuses a moto whose method is not the one patched."""
    if DynamoDBBackend.transact_write_items is transact_write_items:
        return
    if original_source_digest() != PATCHED_SOURCE_SHA256:
        raise RuntimeError("moto's transact_write_items changed: review devstack/moto_patches.py")
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
